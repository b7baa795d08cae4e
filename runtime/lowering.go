package runtime

import (
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"os"
	"strings"

	"github.com/igo-kernel/igo/runtime/cell"
	"github.com/igo-kernel/igo/runtime/lower"
	"github.com/igo-kernel/igo/session"
)

// lowerCell type-checks the cell against the session and lowers what yaegi
// cannot run (range over functions and ints, min/max/clear, implicit type
// arguments, generic standard-library functions: package lower) into
// chunks yaegi runs. Chunks the lowering leaves alone keep their exact
// source and positions.
//
// IGO_LOWER=0 turns this off (yaegi alone), should the checker ever stand
// in the way.
//
// The checker models the session from source, and cannot see everything
// yaegi holds (values bound by magics, for one): when it rejects a cell
// that needs no lowering, the cell runs as written and yaegi judges it.
func (s *goSession) lowerCell(chunks []cell.Chunk) ([]cell.Chunk, *lower.Result, *session.Error) {
	if os.Getenv("IGO_LOWER") == "0" {
		return chunks, nil, nil // the escape hatch: yaegi alone
	}
	var in []lower.Chunk
	var idx []int
	for i, c := range chunks {
		if c.Kind == cell.Import {
			continue
		}
		src := c.Src
		if _, isCall := ast.Unparen(c.Expr).(*ast.CallExpr); c.Expr != nil && !isCall {
			// The cell's result: an expression statement the checker
			// would call unused.
			src = resultPrefix + src
		}
		in = append(in, lower.Chunk{Decl: c.Kind == cell.Decl, Src: src, Line: c.Line})
		idx = append(idx, i)
	}
	if len(in) == 0 {
		return chunks, nil, nil
	}
	imports := map[string]string{}
	for name, path := range s.imported {
		if !strings.HasPrefix(name, "_igo") {
			imports[name] = path
		}
	}
	res, err := s.lowerSafely(imports, in)
	if err != nil && strings.Contains(err.Error(), "is not used") {
		// A trailing call with a value the checker will not drop (len(x),
		// a conversion): make it the cell's result explicitly.
		if k := len(in) - 1; chunks[idx[k]].Expr != nil && !strings.HasPrefix(in[k].Src, resultPrefix) {
			in[k].Src = resultPrefix + in[k].Src
			res, err = s.lowerSafely(imports, in)
		}
	}
	var lp *lowerPanic
	if err != nil {
		if !needsLowering(chunks) || errors.As(err, &lp) {
			return chunks, nil, nil
		}
		return nil, nil, loweringError(err)
	}
	for name, path := range res.Imports {
		if e := s.importPackage(name, path); e != nil {
			return nil, nil, s.compileErrorAt(e, chunks[0].Line)
		}
	}
	if strings.TrimSpace(res.Helpers) != "" {
		if _, err := s.it.Eval(res.Helpers); err != nil {
			return nil, nil, s.compileError(fmt.Errorf("IGo's lowering helpers: %v", err), 0)
		}
	}
	var out []cell.Chunk
	next := 0
	for k, i := range idx {
		out = append(out, chunks[next:i]...)
		next = i + 1
		c := chunks[i]
		lowered := res.Chunks[k]
		if strings.HasPrefix(in[k].Src, resultPrefix) {
			lowered = strings.TrimPrefix(lowered, resultPrefix)
		}
		if sameCode(c.Src, lowered) {
			out = append(out, c)
			continue
		}
		re, err := cell.Chunks(lowered, c.Line)
		if err != nil {
			return nil, nil, s.compileError(fmt.Errorf("line %d: IGo's lowering produced code it cannot parse: %v", c.Line, err), 0)
		}
		for j := range re {
			re[j].Line = c.Line // the lowered code stands for the chunk's line
			re[j].Col = 1
		}
		out = append(out, re...)
	}
	out = append(out, chunks[next:]...)
	return out, res, nil
}

// lowerSafely runs the lowering; a panic in it is an internal error that
// must not cost the session (the cell then runs as written).
func (s *goSession) lowerSafely(imports map[string]string, in []lower.Chunk) (res *lower.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, &lowerPanic{r}
		}
	}()
	return s.low.Lower(imports, in)
}

// lowerPanic is a panic inside the lowering.
type lowerPanic struct{ v any }

func (p *lowerPanic) Error() string {
	return fmt.Sprintf("internal error in IGo's type checker: %v", p.v)
}

// resultPrefix makes a trailing expression a statement for the checker.
const resultPrefix = "_ = "

// sameCode tells whether lowering left a chunk as it was (up to gofmt).
func sameCode(orig, lowered string) bool {
	f, err := format.Source([]byte(orig))
	if err != nil {
		return false
	}
	return strings.TrimSpace(string(f)) == strings.TrimSpace(lowered)
}

// modernMarkers are the source forms that only run through the lowering.
var modernMarkers = []string{"range", "min(", "max(", "clear(", "slices.", "maps.", "iter.", "cmp."}

// needsLowering guesses whether a cell uses what only the lowering makes
// run; a type error in such a cell is reported rather than left to yaegi.
func needsLowering(chunks []cell.Chunk) bool {
	for _, c := range chunks {
		for _, m := range modernMarkers {
			if strings.Contains(c.Src, m) {
				return true
			}
		}
	}
	return false
}

// loweringError turns the checker's "cell:LINE:COL: msg" errors into the
// cell's error.
func loweringError(err error) *session.Error {
	var msgs []string
	var es lower.Errors
	var e *lower.Error
	switch {
	case errors.As(err, &es):
		for _, x := range es {
			msgs = append(msgs, positioned(x))
		}
	case errors.As(err, &e):
		msgs = append(msgs, positioned(e))
	default:
		msgs = append(msgs, err.Error())
	}
	tb := make([]string, len(msgs))
	for i, m := range msgs {
		tb[i] = "\x1b[31mCompileError\x1b[0m: " + m
	}
	return &session.Error{Name: "CompileError", Value: strings.Join(msgs, "; "), Traceback: tb}
}

func positioned(e *lower.Error) string {
	if e.Pos.IsValid() && e.Pos.Filename == "cell" {
		if e.Pos.Column == 0 { // line directives carry no column
			return fmt.Sprintf("line %d: %s", e.Pos.Line, e.Msg)
		}
		return fmt.Sprintf("line %d, column %d: %s", e.Pos.Line, e.Pos.Column, e.Msg)
	}
	return e.Error()
}
