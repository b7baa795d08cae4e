package runtime

import "testing"

// BenchmarkTrivialCell is one "x + 1" cell through the kernel-side
// session and the worker process, with the cell compiler (type check and
// lowering) on; BenchmarkTrivialCellNoLower is the anchor with it off
// (IGO_LOWER=0). The ratio is the checker's cost per cell; the rest of a
// Jupyter round trip is the kernel's messaging (bench/RESULTS.md).
func BenchmarkTrivialCell(b *testing.B)        { benchmarkTrivialCell(b, "") }
func BenchmarkTrivialCellNoLower(b *testing.B) { benchmarkTrivialCell(b, "0") }

func benchmarkTrivialCell(b *testing.B, lower string) {
	b.Setenv("IGO_LOWER", lower)
	s := newTestSession(b)
	exec := func(code string) {
		if _, rep := run(b, s, code); rep.Error != nil {
			b.Fatalf("%q: %v", code, rep.Error)
		}
	}
	for _, c := range []string{"x := 1", "func f(a int) int { return a }", "type T struct{ A int }"} {
		exec(c)
	}
	for b.Loop() {
		exec("x + 1")
	}
}
