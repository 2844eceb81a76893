package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Defaults of Config.
const (
	DefaultMaxBytes = 200 << 20 // 200 MiB
	DefaultTimeout  = 60 * time.Second
)

// maxRedirects bounds the redirects followed for one download.
const maxRedirects = 3

// Config is the fetch policy. Field paths in errors use the "recordings."
// prefix of the pipeline's configuration file.
type Config struct {
	// Root is the directory file:// URIs are resolved in, as if it were
	// "/": file:///calls/c1.wav is Root/calls/c1.wav. Empty: file:// URIs
	// are refused.
	Root string
	// AllowHosts are the hosts http(s) URIs may name: "host" (any port)
	// or "host:port" (that port only), exact and case-insensitive; a
	// leading "*." allows the subdomains ("*.example.com" allows
	// a.example.com, not example.com itself). Empty: http(s) URIs are
	// refused.
	AllowHosts []string
	// MaxBytes is the largest recording accepted; default 200 MiB.
	MaxBytes int64
	// Timeout bounds a whole download, body included; default 60 s.
	Timeout time.Duration
	// TempDir is where downloads are spooled; default os.TempDir().
	TempDir string
	// Client makes the requests; default a client with connect, TLS and
	// header timeouts. Whatever the client, New installs a redirect check
	// that follows at most 3 redirects, only to hosts in AllowHosts and
	// never from https to http (a CheckRedirect of the given client still
	// runs after it). The given client is copied, not changed.
	Client *http.Client
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	if c.MaxBytes == 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.TempDir == "" {
		c.TempDir = os.TempDir()
	}
	return c
}

// Validate reports every problem of a config with defaults applied. It
// does not change c; it reads the file system to check Root and TempDir.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if c.Root != "" {
		if _, err := resolveRoot(c.Root); err != nil {
			errs = append(errs, err)
		}
	}
	for i, h := range c.AllowHosts {
		if _, err := parseHostRule(h); err != nil {
			bad("recordings.allow_hosts[%d] (%q): %v", i, h, err)
		}
	}
	if c.MaxBytes <= 0 {
		bad("recordings.max_bytes (%d) must be positive", c.MaxBytes)
	}
	if c.Timeout <= 0 {
		bad("recordings.timeout (%s) must be positive", c.Timeout)
	}
	// The spool directory matters only when downloads are enabled.
	if len(c.AllowHosts) > 0 {
		if c.TempDir == "" {
			bad("recordings.temp_dir is required when recordings.allow_hosts is set")
		} else if fi, err := os.Stat(c.TempDir); err != nil {
			bad("recordings.temp_dir (%q): %v; set it to a writable directory", c.TempDir, pathErr(err))
		} else if !fi.IsDir() {
			bad("recordings.temp_dir (%q) is not a directory", c.TempDir)
		}
	}
	return errors.Join(errs...)
}

// resolveRoot makes root absolute and resolves its symbolic links once, so
// that resolved recording paths can be compared with it.
func resolveRoot(root string) (string, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("recordings.root (%q): %v", root, err)
	}
	dir, err := filepath.EvalSymlinks(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("recordings.root (%q) does not exist; set it to the directory holding the call recordings", root)
	} else if err != nil {
		return "", fmt.Errorf("recordings.root (%q): %v", root, pathErr(err))
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("recordings.root (%q): %v", root, pathErr(err))
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("recordings.root (%q) is not a directory; set it to the directory holding the call recordings", root)
	}
	return dir, nil
}

// Fetcher opens recordings under one Config. It is safe for concurrent use.
type Fetcher struct {
	root     string // absolute, symlinks resolved; "" disables file URIs
	hosts    []hostRule
	maxBytes int64
	timeout  time.Duration
	tempDir  string
	client   *http.Client
}

// New checks cfg (with defaults applied) and returns a Fetcher. Its
// errors name the field: "recordings.root (\"/srv/rec\") does not exist; ...".
func New(cfg Config) (*Fetcher, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	f := &Fetcher{maxBytes: cfg.MaxBytes, timeout: cfg.Timeout, tempDir: cfg.TempDir}
	if cfg.Root != "" {
		root, err := resolveRoot(cfg.Root)
		if err != nil {
			return nil, err
		}
		f.root = root
	}
	for _, h := range cfg.AllowHosts {
		r, err := parseHostRule(h)
		if err != nil { // Validate has seen it; kept for safety.
			return nil, fmt.Errorf("recordings.allow_hosts (%q): %v", h, err)
		}
		f.hosts = append(f.hosts, r)
	}

	var c http.Client
	if cfg.Client != nil {
		c = *cfg.Client
	} else {
		c.Transport = defaultTransport()
	}
	next := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := f.checkRedirect(req, via); err != nil {
			return err
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
	f.client = &c
	return f, nil
}

// defaultTransport bounds each phase of a request; Config.Timeout bounds
// the whole download through the request's context.
func defaultTransport() *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          32,
		MaxIdleConnsPerHost:   8,
	}
}

// Recording is an opened recording: a seekable reader of known size.
// Close releases it (and removes a spooled download). Read and Seek share
// one offset and must not be called concurrently; ReadAt may be.
type Recording struct {
	name   string
	size   int64
	file   *os.File
	sr     *io.SectionReader
	spool  string // temporary file to remove on Close; "" for file URIs
	closed bool
}

// Read reads from the current offset.
func (r *Recording) Read(p []byte) (int, error) { return r.sr.Read(p) }

// Seek sets the offset for the next Read.
func (r *Recording) Seek(off int64, whence int) (int64, error) { return r.sr.Seek(off, whence) }

// ReadAt reads len(p) bytes at off; it does not move the offset.
func (r *Recording) ReadAt(p []byte, off int64) (int, error) { return r.sr.ReadAt(p, off) }

// Size is the recording's length in bytes.
func (r *Recording) Size() int64 { return r.size }

// Name is the base name of the URI's path ("c1.wav"), or "" when the path
// has none.
func (r *Recording) Name() string { return r.name }

// Close releases the file and removes a spooled download. It is
// idempotent.
func (r *Recording) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	err := r.file.Close()
	if r.spool != "" {
		if rerr := os.Remove(r.spool); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			err = errors.Join(err, rerr)
		}
	}
	return err
}

// Open opens the recording uri names under the Fetcher's policy. An http(s)
// recording is downloaded completely before Open returns.
func (f *Fetcher) Open(ctx context.Context, uri string) (*Recording, error) {
	c := newCall(uri)
	if f == nil {
		return nil, c.fail(true, nil, "no Fetcher; build one with fetch.New")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return nil, c.fail(false, err, "not opened: %v", err)
	}
	if strings.TrimSpace(uri) == "" {
		return nil, c.fail(true, nil, "empty URI; the interaction's recording.uri must name the recording (file:///path or https://host/path)")
	}
	u, err := url.Parse(uri)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // ue.Error() repeats the whole URI, query included
		}
		return nil, c.fail(true, err, "not a valid URI: %v", err)
	}
	switch u.Scheme {
	case "file":
		return f.openFile(c, u)
	case "http", "https":
		return f.openHTTP(ctx, c, u)
	case "":
		return nil, c.fail(true, nil, "not an absolute URI; write file:///path (under recordings.root) or https://host/path")
	case "s3", "gs", "az", "abfs", "abfss", "wasb", "wasbs":
		return nil, c.fail(true, nil, "%s URIs are not supported; give a presigned https URL of the object and list its host in recordings.allow_hosts", u.Scheme)
	case "data":
		return nil, c.fail(true, nil, "data URIs are not accepted (audio must not travel in the interaction); store the recording and give its file:// or https:// URI")
	default:
		return nil, c.fail(true, nil, "scheme %q is not supported; use file:// (under recordings.root) or http(s):// (hosts in recordings.allow_hosts)", u.Scheme)
	}
}

// nameOf is the base name of a URI path, "" when it has none.
func nameOf(p string) string {
	b := path.Base(p)
	if b == "." || b == "/" {
		return ""
	}
	return b
}

// pathErr drops the path an *fs.PathError repeats, for messages that name
// the file themselves.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// fetchError is every error Open returns.
type fetchError struct {
	msg       string
	permanent bool
	cause     error
}

func (e *fetchError) Error() string { return e.msg }
func (e *fetchError) Unwrap() error { return e.cause }

// Permanent reports whether err will not go away on retry (bad URI,
// refused host, too large, not found, 4xx), as opposed to timeouts,
// connection errors and 5xx/429, which a caller may retry.
func Permanent(err error) bool {
	var e *fetchError
	return errors.As(err, &e) && e.permanent
}

// call is one Open: the URI as errors show it and the secrets they must
// not repeat.
type call struct {
	shown   string
	secrets []string
}

func newCall(uri string) *call {
	shown, secrets := redact(uri)
	return &call{shown: shown, secrets: secrets}
}

// fail builds an error "recording <uri>: <message>" wrapping cause.
func (c *call) fail(permanent bool, cause error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	for _, s := range c.secrets {
		msg = strings.ReplaceAll(msg, s, "REDACTED")
	}
	return &fetchError{msg: "recording " + c.shown + ": " + msg, permanent: permanent, cause: cause}
}

func (c *call) tooLarge(size, max int64) error {
	return c.fail(true, nil, "%d bytes is over recordings.max_bytes (%d); raise recordings.max_bytes if recordings this long are expected", size, max)
}

// maxShown bounds the URI in messages.
const maxShown = 256

// redact returns uri as errors show it, with user information masked and
// the query and fragment replaced, and the parts hidden, so that messages
// built from other errors can be scrubbed of them too. It works on the
// raw string, so a URI that does not parse is masked as well.
func redact(uri string) (shown string, secrets []string) {
	s := uri
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		rest := s[i+1:]
		if q, frag, ok := strings.Cut(rest, "#"); ok && s[i] == '?' {
			secrets = append(secrets, q, frag)
		} else {
			secrets = append(secrets, rest)
		}
		s = s[:i+1] + "REDACTED"
	}
	// User information: between "scheme:" (and an optional "//") and the
	// last "@" before the path.
	afterScheme := 0
	if i := strings.IndexByte(s, ':'); i > 0 && isScheme(s[:i]) {
		afterScheme = i + 1
	}
	auth := s[afterScheme:]
	start := afterScheme
	if strings.HasPrefix(auth, "//") {
		auth = auth[2:]
		start += 2
	}
	if end := strings.IndexByte(auth, '/'); end >= 0 {
		auth = auth[:end]
	}
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		user := auth[:at]
		secrets = append(secrets, user)
		if _, pw, ok := strings.Cut(user, ":"); ok {
			secrets = append(secrets, pw)
		}
		s = s[:start] + "xxxxx" + s[start+at:]
	}

	// Short strings ("a", "80") would mangle messages when scrubbed and
	// are not credentials worth hiding.
	kept := secrets[:0]
	for _, sec := range secrets {
		if len(sec) >= 4 {
			kept = append(kept, sec)
		}
	}
	if len(s) > maxShown {
		s = s[:maxShown] + "..."
	}
	if needsQuote(s) {
		s = strconv.Quote(s)
	}
	return s, kept
}

// isScheme reports whether s is a URI scheme: a letter, then letters,
// digits, "+", "-" or ".".
func isScheme(s string) bool {
	for i, r := range s {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
		case i > 0 && ('0' <= r && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// needsQuote reports whether s would be unclear in a message as is.
func needsQuote(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) || r == '"' {
			return true
		}
	}
	return false
}
