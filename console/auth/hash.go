package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// maxPasswordLen is bcrypt's limit: it ignores bytes past the 72nd.
const maxPasswordLen = 72

// HashPassword returns the bcrypt hash of pw (bcrypt.DefaultCost) for the
// config's password_hash. Empty passwords and passwords longer than 72 bytes
// are refused.
func HashPassword(pw string) (string, error) {
	if pw == "" {
		return "", errors.New("empty password")
	}
	if len(pw) > maxPasswordLen {
		return "", fmt.Errorf("password has %d bytes; bcrypt uses at most %d", len(pw), maxPasswordLen)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// HashToken returns the hex SHA-256 of an API token, the form the config's
// token_hashes hold. Tokens are long random strings, so a fast hash is enough.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewToken returns a new random API token (32 bytes, URL-safe base64, with
// the prefix "zj_" so that secret scanners can recognise it).
func NewToken() string {
	return "zj_" + randomString()
}

// randomString returns 32 random bytes in URL-safe base64 (43 characters).
func randomString() string {
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand since Go 1.24)
	return base64.RawURLEncoding.EncodeToString(b[:])
}
