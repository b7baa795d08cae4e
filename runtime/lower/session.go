package lower

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"go/types"
	"reflect"
	"regexp"
	"sort"
	"strings"
)

// Chunk is one piece of a cell as the cell runner cuts it: a top-level
// declaration, or top-level statements.
type Chunk struct {
	Decl bool   // func, method, type, var or const declaration
	Src  string // Go source
	Line int    // 1-based line of the chunk in the cell, for errors
}

// Result is a lowered cell.
type Result struct {
	// Helpers are declarations to evaluate before the chunks: non-generic
	// copies of standard-library generic functions the cell uses.
	Helpers string
	// Chunks are the lowered chunks, in the order and number given.
	Chunks []string
	// Imports the lowered source needs besides the session's: local name
	// -> import path.
	Imports map[string]string

	decls      map[string]string // declaration key -> original source
	vars       map[string]string // statement variables -> "var x T"
	varImports map[string]string // import path -> name the var types use
	known      map[string]string // helper instances defined by this cell
}

// Session lowers notebook cells, type-checking each against what earlier
// cells declared. The checker sees the original source of every committed
// declaration and a typed "var x T" for every variable earlier statements
// defined; the cell's statements are checked as the body of a function.
// Call Commit after the interpreter ran a cell successfully.
type Session struct {
	l       *Lowerer
	decls   map[string]string // key (name, or Type.Method) -> source
	order   []string          // keys in first-declaration order
	vars    map[string]string
	helpers map[string]string // helper instances already defined
	// pendingVars are package-level declarations of variables the cell's
	// own statements define, for the cell's functions that use them
	// (in a notebook they are globals); pendingImports what they need.
	pendingVars, pendingImports map[string]string
	// varImports are the packages the types of vars name (path -> name),
	// which the cells themselves may never have imported.
	varImports map[string]string
}

// NewSession starts an empty session.
func (l *Lowerer) NewSession() *Session {
	return &Session{l: l, decls: map[string]string{}, vars: map[string]string{}, helpers: map[string]string{}, varImports: map[string]string{}}
}

const cellFuncName = "igo_cell"

// Lower lowers one cell. imports are the packages visible to the cell
// (local name -> import path): the session's and the cell's own. Errors
// are *Error values (or Errors) with positions "cell:LINE:COL".
func (s *Session) Lower(imports map[string]string, chunks []Chunk) (*Result, error) {
	// Shims of compiled generic functions return any where the generic
	// returned T (must.M1, model.GetParamOr, ...): where the checker wants
	// a T, the needed type assertion is written in and the cell checked
	// again.
	s.pendingVars, s.pendingImports = map[string]string{}, map[string]string{}
	defer func() { s.pendingVars, s.pendingImports = nil, nil }()
	for try := 0; ; try++ {
		res, fixed, err := s.lower(imports, chunks, try < 3)
		if fixed == nil {
			return res, err
		}
		chunks = fixed
	}
}

// lower is one attempt of Lower; with fix set, a failed check that type
// assertions would mend returns the mended chunks instead.
func (s *Session) lower(imports map[string]string, chunks []Chunk, fix bool) (*Result, []Chunk, error) {
	var b strings.Builder
	b.WriteString("package main\n")
	for _, key := range sortedKeys(imports) {
		name := key
		if strings.HasPrefix(name, ".") {
			name = "." // a dot import, keyed ".path" so several fit the map
		}
		fmt.Fprintf(&b, "import %s %q\n", name, imports[key])
	}
	for _, path := range sortedKeys(s.pendingImports) {
		fmt.Fprintf(&b, "import %s %q\n", s.pendingImports[path], path)
	}
	for _, path := range sortedKeys(s.varImports) {
		if imports[s.varImports[path]] == path {
			continue // the cell runner imported it under that name already
		}
		fmt.Fprintf(&b, "import %s %q\n", s.varImports[path], path)
	}
	// Earlier declarations, minus those this cell redefines.
	redefined := map[string]bool{}
	for _, c := range chunks {
		if c.Decl {
			for _, k := range declKeys(c.Src) {
				redefined[k] = true
			}
		}
	}
	written := map[string]bool{} // one source can declare several names
	for _, k := range s.order {
		if !redefined[k] && !written[s.decls[k]] {
			written[s.decls[k]] = true
			b.WriteString("//line session:1\n" + s.decls[k] + "\n")
		}
	}
	for _, name := range sortedKeys(s.vars) {
		if !redefined[name] {
			b.WriteString("//line session:1\n" + s.vars[name] + "\n")
		}
	}
	for _, name := range sortedKeys(s.pendingVars) {
		b.WriteString("//line session:1\n" + s.pendingVars[name] + "\n")
	}
	for _, c := range chunks {
		if c.Decl {
			fmt.Fprintf(&b, "//line cell:%d\n%s\n", c.Line, c.Src)
		}
	}
	b.WriteString("func " + cellFuncName + "() {\n")
	for _, c := range chunks {
		if !c.Decl {
			fmt.Fprintf(&b, "//line cell:%d\n%s\n", c.Line, c.Src)
		}
	}
	b.WriteString("}\n")

	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "cell", b.String(), parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, err
	}
	f.Comments = nil
	// Where each chunk's nodes are: decls of this cell are the last ones
	// before the cell function; statements are counted chunk by chunk.
	cellFn := f.Decls[len(f.Decls)-1].(*ast.FuncDecl)
	var spans [][2]int // per chunk: [from, to) in decls or statements
	nDecls, nStmts := 0, 0
	for _, c := range chunks {
		n := countNodes(c)
		if c.Decl {
			spans = append(spans, [2]int{nDecls, nDecls + n})
			nDecls += n
		} else {
			spans = append(spans, [2]int{nStmts, nStmts + n})
			nStmts += n
		}
	}
	firstCellDecl := len(f.Decls) - 1 - nDecls
	if firstCellDecl < 0 || len(cellFn.Body.List) != nStmts {
		return nil, nil, errors.New("lower: the cell's chunks do not parse as given")
	}
	pkg, info, err := s.l.checkCell(fset, f)
	if err != nil {
		if fix {
			if mended := assertAny(fset, f, chunks, err); mended != nil {
				return nil, mended, err
			}
			if s.declareCellVars(fset, f, pkg, info, cellFn, err) {
				return nil, chunks, err // check again, with them declared
			}
		}
		return nil, nil, err
	}
	res := &Result{Imports: map[string]string{}, decls: map[string]string{}, vars: map[string]string{}, varImports: map[string]string{}}
	// Variables the statements define become session variables.
	if scope := info.Scopes[cellFn.Type]; scope != nil {
		lwTypes := s.l.newLowering(fset, f, pkg, info)
		for _, name := range scope.Names() {
			if v, ok := scope.Lookup(name).(*types.Var); ok && name != "_" {
				res.vars[name] = "var " + name + " " + lwTypes.typeExpr(v.Type())
			}
		}
		for path, name := range lwTypes.addImports {
			res.varImports[path] = name
		}
	}
	for _, c := range chunks {
		if c.Decl {
			for k, src := range declSources(c.Src) {
				res.decls[k] = src
			}
		}
	}
	cellDecls := append([]ast.Decl(nil), f.Decls[firstCellDecl:len(f.Decls)-1]...)
	for _, d := range cellDecls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			d.Doc = nil
		case *ast.GenDecl:
			d.Doc = nil
		}
	}
	lw := s.l.newLowering(fset, f, pkg, info)
	lw.cellFunc = cellFn
	lw.wrapSwitch = true
	for k, v := range s.helpers {
		lw.known[k] = v
	}
	// Lower only this cell's nodes.
	for _, d := range cellDecls {
		lw.rewrite(d)
	}
	lw.rewrite(cellFn)
	if len(lw.errs) > 0 {
		return nil, nil, lw.errs
	}
	var hb strings.Builder
	for _, d := range lw.newDecls {
		hb.WriteString(nodeText(fset, d) + "\n")
	}
	res.Helpers = hb.String()
	for path, name := range lw.addImports {
		res.Imports[name] = path
	}
	res.known = lw.known
	for i, c := range chunks {
		var parts []string
		for j := spans[i][0]; j < spans[i][1]; j++ {
			if c.Decl {
				parts = append(parts, nodeText(fset, cellDecls[j]))
			} else {
				parts = append(parts, nodeText(fset, cellFn.Body.List[j]))
			}
		}
		res.Chunks = append(res.Chunks, strings.Join(parts, "\n"))
	}
	return res, nil, nil
}

// Commit records a cell the interpreter ran successfully.
func (s *Session) Commit(r *Result) {
	for k, src := range r.decls {
		if _, ok := s.decls[k]; !ok {
			s.order = append(s.order, k)
		}
		s.decls[k] = src
		delete(s.vars, k)
	}
	for name, v := range r.vars {
		s.vars[name] = v
		if _, ok := s.decls[name]; ok {
			delete(s.decls, name)
			for i, k := range s.order {
				if k == name {
					s.order = append(s.order[:i], s.order[i+1:]...)
					break
				}
			}
		}
	}
	for k, v := range r.known {
		s.helpers[k] = v
	}
	for path, name := range r.varImports {
		s.varImports[path] = name
	}
}

// CommitRan records the part of a cell that ran before a later statement
// failed: the declarations and variables whose names are in ran. The
// interpreter keeps them, so later cells may use them.
func (s *Session) CommitRan(r *Result, ran map[string]bool) {
	part := &Result{decls: map[string]string{}, vars: map[string]string{}, varImports: r.varImports, known: r.known}
	for k, src := range r.decls {
		if ran[k] {
			part.decls[k] = src
		}
	}
	for name, v := range r.vars {
		if ran[name] {
			part.vars[name] = v
		}
	}
	s.Commit(part)
}

// Forget drops a declaration or variable (%rm): name, and the methods of
// a type of that name.
func (s *Session) Forget(name string) {
	delete(s.vars, name)
	keep := s.order[:0]
	for _, k := range s.order {
		if k == name || strings.HasPrefix(k, name+".") {
			delete(s.decls, k)
			continue
		}
		keep = append(keep, k)
	}
	s.order = keep
}

// Reset forgets everything (after %reset or a worker restart).
func (s *Session) Reset() {
	*s = *s.l.NewSession()
}

// checkCell type-checks a cell file: unused variables and imports are
// fine in a notebook.
func (l *Lowerer) checkCell(fset *token.FileSet, f *ast.File) (*types.Package, *types.Info, error) {
	var errs Errors
	conf := types.Config{
		Importer:  l.im,
		GoVersion: "go1.26",
		Error: func(err error) {
			var te types.Error
			if errors.As(err, &te) && !te.Soft && len(errs) < 10 {
				errs = append(errs, &Error{Pos: te.Fset.Position(te.Pos), Msg: te.Msg, pos: te.Pos})
			}
		},
	}
	info := newInfo()
	pkg, _ := conf.Check("main", fset, []*ast.File{f}, info)
	if len(errs) > 0 {
		return pkg, info, errs
	}
	return pkg, info, nil
}

// declSources maps each key a declaration chunk declares to the source
// that declares it alone where it can: one spec of a var or type block
// (`var (a = 1; b = 2)` gives "var a = 1" and "var b = 2"), so a later
// cell can redefine b without the checker seeing b twice. Const blocks
// stay whole (iota and implicit repetition tie their specs together), as
// do specs that declare several names at once.
func declSources(src string) map[string]string {
	out := map[string]string{}
	for _, k := range declKeys(src) {
		out[k] = src
	}
	text := "package p\n" + src
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", text, parser.SkipObjectResolution)
	if err != nil {
		return out
	}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok == token.CONST || len(gd.Specs) < 2 {
			continue
		}
		for _, sp := range gd.Specs {
			name := ""
			switch sp := sp.(type) {
			case *ast.TypeSpec:
				name = sp.Name.Name
			case *ast.ValueSpec:
				if len(sp.Names) == 1 {
					name = sp.Names[0].Name
				}
			}
			if name != "" {
				out[name] = gd.Tok.String() + " " + text[fset.Position(sp.Pos()).Offset:fset.Position(sp.End()).Offset]
			}
		}
	}
	return out
}

// countNodes is how many declarations or statements a chunk holds.
func countNodes(c Chunk) int {
	if c.Decl {
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+c.Src, parser.SkipObjectResolution)
		if err != nil {
			return 1
		}
		return len(f.Decls)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nfunc _() {\n"+c.Src+"\n}", parser.SkipObjectResolution)
	if err != nil {
		return 1
	}
	return len(f.Decls[0].(*ast.FuncDecl).Body.List)
}

// declKeys are the names a declaration chunk declares (Type.Method for
// methods).
func declKeys(src string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	var keys []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil && len(d.Recv.List) == 1 {
				keys = append(keys, recvName(d.Recv.List[0].Type)+"."+d.Name.Name)
			} else {
				keys = append(keys, d.Name.Name)
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					keys = append(keys, sp.Name.Name)
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						keys = append(keys, n.Name)
					}
				}
			}
		}
	}
	sort.Strings(keys)
	return keys
}

func recvName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return recvName(e.X)
	case *ast.IndexExpr:
		return recvName(e.X)
	case *ast.IndexListExpr:
		return recvName(e.X)
	case *ast.Ident:
		return e.Name
	}
	return ""
}

func nodeText(fset *token.FileSet, n ast.Node) string {
	var buf bytes.Buffer
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	if err := cfg.Fprint(&buf, fset, n); err != nil {
		return fmt.Sprintf("/* %v */", err)
	}
	return buf.String()
}

// needAssertion matches the checker's complaint about an any where a T is
// wanted.
var needAssertion = regexp.MustCompile(`^cannot use .* \(value of (?:interface )?type (?:interface\{\}|any)\) as (.+) value in .*: need type assertion$`)

// assertAny writes ".(T)" after each call the checker says yields any
// where a T is wanted; nil when no error is of that kind.
func assertAny(fset *token.FileSet, f *ast.File, chunks []Chunk, err error) []Chunk {
	var es Errors
	if !errors.As(err, &es) {
		return nil
	}
	type edit struct {
		chunk, offset int
		text          string
	}
	var edits []edit
	for _, e := range es {
		m := needAssertion.FindStringSubmatch(e.Msg)
		if m == nil || !e.pos.IsValid() {
			continue
		}
		var call ast.Expr
		ast.Inspect(f, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok && c.Pos() == e.pos && (call == nil || c.End() > call.End()) {
				call = c
			}
			return true
		})
		if call == nil {
			continue
		}
		end := fset.Position(call.End())
		if end.Filename != "cell" {
			continue
		}
		// "//line cell:N" directives carry no column: take the file's own.
		end.Column = fset.PositionFor(call.End(), false).Column
		for i, c := range chunks {
			lines := strings.SplitAfter(c.Src, "\n")
			if end.Line < c.Line || end.Line >= c.Line+len(lines) {
				continue
			}
			off := 0
			for _, l := range lines[:end.Line-c.Line] {
				off += len(l)
			}
			off += end.Column - 1
			if off <= len(c.Src) {
				edits = append(edits, edit{i, off, ".(" + m[1] + ")"})
			}
			break
		}
	}
	if len(edits) == 0 {
		return nil
	}
	out := append([]Chunk(nil), chunks...)
	// Later offsets first, so earlier ones stay valid.
	sort.Slice(edits, func(i, j int) bool { return edits[i].offset > edits[j].offset })
	for _, e := range edits {
		src := out[e.chunk].Src
		out[e.chunk].Src = src[:e.offset] + e.text + src[e.offset:]
	}
	return out
}

// DeclareVar tells the checker about a session variable the cell runner
// defined itself (a value bound by a magic, such as %dataset load --as
// NAME), given its Go type.
func (s *Session) DeclareVar(name string, t reflect.Type) {
	lw := &lowering{l: s.l, imports: map[string]string{}, addImports: map[string]string{}}
	for path, n := range s.varImports {
		lw.imports[path] = n
	}
	s.vars[name] = "var " + name + " " + lw.typeExpr(s.l.im.typ(t))
	for path, n := range lw.addImports {
		s.varImports[path] = n
	}
}

var undefinedName = regexp.MustCompile(`^undefined: (\w+)$`)

// declareCellVars handles "undefined: x" where x is a variable the cell's
// statements define and one of its declarations uses: in a notebook the
// statements run at the top level, so x is a global. It declares x at
// package level for the next check and reports whether it did.
func (s *Session) declareCellVars(fset *token.FileSet, f *ast.File, pkg *types.Package, info *types.Info, cellFn *ast.FuncDecl, err error) bool {
	var es Errors
	if !errors.As(err, &es) || pkg == nil {
		return false
	}
	scope := info.Scopes[cellFn.Type]
	if scope == nil {
		return false
	}
	lw := s.l.newLowering(fset, f, pkg, info)
	added := false
	for _, e := range es {
		m := undefinedName.FindStringSubmatch(e.Msg)
		if m == nil || s.pendingVars[m[1]] != "" {
			continue
		}
		v, ok := scope.Lookup(m[1]).(*types.Var)
		if !ok || v.Type() == nil || v.Type() == types.Typ[types.Invalid] {
			continue
		}
		s.pendingVars[m[1]] = "var " + m[1] + " " + lw.typeExpr(v.Type())
		added = true
	}
	for path, name := range lw.addImports {
		s.pendingImports[path] = name
	}
	return added
}

// RecordDecls tells the checker about declarations a cell made without
// going through Lower (the cell ran as written when the checker could
// not follow it), so that later cells see them.
func (s *Session) RecordDecls(chunks []Chunk) {
	for _, c := range chunks {
		if !c.Decl {
			continue
		}
		sources := declSources(c.Src)
		for _, k := range declKeys(c.Src) {
			if _, ok := s.decls[k]; !ok {
				s.order = append(s.order, k)
			}
			s.decls[k] = sources[k]
			delete(s.vars, k)
		}
	}
}
