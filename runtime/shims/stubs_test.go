package shims

import (
	"go/types"
	"testing"

	"github.com/igo-kernel/igo/runtime/lower"
	"github.com/igo-kernel/igo/runtime/symbols"
	"github.com/traefik/yaegi/stdlib"
)

// Every stub must give the checker a generic function: one that does not
// type-check leaves the shim's any-typed signature, and calls lose their
// result types again.
func TestEveryStubChecks(t *testing.T) {
	lower.SetGenericStubs(GenericStubs())
	defer lower.SetGenericStubs(nil)
	l := lower.New(stdlib.Symbols, symbols.Symbols, Symbols)
	n := 0
	for path, list := range GenericStubs() {
		pkg, err := l.Import(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		for _, st := range list {
			fn, ok := pkg.Scope().Lookup(st.Name).(*types.Func)
			if !ok || fn.Type().(*types.Signature).TypeParams().Len() == 0 {
				t.Errorf("%s.%s: the stub %q did not check", path, st.Name, st.Source)
				continue
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no stubs")
	}
	t.Logf("%d generic signatures behind shims", n)
}
