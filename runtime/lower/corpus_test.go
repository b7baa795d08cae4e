package lower

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCorpus lowers and runs each program of testdata/corpus in the
// interpreter; its output must be the .out file next to it (written by
// running the same program with the Go toolchain).
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/corpus/*.go")
	if err != nil || len(files) == 0 {
		t.Fatal("no corpus", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".go")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(f, ".go") + ".out")
			if err != nil {
				t.Fatal(err)
			}
			got, err := runLowered(f, string(src))
			if err != nil {
				t.Fatalf("%v\noutput so far:\n%s", err, got)
			}
			if got != string(want) {
				t.Errorf("output:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
