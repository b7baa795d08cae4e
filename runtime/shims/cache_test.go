package shims

import (
	"testing"

	"github.com/janpfeifer/gonb/cache"
)

type point struct{ X, Y float64 }

func TestCacheWithStoresAndLoads(t *testing.T) {
	dir := t.TempDir()
	calls := 0
	gen := func() []point { calls++; return []point{{1, 2}, {3, 4}} }
	s := cache.MustNew(dir)
	first := CacheWith(s, "points", gen).([]point)
	// A new Storage on the same folder: what a restarted kernel sees.
	second := CacheWith(cache.MustNew(dir), "points", gen).([]point)
	if calls != 1 {
		t.Fatalf("fn ran %d times, want 1", calls)
	}
	if len(second) != 2 || second[1] != first[1] {
		t.Fatalf("loaded %v, stored %v", second, first)
	}
	// GoNB's own generic function reads what the shim stored.
	if got := cache.CacheWith(cache.MustNew(dir), "points", gen); len(got) != 2 || got[0] != (point{1, 2}) || calls != 1 {
		t.Fatalf("GoNB's CacheWith read %v (calls %d)", got, calls)
	}
	if v := CacheWith(s, "", gen).([]point); len(v) != 2 || calls != 2 {
		t.Fatalf("an empty key must bypass the cache: %v, calls %d", v, calls)
	}
}

func TestCacheWithWrongTypeSaysSo(t *testing.T) {
	s := cache.MustNew(t.TempDir())
	CacheWith(s, "k", func() int { return 7 })
	defer func() {
		r := recover()
		if r == nil {
			t.Fatal("loading an int as []string did not fail")
		}
	}()
	CacheWith(s, "k", func() []string { return nil })
}
