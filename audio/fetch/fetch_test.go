package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const secret = "TOP-SECRET: this file lies outside recordings.root"

// layout is a recordings root next to a secret file outside it:
//
//	dir/secret.txt         the secret
//	dir/outside/x.wav      another file outside the root
//	dir/root/calls/c1.wav  a recording
type layout struct {
	dir, root, secretPath string
	recording             []byte
}

func newLayout(t testing.TB, dir string) layout {
	t.Helper()
	l := layout{dir: dir, root: filepath.Join(dir, "root"), secretPath: filepath.Join(dir, "secret.txt"),
		recording: []byte("RIFF....WAVEfmt call one")}
	mustMkdir(t, filepath.Join(l.root, "calls"))
	mustMkdir(t, filepath.Join(dir, "outside"))
	mustWrite(t, l.secretPath, []byte(secret))
	mustWrite(t, filepath.Join(dir, "outside", "x.wav"), []byte(secret))
	mustWrite(t, filepath.Join(l.root, "calls", "c1.wav"), l.recording)
	return l
}

func mustMkdir(t testing.TB, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func mustWrite(t testing.TB, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustSymlink(t testing.TB, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
}

func newFetcher(t testing.TB, cfg Config) *Fetcher {
	t.Helper()
	f, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return f
}

// readAll reads a recording whole and closes it.
func readAll(t testing.TB, r *Recording) []byte {
	t.Helper()
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return b
}

// openErr opens uri, expects an error and checks its prefix and the words
// it must contain.
func openErr(t *testing.T, f *Fetcher, uri string, want ...string) error {
	t.Helper()
	r, err := f.Open(context.Background(), uri)
	if err == nil {
		b := readAll(t, r)
		t.Fatalf("Open(%q) = recording %q, want an error", uri, b)
	}
	if !strings.HasPrefix(err.Error(), "recording ") {
		t.Errorf("error %q does not start with \"recording \"", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	return err
}

func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// --- file:// ---

func TestFileInsideRootOpensWithContentAndSize(t *testing.T) {
	l := newLayout(t, t.TempDir())
	f := newFetcher(t, Config{Root: l.root})
	for _, uri := range []string{"file:///calls/c1.wav", "file://localhost/calls/c1.wav", "file://LOCALHOST/calls/%63%31.wav", "file:///calls//./c1.wav"} {
		r, err := f.Open(context.Background(), uri)
		if err != nil {
			t.Fatalf("Open(%q): %v", uri, err)
		}
		if r.Size() != int64(len(l.recording)) || r.Name() != "c1.wav" {
			t.Errorf("Open(%q): Size %d Name %q, want %d c1.wav", uri, r.Size(), r.Name(), len(l.recording))
		}
		if got := readAll(t, r); !bytes.Equal(got, l.recording) {
			t.Errorf("Open(%q) read %q, want %q", uri, got, l.recording)
		}
	}
}

func TestRecordingSeeksAndReadsAt(t *testing.T) {
	l := newLayout(t, t.TempDir())
	r, err := newFetcher(t, Config{Root: l.root}).Open(context.Background(), "file:///calls/c1.wav")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if pos, err := r.Seek(-4, io.SeekEnd); err != nil || pos != r.Size()-4 {
		t.Fatalf("Seek = %d, %v", pos, err)
	}
	tail, _ := io.ReadAll(r)
	if string(tail) != " one" {
		t.Errorf("tail %q, want %q", tail, " one")
	}
	buf := make([]byte, 4)
	if _, err := r.ReadAt(buf, 0); err != nil || string(buf) != "RIFF" {
		t.Errorf("ReadAt = %q, %v", buf, err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestFileDotDotNeverClimbsOutOfRoot(t *testing.T) {
	l := newLayout(t, t.TempDir())
	f := newFetcher(t, Config{Root: l.root})
	for _, uri := range []string{
		"file:///../secret.txt",
		"file:///../../../../../../secret.txt",
		"file:///calls/../../secret.txt",
		"file:///%2e%2e/secret.txt",
		"file:///%2E%2E%2Fsecret.txt",
		"file:///..%2f..%2fsecret.txt",
		"file://localhost/../outside/x.wav",
		"file:///calls/%2e%2e/%2e%2e/outside/x.wav",
	} {
		err := openErr(t, f, uri, "does not exist under recordings.root")
		if !Permanent(err) || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open(%q): Permanent %v, ErrNotExist %v, want both", uri, Permanent(err), errors.Is(err, fs.ErrNotExist))
		}
	}

	// With a file of that name inside the root, ".." lands on it.
	mustWrite(t, filepath.Join(l.root, "secret.txt"), []byte("inside"))
	for _, uri := range []string{"file:///../secret.txt", "file:///%2e%2e/%2e%2e/secret.txt"} {
		r, err := f.Open(context.Background(), uri)
		if err != nil {
			t.Fatalf("Open(%q): %v", uri, err)
		}
		if got := readAll(t, r); string(got) != "inside" {
			t.Errorf("Open(%q) read %q, want the file inside the root", uri, got)
		}
	}
}

func TestFileAbsolutePathOutsideRootResolvesUnderRoot(t *testing.T) {
	l := newLayout(t, t.TempDir())
	f := newFetcher(t, Config{Root: l.root})
	uri := (&url.URL{Scheme: "file", Path: filepath.ToSlash(l.secretPath)}).String()
	err := openErr(t, f, uri, "does not exist under recordings.root")
	if !Permanent(err) {
		t.Errorf("not permanent: %v", err)
	}
}

func TestFileSymlinkPointingOutsideRootRefused(t *testing.T) {
	l := newLayout(t, t.TempDir())
	mustSymlink(t, l.secretPath, filepath.Join(l.root, "calls", "evil.wav"))
	mustSymlink(t, filepath.Join("..", "..", "outside"), filepath.Join(l.root, "calls", "out"))
	f := newFetcher(t, Config{Root: l.root})
	for _, uri := range []string{"file:///calls/evil.wav", "file:///calls/out/x.wav"} {
		err := openErr(t, f, uri, "symbolic link", "outside recordings.root")
		if !Permanent(err) {
			t.Errorf("Open(%q) not permanent: %v", uri, err)
		}
	}
}

func TestFileSymlinkPointingInsideRootFollowed(t *testing.T) {
	l := newLayout(t, t.TempDir())
	mustSymlink(t, "c1.wav", filepath.Join(l.root, "calls", "latest.wav"))
	mustSymlink(t, "calls", filepath.Join(l.root, "alias"))
	f := newFetcher(t, Config{Root: l.root})
	for _, uri := range []string{"file:///calls/latest.wav", "file:///alias/c1.wav", "file:///alias/latest.wav"} {
		r, err := f.Open(context.Background(), uri)
		if err != nil {
			t.Fatalf("Open(%q): %v", uri, err)
		}
		if got := readAll(t, r); !bytes.Equal(got, l.recording) {
			t.Errorf("Open(%q) read %q", uri, got)
		}
	}
}

func TestRootBehindSymlinkWorks(t *testing.T) {
	l := newLayout(t, t.TempDir())
	link := filepath.Join(l.dir, "rootlink")
	mustSymlink(t, l.root, link)
	r, err := newFetcher(t, Config{Root: link}).Open(context.Background(), "file:///calls/c1.wav")
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, r); !bytes.Equal(got, l.recording) {
		t.Errorf("read %q", got)
	}
}

func TestFileDirectoryRefused(t *testing.T) {
	l := newLayout(t, t.TempDir())
	f := newFetcher(t, Config{Root: l.root})
	for _, uri := range []string{"file:///calls", "file:///calls/"} {
		if err := openErr(t, f, uri, "is a directory"); !Permanent(err) {
			t.Errorf("not permanent: %v", err)
		}
	}
	for _, uri := range []string{"file:///", "file://", "file:///..", "file:///%2e%2e/"} {
		openErr(t, f, uri, "recordings.root itself")
	}
}

func TestFileMissingIsPermanent(t *testing.T) {
	l := newLayout(t, t.TempDir())
	f := newFetcher(t, Config{Root: l.root})
	for _, uri := range []string{"file:///calls/nope.wav", "file:///calls/c1.wav/x"} {
		err := openErr(t, f, uri, "recording "+uri+": ")
		if !Permanent(err) {
			t.Errorf("Open(%q) not permanent: %v", uri, err)
		}
	}
}

func TestFileOverMaxBytesRefused(t *testing.T) {
	l := newLayout(t, t.TempDir())
	f := newFetcher(t, Config{Root: l.root, MaxBytes: 10})
	err := openErr(t, f, "file:///calls/c1.wav", "over recordings.max_bytes (10)")
	if !Permanent(err) {
		t.Errorf("not permanent: %v", err)
	}
	// Exactly MaxBytes is accepted.
	f = newFetcher(t, Config{Root: l.root, MaxBytes: int64(len(l.recording))})
	r, err := f.Open(context.Background(), "file:///calls/c1.wav")
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
}

func TestFileURIsRefusedWithoutRoot(t *testing.T) {
	f := newFetcher(t, Config{})
	if err := openErr(t, f, "file:///calls/c1.wav", "recordings.root is not set"); !Permanent(err) {
		t.Errorf("not permanent: %v", err)
	}
}

func TestFileURIsRefusedForOtherShapes(t *testing.T) {
	l := newLayout(t, t.TempDir())
	f := newFetcher(t, Config{Root: l.root})
	for uri, want := range map[string]string{
		"file://fileserver/calls/c1.wav": `names host "fileserver"`,
		"file://localhost:80/calls/c1":   "names host",
		"file://u@/calls/c1.wav":         "no user information",
		"file:calls/c1.wav":              "file:///path",
		"file:///calls/c1.wav?x=1":       "no query or fragment",
		"file:///calls/c1.wav#t=1":       "no query or fragment",
		"file:///calls/c1.wav%00.txt":    "NUL",
	} {
		if err := openErr(t, f, uri, want); !Permanent(err) {
			t.Errorf("Open(%q) not permanent: %v", uri, err)
		}
	}
}

// --- other schemes ---

func TestUnsupportedURIsRefused(t *testing.T) {
	l := newLayout(t, t.TempDir())
	f := newFetcher(t, Config{Root: l.root, AllowHosts: []string{"recordings.example.com"}})
	for uri, want := range map[string]string{
		"":                          "empty URI",
		"   ":                       "empty URI",
		"calls/c1.wav":              "not an absolute URI",
		"/calls/c1.wav":             "not an absolute URI",
		"ftp://h/c1.wav":            `scheme "ftp" is not supported`,
		"s3://bucket/c1.wav":        "presigned https URL",
		"data:audio/wav;base64,AAA": "data URIs are not accepted",
		"http:///c1.wav":            "no host",
		"https:c1.wav":              "no host",
		"http://[::1":               "not a valid URI",
		"https://h/%zz":             "not a valid URI",
	} {
		if err := openErr(t, f, uri, want); !Permanent(err) {
			t.Errorf("Open(%q) not permanent: %v", uri, err)
		}
	}
}

// --- http(s) ---

// server is an httptest server that counts its requests.
type server struct {
	*httptest.Server
	requests atomic.Int64
}

func newServer(t *testing.T, h http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) host() string { return strings.TrimPrefix(s.URL, "http://") }

// httpFetcher allows only s and spools into its own temporary directory.
func httpFetcher(t *testing.T, s *server, cfg Config) (*Fetcher, string) {
	t.Helper()
	cfg.AllowHosts = append(cfg.AllowHosts, s.host())
	if cfg.TempDir == "" {
		cfg.TempDir = t.TempDir()
	}
	return newFetcher(t, cfg), cfg.TempDir
}

func TestHTTPAllowedHostDownloadsAndCloseRemovesSpool(t *testing.T) {
	audio := bytes.Repeat([]byte("0123456789abcdef"), 10_000)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/2026/11/c1.wav" {
			http.NotFound(w, r)
			return
		}
		w.Write(audio)
	})
	f, tmp := httpFetcher(t, s, Config{})
	r, err := f.Open(context.Background(), s.URL+"/2026/11/c1.wav")
	if err != nil {
		t.Fatal(err)
	}
	if r.Size() != int64(len(audio)) || r.Name() != "c1.wav" {
		t.Errorf("Size %d Name %q, want %d c1.wav", r.Size(), r.Name(), len(audio))
	}
	if n := len(tempFiles(t, tmp)); n != 1 {
		t.Errorf("%d spooled files while open, want 1", n)
	}
	if got := readAll(t, r); !bytes.Equal(got, audio) {
		t.Errorf("read %d bytes, want the %d served", len(got), len(audio))
	}
	if left := tempFiles(t, tmp); len(left) != 0 {
		t.Errorf("temp dir holds %v after Close, want nothing", left)
	}
}

func TestHTTPHostRulesAllowWildcardCaseAndPort(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	port := s.URL[strings.LastIndexByte(s.URL, ':')+1:]
	for _, allow := range []string{"127.0.0.1", "127.0.0.1:" + port, "LOCALHOST", "localhost:" + port} {
		f := newFetcher(t, Config{AllowHosts: []string{allow}, TempDir: t.TempDir()})
		for _, uri := range []string{"http://127.0.0.1:" + port + "/a.wav", "http://localhost:" + port + "/a.wav"} {
			want := strings.Contains(uri, strings.ToLower(strings.Split(allow, ":")[0]))
			r, err := f.Open(context.Background(), uri)
			if want && err != nil {
				t.Errorf("allow %q: Open(%q): %v", allow, uri, err)
			}
			if !want && err == nil {
				t.Errorf("allow %q: Open(%q) succeeded, want refused", allow, uri)
			}
			if err == nil {
				r.Close()
			}
		}
	}
}

func TestHTTPHostNotAllowedSendsNoRequest(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "audio") })
	port := s.URL[strings.LastIndexByte(s.URL, ':')+1:]
	f := newFetcher(t, Config{AllowHosts: []string{"recordings.example.com", "*.example.com", "127.0.0.1:1"}})
	for _, uri := range []string{s.URL + "/c1.wav", "http://localhost:" + port + "/c1.wav", "https://example.com/c1.wav"} {
		err := openErr(t, f, uri, "is not in recordings.allow_hosts")
		if !Permanent(err) {
			t.Errorf("Open(%q) not permanent: %v", uri, err)
		}
	}
	if n := s.requests.Load(); n != 0 {
		t.Errorf("%d requests reached the server, want 0", n)
	}
	if err := openErr(t, newFetcher(t, Config{}), s.URL+"/c1.wav", "recordings.allow_hosts is empty"); !Permanent(err) {
		t.Errorf("not permanent: %v", err)
	}
}

func TestHTTPStatusDecidesPermanence(t *testing.T) {
	for _, tc := range []struct {
		code      int
		permanent bool
	}{
		{http.StatusNotFound, true},
		{http.StatusForbidden, true},
		{http.StatusBadRequest, true},
		{http.StatusInternalServerError, false},
		{http.StatusServiceUnavailable, false},
		{http.StatusTooManyRequests, false},
		{http.StatusRequestTimeout, false},
	} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			s := newServer(t, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", tc.code) })
			f, tmp := httpFetcher(t, s, Config{})
			err := openErr(t, f, s.URL+"/c1.wav", fmt.Sprint(tc.code), http.StatusText(tc.code))
			if Permanent(err) != tc.permanent {
				t.Errorf("Permanent = %v, want %v (%v)", Permanent(err), tc.permanent, err)
			}
			if left := tempFiles(t, tmp); len(left) != 0 {
				t.Errorf("temp dir holds %v", left)
			}
		})
	}
}

func TestHTTPContentLengthOverMaxRefusedBeforeReading(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5000")
		w.Write(make([]byte, 5000))
	})
	f, tmp := httpFetcher(t, s, Config{MaxBytes: 1000})
	err := openErr(t, f, s.URL+"/c1.wav", "5000 bytes is over recordings.max_bytes (1000)")
	if !Permanent(err) {
		t.Errorf("not permanent: %v", err)
	}
	if left := tempFiles(t, tmp); len(left) != 0 {
		t.Errorf("temp dir holds %v", left)
	}
}

func TestHTTPChunkedBodyOverMaxRefusedAndSpoolRemoved(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.(http.Flusher).Flush() // no Content-Length: chunked
		for range 8 {
			if _, err := w.Write(make([]byte, 512)); err != nil {
				return
			}
		}
	})
	f, tmp := httpFetcher(t, s, Config{MaxBytes: 1000})
	err := openErr(t, f, s.URL+"/c1.wav", "larger than recordings.max_bytes (1000 bytes)")
	if !Permanent(err) {
		t.Errorf("not permanent: %v", err)
	}
	if left := tempFiles(t, tmp); len(left) != 0 {
		t.Errorf("temp dir holds %v", left)
	}

	// Exactly MaxBytes, chunked, is accepted.
	f, _ = httpFetcher(t, s, Config{MaxBytes: 4096})
	r, err := f.Open(context.Background(), s.URL+"/c1.wav")
	if err != nil {
		t.Fatal(err)
	}
	if r.Size() != 4096 {
		t.Errorf("Size %d, want 4096", r.Size())
	}
	r.Close()
}

func TestHTTPTruncatedBodyIsAnError(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.Write([]byte("0123456789"))
	})
	f, tmp := httpFetcher(t, s, Config{})
	err := openErr(t, f, s.URL+"/c1.wav", "truncated")
	if Permanent(err) {
		t.Errorf("a truncated download is worth retrying: %v", err)
	}
	if left := tempFiles(t, tmp); len(left) != 0 {
		t.Errorf("temp dir holds %v", left)
	}
}

func TestHTTPRedirectToDisallowedHostRefused(t *testing.T) {
	other := newServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "elsewhere") })
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/c1.wav?sig=abcdef123", http.StatusFound)
	})
	f, _ := httpFetcher(t, s, Config{})
	err := openErr(t, f, s.URL+"/c1.wav", "redirected to host", "not in recordings.allow_hosts")
	if !Permanent(err) {
		t.Errorf("not permanent: %v", err)
	}
	if strings.Contains(err.Error(), "abcdef123") {
		t.Errorf("error repeats the redirect's query: %v", err)
	}
	if n := other.requests.Load(); n != 0 {
		t.Errorf("%d requests reached the disallowed host", n)
	}
}

func TestHTTPRedirectsFollowedWithinAllowHostsAtMostThree(t *testing.T) {
	var s *server
	s = newServer(t, func(w http.ResponseWriter, r *http.Request) {
		var hops int
		fmt.Sscanf(r.URL.Query().Get("hops"), "%d", &hops)
		if hops > 0 {
			http.Redirect(w, r, fmt.Sprintf("%s/c1.wav?hops=%d", s.URL, hops-1), http.StatusFound)
			return
		}
		io.WriteString(w, "audio")
	})
	f, _ := httpFetcher(t, s, Config{})
	r, err := f.Open(context.Background(), s.URL+"/c1.wav?hops=3")
	if err != nil {
		t.Fatalf("3 redirects: %v", err)
	}
	if got := readAll(t, r); string(got) != "audio" {
		t.Errorf("read %q", got)
	}
	if err := openErr(t, f, s.URL+"/c1.wav?hops=4", "stopped after 3 redirects"); !Permanent(err) {
		t.Errorf("not permanent: %v", err)
	}
}

func TestHTTPTimeoutIsRetryable(t *testing.T) {
	for _, phase := range []string{"headers", "body"} {
		t.Run(phase, func(t *testing.T) {
			s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if phase == "body" {
					w.Header().Set("Content-Length", "100")
					w.Write([]byte("RIFF"))
					w.(http.Flusher).Flush()
				}
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
			})
			f, tmp := httpFetcher(t, s, Config{Timeout: 50 * time.Millisecond})
			err := openErr(t, f, s.URL+"/c1.wav", "recordings.timeout (50ms)")
			if Permanent(err) {
				t.Errorf("a timeout is worth retrying: %v", err)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error does not wrap context.DeadlineExceeded: %v", err)
			}
			if left := tempFiles(t, tmp); len(left) != 0 {
				t.Errorf("temp dir holds %v", left)
			}
		})
	}
}

func TestHTTPCanceledContextIsRetryable(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "audio") })
	f, _ := httpFetcher(t, s, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.Open(ctx, s.URL+"/c1.wav")
	if err == nil || Permanent(err) || !errors.Is(err, context.Canceled) {
		t.Errorf("Open with a canceled context = %v, want a retryable context.Canceled", err)
	}
}

func TestHTTPConnectionRefusedIsRetryable(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {})
	f, _ := httpFetcher(t, s, Config{})
	s.Close()
	err := openErr(t, f, s.URL+"/c1.wav", "GET failed")
	if Permanent(err) {
		t.Errorf("a refused connection is worth retrying: %v", err)
	}
}

func TestErrorsHideQueryAndUserInfo(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	f, _ := httpFetcher(t, s, Config{})
	hostPort := s.host()
	for _, uri := range []string{
		s.URL + "/c1.wav?X-Amz-Signature=supersecret123&token=hunter2hunter2",
		"http://alice:hunter2hunter2@" + hostPort + "/c1.wav?token=supersecret123",
		"https://alice:hunter2hunter2@not-allowed.example/c1.wav?token=supersecret123",
		"http://" + hostPort + "/%zz?token=supersecret123",
		"ftp://alice:hunter2hunter2@h/c1.wav#supersecret123",
		"http://" + hostPort + "/c1.wav#supersecret123",
	} {
		_, err := f.Open(context.Background(), uri)
		if err == nil {
			t.Fatalf("Open(%q) succeeded", uri)
		}
		for _, s := range []string{"supersecret123", "hunter2hunter2"} {
			if strings.Contains(err.Error(), s) {
				t.Errorf("error for %q repeats %q: %v", uri, s, err)
			}
		}
		if !strings.HasPrefix(err.Error(), "recording ") {
			t.Errorf("error %q lacks the prefix", err)
		}
	}
}

// --- config ---

func TestNewRejectsBadConfigNamingFields(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	mustWrite(t, file, nil)
	for _, tc := range []struct {
		cfg  Config
		want []string
	}{
		{Config{Root: filepath.Join(dir, "missing")}, []string{"recordings.root", "does not exist"}},
		{Config{Root: file}, []string{"recordings.root", "not a directory"}},
		{Config{AllowHosts: []string{"https://h.example/x"}}, []string{"recordings.allow_hosts[0]", "not a URL"}},
		{Config{AllowHosts: []string{"ok.example", ""}}, []string{"recordings.allow_hosts[1]", "empty host"}},
		{Config{AllowHosts: []string{"h.example:99999"}}, []string{"recordings.allow_hosts[0]", "port"}},
		{Config{AllowHosts: []string{"a.*.example"}}, []string{`leading "*."`}},
		{Config{AllowHosts: []string{"h.example"}, TempDir: file}, []string{"recordings.temp_dir", "not a directory"}},
		{Config{MaxBytes: -1}, []string{"recordings.max_bytes (-1)"}},
		{Config{Timeout: -time.Second}, []string{"recordings.timeout (-1s)"}},
		{Config{Root: file, MaxBytes: -1}, []string{"recordings.root", "recordings.max_bytes"}},
	} {
		_, err := New(tc.cfg)
		if err == nil {
			t.Errorf("New(%+v) succeeded", tc.cfg)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("New(%+v) = %q, want it to contain %q", tc.cfg, err, w)
			}
		}
	}
}

func TestWithDefaults(t *testing.T) {
	c := Config{}.WithDefaults()
	if c.MaxBytes != 200<<20 || c.Timeout != 60*time.Second || c.TempDir != os.TempDir() {
		t.Errorf("defaults %+v", c)
	}
}

func TestUserClientKeepsRedirectPolicy(t *testing.T) {
	other := newServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "elsewhere") })
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, other.URL, http.StatusFound) })
	client := &http.Client{}
	f, _ := httpFetcher(t, s, Config{Client: client})
	openErr(t, f, s.URL+"/c1.wav", "not in recordings.allow_hosts")
	if client.CheckRedirect != nil {
		t.Error("New changed the caller's client")
	}
	if n := other.requests.Load(); n != 0 {
		t.Errorf("%d requests reached the disallowed host", n)
	}
}

// --- pure helpers ---

func TestHostRules(t *testing.T) {
	for _, tc := range []struct {
		rule, scheme, host string
		want               bool
	}{
		{"recordings.example.com", "https", "recordings.example.com", true},
		{"recordings.example.com", "https", "RECORDINGS.Example.COM", true},
		{"Recordings.Example.com", "https", "recordings.example.com:8443", true},
		{"recordings.example.com", "https", "recordings.example.com.", true},
		{"recordings.example.com", "https", "evil-recordings.example.com", false},
		{"recordings.example.com", "https", "recordings.example.com.evil.net", false},
		{"recordings.example.com:443", "https", "recordings.example.com", true},
		{"recordings.example.com:443", "http", "recordings.example.com", false},
		{"recordings.example.com:8443", "https", "recordings.example.com:8443", true},
		{"recordings.example.com:8443", "https", "recordings.example.com:9443", false},
		{"*.example.com", "https", "a.example.com", true},
		{"*.example.com", "https", "a.b.EXAMPLE.com", true},
		{"*.example.com", "https", "example.com", false},
		{"*.example.com", "https", "badexample.com", false},
		{"*.example.com", "https", ".example.com", false},
		{"*.example.com:443", "https", "a.example.com", true},
		{"[::1]:8080", "http", "[::1]:8080", true},
		{"::1", "http", "[::1]:8080", true},
		{"[::1]", "http", "[::2]", false},
	} {
		r, err := parseHostRule(tc.rule)
		if err != nil {
			t.Errorf("parseHostRule(%q): %v", tc.rule, err)
			continue
		}
		f := &Fetcher{hosts: []hostRule{r}}
		if got := f.allowed(&url.URL{Scheme: tc.scheme, Host: tc.host}); got != tc.want {
			t.Errorf("rule %q, %s://%s: allowed %v, want %v", tc.rule, tc.scheme, tc.host, got, tc.want)
		}
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"file:///calls/c1.wav", "file:///calls/c1.wav"},
		{"https://h/c1.wav?X-Amz-Signature=abc", "https://h/c1.wav?REDACTED"},
		{"https://h/c1.wav#frag", "https://h/c1.wav#REDACTED"},
		{"https://alice:pw@h/c1.wav", "https://xxxxx@h/c1.wav"},
		{"https://alice@h", "https://xxxxx@h"},
		{"https://alice:pw@h?q=a@b", "https://xxxxx@h?REDACTED"},
		{"http:alice:pw@h/x", "http:xxxxx@h/x"},
		{"https://h/a@b.wav", "https://h/a@b.wav"},
		{"", `""`},
		{"file:///a b.wav", `"file:///a b.wav"`},
		{"file:///a\nb", `"file:///a\nb"`},
	} {
		if got, _ := redact(tc.in); got != tc.want {
			t.Errorf("redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got, _ := redact(strings.Repeat("a", 1000)); len(got) > maxShown+3 {
		t.Errorf("redact of a long URI is %d bytes", len(got))
	}
}

func TestPermanentOfOtherErrors(t *testing.T) {
	if Permanent(nil) || Permanent(errors.New("x")) {
		t.Error("Permanent of a foreign error is true")
	}
	var f *Fetcher
	if _, err := f.Open(context.Background(), "file:///x"); err == nil {
		t.Error("Open on a nil Fetcher succeeded")
	}
}

// --- fuzz ---

func FuzzOpenNeverEscapesRoot(f *testing.F) {
	l := newLayout(f, f.TempDir())
	mustSymlink(f, l.secretPath, filepath.Join(l.root, "calls", "evil.wav"))
	mustSymlink(f, filepath.Join("..", "..", "outside"), filepath.Join(l.root, "calls", "out"))
	mustSymlink(f, "c1.wav", filepath.Join(l.root, "calls", "ok.wav"))
	mustSymlink(f, "/", filepath.Join(l.root, "slash"))
	fe, err := New(Config{Root: l.root})
	if err != nil {
		f.Fatal(err)
	}
	secretSlash := filepath.ToSlash(l.secretPath)
	for _, seed := range []string{
		"file:///calls/c1.wav",
		"file:///calls/ok.wav",
		"file:///calls/evil.wav",
		"file:///calls/out/x.wav",
		"file:///slash" + secretSlash,
		"file:///../secret.txt",
		"file:///%2e%2e/secret.txt",
		"file:///%2e%2e%2fsecret.txt",
		"file://localhost/../../secret.txt",
		"file://" + secretSlash,
		"file:////" + secretSlash,
		"file://" + url.PathEscape(secretSlash),
		"file:" + secretSlash,
		"file:..%2fsecret.txt",
		"file:///calls/..\\..\\secret.txt",
		"file:///calls/c1.wav/../../../secret.txt",
		"http://127.0.0.1/secret.txt",
		"",
		"%",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		r, err := fe.Open(context.Background(), uri)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "recording ") {
				t.Fatalf("Open(%q) error %q lacks the prefix", uri, err)
			}
			return
		}
		defer r.Close()
		b, err := io.ReadAll(io.LimitReader(r, 1<<20))
		if err != nil {
			t.Fatalf("Open(%q): read: %v", uri, err)
		}
		if bytes.Contains(b, []byte("TOP-SECRET")) {
			t.Fatalf("Open(%q) read the secret outside the root", uri)
		}
		if int64(len(b)) != r.Size() {
			t.Fatalf("Open(%q): read %d bytes, Size %d", uri, len(b), r.Size())
		}
	})
}
