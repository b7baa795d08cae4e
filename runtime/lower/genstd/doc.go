// Package genstd holds IGo's own Go-source implementations of the generic
// standard-library functions the interpreter lacks (slices, maps, iter,
// cmp). The lowering type-checks user code against them and copies the
// body of each function used, instantiated for the types at the call site,
// into the lowered program, so the interpreter only ever sees non-generic
// code. Rules for these sources: every function is self-contained (it uses
// only its parameters, locals and builtins: no other package-level names,
// no imports in function bodies), iterators are written as plain function
// types, and no construct the lowering itself removes (range over int or
// func, min, max, clear) appears.
package genstd

import _ "embed"

// Sources maps an import path to its source.
var Sources = map[string]string{
	"slices": slicesSrc,
	"maps":   mapsSrc,
	"iter":   iterSrc,
	"cmp":    cmpSrc,
}

//go:embed slices/slices.go
var slicesSrc string

//go:embed maps/maps.go
var mapsSrc string

//go:embed iter/iter.go
var iterSrc string

//go:embed cmp/cmp.go
var cmpSrc string
