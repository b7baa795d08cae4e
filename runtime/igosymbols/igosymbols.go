// Package igosymbols holds yaegi symbol tables for IGo's own packages that
// cells use (display, datasets), so interpreted code can import them.
//
// Every other file in this folder is generated: run `go generate` here after
// changing the exported API of those packages; a test fails when the tables
// are stale.
package igosymbols

import "reflect"

// Symbols maps "importpath/pkgname" to exported symbols, as yaegi's
// interp.Use expects.
var Symbols = map[string]map[string]reflect.Value{}

// Packages are the packages extracted here.
var Packages = []string{
	"github.com/igo-kernel/igo/display",
	"github.com/igo-kernel/igo/datasets",
	"github.com/igo-kernel/igo/datasets/fetch",
	"github.com/igo-kernel/igo/datasets/formats",
	"github.com/igo-kernel/igo/datasets/prep",
}

//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -name igosymbols github.com/igo-kernel/igo/display github.com/igo-kernel/igo/datasets github.com/igo-kernel/igo/datasets/fetch github.com/igo-kernel/igo/datasets/formats github.com/igo-kernel/igo/datasets/prep
