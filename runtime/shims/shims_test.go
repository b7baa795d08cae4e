package shims

import (
	"go/format"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/igo-kernel/igo/runtime/shims/internal/generics"
	"github.com/igo-kernel/igo/runtime/shims/internal/tablestamp"
	"github.com/igo-kernel/igo/runtime/symbols"
)

const symbolsDir = "../symbols"

func TestSymbolTablesFresh(t *testing.T) {
	stamp, err := tablestamp.Compute(symbolsDir, "../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if stamp != symbols.TablesStamp {
		t.Fatalf("runtime/symbols is stale (package list or module versions changed): run go generate ./runtime/symbols")
	}
	pkgs, err := tablestamp.Packages(filepath.Join(symbolsDir, "symbols.go"))
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, p := range generics.TablePaths(symbols.Symbols) {
		have[p] = true
	}
	for _, p := range pkgs {
		// yaegi extract reports a package it cannot type-check and goes on.
		if !have[p] {
			t.Errorf("package %s is listed for extraction but has no table", p)
		}
	}
}

func TestGenericsReport(t *testing.T) {
	decls, err := generics.List(".", generics.TablePaths(symbols.Symbols))
	if err != nil {
		t.Fatal(err)
	}
	if len(decls) == 0 {
		t.Fatal("no generic declarations found")
	}
	for _, d := range decls {
		c := CoverageOf(d.Path, d.Pkg, d.Name)
		if c.Shim == "" && len(c.Instantiations) == 0 && c.Reason == "" {
			t.Errorf("%s: no shim, no instantiations and no reason", d.Key())
		}
		if len(d.ResultOnly) > 0 && len(c.Instantiations) == 0 && c.Reason == "" {
			t.Errorf("%s: type parameter %v cannot be inferred but there are no instantiations", d.Key(), d.ResultOnly)
		}
	}
	want := Report(decls)
	got, err := os.ReadFile("GENERICS.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatal("GENERICS.md is stale: run go generate ./runtime/shims")
	}
	stubs, err := format.Source([]byte(StubsSource(decls)))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(StubsFile); err != nil || string(got) != string(stubs) {
		t.Fatalf("%s is stale (%v): run go generate ./runtime/shims", StubsFile, err)
	}
}

func TestInstantiations(t *testing.T) {
	sym, ok := InstantiationSymbol("github.com/gomlx/gomlx/core/tensors", "ToScalar", "float32")
	if !ok || sym != "ToScalar__float32" {
		t.Fatalf("ToScalar[float32] -> %q, %v", sym, ok)
	}
	sym, ok = InstantiationSymbol("github.com/gomlx/gomlx/core/tensors", "CopyFlatData", pkgFloat16Path+".Float16")
	if !ok || sym != "CopyFlatData__float16_Float16" {
		t.Fatalf("CopyFlatData[float16.Float16] -> %q, %v", sym, ok)
	}
	if _, ok := InstantiationSymbol("github.com/gomlx/gomlx/core/tensors", "ToScalar", "string"); ok {
		t.Fatal("ToScalar[string] should not exist")
	}
	for key, list := range Instantiations() {
		for _, in := range list {
			if in.TypeArg == "" || !strings.Contains(in.Symbol, InstantiationSep) {
				t.Errorf("%s: bad instantiation %+v", key, in)
			}
		}
	}
}
