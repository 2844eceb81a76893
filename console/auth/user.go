package auth

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/crypto/bcrypt"
)

// User is a console user as configured (YAML in the console's config; the
// wiring maps it).
type User struct {
	Name string
	Role Role
	// Tenants are, for qa and trainer, the assigned tenants (empty means
	// all); for a client exactly one. An admin's are ignored: admins see all.
	Tenants []string
	// PasswordHash is a bcrypt hash (see HashPassword). It may be empty for
	// a machine user that signs in with API tokens only.
	PasswordHash string
	// TokenHashes are the hex SHA-256 of the user's API tokens (see HashToken).
	TokenHashes []string
}

// Validate checks users and reports every problem, joined, each naming the
// user and field: unique non-empty names, known roles, a client with exactly
// one tenant, no empty or repeated tenants, a bcrypt hash that parses, token
// hashes of 64 hex characters that no two users share, and a way to sign
// in. It never changes users. Neither hashes nor token hashes are echoed:
// an operator may have pasted a password or token by mistake.
func Validate(users []User) error {
	var errs []error
	names := map[string]int{}
	tokens := map[string]string{}
	for i, u := range users {
		label := fmt.Sprintf("console.users[%d]", i)
		switch {
		case u.Name == "":
		case cleanName(u.Name):
			label += " (" + u.Name + ")"
		default:
			label += fmt.Sprintf(" (%q)", u.Name)
		}
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("%s: %s", label, fmt.Sprintf(format, args...)))
		}

		switch {
		case u.Name == "":
			bad("name is empty")
		case !cleanName(u.Name):
			bad("name %q has control characters or spaces at its ends", u.Name)
		}
		if j, ok := names[u.Name]; ok && u.Name != "" {
			bad("name %q is repeated (first at console.users[%d])", u.Name, j)
		} else {
			names[u.Name] = i
		}

		if !u.Role.Valid() {
			bad("role %q is not admin, qa, trainer or client", u.Role)
		}
		if u.Role == Client && len(u.Tenants) != 1 {
			bad("tenants: a client has exactly one tenant, not %d", len(u.Tenants))
		}
		if u.Role != Admin {
			seen := map[string]int{}
			for k, t := range u.Tenants {
				if strings.TrimSpace(t) == "" {
					bad("tenants[%d] is empty", k)
					continue
				}
				if first, ok := seen[t]; ok {
					bad("tenants[%d] (%q) is repeated (first at tenants[%d])", k, t, first)
					continue
				}
				seen[t] = k
			}
		}

		if u.PasswordHash == "" && len(u.TokenHashes) == 0 {
			bad("has neither password_hash nor token_hashes: the user could never sign in")
		}
		if u.PasswordHash != "" {
			if _, err := bcrypt.Cost([]byte(u.PasswordHash)); err != nil {
				bad("password_hash is not a bcrypt hash (%v); write one with `zhijian user`", err)
			}
		}
		for k, h := range u.TokenHashes {
			if !isTokenHash(h) {
				bad("token_hashes[%d] is not 64 hex characters (it has %d): write the hex sha256 of the token, not the token", k, len(h))
				continue
			}
			h = strings.ToLower(h)
			if other, ok := tokens[h]; ok {
				bad("token_hashes[%d] is also a token of %s", k, other)
				continue
			}
			tokens[h] = label
		}
	}
	return errors.Join(errs...)
}

// cleanName reports whether a user name has no control characters and no
// spaces at its ends.
func cleanName(s string) bool {
	if strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return false
		}
	}
	return true
}

func isTokenHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	_, err := hex.DecodeString(h)
	return err == nil
}
