package shims

import (
	"bytes"
	"testing"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/igo-kernel/igo/runtime/symbols"
)

// GoMLX's older notebooks (fft.ipynb) dot-import exceptions from its own
// module: the same calls must work under that import path.
func TestExceptionsFromItsOwnModule(t *testing.T) {
	var out, stderr bytes.Buffer // yaegi logs recovered panics on stderr
	i := interp.New(interp.Options{Stdout: &out, Stderr: &stderr})
	for _, exports := range []interp.Exports{stdlib.Symbols, symbols.Symbols, Symbols} {
		if err := i.Use(exports); err != nil {
			t.Fatal(err)
		}
	}
	src := `package main

import (
	"errors"
	"fmt"

	"github.com/gomlx/exceptions"
)

func main() {
	caught := exceptions.TryCatch(func() { exceptions.Panicf("boom %d", 1) })
	err := exceptions.TryCatch__error(func() { panic(errors.New("bad")) })
	fmt.Println(caught, err, exceptions.Try(func() {}) == nil)
}
`
	if _, err := i.Eval(src); err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), stderr.String())
	}
	if got, want := out.String(), "boom 1 bad true\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
