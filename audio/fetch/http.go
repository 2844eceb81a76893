package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
)

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
