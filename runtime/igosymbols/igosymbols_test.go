package igosymbols

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestTablesAreFresh regenerates the tables into a scratch folder and
// compares them with the committed ones: an API change in display or
// datasets must come with `go generate ./runtime/igosymbols`.
func TestTablesAreFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("regenerating tables takes a while; run without -short")
	}
	scratch, err := os.MkdirTemp(".", ".regen-") // inside the module, as extract needs
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(scratch)
	args := append([]string{"run", "github.com/traefik/yaegi/cmd/yaegi", "extract", "-name", "igosymbols"}, Packages...)
	cmd := exec.Command("go", args...)
	cmd.Dir = scratch
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("yaegi extract: %v\n%s", err, out)
	}
	fresh, _ := filepath.Glob(filepath.Join(scratch, "*.go"))
	if len(fresh) != len(Packages) {
		t.Fatalf("extract wrote %d files for %d packages", len(fresh), len(Packages))
	}
	for _, f := range fresh {
		want, _ := os.ReadFile(f)
		got, err := os.ReadFile(filepath.Base(f))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run `go generate ./runtime/igosymbols`", filepath.Base(f))
		}
	}
}

func TestEveryPackageIsLoaded(t *testing.T) {
	for _, p := range Packages {
		key := p + "/" + p[strings.LastIndex(p, "/")+1:]
		if len(Symbols[key]) == 0 {
			t.Errorf("no symbols for %s", key)
		}
	}
}
