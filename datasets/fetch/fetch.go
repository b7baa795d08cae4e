// Package fetch downloads dataset files into a local cache, verifying each
// against a SHA-256 sum before it is given its final name. A mirror (a
// directory or a base URL, from IGO_DATASETS_MIRROR) can serve the files under
// their upstream names, with an optional SHA256SUMS file that replaces the
// pinned sums.
package fetch

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Environment variables read by New.
const (
	EnvDataDir = "IGO_DATA_DIR"
	EnvMirror  = "IGO_DATASETS_MIRROR"
)

// File is one upstream file of a dataset.
type File struct {
	Name   string   // upstream file name: the name in the cache and in a mirror
	Group  string   // optional sub-folder (the dataset's name) in the cache and a mirror
	URLs   []string // upstream locations, tried in order
	SHA256 string   // pinned sum (hex); a mirror's SHA256SUMS replaces it
	Size   int64    // expected size in bytes, 0 if unknown (only for progress)
}

// ProgressFunc is told how many bytes of a download have arrived; total is
// -1 when unknown. It is called often, so it should be cheap.
type ProgressFunc func(done, total int64)

// Fetcher downloads files into Dir.
type Fetcher struct {
	Dir      string       // cache directory, created on demand
	Mirror   string       // directory or http(s) base URL; empty for none
	Client   *http.Client // nil means http.DefaultClient
	Progress ProgressFunc // optional
	Log      io.Writer    // optional: one line per download and a text bar

	sumsOnce sync.Once
	sums     map[string]string
	sumsErr  error
}

// CacheDir is the default cache: IGO_DATA_DIR if set, else
// os.UserCacheDir()/igo/datasets.
func CacheDir() (string, error) {
	if d := os.Getenv(EnvDataDir); d != "" {
		return d, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory (set %s): %w", EnvDataDir, err)
	}
	return filepath.Join(base, "igo", "datasets"), nil
}

// New returns a Fetcher configured from the environment.
func New() (*Fetcher, error) {
	dir, err := CacheDir()
	if err != nil {
		return nil, err
	}
	return &Fetcher{Dir: dir, Mirror: os.Getenv(EnvMirror)}, nil
}

// ChecksumError reports a file whose SHA-256 is not the expected one. The
// file has been removed.
type ChecksumError struct {
	File, Source, Got, Want string
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("%s: SHA-256 mismatch (from %s): got %s, want %s; the file was removed", e.File, e.Source, e.Got, e.Want)
}

// DownloadError reports a file that could not be fetched from any source.
type DownloadError struct {
	File string
	Errs []error // one per source tried
}

func (e *DownloadError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cannot fetch %s", e.File)
	for _, err := range e.Errs {
		fmt.Fprintf(&b, "\n  %v", err)
	}
	fmt.Fprintf(&b, "\nWithout network access, put the file in a directory (or serve it over HTTP) under its upstream name %q, "+
		"optionally with a SHA256SUMS file (sha256sum format), and set %s to that directory or base URL.", e.File, EnvMirror)
	return b.String()
}

func (e *DownloadError) Unwrap() []error { return e.Errs }

// Path is where file lives in the cache once fetched.
func (f *Fetcher) Path(file File) string { return filepath.Join(f.Dir, file.Group, file.Name) }

// Fetch makes sure file is in the cache with the expected sum and returns
// its path. A cached file is trusted when its recorded sum matches; an
// unrecorded one is hashed once.
func (f *Fetcher) Fetch(ctx context.Context, file File) (string, error) {
	want, err := f.expectedSum(file)
	if err != nil {
		return "", err
	}
	path := f.Path(file)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("cache directory: %w", err)
	}
	if ok, err := f.cached(path, want); err != nil || ok {
		return path, err
	}
	var errs []error
	for _, src := range f.sources(file) {
		err := f.download(ctx, file.Name, src, path, want, file.Size)
		if err == nil {
			return path, nil
		}
		var ce *ChecksumError
		if errors.As(err, &ce) || ctx.Err() != nil {
			return "", err // wrong bytes or cancelled: do not try elsewhere
		}
		errs = append(errs, err)
	}
	return "", &DownloadError{File: file.Name, Errs: errs}
}

// stampPath records the verified sum of a cached file next to it.
func stampPath(path string) string { return path + ".sha256" }

func (f *Fetcher) cached(path, want string) (bool, error) {
	st, err := os.Stat(path)
	if err != nil {
		return false, nil
	}
	if stamp, err := os.ReadFile(stampPath(path)); err == nil && strings.TrimSpace(string(stamp)) == want {
		if info, err := os.Stat(stampPath(path)); err == nil && !info.ModTime().Before(st.ModTime()) {
			return true, nil
		}
	}
	got, err := hashFile(path)
	if err != nil {
		return false, err
	}
	if got == want {
		return true, os.WriteFile(stampPath(path), []byte(want+"\n"), 0o644)
	}
	// A stale or damaged cache entry: fetch it again.
	os.Remove(path)
	os.Remove(stampPath(path))
	return false, nil
}

func hashFile(path string) (string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// sources lists where to look for file: the mirror alone when one is set
// (it stands in for the network), first under GROUP/NAME then NAME, else
// the upstream URLs.
func (f *Fetcher) sources(file File) []string {
	if f.Mirror == "" {
		return file.URLs
	}
	var rel []string
	if file.Group != "" {
		rel = append(rel, file.Group+"/"+file.Name)
	}
	rel = append(rel, file.Name)
	var out []string
	for _, r := range rel {
		if isURL(f.Mirror) {
			out = append(out, strings.TrimSuffix(f.Mirror, "/")+"/"+r)
		} else {
			out = append(out, filepath.Join(f.Mirror, filepath.FromSlash(r)))
		}
	}
	return out
}

// expectedSum is the mirror's SHA256SUMS entry if there is one, else the
// pinned sum.
func (f *Fetcher) expectedSum(file File) (string, error) {
	if f.Mirror != "" {
		f.sumsOnce.Do(f.loadMirrorSums)
		if f.sumsErr != nil {
			return "", f.sumsErr
		}
		if s, ok := f.sums[file.Group+"/"+file.Name]; ok && file.Group != "" {
			return s, nil
		}
		if s, ok := f.sums[file.Name]; ok {
			return s, nil
		}
	}
	if file.SHA256 == "" {
		return "", fmt.Errorf("%s: no SHA-256 sum pinned and none in the mirror's SHA256SUMS", file.Name)
	}
	return strings.ToLower(file.SHA256), nil
}

func (f *Fetcher) loadMirrorSums() {
	var r io.ReadCloser
	if isURL(f.Mirror) {
		resp, err := f.client().Get(strings.TrimSuffix(f.Mirror, "/") + "/SHA256SUMS")
		if err != nil {
			return // an unreachable mirror is reported when files are fetched
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return // no SHA256SUMS: pinned sums apply
		}
		r = resp.Body
	} else {
		fh, err := os.Open(filepath.Join(f.Mirror, "SHA256SUMS"))
		if err != nil {
			return
		}
		r = fh
	}
	defer r.Close()
	f.sums, f.sumsErr = ParseSums(r)
	if f.sumsErr != nil {
		f.sumsErr = fmt.Errorf("mirror %s: SHA256SUMS: %w", f.Mirror, f.sumsErr)
	}
}

// ParseSums reads a file in sha256sum's format ("HEX  NAME" or "HEX *NAME"),
// keyed by NAME as a slash path without a leading "./".
func ParseSums(r io.Reader) (map[string]string, error) {
	sums := map[string]string{}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		sum, name, ok := strings.Cut(text, " ")
		name = strings.TrimPrefix(strings.TrimSpace(name), "*")
		if _, err := hex.DecodeString(sum); !ok || err != nil || len(sum) != 64 || name == "" {
			return nil, fmt.Errorf("line %d: want \"SHA256  NAME\", got %q", line, text)
		}
		sums[strings.TrimPrefix(filepath.ToSlash(name), "./")] = strings.ToLower(sum)
	}
	return sums, sc.Err()
}

func (f *Fetcher) client() *http.Client {
	if f.Client != nil {
		return f.Client
	}
	return http.DefaultClient
}

// download copies src (a URL or a local path) to a temporary file next to
// dst, hashing as it goes, and renames it to dst only when the sum matches.
// On any failure the temporary file is removed, so an interrupted download
// never leaves a complete-looking file behind.
func (f *Fetcher) download(ctx context.Context, name, src, dst, want string, size int64) (err error) {
	body, total, err := f.open(ctx, src)
	if err != nil {
		return err
	}
	defer body.Close()
	if total < 0 {
		total = size
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), name+".part-*")
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if f.Log != nil {
		fmt.Fprintf(f.Log, "Downloading %s from %s\n", name, src)
	}
	h := sha256.New()
	pr := &progressReader{r: body, total: total, fn: f.Progress, log: f.Log, name: name}
	n, err := io.Copy(io.MultiWriter(tmp, h), pr)
	pr.finish()
	if err != nil {
		return fmt.Errorf("%s: download from %s interrupted at byte offset %d: %w", name, src, n, err)
	}
	if total > 0 && n < total {
		return fmt.Errorf("%s: download from %s truncated at byte offset %d of %d", name, src, n, total)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		err = &ChecksumError{File: name, Source: src, Got: got, Want: want}
		return err
	}
	if err = os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return os.WriteFile(stampPath(dst), []byte(want+"\n"), 0o644)
}

// open returns the bytes of src and their length (-1 if unknown).
func (f *Fetcher) open(ctx context.Context, src string) (io.ReadCloser, int64, error) {
	if !isURL(src) {
		fh, err := os.Open(src)
		if err != nil {
			return nil, 0, err
		}
		st, err := fh.Stat()
		if err != nil {
			fh.Close()
			return nil, 0, err
		}
		return fh, st.Size(), nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil, 0, err
	}
	resp, err := f.client().Do(req)
	if err != nil {
		return nil, 0, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, 0, fmt.Errorf("GET %s: %s", src, resp.Status)
	}
	return resp.Body, resp.ContentLength, nil
}

// progressReader reports progress to a hook and draws a text bar on log,
// redrawing only when the percentage changes.
type progressReader struct {
	r       io.Reader
	done    int64
	total   int64
	fn      ProgressFunc
	log     io.Writer
	name    string
	lastPct int
	drawn   bool
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += int64(n)
	if p.fn != nil {
		p.fn(p.done, p.total)
	}
	if p.log != nil && p.total > 0 {
		if pct := int(p.done * 100 / p.total); pct != p.lastPct || !p.drawn {
			p.lastPct, p.drawn = pct, true
			const width = 30
			fill := min(width, pct*width/100)
			fmt.Fprintf(p.log, "\r%s [%s%s] %3d%% %s / %s", p.name,
				strings.Repeat("#", fill), strings.Repeat(".", width-fill), pct, HumanBytes(p.done), HumanBytes(p.total))
		}
	}
	return n, err
}

func (p *progressReader) finish() {
	if p.log != nil && p.drawn {
		fmt.Fprintln(p.log)
	}
}

// HumanBytes formats a byte count as B, kB, MB or GB (powers of 1000).
func HumanBytes(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}
