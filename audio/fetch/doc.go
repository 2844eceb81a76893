// Package fetch opens a call recording named by URI under a security
// policy and size and time limits. Interactions carry only the URI
// ("recording": {"uri": "file:///calls/c1.wav"}); the audio itself never
// travels through Kafka.
//
// A Fetcher is built once from a Config (New) and is safe for concurrent
// use. Open returns a Recording: a seekable reader of known size (it
// implements io.ReadSeekCloser and io.ReaderAt) that must be closed.
//
// # URIs
//
// file:///calls/c1.wav is the file calls/c1.wav under Config.Root, as if
// Root were "/". The host must be empty or "localhost". The path is
// percent-decoded, then cleaned as a rooted path, so ".." (also written
// %2e%2e) can never climb above Root: file:///../../etc/passwd is
// Root/etc/passwd. Symbolic links are followed only when the fully
// resolved path is still inside Root; the file is then opened through an
// os.Root, so a link swapped in between the check and the open cannot
// escape either. Only regular files are accepted. A query or fragment in
// a file URI is refused (percent-encode "?" and "#" in file names as %3F
// and %23). An empty Root disables file URIs.
//
// http:// and https:// URIs may name only the hosts in Config.AllowHosts
// ("host" allows any port, "host:port" only that port, "*.example.com"
// the subdomains of example.com; case-insensitive). An empty AllowHosts
// disables them. The download is one GET bounded by Config.Timeout;
// redirects are followed at most 3 times and only to allowed hosts, never
// from https to http. The body is spooled to a temporary file in
// Config.TempDir through a limit of MaxBytes+1, so a recording is never
// held in memory; a Content-Length over MaxBytes is refused before the
// body is read. The temporary file is removed by Recording.Close, or at
// once when the download fails.
//
// Every other scheme (s3, ftp, data, relative or empty URIs) is refused.
//
// # Errors
//
// Every error begins "recording <uri>: " and says what is wrong and what to
// change ("host x.example is not in recordings.allow_hosts; ..."). The URI
// in messages has its user information replaced by "xxxxx" and its query
// and fragment replaced by "REDACTED", because signed URLs carry secrets
// there.
//
// Permanent tells errors that will recur on every retry (a bad or refused
// URI, a missing file, a recording over MaxBytes, a 4xx answer other than
// 408, 425 and 429, a redirect the policy refuses) from those worth
// retrying later (timeouts, connection errors, truncated bodies, 5xx,
// 408, 425 and 429 answers, local I/O errors). Errors wrap their cause, so
// errors.Is(err, fs.ErrNotExist) and errors.Is(err,
// context.DeadlineExceeded) work.
//
// # Resources
//
// A file Recording holds one open file; an http Recording holds one open
// temporary file of at most MaxBytes on disk. Close releases them; it is
// idempotent. A Fetcher holds no resources of its own beyond the idle
// connections of its HTTP client.
package fetch
