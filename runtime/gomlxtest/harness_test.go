package gomlxtest

import (
	"bytes"
	"os"
	"testing"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/igo-kernel/igo/runtime/shims"
	"github.com/igo-kernel/igo/runtime/symbols"

	// The backends a notebook gets: GoMLX's default set (pure-Go and XLA).
	_ "github.com/gomlx/gomlx/backends/default"
)

func TestMain(m *testing.M) {
	// The pure-Go backend: no PJRT plugin needed, same results everywhere.
	os.Setenv("GOMLX_BACKEND", "go")
	os.Exit(m.Run())
}

// extraUse holds more tables a test wants loaded.
var extraUse []interp.Exports

// run interprets a `package main` program and returns what it printed.
func run(t *testing.T, src string) string {
	t.Helper()
	var out bytes.Buffer
	i := interp.New(interp.Options{Stdout: &out, Stderr: &out})
	for _, exports := range append([]interp.Exports{stdlib.Symbols, symbols.Symbols, shims.Symbols}, extraUse...) {
		if err := i.Use(exports); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := i.Eval(src); err != nil {
		t.Fatalf("interpreting failed: %v\noutput:\n%s", err, out.String())
	}
	return out.String()
}
