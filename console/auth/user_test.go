package auth

import (
	"strings"
	"testing"
)

func TestValidateAcceptsAGoodConfig(t *testing.T) {
	users := testUsers(t)
	users = append(users,
		// An admin's tenants are ignored, not an error.
		User{Name: "root", Role: Admin, Tenants: []string{"x"}, PasswordHash: hash(t, "pw")},
		// Upper-case hex is hex.
		User{Name: "cron", Role: Trainer, TokenHashes: []string{strings.ToUpper(HashToken("t2"))}},
		User{Name: "王芳", Role: QA, PasswordHash: hash(t, "pw")},
	)
	if err := Validate(users); err != nil {
		t.Fatal(err)
	}
	if err := Validate(nil); err != nil {
		t.Fatalf("no users: %v", err)
	}
}

func TestValidateNamesEveryBadField(t *testing.T) {
	pw := hash(t, "pw")
	tok := HashToken("t")
	for _, tc := range []struct {
		name  string
		users []User
		want  []string
	}{
		{"empty name", []User{{Role: QA, PasswordHash: pw}},
			[]string{"console.users[0]: name is empty"}},
		{"name with spaces at its ends", []User{{Name: " ana", Role: QA, PasswordHash: pw}},
			[]string{`console.users[0] (" ana"): name " ana" has control characters or spaces at its ends`}},
		{"name with a control character", []User{{Name: "a\nna", Role: QA, PasswordHash: pw}},
			[]string{`name "a\nna" has control characters`}},
		{"repeated name", []User{{Name: "ana", Role: QA, PasswordHash: pw}, {Name: "ana", Role: Admin, PasswordHash: pw}},
			[]string{`console.users[1] (ana): name "ana" is repeated (first at console.users[0])`}},
		{"unknown role", []User{{Name: "x", PasswordHash: pw}, {Name: "y", PasswordHash: pw}, {Name: "ana", Role: "boss", PasswordHash: pw}},
			[]string{`console.users[2] (ana): role "boss" is not admin, qa, trainer or client`, `console.users[0] (x): role "" is not`}},
		{"role in capitals", []User{{Name: "ana", Role: "Admin", PasswordHash: pw}},
			[]string{`role "Admin" is not admin, qa, trainer or client`}},
		{"client without a tenant", []User{{Name: "c", Role: Client, PasswordHash: pw}},
			[]string{"console.users[0] (c): tenants: a client has exactly one tenant, not 0"}},
		{"client with two tenants", []User{{Name: "c", Role: Client, Tenants: []string{"a", "b"}, PasswordHash: pw}},
			[]string{"a client has exactly one tenant, not 2"}},
		{"client with an empty tenant", []User{{Name: "c", Role: Client, Tenants: []string{" "}, PasswordHash: pw}},
			[]string{"console.users[0] (c): tenants[0] is empty"}},
		{"qa with an empty tenant", []User{{Name: "q", Role: QA, Tenants: []string{"a", ""}, PasswordHash: pw}},
			[]string{"console.users[0] (q): tenants[1] is empty"}},
		{"repeated tenant", []User{{Name: "q", Role: Trainer, Tenants: []string{"a", "a"}, PasswordHash: pw}},
			[]string{`tenants[1] ("a") is repeated (first at tenants[0])`}},
		{"no way to sign in", []User{{Name: "q", Role: QA}},
			[]string{"console.users[0] (q): has neither password_hash nor token_hashes"}},
		{"password hash that is not bcrypt", []User{{Name: "q", Role: QA, PasswordHash: "hunter2"}},
			[]string{"console.users[0] (q): password_hash is not a bcrypt hash"}},
		{"bcrypt hash with a bad cost", []User{{Name: "q", Role: QA, PasswordHash: strings.Replace(pw, "$04$", "$99$", 1)}},
			[]string{"password_hash is not a bcrypt hash"}},
		{"token hash too short", []User{{Name: "m", Role: QA, TokenHashes: []string{"abc123"}}},
			[]string{"console.users[0] (m): token_hashes[0] is not 64 hex characters (it has 6)"}},
		{"token hash not hex", []User{{Name: "m", Role: QA, TokenHashes: []string{tok, strings.Repeat("g", 64)}}},
			[]string{"token_hashes[1] is not 64 hex characters (it has 64)"}},
		{"token shared by two users", []User{{Name: "m", Role: QA, TokenHashes: []string{tok}}, {Name: "n", Role: QA, TokenHashes: []string{strings.ToUpper(tok)}}},
			[]string{"console.users[1] (n): token_hashes[0] is also a token of console.users[0] (m)"}},
		{"errors of several users are all reported", []User{{Name: "a", Role: "x", PasswordHash: pw}, {Name: "b", Role: Client, PasswordHash: "y"}},
			[]string{"console.users[0] (a): role", "console.users[1] (b): tenants", "console.users[1] (b): password_hash"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.users)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestValidateNeverEchoesSecrets(t *testing.T) {
	// Operators paste passwords and tokens where hashes belong.
	users := []User{{Name: "q", Role: QA, PasswordHash: "my-secret-password", TokenHashes: []string{"zj_my-secret-token"}}}
	err := Validate(users)
	if err == nil {
		t.Fatal("no error")
	}
	for _, secret := range []string{"my-secret-password", "my-secret-token"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error shows %q: %v", secret, err)
		}
	}
}

func TestValidateDoesNotChangeUsers(t *testing.T) {
	users := []User{{Name: "m", Role: QA, TokenHashes: []string{strings.ToUpper(HashToken("t"))}}}
	before := users[0].TokenHashes[0]
	Validate(users)
	if users[0].TokenHashes[0] != before {
		t.Error("Validate changed a token hash")
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"bad user", Config{Users: []User{{Name: "x", Role: "boss", PasswordHash: hash(t, "pw")}}}, `role "boss"`},
		{"negative ttl", Config{SessionTTL: -1}, "console.session_ttl (-1ns) must not be negative"},
		{"tiny ttl", Config{SessionTTL: 1}, "console.session_ttl (1ns) must be at least 1s"},
		{"negative limit", Config{LoginLimit: -1}, "console.login_limit (-1) must not be negative"},
		{"negative window", Config{LoginWindow: -1}, "console.login_window"},
		{"negative max sessions", Config{MaxSessions: -1}, "console.max_sessions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	c := Config{}.withDefaults()
	if c.SessionTTL != 12*60*60*1e9 || c.LoginLimit != 5 || c.LoginWindow != 15*60*1e9 || c.MaxSessions != 100_000 || c.Now == nil || c.ClientIP == nil {
		t.Fatalf("defaults: %+v", c)
	}
}
