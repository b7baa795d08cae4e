package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// noPartials fails if dir holds a temporary or final copy of name.
func noFiles(t *testing.T, dir, name string) {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(dir, name+"*"))
	if len(matches) != 0 {
		t.Fatalf("files left behind: %v", matches)
	}
}

func TestFetchFromDirectoryMirrorAndCache(t *testing.T) {
	mirror, cache := t.TempDir(), t.TempDir()
	data := []byte("hello, datasets\n")
	os.WriteFile(filepath.Join(mirror, "a.txt"), data, 0o644)
	var progressed int64
	f := &Fetcher{Dir: cache, Mirror: mirror, Progress: func(done, total int64) { progressed = done }}
	path, err := f.Fetch(context.Background(), File{Name: "a.txt", SHA256: sum(data)})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, data) || filepath.Dir(path) != cache {
		t.Fatalf("got %q at %s", got, path)
	}
	if progressed != int64(len(data)) {
		t.Fatalf("progress reported %d bytes, want %d", progressed, len(data))
	}
	// Second fetch comes from the cache even when the mirror is gone.
	os.Remove(filepath.Join(mirror, "a.txt"))
	if _, err := f.Fetch(context.Background(), File{Name: "a.txt", SHA256: sum(data)}); err != nil {
		t.Fatalf("cache miss: %v", err)
	}
}

func TestFetchHTTPMirrorWithSums(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 5000)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/SHA256SUMS":
			fmt.Fprintf(w, "%s  big.bin\n", sum(data))
		case "/big.bin":
			hits.Add(1)
			w.Header().Set("Content-Length", fmt.Sprint(len(data)))
			w.Write(data)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	cache := t.TempDir()
	var log strings.Builder
	f := &Fetcher{Dir: cache, Mirror: srv.URL, Log: &log}
	// The pinned sum is wrong: the mirror's SHA256SUMS replaces it.
	file := File{Name: "big.bin", SHA256: strings.Repeat("0", 64)}
	for range 2 {
		if _, err := f.Fetch(context.Background(), file); err != nil {
			t.Fatal(err)
		}
	}
	if hits.Load() != 1 {
		t.Fatalf("server hit %d times, want 1 (second fetch should be cached)", hits.Load())
	}
	if !strings.Contains(log.String(), "100%") {
		t.Fatalf("no progress bar in log: %q", log.String())
	}
}

func TestChecksumMismatchRemovesFile(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("tampered"))
	}))
	defer srv.Close()
	cache := t.TempDir()
	f := &Fetcher{Dir: cache}
	_, err := f.Fetch(context.Background(), File{Name: "x.gz", URLs: []string{srv.URL + "/x.gz"}, SHA256: sum([]byte("original"))})
	var ce *ChecksumError
	if !errors.As(err, &ce) || ce.File != "x.gz" || !strings.Contains(err.Error(), "x.gz") {
		t.Fatalf("want checksum error naming x.gz, got %v", err)
	}
	noFiles(t, cache, "x.gz")
}

func TestInterruptedDownloadLeavesNothing(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.Write(make([]byte, 300))
		w.(http.Flusher).Flush()
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close() // the connection drops mid-file
	}))
	defer srv.Close()
	cache := t.TempDir()
	f := &Fetcher{Dir: cache}
	_, err := f.Fetch(context.Background(), File{Name: "cut.bin", URLs: []string{srv.URL + "/cut.bin"}, SHA256: sum(make([]byte, 1000))})
	if err == nil || !strings.Contains(err.Error(), "byte offset 300") {
		t.Fatalf("want an error at byte offset 300, got %v", err)
	}
	noFiles(t, cache, "cut.bin")
}

func TestNoNetworkSuggestsMirror(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	f := &Fetcher{Dir: t.TempDir()}
	_, err := f.Fetch(context.Background(), File{Name: "t10k.gz", URLs: []string{url + "/t10k.gz"}, SHA256: strings.Repeat("a", 64)})
	var de *DownloadError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), EnvMirror) || !strings.Contains(err.Error(), "t10k.gz") {
		t.Fatalf("want a download error suggesting %s, got %v", EnvMirror, err)
	}
}

func TestCorruptCacheIsRefetched(t *testing.T) {
	mirror, cache := t.TempDir(), t.TempDir()
	data := []byte("good bytes")
	os.WriteFile(filepath.Join(mirror, "c.bin"), data, 0o644)
	os.WriteFile(filepath.Join(cache, "c.bin"), []byte("bad bytes"), 0o644)
	f := &Fetcher{Dir: cache, Mirror: mirror}
	path, err := f.Fetch(context.Background(), File{Name: "c.bin", SHA256: sum(data)})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
		t.Fatalf("cache kept %q", got)
	}
}

func TestMirrorGroupFolder(t *testing.T) {
	mirror, cache := t.TempDir(), t.TempDir()
	a, b := []byte("digits"), []byte("fashion")
	os.MkdirAll(filepath.Join(mirror, "fashion"), 0o755)
	os.WriteFile(filepath.Join(mirror, "same.gz"), a, 0o644)
	os.WriteFile(filepath.Join(mirror, "fashion", "same.gz"), b, 0o644)
	os.WriteFile(filepath.Join(mirror, "SHA256SUMS"), []byte(sum(a)+"  same.gz\n"+sum(b)+"  fashion/same.gz\n"), 0o644)
	f := &Fetcher{Dir: cache, Mirror: mirror}
	p1, err1 := f.Fetch(context.Background(), File{Name: "same.gz", Group: "digits"})
	p2, err2 := f.Fetch(context.Background(), File{Name: "same.gz", Group: "fashion"})
	if err1 != nil || err2 != nil || p1 == p2 {
		t.Fatalf("%v %v %s %s", err1, err2, p1, p2)
	}
	if got, _ := os.ReadFile(p2); !bytes.Equal(got, b) {
		t.Fatalf("fashion got %q", got)
	}
}

func TestParseSums(t *testing.T) {
	h := strings.Repeat("ab", 32)
	sums, err := ParseSums(strings.NewReader(h + "  a.gz\n" + strings.ToUpper(h) + " *dir/b.tar.gz\n"))
	if err != nil || sums["a.gz"] != h || sums["dir/b.tar.gz"] != h {
		t.Fatalf("got %v, %v", sums, err)
	}
	if _, err := ParseSums(strings.NewReader("nothex  a.gz\n")); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("want a line-numbered error, got %v", err)
	}
}

func TestCacheDirOverride(t *testing.T) {
	t.Setenv(EnvDataDir, "/some/where")
	if d, _ := CacheDir(); d != "/some/where" {
		t.Fatalf("got %s", d)
	}
	t.Setenv(EnvDataDir, "")
	t.Setenv("XDG_CACHE_HOME", "/xdg")
	if d, _ := CacheDir(); d != filepath.Join("/xdg", "igo", "datasets") {
		t.Fatalf("got %s", d)
	}
}
