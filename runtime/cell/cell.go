// Package cell splits a notebook cell into the pieces the runtime runs one
// after another: magic lines, shell commands and chunks of Go source, with
// Go source further divided into imports, declarations and statements.
//
// yaegi's REPL decides "declaration or statement" from the first token of
// what it is given, so a cell that mixes both must be cut at top-level
// boundaries; each piece keeps its line in the cell so errors point at the
// cell's own lines.
package cell

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
)

// Kind says what a piece of a cell is.
type Kind int

const (
	// Go is Go source: see Chunks.
	Go Kind = iota
	// LineMagic is "%name args".
	LineMagic
	// CellMagic is "%%name args" on the first line, the rest being Body.
	CellMagic
	// Shell is "!command" (GoNB's "!*command" too).
	Shell
	// MainBody is GoNB's "%%" or "%main" line, optionally with program
	// arguments: what follows is the body of main, which in IGo is plain
	// statements run after the arguments are parsed into flags.
	MainBody
	// GoCommand is a "go get ..." style line that notebooks written for
	// compiled kernels carry; IGo needs none of them.
	GoCommand
)

// Piece is one part of a cell.
type Piece struct {
	Kind Kind
	Line int    // 1-based line in the cell where the piece starts
	Name string // magic name, without % signs
	Args string // magic arguments, or the shell command
	Body string // cell-magic body, or Go source
}

// Split cuts a cell into pieces in source order. Magic and shell lines are
// recognised only at the start of a line (after spaces), outside Go code.
func Split(src string) []Piece {
	lines := strings.SplitAfter(src, "\n")
	var pieces []Piece
	// A cell magic takes the whole cell.
	if first := strings.TrimSpace(lines[0]); strings.HasPrefix(first, "%%") && len(first) > 2 && first[2] != ' ' {
		name, args := splitNameArgs(first[2:])
		return []Piece{{Kind: CellMagic, Line: 1, Name: name, Args: args, Body: strings.Join(lines[1:], "")}}
	}
	var goBuf strings.Builder
	goStart := 0
	flush := func() {
		if strings.TrimSpace(goBuf.String()) != "" {
			pieces = append(pieces, Piece{Kind: Go, Line: goStart, Body: goBuf.String()})
		}
		goBuf.Reset()
		goStart = 0
	}
	// Magic lines count only outside Go brackets; the depth is computed
	// only for lines that look like magics, which keeps splitting linear.
	atTopLevel := func() bool { return nesting(goBuf.String()) <= 0 }
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		candidate := len(trimmed) > 1 && (trimmed[0] == '%' || trimmed[0] == '!') ||
			strings.HasPrefix(trimmed, "go get ") || strings.HasPrefix(trimmed, "go mod ")
		if candidate && atTopLevel() {
			flush()
			switch {
			case trimmed == "%%" || strings.HasPrefix(trimmed, "%% ") || trimmed == "%main" || strings.HasPrefix(trimmed, "%main "):
				args := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(trimmed, "%main"), "%%"))
				pieces = append(pieces, Piece{Kind: MainBody, Line: i + 1, Args: args})
			case strings.HasPrefix(trimmed, "go "):
				pieces = append(pieces, Piece{Kind: GoCommand, Line: i + 1, Args: trimmed})
			case trimmed[0] == '!':
				pieces = append(pieces, Piece{Kind: Shell, Line: i + 1, Args: strings.TrimSpace(strings.TrimPrefix(trimmed[1:], "*"))})
			default:
				name, args := splitNameArgs(strings.TrimLeft(trimmed, "%"))
				pieces = append(pieces, Piece{Kind: LineMagic, Line: i + 1, Name: name, Args: args})
			}
			continue
		}
		if goStart == 0 {
			goStart = i + 1
		}
		goBuf.WriteString(line)
	}
	flush()
	return pieces
}

func splitNameArgs(s string) (name, args string) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return s[:i], strings.TrimSpace(s[i+1:])
	}
	return s, ""
}

// nesting returns how many brackets are open at the end of src, ignoring
// those inside strings and comments.
func nesting(src string) int {
	var s scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	s.Init(file, []byte(src), func(token.Position, string) {}, 0)
	depth := 0
	for {
		_, tok, _ := s.Scan()
		switch tok {
		case token.EOF:
			return depth
		case token.LBRACE, token.LPAREN, token.LBRACK:
			depth++
		case token.RBRACE, token.RPAREN, token.RBRACK:
			depth--
		}
	}
}

// ChunkKind classifies a top-level chunk of Go source.
type ChunkKind int

const (
	Import ChunkKind = iota
	Decl             // func, method, type, var or const declaration
	Stmt             // anything else: statements and expressions
)

// Chunk is one top-level declaration or statement.
type Chunk struct {
	Kind ChunkKind
	Line int // 1-based line in the cell
	Col  int // 1-based column of its first character
	Src  string
	// Expr is set when the chunk is a statement that is a lone expression:
	// the candidate for the cell's displayed result.
	Expr ast.Expr
	// Names declared by a Decl chunk (functions, types, vars, consts).
	Names []string
	// Unresolved are the identifiers the chunk uses without declaring
	// them: session names, package names, builtins — or mistakes.
	Unresolved []Ref
	// DefineRHS is the right-hand side of a chunk that is exactly
	// "name := expr" (Defines holds the name).
	DefineRHS string
	// CommaOK is set for "a, b := x.(T)", "a, b := m[k]" and "a, b := <-c",
	// which yaegi's REPL mishandles at the top level: Names then holds a
	// and b, and DefineRHS the right-hand side.
	CommaOK bool
	// HasFuncLit is set when the chunk contains a function literal.
	HasFuncLit bool
	// Wrap is set for statements yaegi's REPL mishandles at the top level
	// but runs inside a block: type switches, and statements starting with
	// a function literal (taken for declarations, then re-run by every
	// later evaluation).
	Wrap bool
	// Defines are the names a statement chunk declares at the top level
	// (x := ..., var x ...), which become session variables.
	Defines []string
	// Roots are the X of X.Sel selectors the chunk does not declare.
	Roots []string
	// GoCalls are the byte spans in Src of the calls of go statements,
	// which the runtime guards so that a panic there cannot end the worker.
	GoCalls [][2]int
	// Explicit are the explicit instantiations pkg.Name[T] in the chunk,
	// which yaegi cannot call on compiled generics.
	Explicit []Instantiation
	// Imports lists the paths of an Import chunk, with their local names.
	Imports []ImportSpec
}

// Instantiation is "pkg.Name[T]" at bytes [Start, End) of a chunk.
type Instantiation struct {
	Pkg, Name, TypeArg string
	Start, End         int
}

// Ref is an identifier at a cell position.
type Ref struct {
	Name      string
	Line, Col int
}

// ImportSpec is one imported path and the name it is bound to ("" when the
// package's own name is used).
type ImportSpec struct {
	Name, Path string
}

// Chunks cuts Go source that starts at line firstLine of the cell into
// top-level chunks. A syntax error is reported with cell positions.
func Chunks(src string, firstLine int) ([]Chunk, error) {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var errs scanner.ErrorList
	var s scanner.Scanner
	s.Init(file, []byte(src), func(pos token.Position, msg string) { errs.Add(pos, msg) }, 0)
	type span struct{ start, end int }
	var spans []span
	depth, start := 0, -1
	header := false
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		off := file.Offset(pos)
		if start < 0 && tok != token.SEMICOLON {
			start = off
		}
		switch tok {
		case token.FOR, token.IF, token.SWITCH:
			if depth == 0 {
				header = true // "for i := 0; i < n; i++ {": its ; do not end it
			}
		case token.LBRACE, token.LPAREN, token.LBRACK:
			if tok == token.LBRACE && depth == 0 {
				header = false
			}
			depth++
		case token.RBRACE, token.RPAREN, token.RBRACK:
			depth--
		case token.SEMICOLON:
			if header && lit == ";" {
				continue
			}
			if depth == 0 && start >= 0 {
				end := off
				if lit == "\n" || lit == "" {
					end = off // automatic semicolon: the chunk ends at the newline
				}
				spans = append(spans, span{start, end})
				start = -1
			}
		}
	}
	if len(errs) > 0 {
		return nil, shiftErrors(errs, firstLine)
	}
	if start >= 0 {
		spans = append(spans, span{start, len(src)})
	}
	var chunks []Chunk
	for _, sp := range spans {
		text := src[sp.start:sp.end]
		p := file.Position(file.Pos(sp.start))
		c := Chunk{Line: firstLine + p.Line - 1, Col: p.Column, Src: text}
		if err := classify(&c); err != nil {
			return nil, err
		}
		chunks = append(chunks, c)
	}
	return chunks, nil
}

// classify parses a chunk to find its kind, declared names, the package
// names it uses and whether it is a lone expression. A line directive keeps
// the parser's positions those of the cell.
func classify(c *Chunk) error {
	fset := token.NewFileSet()
	directive := fmt.Sprintf("\n//line cell:%d:%d\n", c.Line, c.Col)
	if f, err := parser.ParseFile(fset, "", "package p"+directive+c.Src, 0); err == nil && len(f.Decls) > 0 {
		for _, d := range f.Decls {
			declare(c, d)
		}
		c.Roots = selectorRoots(f)
		c.GoCalls = goCalls(fset, f, len("package p")+len(directive))
		c.Explicit = explicit(fset, f, c.Src, len("package p")+len(directive))
		c.Unresolved = unresolved(fset, f)
		return nil
	}
	c.Kind = Stmt
	c.Wrap = strings.HasPrefix(c.Src, "func")
	f, err := parser.ParseFile(fset, "", "package p;func _(){"+directive+c.Src+"\n}", 0)
	if err != nil {
		return err
	}
	body := f.Decls[0].(*ast.FuncDecl).Body.List
	if len(body) == 1 {
		if es, ok := body[0].(*ast.ExprStmt); ok {
			c.Expr = es.X
		}
	}
	ast.Inspect(f.Decls[0].(*ast.FuncDecl).Body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			c.HasFuncLit = true
		}
		return !c.HasFuncLit
	})
	c.Roots = selectorRoots(f)
	c.GoCalls = goCalls(fset, f, len("package p;func _(){")+len(directive))
	c.Explicit = explicit(fset, f, c.Src, len("package p;func _(){")+len(directive))
	c.Unresolved = unresolved(fset, f)
	if len(body) == 1 {
		if as, ok := body[0].(*ast.AssignStmt); ok && as.Tok == token.DEFINE && len(as.Rhs) == 1 && len(as.Lhs) <= 2 {
			prefix := len("package p;func _(){") + len(directive)
			tf := fset.File(f.Pos())
			a, b := tf.Offset(as.Rhs[0].Pos())-prefix, tf.Offset(as.Rhs[0].End())-prefix
			if a >= 0 && b <= len(c.Src) {
				c.DefineRHS = c.Src[a:b]
			}
			if len(as.Lhs) == 2 {
				switch rhs := as.Rhs[0].(type) {
				case *ast.TypeAssertExpr, *ast.IndexExpr:
					c.CommaOK = true
				case *ast.UnaryExpr:
					c.CommaOK = rhs.Op == token.ARROW
				}
				if !c.CommaOK {
					c.DefineRHS = ""
				}
			}
		}
		if _, ok := body[0].(*ast.TypeSwitchStmt); ok {
			c.Wrap = true
		}
	}
	for _, st := range body {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				for _, l := range st.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
						c.Defines = append(c.Defines, id.Name)
					}
				}
			}
		case *ast.DeclStmt:
			if g, ok := st.Decl.(*ast.GenDecl); ok {
				for _, sp := range g.Specs {
					switch sp := sp.(type) {
					case *ast.ValueSpec:
						for _, n := range sp.Names {
							c.Defines = append(c.Defines, n.Name)
						}
					case *ast.TypeSpec:
						c.Defines = append(c.Defines, sp.Name.Name)
					}
				}
			}
		}
	}
	return nil
}

// unresolved lists the identifiers the parser could not resolve within the
// chunk, with their cell positions.
func unresolved(fset *token.FileSet, f *ast.File) []Ref {
	var refs []Ref
	for _, id := range f.Unresolved {
		p := fset.Position(id.Pos())
		refs = append(refs, Ref{Name: id.Name, Line: p.Line, Col: p.Column})
	}
	return refs
}

// goCalls finds the calls of go statements, as offsets in the chunk.
func goCalls(fset *token.FileSet, f *ast.File, prefix int) [][2]int {
	var spans [][2]int
	tf := fset.File(f.Pos())
	ast.Inspect(f, func(n ast.Node) bool {
		if g, ok := n.(*ast.GoStmt); ok {
			spans = append(spans, [2]int{tf.Offset(g.Call.Pos()) - prefix, tf.Offset(g.Call.End()) - prefix})
		}
		return true
	})
	return spans
}

// explicit finds pkg.Name[T] expressions.
func explicit(fset *token.FileSet, f *ast.File, src string, prefix int) []Instantiation {
	var out []Instantiation
	tf := fset.File(f.Pos())
	ast.Inspect(f, func(n ast.Node) bool {
		ix, ok := n.(*ast.IndexExpr)
		if !ok {
			return true
		}
		sel, ok := ix.X.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		pkg, ok := sel.X.(*ast.Ident)
		if !ok {
			return true
		}
		a, b := tf.Offset(ix.Index.Pos())-prefix, tf.Offset(ix.Index.End())-prefix
		start, end := tf.Offset(sel.Pos())-prefix, tf.Offset(ix.End())-prefix
		if a < 0 || b > len(src) || start < 0 || end > len(src) {
			return true
		}
		out = append(out, Instantiation{Pkg: pkg.Name, Name: sel.Sel.Name, TypeArg: strings.Join(strings.Fields(src[a:b]), ""), Start: start, End: end})
		return true
	})
	return out
}

// Replace returns the chunk's source with the given byte spans replaced,
// each by its text; spans must not overlap.
func (c Chunk) Replace(spans []Instantiation, texts []string) string {
	var b strings.Builder
	last := 0
	for i, sp := range spans {
		if sp.Start < last {
			continue
		}
		b.WriteString(c.Src[last:sp.Start])
		b.WriteString(texts[i])
		last = sp.End
	}
	b.WriteString(c.Src[last:])
	return b.String()
}

// GuardGoroutines rewrites "go f(x)" into a goroutine that recovers a panic
// and hands it to handler (a function name visible to the code), keeping
// every line where it was. Arguments are then evaluated in the new
// goroutine, a difference that rarely matters in a notebook.
func (c Chunk) GuardGoroutines(handler string) string {
	if len(c.GoCalls) == 0 {
		return c.Src
	}
	var b strings.Builder
	last := 0
	for _, sp := range c.GoCalls {
		if sp[0] < last || sp[1] > len(c.Src) {
			continue // nested in an earlier one: already guarded
		}
		b.WriteString(c.Src[last:sp[0]])
		b.WriteString("func() { defer func() { if r := recover(); r != nil { " + handler + "(r) } }(); ")
		b.WriteString(c.Src[sp[0]:sp[1]])
		b.WriteString(" }()")
		last = sp[1]
	}
	b.WriteString(c.Src[last:])
	return b.String()
}

// declare records what a top-level declaration declares.
func declare(c *Chunk, d ast.Decl) {
	switch d := d.(type) {
	case *ast.GenDecl:
		if d.Tok == token.IMPORT {
			c.Kind = Import
			for _, s := range d.Specs {
				is := s.(*ast.ImportSpec)
				spec := ImportSpec{Path: strings.Trim(is.Path.Value, "\"`")}
				if is.Name != nil {
					spec.Name = is.Name.Name
				}
				c.Imports = append(c.Imports, spec)
			}
			return
		}
		c.Kind = Decl
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				c.Names = append(c.Names, s.Name.Name)
			case *ast.ValueSpec:
				for _, n := range s.Names {
					c.Names = append(c.Names, n.Name)
				}
			}
		}
	case *ast.FuncDecl:
		c.Kind = Decl
		name := d.Name.Name
		if d.Recv != nil && len(d.Recv.List) > 0 {
			name = recvTypeName(d.Recv.List[0].Type) + "." + name
		}
		c.Names = append(c.Names, name)
	}
}

// selectorRoots lists the identifiers X of selector expressions X.Sel that
// the file does not declare itself: the candidates for automatic imports.
func selectorRoots(f *ast.File) []string {
	declared := map[string]bool{}
	var roots []string
	seen := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						declared[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				declared[id.Name] = true
			}
		case *ast.Field:
			for _, id := range n.Names {
				declared[id.Name] = true
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok {
					declared[id.Name] = true
				}
			}
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok && !seen[id.Name] {
				seen[id.Name] = true
				roots = append(roots, id.Name)
			}
		}
		return true
	})
	out := roots[:0]
	for _, r := range roots {
		if !declared[r] {
			out = append(out, r)
		}
	}
	return out
}

func recvTypeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return recvTypeName(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return recvTypeName(t.X)
	case *ast.IndexListExpr:
		return recvTypeName(t.X)
	}
	return "?"
}

func shiftErrors(errs scanner.ErrorList, firstLine int) error {
	for _, e := range errs {
		e.Pos.Line += firstLine - 1
	}
	return errs
}
