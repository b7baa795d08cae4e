package lower

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// cellRunner plays the cell runner: it lowers cells with a Session and
// evaluates the result at the interpreter's top level.
type cellRunner struct {
	t       *testing.T
	s       *Session
	it      *interp.Interpreter
	out     bytes.Buffer
	imports map[string]string
}

func newCellRunner(t *testing.T) *cellRunner {
	r := &cellRunner{t: t, s: Default().NewSession(), imports: map[string]string{}}
	r.it = interp.New(interp.Options{Stdout: &r.out, Stderr: &r.out})
	if err := r.it.Use(stdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	if err := r.it.Use(ExtraTablesMerged()); err != nil {
		t.Fatal(err)
	}
	return r
}

// cell runs chunks; imports are name=path pairs the cell imports.
func (r *cellRunner) cell(imports []string, chunks ...Chunk) (string, error) {
	for _, imp := range imports {
		name, path, _ := strings.Cut(imp, "=")
		if _, ok := r.imports[name]; !ok {
			if _, err := r.it.Eval(fmt.Sprintf("import %s %q", name, path)); err != nil {
				return "", err
			}
			r.imports[name] = path
		}
	}
	res, err := r.s.Lower(r.imports, chunks)
	if err != nil {
		return "", err
	}
	r.out.Reset()
	if res.Helpers != "" {
		if _, err := r.it.Eval(res.Helpers); err != nil {
			return "", fmt.Errorf("helpers: %w\n%s", err, res.Helpers)
		}
	}
	for _, c := range res.Chunks {
		if _, err := r.it.Eval(c); err != nil {
			return r.out.String(), fmt.Errorf("%w\n%s", err, c)
		}
	}
	r.s.Commit(res)
	return r.out.String(), nil
}

func TestSessionCells(t *testing.T) {
	r := newCellRunner(t)
	out, err := r.cell([]string{"iter=iter", "fmt=fmt"},
		Chunk{Decl: true, Line: 1, Src: "func gen(n int) iter.Seq[int] {\n\treturn func(yield func(int) bool) {\n\t\tfor i := range n {\n\t\t\tif !yield(i * i) {\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n\t}\n}"},
		Chunk{Line: 10, Src: "xs := []int{3, 1, 2}"},
		Chunk{Line: 11, Src: "for v := range gen(4) {\n\tif v > 4 {\n\t\tbreak\n\t}\n\tfmt.Println(v)\n}"},
	)
	if err != nil {
		t.Fatal(err)
	}
	if out != "0\n1\n4\n" {
		t.Errorf("cell 1 printed %q", out)
	}
	// The next cell knows gen and xs from the session.
	out, err = r.cell([]string{"slices=slices"},
		Chunk{Line: 1, Src: "slices.Sort(xs)"},
		Chunk{Line: 2, Src: "fmt.Println(xs, min(xs[2], 10), slices.Collect(gen(3)))"},
		Chunk{Line: 3, Src: "v := any(xs)"},
		Chunk{Line: 4, Src: "switch v.(type) {\ncase []int:\n\tfmt.Println(\"ints\")\n}"},
	)
	if err != nil {
		t.Fatal(err)
	}
	if out != "[1 2 3] 3 [0 1 4]\nints\n" {
		t.Errorf("cell 2 printed %q", out)
	}
	// A type error names the cell line.
	_, err = r.cell(nil, Chunk{Line: 7, Src: "var y int = \"text\""})
	if err == nil || !strings.Contains(err.Error(), "cell:7") {
		t.Errorf("type error = %v, want one at cell:7", err)
	}
	// A redefined function replaces the earlier one for the checker.
	if _, err := r.cell(nil, Chunk{Decl: true, Line: 1, Src: "func gen(s string) string { return s + \"!\" }"}, Chunk{Line: 2, Src: "fmt.Println(gen(\"hi\"))"}); err != nil {
		t.Fatal(err)
	}
}
