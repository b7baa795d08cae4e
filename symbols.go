package main

import (
	// GoMLX's backends: the pure-Go one, and XLA through PJRT plugins
	// (build with -tags noxla to leave XLA out).
	_ "github.com/gomlx/gomlx/backends/default"

	"github.com/igo-kernel/igo/runtime"
	"github.com/igo-kernel/igo/runtime/igosymbols"
	"github.com/igo-kernel/igo/runtime/lower"
	"github.com/igo-kernel/igo/runtime/shims"
	"github.com/igo-kernel/igo/runtime/symbols"
	"github.com/igo-kernel/igo/runtime/trainhook"
)

// Cells can import GoMLX, GoNB's helpers and IGo's own display and
// datasets packages, by name like the standard library.
func init() {
	runtime.RegisterSymbols(symbols.Symbols, shims.Symbols, igosymbols.Symbols, trainhook.Symbols)
	runtime.SetInstantiator(shims.InstantiationSymbol)
	lower.SetGenericStubs(shims.GenericStubs())
}
