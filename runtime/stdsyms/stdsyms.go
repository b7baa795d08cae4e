// Package stdsyms holds yaegi symbol tables for the standard-library
// symbols added since the Go release yaegi's own tables stop at (1.22),
// generated for the Go release IGo is built with. Generic functions cannot
// be tabled (the lowering provides slices, maps, iter and cmp as source);
// the rest is here. Regenerate with `go generate` after a Go upgrade.
package stdsyms

import (
	"reflect"

	"github.com/traefik/yaegi/interp"
)

//go:generate go run ./gen

// Symbols are the tables, to Use after yaegi's stdlib.Symbols.
var Symbols = interp.Exports{}

// keep reflect imported for generated files that need it only in init.
var _ = reflect.ValueOf
