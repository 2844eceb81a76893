package auth

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestHashPasswordMakesAValidBcryptHash(t *testing.T) {
	h, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if c, err := bcrypt.Cost([]byte(h)); err != nil || c != bcrypt.DefaultCost {
		t.Fatalf("cost %d, %v", c, err)
	}
	if err := Validate([]User{{Name: "op", Role: Admin, PasswordHash: h}}); err != nil {
		t.Fatal(err)
	}
	if err := bcrypt.CompareHashAndPassword([]byte(h), []byte("correct horse")); err != nil {
		t.Fatal(err)
	}
}

func TestHashPasswordRefusesEmptyAndTooLong(t *testing.T) {
	for _, pw := range []string{"", strings.Repeat("x", 73)} {
		if _, err := HashPassword(pw); err == nil {
			t.Errorf("HashPassword(%d bytes) succeeded", len(pw))
		}
	}
}

func TestHashTokenIsHexSHA256(t *testing.T) {
	if got := HashToken("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("HashToken(abc) = %s", got)
	}
}

func TestNewTokenIsRandomAndValidates(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b || !strings.HasPrefix(a, "zj_") || len(a) != 3+43 {
		t.Fatalf("tokens %q %q", a, b)
	}
	if err := Validate([]User{{Name: "m", Role: QA, TokenHashes: []string{HashToken(a)}}}); err != nil {
		t.Fatal(err)
	}
}
