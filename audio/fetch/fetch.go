package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
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

// openFile opens a file:// URI under the root.
func (f *Fetcher) openFile(c *call, u *url.URL) (*Recording, error) {
	if f.root == "" {
		return nil, c.fail(true, nil, "file URIs are disabled because recordings.root is not set; set it to the directory holding the recordings")
	}
	if u.Opaque != "" {
		return nil, c.fail(true, nil, "a file URI must have the form file:///path (three slashes)")
	}
	if u.User != nil {
		return nil, c.fail(true, nil, "a file URI takes no user information; write file:///path")
	}
	if u.Host != "" && !strings.EqualFold(u.Host, "localhost") {
		return nil, c.fail(true, nil, "file URI names host %q; only file:///path or file://localhost/path is accepted (recordings are read from recordings.root on this machine)", u.Host)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.RawFragment != "" {
		return nil, c.fail(true, nil, "a file URI takes no query or fragment; percent-encode ? as %%3F and # as %%23 in file names")
	}
	if strings.IndexByte(u.Path, 0) >= 0 {
		return nil, c.fail(true, nil, "the path contains a NUL byte")
	}
	// Cleaning a rooted path drops every ".." that would climb above "/",
	// so the path stays under the root whatever it says.
	rel := strings.TrimPrefix(path.Clean("/"+u.Path), "/")
	show := "/" + rel
	if rel == "" {
		return nil, c.fail(true, nil, "the path names recordings.root itself, not a recording")
	}
	local := filepath.FromSlash(rel)
	if !filepath.IsLocal(local) || strings.ContainsRune(rel, '\\') && filepath.Separator == '\\' {
		return nil, c.fail(true, nil, "path %q is not a plain path under recordings.root", show)
	}

	resolved, err := filepath.EvalSymlinks(filepath.Join(f.root, local))
	if err != nil {
		return nil, f.fileErr(c, show, err)
	}
	inRoot, err := filepath.Rel(f.root, resolved)
	if err != nil || inRoot != "." && !filepath.IsLocal(inRoot) {
		return nil, c.fail(true, nil, "%q goes through a symbolic link that resolves outside recordings.root; links under the root may point only inside it, so move or copy the recording under the root", show)
	}
	fi, err := os.Stat(resolved)
	if err != nil {
		return nil, f.fileErr(c, show, err)
	}
	if fi.IsDir() {
		return nil, c.fail(true, nil, "%q is a directory, not a recording", show)
	}
	// Checked before opening: opening a FIFO would block.
	if !fi.Mode().IsRegular() {
		return nil, c.fail(true, nil, "%q is not a regular file (%s)", show, fi.Mode().Type())
	}
	if fi.Size() > f.maxBytes {
		return nil, c.tooLarge(fi.Size(), f.maxBytes)
	}
	// os.Root refuses to leave the root, so a link swapped in after the
	// check above cannot take the open outside it.
	file, err := os.OpenInRoot(f.root, inRoot)
	if err != nil {
		return nil, f.fileErr(c, show, err)
	}
	st, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, c.fail(false, err, "cannot stat %q: %v", show, pathErr(err))
	}
	if !st.Mode().IsRegular() || !os.SameFile(fi, st) {
		file.Close()
		return nil, c.fail(false, nil, "%q changed while it was being opened; retry", show)
	}
	if st.Size() > f.maxBytes {
		file.Close()
		return nil, c.tooLarge(st.Size(), f.maxBytes)
	}
	return &Recording{name: path.Base(rel), size: st.Size(), file: file, sr: io.NewSectionReader(file, 0, st.Size())}, nil
}

// fileErr classifies an error looking up or opening show under the root.
func (f *Fetcher) fileErr(c *call, show string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, rerr := os.Stat(f.root); rerr != nil {
			// The whole root is gone (an unmounted share, say): not
			// this recording's fault.
			return c.fail(false, err, "recordings.root (%s) cannot be read: %v; check that it is mounted", f.root, pathErr(rerr))
		}
		return c.fail(true, err, "%q does not exist under recordings.root (%s); check the interaction's recording.uri", show, f.root)
	case errors.Is(err, fs.ErrPermission):
		return c.fail(true, err, "permission denied reading %q; let the worker's user read it", show)
	case errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.ENAMETOOLONG), errors.Is(err, syscall.EINVAL):
		return c.fail(true, err, "%q is not a valid path under recordings.root: %v", show, pathErr(err))
	default:
		return c.fail(false, err, "cannot open %q: %v", show, pathErr(err))
	}
}

// openHTTP downloads an http(s) URI into a temporary file.
func (f *Fetcher) openHTTP(ctx context.Context, c *call, u *url.URL) (*Recording, error) {
	if len(f.hosts) == 0 {
		return nil, c.fail(true, nil, "http(s) URIs are disabled because recordings.allow_hosts is empty; list the recording server's host there")
	}
	if u.Opaque != "" || u.Host == "" {
		return nil, c.fail(true, nil, "the URI has no host; write %s://host/path", u.Scheme)
	}
	if !f.allowed(u) {
		return nil, c.fail(true, nil, "host %q is not in recordings.allow_hosts; add it there if recordings may be fetched from it", u.Host)
	}

	dctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(dctx, http.MethodGet, u.String(), nil)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, c.fail(true, err, "cannot build the request: %v", err)
	}
	req.Header.Set("User-Agent", "zhijian-fetch")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, f.downloadErr(c, ctx, dctx, err, "GET failed")
	}
	defer resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, statusErr(c, resp.StatusCode)
	}
	if resp.ContentLength > f.maxBytes {
		return nil, c.tooLarge(resp.ContentLength, f.maxBytes)
	}

	tmp, err := os.CreateTemp(f.tempDir, "zhijian-recording-*")
	if err != nil {
		return nil, c.fail(false, err, "cannot create a temporary file in recordings.temp_dir (%s): %v", f.tempDir, pathErr(err))
	}
	discard := func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}
	limit := f.maxBytes
	if limit < math.MaxInt64 {
		limit++ // one byte more than allowed tells "too large" from "exactly MaxBytes"
	}
	w := &trackingWriter{w: tmp}
	n, err := io.Copy(w, io.LimitReader(resp.Body, limit))
	switch {
	case w.err != nil:
		discard()
		return nil, c.fail(false, w.err, "cannot write the download to recordings.temp_dir (%s): %v", f.tempDir, pathErr(w.err))
	case err != nil && errors.Is(err, io.ErrUnexpectedEOF) && ctx.Err() == nil && dctx.Err() == nil:
		discard()
		return nil, c.fail(false, err, "download truncated after %d of %d bytes; retry", n, resp.ContentLength)
	case err != nil:
		discard()
		return nil, f.downloadErr(c, ctx, dctx, err, fmt.Sprintf("download failed after %d bytes", n))
	case n > f.maxBytes:
		discard()
		return nil, c.fail(true, nil, "the body is larger than recordings.max_bytes (%d bytes); raise recordings.max_bytes if recordings this long are expected", f.maxBytes)
	case resp.ContentLength >= 0 && n != resp.ContentLength:
		discard()
		return nil, c.fail(false, nil, "download truncated after %d of %d bytes; retry", n, resp.ContentLength)
	}
	return &Recording{
		name:  nameOf(u.Path),
		size:  n,
		file:  tmp,
		sr:    io.NewSectionReader(tmp, 0, n),
		spool: tmp.Name(),
	}, nil
}

// downloadErr classifies an error of the request or of reading its body.
// parent is the caller's context, dctx the one bounded by the timeout.
func (f *Fetcher) downloadErr(c *call, parent, dctx context.Context, err error, what string) error {
	var re *redirectError
	if errors.As(err, &re) {
		return c.fail(true, re, "%s", re.msg)
	}
	if perr := parent.Err(); perr != nil {
		return c.fail(false, perr, "%s: canceled: %v", what, perr)
	}
	if derr := dctx.Err(); derr != nil {
		return c.fail(false, derr, "%s: the download did not finish within recordings.timeout (%s); retry, or raise recordings.timeout for long recordings or slow servers", what, f.timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // ue.Error() repeats the URL, query included
	}
	return c.fail(false, err, "%s: %v; check that the server is reachable", what, err)
}

// statusErr reports a non-2xx answer.
func statusErr(c *call, code int) error {
	status := strconv.Itoa(code)
	if text := http.StatusText(code); text != "" {
		status += " " + text
	}
	switch {
	case code == http.StatusNotFound || code == http.StatusGone:
		return c.fail(true, nil, "the server answered %s; the recording is not at this URI, check the interaction's recording.uri", status)
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return c.fail(true, nil, "the server answered %s; check the URI's signature and expiry, or the server's access rules", status)
	case code == http.StatusRequestTimeout || code == http.StatusTooEarly || code == http.StatusTooManyRequests:
		return c.fail(false, nil, "the server answered %s; retry later", status)
	case code >= 500 && code <= 599:
		return c.fail(false, nil, "the server answered %s; retry later", status)
	default:
		return c.fail(true, nil, "the server answered %s, want 200 OK", status)
	}
}

// redirectError is a redirect the policy refuses.
type redirectError struct{ msg string }

func (e *redirectError) Error() string { return e.msg }

// checkRedirect is the client's CheckRedirect.
func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return &redirectError{fmt.Sprintf("stopped after %d redirects; give the final URI", maxRedirects)}
	}
	to := req.URL
	if to.Scheme != "http" && to.Scheme != "https" {
		return &redirectError{fmt.Sprintf("redirected to a %q URI; only http(s) redirects are followed", to.Scheme)}
	}
	if len(via) > 0 && via[len(via)-1].URL.Scheme == "https" && to.Scheme == "http" {
		return &redirectError{"redirected from https to plain http; refused, fix the server or give the final https URI"}
	}
	if !f.allowed(to) {
		return &redirectError{fmt.Sprintf("redirected to host %q, which is not in recordings.allow_hosts; add it there or give the final URI", to.Host)}
	}
	return nil
}

// hostRule is one entry of AllowHosts.
type hostRule struct {
	host     string // lower case, no brackets or trailing dot; for a wildcard the parent domain
	wildcard bool   // allows the subdomains of host, not host itself
	port     string // "" allows any port
}

func parseHostRule(s string) (hostRule, error) {
	if s == "" {
		return hostRule{}, errors.New("empty host")
	}
	if strings.ContainsAny(s, "/?#@ \t\r\n") {
		return hostRule{}, errors.New("want a host or host:port, not a URL (no scheme, path, user or spaces)")
	}
	var r hostRule
	h := s
	if rest, ok := strings.CutPrefix(h, "*."); ok {
		r.wildcard = true
		h = rest
	}
	switch {
	case strings.HasPrefix(h, "["): // [v6] or [v6]:port
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return hostRule{}, errors.New("unclosed [ in IPv6 address")
		}
		rest := h[end+1:]
		h = h[1:end]
		if rest != "" {
			p, ok := strings.CutPrefix(rest, ":")
			if !ok {
				return hostRule{}, errors.New("want [ipv6] or [ipv6]:port")
			}
			r.port = p
		}
	case strings.Count(h, ":") == 1:
		h, r.port, _ = strings.Cut(h, ":")
	}
	if r.port != "" || strings.HasSuffix(s, ":") {
		if n, err := strconv.Atoi(r.port); err != nil || n < 1 || n > 65535 || r.port != strconv.Itoa(n) {
			return hostRule{}, fmt.Errorf("port %q must be a number from 1 to 65535", r.port)
		}
	}
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	if h == "" {
		return hostRule{}, errors.New("empty host")
	}
	if strings.Contains(h, "*") {
		return hostRule{}, errors.New(`"*" is allowed only as a leading "*." (subdomains)`)
	}
	r.host = h
	return r, nil
}

func (r hostRule) match(host, port string) bool {
	if r.port != "" && r.port != port {
		return false
	}
	if r.wildcard {
		return len(host) > len(r.host)+1 && strings.HasSuffix(host, "."+r.host)
	}
	return host == r.host
}

// allowed reports whether u's host is in AllowHosts.
func (f *Fetcher) allowed(u *url.URL) bool {
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return false
	}
	port := u.Port()
	if port == "" {
		switch u.Scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	for _, r := range f.hosts {
		if r.match(host, port) {
			return true
		}
	}
	return false
}

// trackingWriter remembers a write error, so that a full disk is told
// apart from a failed download.
type trackingWriter struct {
	w   io.Writer
	err error
}

func (t *trackingWriter) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	if err != nil {
		t.err = err
	}
	return n, err
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
