package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/zhijian-qa/zhijian/console"
	"github.com/zhijian-qa/zhijian/console/auth"
	"github.com/zhijian-qa/zhijian/store"
)

type consoleConfig struct {
	// Addr is where `zhijian serve` listens.
	Addr         string   `yaml:"addr"`
	SessionTTL   duration `yaml:"session_ttl"`
	SecureCookie bool     `yaml:"secure_cookie"`
	// Users log in with a password (bcrypt hash: zhijian serve --hash)
	// or call the API with a bearer token (its sha256, hex).
	Users []consoleUser `yaml:"users"`
}

type consoleUser struct {
	Name         string   `yaml:"name"`
	Role         string   `yaml:"role"` // admin | qa | trainer | client
	Tenants      []string `yaml:"tenants"`
	PasswordHash string   `yaml:"password_hash"`
	TokenHashes  []string `yaml:"token_hashes"`
}

func (c consoleConfig) authConfig() auth.Config {
	ac := auth.Config{SessionTTL: time.Duration(c.SessionTTL), SecureCookie: c.SecureCookie}
	for _, u := range c.Users {
		ac.Users = append(ac.Users, auth.User{Name: u.Name, Role: auth.Role(u.Role), Tenants: u.Tenants,
			PasswordHash: u.PasswordHash, TokenHashes: u.TokenHashes})
	}
	return ac
}

// newConsole builds the console over a store.
func newConsole(cc consoleConfig, st store.Store, e *env) (*console.Server, error) {
	if len(cc.Users) == 0 {
		return nil, errors.New("console.users: no users; add one with a password_hash (zhijian serve --hash prints one)")
	}
	a, err := auth.New(cc.authConfig())
	if err != nil {
		return nil, err
	}
	return console.New(console.Config{Store: st, Auth: a, Log: e.log})
}

// runServe serves the console over the configured store.
func runServe(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	path := fs.String("config", os.Getenv("ZHIJIAN_CONFIG"), "YAML configuration file (ZHIJIAN_* variables override it)")
	hash := fs.Bool("hash", false, "read a password from stdin, print its bcrypt hash for console.users and exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *hash {
		line, _ := bufio.NewReader(e.stdin).ReadString('\n')
		h, err := auth.HashPassword(strings.TrimRight(line, "\r\n"))
		if err != nil {
			fmt.Fprintf(e.stderr, "zhijian serve: %v\n", err)
			return 1
		}
		fmt.Fprintln(e.stdout, h)
		return 0
	}
	cfg, err := loadConfig(*path, os.Environ())
	if err != nil {
		fmt.Fprintf(e.stderr, "zhijian serve: %v\n", err)
		return 2
	}
	st, err := openStore(ctx, cfg.Store.URL)
	if err != nil {
		fmt.Fprintf(e.stderr, "zhijian serve: %v\n", err)
		return 1
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		fmt.Fprintf(e.stderr, "zhijian serve: migrate %s: %v\n", masked(cfg.Store.URL), err)
		return 1
	}
	c, err := newConsole(cfg.Console, st, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "zhijian serve: %v\n", err)
		return 2
	}
	ln, err := net.Listen("tcp", cfg.Console.Addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "zhijian serve: console.addr: %v\n", err)
		return 1
	}
	srv := &http.Server{Handler: c, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx) //nolint:errcheck // exiting
	}()
	fmt.Fprintf(e.stdout, "console at http://%s\n", ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(e.stderr, "zhijian serve: %v\n", err)
		return 1
	}
	return 0
}

// demoUsers are the demo's console users, one per role and a client per
// tenant, with fresh random passwords.
func demoUsers(tenants []string) ([]consoleUser, map[string]string, error) {
	passwords := map[string]string{}
	var users []consoleUser
	add := func(name, role string, tenants []string) error {
		b := make([]byte, 9)
		rand.Read(b) //nolint:errcheck // crypto/rand does not fail
		pw := base64.RawURLEncoding.EncodeToString(b)
		h, err := auth.HashPassword(pw)
		if err != nil {
			return err
		}
		passwords[name] = pw
		users = append(users, consoleUser{Name: name, Role: role, Tenants: tenants, PasswordHash: h})
		return nil
	}
	for _, u := range []struct{ name, role string }{{"admin", "admin"}, {"qa", "qa"}, {"trainer", "trainer"}} {
		if err := add(u.name, u.role, nil); err != nil {
			return nil, nil, err
		}
	}
	for _, t := range tenants {
		if err := add("client-"+t, "client", []string{t}); err != nil {
			return nil, nil, err
		}
	}
	return users, passwords, nil
}
