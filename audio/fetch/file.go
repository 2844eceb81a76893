package fetch

import (
	"errors"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
)

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
