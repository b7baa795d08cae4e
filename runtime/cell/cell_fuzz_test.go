package cell

import (
	"strings"
	"testing"
)

// maxFuzzCell bounds the cells the fuzzers try: Split rescans the Go source
// gathered so far at every line, so very long inputs would measure that
// cost instead of looking for crashes.
const maxFuzzCell = 4 << 10

// fuzzSeeds are cells of every shape the splitter knows, plus broken ones.
var fuzzSeeds = []string{
	"",
	"\n",
	"x := 1\nx",
	"%%writefile a.txt\nhello\n",
	"%%\n",
	"%time f()\n!echo hi\nfunc f() {\n%notmagic\n}\ny := 2",
	"import \"strings\"\nvar a = 1; b := 2\nfunc (t *T) M() int { return 1 }\ntype T struct{}\nstrings.ToUpper(\"x\")",
	"go func() { panic(1) }()\ngo f(go1())",
	"func f() { go g() }; go f()",
	"}\n{",
	")))(((",
	"s := `unterminated",
	"/* open comment",
	"'\\x",
	"func _(){}\n}\nfunc g(){",
	"type T[P any, Q ~int] struct{ p P }\nfunc (t *T[P, Q]) M() {}",
	"for i := range 10 { fmt.Println(i) }",
	"import (\n\tm \"math\"\n\t. \"fmt\"\n)\nm.Pi",
	"!",
	"%",
	"  %env A=1\n  !ls\n",
	"\x00\xff\xfe",
	"x := map[string]int{\n\"a\": 1,\n}\n%who",
	"//line other.go:99\nx :=",
	"var (\na = 1\nb, c = 2, 3\n)\nconst d = iota",
	"select {}",
}

// FuzzSplit checks that Split never panics and that its pieces follow the
// cell: lines increase and stay in the cell, Go bodies are the cell's text.
func FuzzSplit(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > maxFuzzCell {
			return
		}
		pieces := Split(src)
		lines := strings.Count(src, "\n") + 1
		prev := 0
		for i, p := range pieces {
			if p.Line < 1 || p.Line > lines {
				t.Fatalf("piece %d at line %d of a %d-line cell: %+v", i, p.Line, lines, p)
			}
			if p.Line <= prev {
				t.Fatalf("piece %d at line %d does not follow line %d", i, p.Line, prev)
			}
			prev = p.Line
			switch p.Kind {
			case Go:
				if strings.TrimSpace(p.Body) == "" {
					t.Fatalf("empty Go piece %d: %+v", i, p)
				}
				if !strings.Contains(src, p.Body) {
					t.Fatalf("Go piece %d is not text of the cell: %q", i, p.Body)
				}
			case CellMagic:
				if len(pieces) != 1 {
					t.Fatalf("a cell magic shares the cell with %d pieces", len(pieces)-1)
				}
			case LineMagic, Shell, MainBody, GoCommand:
				if strings.Contains(p.Args, "\n") || strings.Contains(p.Name, "\n") {
					t.Fatalf("a line piece spans lines: %+v", p)
				}
			default:
				t.Fatalf("unknown kind %d", p.Kind)
			}
		}
	})
}

// FuzzChunks checks that Chunks never panics, that what it returns lies in
// the source it was given, and that guarding goroutines keeps every line.
func FuzzChunks(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, 1)
	}
	f.Add("x := 1", 7)
	f.Add("go f()", -3)
	f.Fuzz(func(t *testing.T, src string, firstLine int) {
		if len(src) > maxFuzzCell {
			return
		}
		firstLine = max(1, min(firstLine, 1<<20)) // as Split produces
		// A line directive moves positions on purpose (the session writes
		// them to map assembled code to cell lines).
		lineDirective := strings.Contains(src, "//line") || strings.Contains(src, "/*line")
		chunks, err := Chunks(src, firstLine)
		if err != nil {
			if len(chunks) != 0 {
				t.Fatalf("chunks returned with an error: %v", err)
			}
			return
		}
		lines := strings.Count(src, "\n") + 1
		for i, c := range chunks {
			if !lineDirective && (c.Line < firstLine || c.Line > firstLine+lines-1 || c.Col < 1) {
				t.Fatalf("chunk %d at %d:%d is outside lines %d..%d", i, c.Line, c.Col, firstLine, firstLine+lines-1)
			}
			if !strings.Contains(src, c.Src) {
				t.Fatalf("chunk %d is not text of the source: %q", i, c.Src)
			}
			if c.Kind != Import && c.Kind != Decl && c.Kind != Stmt {
				t.Fatalf("chunk %d has kind %d", i, c.Kind)
			}
			for _, sp := range c.GoCalls {
				if sp[0] < 0 || sp[0] > sp[1] {
					t.Fatalf("chunk %d: go call span %v", i, sp)
				}
			}
			guarded := c.GuardGoroutines("onPanic")
			if strings.Count(guarded, "\n") != strings.Count(c.Src, "\n") {
				t.Fatalf("guarding moved lines:\n%s\n---\n%s", c.Src, guarded)
			}
		}
	})
}
