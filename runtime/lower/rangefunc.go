package lower

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// rangeStmt lowers range over an integer or a function; other ranges are
// left alone.
func (lw *lowering) rangeStmt(rs *ast.RangeStmt, c *astutil.Cursor, fc *funcCtx) ast.Stmt {
	t := lw.typeOf(rs.X)
	if t == nil {
		return nil
	}
	label := ""
	if ls, ok := c.Parent().(*ast.LabeledStmt); ok {
		label = ls.Label.Name
	}
	if p, ok := coreType(t).(*types.Pointer); ok && (rs.Value == nil || isBlank(rs.Value)) && noCalls(rs.X) {
		// for i := range p, p a pointer to an array: the indices, without
		// touching p (it may be nil). With a call in it, Go evaluates p.
		if a, ok := p.Elem().Underlying().(*types.Array); ok {
			rs.X = &ast.BasicLit{Kind: token.INT, Value: fmt.Sprint(a.Len()), ValuePos: rs.X.Pos()}
			rs.Value = nil
			return lw.rangeInt(rs, types.Typ[types.Int])
		}
	}
	switch u := coreType(t).(type) {
	case *types.Basic:
		if u.Info()&types.IsInteger != 0 {
			return lw.rangeInt(rs, t)
		}
	case *types.Signature:
		return lw.rangeFunc(rs, u, label, fc)
	}
	// yaegi mistypes blank iteration variables: for i, _ := range s
	// assigns the element to i, for _ = range s fails. Blanks go.
	if rs.Value != nil && isBlank(rs.Value) {
		rs.Value = nil
	}
	if rs.Key != nil && isBlank(rs.Key) && rs.Value == nil {
		rs.Key, rs.Tok = nil, token.ILLEGAL
	}
	if b, ok := coreType(t).(*types.Basic); ok && b.Info()&types.IsString != 0 && rs.Key != nil {
		return lw.rangeString(rs)
	}
	if rs.Tok == token.ASSIGN {
		return lw.rangeAssign(rs)
	}
	return nil
}

// rangeString: for i, c := range s  =>  for k, w, str := 0, 0, s; k <
// len(str); k += w { var r rune; r, w = utf8.DecodeRuneInString(str[k:]);
// i, c := k, r; ... }. yaegi's own loop gives wrong offsets after an
// invalid UTF-8 byte.
func (lw *lowering) rangeString(rs *ast.RangeStmt) ast.Stmt {
	utf8 := lw.importName(types.NewPackage("unicode/utf8", "utf8"))
	k, w, str, r := lw.tmp("k"), lw.tmp("w"), lw.tmp("s"), lw.tmp("r")
	loop := parseStmts(fmt.Sprintf("for %s, %s, %s := 0, 0, string(X); %s < len(%s); %s += %s {\nvar %s rune\n%s, %s = %s.DecodeRuneInString(%s[%s:])\n}",
		k, w, str, k, str, k, w, r, r, w, utf8, str, k))[0].(*ast.ForStmt)
	replaceIdent(loop.Init, "X", rs.X)
	loop.For = rs.For
	lhs := []ast.Expr{rs.Key}
	rhs := []ast.Expr{ast.NewIdent(k)}
	if rs.Value != nil {
		lhs = append(lhs, rs.Value)
		rhs = append(rhs, ast.NewIdent(r))
	} else {
		loop.Body.List = append(loop.Body.List, parseStmts("_ = "+r)...)
	}
	loop.Body.List = append(loop.Body.List, &ast.AssignStmt{Lhs: lhs, Tok: rs.Tok, TokPos: rs.For, Rhs: rhs})
	// The body is a block of its own, as in Go: it may redeclare i and c.
	loop.Body.List = append(loop.Body.List, rs.Body)
	return loop
}

// noCalls reports whether e holds no call and no receive (Go does not
// evaluate such a range expression when only indices are asked for).
func noCalls(e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.CallExpr:
			ok = false
		case *ast.UnaryExpr:
			ok = ok && x.Op != token.ARROW
		}
		return ok
	})
	return ok
}

// rangeAssign: for k, v = range x {...}  =>  for t1, t2 := range x { k, v
// = t1, t2; ... }. yaegi leaves k and v untouched when the loop assigns
// to existing variables.
func (lw *lowering) rangeAssign(rs *ast.RangeStmt) ast.Stmt {
	var lhs, rhs []ast.Expr
	for _, e := range []*ast.Expr{&rs.Key, &rs.Value} {
		if *e == nil || isBlank(*e) {
			continue
		}
		tmp := ast.NewIdent(lw.tmp("r"))
		lhs = append(lhs, *e)
		rhs = append(rhs, tmp)
		*e = tmp
	}
	if len(lhs) == 0 {
		return nil
	}
	if rs.Key == nil || isBlank(rs.Key) {
		rs.Key = ast.NewIdent("_")
	}
	rs.Tok = token.DEFINE
	rs.Body.List = append([]ast.Stmt{&ast.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, TokPos: rs.For, Rhs: rhs}}, rs.Body.List...)
	return rs
}

// rangeInt: for i := range n  =>  for k, n := T(0), X; k < n; k++ { i := k; ... }
// The hidden counter keeps the loop's count even if the body changes i,
// and i is a new variable in each iteration, as in Go.
func (lw *lowering) rangeInt(rs *ast.RangeStmt, t types.Type) ast.Stmt {
	if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		t = types.Typ[types.Int]
		if rs.Key != nil && rs.Tok == token.ASSIGN {
			if kt := lw.typeOf(rs.Key); kt != nil {
				t = kt
			}
		}
	}
	k, n := lw.tmp("i"), lw.tmp("n")
	te := lw.typeExpr(t)
	loop := parseStmts(fmt.Sprintf("for %s, %s := %s(0), %s(X); %s < %s; %s++ {}", k, n, te, te, k, n, k))[0].(*ast.ForStmt)
	replaceIdent(loop.Init, "X", rs.X)
	body := rs.Body
	if rs.Key != nil && !isBlank(rs.Key) {
		tok := rs.Tok
		if tok != token.DEFINE {
			tok = token.ASSIGN
		}
		assign := &ast.AssignStmt{Lhs: []ast.Expr{rs.Key}, Tok: tok, Rhs: []ast.Expr{ast.NewIdent(k)}}
		body.List = append([]ast.Stmt{assign}, body.List...)
	}
	loop.Body = body
	loop.For = rs.For
	return loop
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}

// deferInLoopBodies switches on the lowering of defer inside
// range-over-func bodies (a list of calls the function runs when it
// returns). It is correct Go, but yaegi (the pinned commit) never returns
// from a function whose deferred call calls a function value, so it is off
// and such a defer is reported instead.
const deferInLoopBodies = false

// rfLoop is one range-over-func loop being lowered.
type rfLoop struct {
	lw      *lowering
	fc      *funcCtx
	label   string
	ctl     string // exit code variable
	done    string // set once the loop has finished
	exits   map[string]int
	after   []ast.Stmt // statements run after the iterator returns, by exit code
	results []string   // temporaries for return values
	inner   map[string]bool
	pos     token.Pos
}

type depth struct{ loops, breaks int }

// rangeFunc lowers
//
//	for k, v := range f { body }
//
// to
//
//	{
//		done := false
//		f(func(k K, v V) bool { if done { panic(...) }; body'; return true })
//		done = true
//		if ctl == 1 { return r0 } ...
//	}
//
// where body' turns continue into "return true", break into "return
// false", and return, outer break/continue and goto-free exits into an exit
// code checked after the call; defer goes to a list the enclosing
// function runs when it returns.
func (lw *lowering) rangeFunc(rs *ast.RangeStmt, sig *types.Signature, label string, fc *funcCtx) ast.Stmt {
	if sig.Params().Len() != 1 {
		lw.errorf(rs.Pos(), "range over %s is not an iterator", sig)
		return nil
	}
	yield, ok := coreType(sig.Params().At(0).Type()).(*types.Signature)
	if !ok {
		lw.errorf(rs.Pos(), "range over %s is not an iterator", sig)
		return nil
	}
	r := &rfLoop{lw: lw, fc: fc, label: label, done: lw.tmp("done"), exits: map[string]int{}, inner: map[string]bool{}, pos: rs.Pos()}
	ast.Inspect(rs.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.LabeledStmt:
			r.inner[n.Label.Name] = true
		}
		return true
	})
	var params []string
	var prologue []ast.Stmt
	vars := []ast.Expr{rs.Key, rs.Value}
	for i := 0; i < yield.Params().Len(); i++ {
		te := lw.typeExpr(yield.Params().At(i).Type())
		var v ast.Expr
		if i < 2 {
			v = vars[i]
		}
		switch {
		case v == nil || isBlank(v):
			params = append(params, "_ "+te)
		case rs.Tok == token.DEFINE:
			params = append(params, v.(*ast.Ident).Name+" "+te)
		default:
			p := lw.tmp("p")
			params = append(params, p+" "+te)
			prologue = append(prologue, &ast.AssignStmt{Lhs: []ast.Expr{v}, Tok: token.ASSIGN, Rhs: []ast.Expr{ast.NewIdent(p)}})
		}
	}
	body := r.stmts(rs.Body.List, depth{})
	lit := parseExpr("func(" + strings.Join(params, ", ") + ") bool {\nif " + r.done +
		" {\npanic(\"runtime error: range function continued iteration after function for loop body returned false\")\n}\nreturn true\n}").(*ast.FuncLit)
	lit.Body.List = append(append(append(lit.Body.List[:1:1], prologue...), body...), lit.Body.List[1])
	lw.synthetic[lit] = true

	var out []ast.Stmt
	if r.ctl != "" {
		out = append(out, parseStmts("var "+r.ctl+" int")...)
	}
	if len(r.results) > 0 {
		res := r.fc.sig.Results()
		for i, name := range r.results {
			out = append(out, parseStmts("var "+name+" "+lw.typeExpr(res.At(i).Type()))...)
		}
	}
	out = append(out, parseStmts(r.done+" := false")...)
	out = append(out, &ast.ExprStmt{X: &ast.CallExpr{Fun: rs.X, Args: []ast.Expr{lit}}})
	out = append(out, parseStmts(r.done+" = true")...)
	out = append(out, r.after...)
	block := &ast.BlockStmt{Lbrace: rs.For, List: out}
	lw.generated[block] = true
	return block
}

func (r *rfLoop) stmts(list []ast.Stmt, d depth) []ast.Stmt {
	out := make([]ast.Stmt, 0, len(list))
	for _, s := range list {
		out = append(out, r.stmt(s, d)...)
	}
	return out
}

func (r *rfLoop) one(s ast.Stmt, d depth) ast.Stmt {
	l := r.stmt(s, d)
	if len(l) == 1 {
		return l[0]
	}
	return &ast.BlockStmt{List: l}
}

func (r *rfLoop) stmt(s ast.Stmt, d depth) []ast.Stmt {
	switch s := s.(type) {
	case *ast.BranchStmt:
		return r.branch(s, d)
	case *ast.ReturnStmt:
		return r.ret(s)
	case *ast.DeferStmt:
		return r.deferred(s)
	case *ast.BlockStmt:
		s.List = r.stmts(s.List, d)
	case *ast.IfStmt:
		s.Body.List = r.stmts(s.Body.List, d)
		if s.Else != nil {
			s.Else = r.one(s.Else, d)
		}
	case *ast.ForStmt:
		s.Body.List = r.stmts(s.Body.List, depth{d.loops + 1, d.breaks + 1})
	case *ast.RangeStmt:
		s.Body.List = r.stmts(s.Body.List, depth{d.loops + 1, d.breaks + 1})
	case *ast.SwitchStmt:
		r.clauses(s.Body, d)
	case *ast.TypeSwitchStmt:
		r.clauses(s.Body, d)
	case *ast.SelectStmt:
		r.clauses(s.Body, d)
	case *ast.LabeledStmt:
		s.Stmt = r.one(s.Stmt, d)
	}
	return []ast.Stmt{s}
}

func (r *rfLoop) clauses(b *ast.BlockStmt, d depth) {
	d.breaks++
	for _, c := range b.List {
		switch c := c.(type) {
		case *ast.CaseClause:
			c.Body = r.stmts(c.Body, d)
		case *ast.CommClause:
			c.Body = r.stmts(c.Body, d)
		}
	}
}

// stop ends the body: the loop is over for the iterator.
func (r *rfLoop) stop() []ast.Stmt {
	return parseStmts(r.done + " = true\nreturn false")
}

func (r *rfLoop) branch(s *ast.BranchStmt, d depth) []ast.Stmt {
	label := ""
	if s.Label != nil {
		label = s.Label.Name
	}
	if label != "" && r.inner[label] {
		return []ast.Stmt{s}
	}
	switch s.Tok {
	case token.BREAK:
		if label == "" && d.breaks > 0 {
			return []ast.Stmt{s}
		}
		if label == "" || label == r.label {
			return r.stop()
		}
	case token.CONTINUE:
		if label == "" && d.loops > 0 {
			return []ast.Stmt{s}
		}
		if label == "" || label == r.label {
			return parseStmts("return true")
		}
	case token.GOTO:
		r.lw.errorf(s.Pos(), "goto out of a range-over-func loop body is not supported")
		return []ast.Stmt{s}
	default:
		return []ast.Stmt{s}
	}
	// A break or continue of an enclosing statement.
	return r.exit(s.Tok.String()+" "+label, &ast.BranchStmt{Tok: s.Tok, Label: ast.NewIdent(label)})
}

// exit leaves the body with an exit code whose statement runs after the
// iterator returns.
func (r *rfLoop) exit(key string, then ast.Stmt) []ast.Stmt {
	if r.ctl == "" {
		r.ctl = r.lw.tmp("ctl")
	}
	code, ok := r.exits[key]
	if !ok {
		code = len(r.exits) + 1
		r.exits[key] = code
		cond := &ast.IfStmt{Cond: parseExpr(fmt.Sprintf("%s == %d", r.ctl, code)), Body: &ast.BlockStmt{List: []ast.Stmt{then}}}
		r.after = append(r.after, cond)
	}
	return append(parseStmts(fmt.Sprintf("%s = %d", r.ctl, code)), r.stop()...)
}

func (r *rfLoop) ret(s *ast.ReturnStmt) []ast.Stmt {
	if r.fc == nil || r.fc.sig == nil {
		r.lw.errorf(s.Pos(), "return inside a range-over-func loop here is not supported")
		return []ast.Stmt{s}
	}
	if len(s.Results) == 0 {
		return r.exit("return", &ast.ReturnStmt{})
	}
	n := r.fc.sig.Results().Len()
	if r.results == nil {
		for i := 0; i < n; i++ {
			r.results = append(r.results, r.lw.tmp("r"))
		}
	}
	lhs := make([]ast.Expr, n)
	rets := make([]ast.Expr, n)
	for i := range lhs {
		lhs[i] = ast.NewIdent(r.results[i])
		rets[i] = ast.NewIdent(r.results[i])
	}
	// One assignment per value (the temporaries appear nowhere else, so
	// this is the same as one tuple assignment): yaegi mishandles nil in
	// tuple assignments.
	var assigns []ast.Stmt
	if len(s.Results) == n {
		for i := range lhs {
			assigns = append(assigns, &ast.AssignStmt{Lhs: lhs[i : i+1], Tok: token.ASSIGN, Rhs: s.Results[i : i+1], TokPos: s.Return})
		}
	} else {
		assigns = append(assigns, &ast.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, Rhs: s.Results, TokPos: s.Return})
	}
	return append(assigns, r.exit("return values", &ast.ReturnStmt{Results: rets})...)
}

// deferred turns "defer f(args)" into: evaluate f and args now, run the
// call when the enclosing function returns.
func (r *rfLoop) deferred(s *ast.DeferStmt) []ast.Stmt {
	if r.fc == nil || r.fc.cellLevel || r.fc.sig == nil {
		r.lw.errorf(s.Pos(), "defer inside a range-over-func loop at a cell's top level is not supported")
		return []ast.Stmt{s}
	}
	if !deferInLoopBodies {
		r.lw.errorf(s.Pos(), "defer inside a range-over-func loop body is not supported: the interpreter hangs on deferred calls of function values; move the defer out of the loop")
		return []ast.Stmt{s}
	}
	if r.fc.defers == "" {
		r.fc.defers = r.lw.tmp("defers")
	}
	return r.lw.pushDefer(r.fc, s)
}

// pushDefer evaluates a deferred call's function and arguments now and
// appends the call to the function's list of deferred calls.
func (lw *lowering) pushDefer(fc *funcCtx, s *ast.DeferStmt) []ast.Stmt {
	call := s.Call
	var stmts []ast.Stmt
	fun := call.Fun
	builtin := false
	if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
		_, builtin = lw.info.Uses[id].(*types.Builtin)
	}
	if !builtin {
		f := lw.tmp("f")
		stmts = append(stmts, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(f)}, Tok: token.DEFINE, Rhs: []ast.Expr{call.Fun}})
		fun = ast.NewIdent(f)
	}
	sig, _ := coreType(lw.typeOf(call.Fun)).(*types.Signature)
	var args []ast.Expr
	if len(call.Args) == 1 {
		if tu, ok := lw.typeOf(call.Args[0]).(*types.Tuple); ok {
			var lhs []ast.Expr
			for i := 0; i < tu.Len(); i++ {
				a := ast.NewIdent(lw.tmp("a"))
				lhs = append(lhs, a)
				args = append(args, ast.NewIdent(a.Name))
			}
			stmts = append(stmts, &ast.AssignStmt{Lhs: lhs, Tok: token.DEFINE, Rhs: call.Args})
			call.Args = nil
		}
	}
	for i, a := range call.Args {
		var t types.Type
		if sig != nil && !builtin {
			switch {
			case sig.Variadic() && i >= sig.Params().Len()-1 && !call.Ellipsis.IsValid():
				t = sig.Params().At(sig.Params().Len() - 1).Type().(*types.Slice).Elem()
			case i < sig.Params().Len():
				t = sig.Params().At(i).Type()
			}
		}
		if t == nil {
			t = lw.typeOf(a)
		}
		name := lw.tmp("a")
		decl := parseStmts("var " + name + " " + lw.typeExpr(t) + " = X")[0]
		replaceIdent(decl, "X", a)
		stmts = append(stmts, decl)
		args = append(args, ast.NewIdent(name))
	}
	inner := &ast.CallExpr{Fun: fun, Args: args, Ellipsis: call.Ellipsis}
	push := parseStmts(fc.defers + " = append(" + fc.defers + ", func() {\nX\n})")[0]
	replaceIdentStmt(push, "X", &ast.ExprStmt{X: inner})
	stmts = append(stmts, push)
	return []ast.Stmt{&ast.BlockStmt{List: stmts}}
}

// replaceIdentStmt puts st in place of the expression statement "name".
func replaceIdentStmt(n ast.Node, name string, st ast.Stmt) {
	astutil.Apply(n, nil, func(c *astutil.Cursor) bool {
		if es, ok := c.Node().(*ast.ExprStmt); ok {
			if id, ok := es.X.(*ast.Ident); ok && id.Name == name {
				c.Replace(st)
			}
		}
		return true
	})
}

// stdHelper returns the expression that stands for an instance of one of
// our generic standard functions: a package-level non-generic copy, or a
// function literal when the types are local to a function. It returns nil
// when the type arguments are type parameters (the call stays generic).
func (lw *lowering) stdHelper(fn *types.Func, args []types.Type, pos token.Pos) ast.Expr {
	for _, a := range args {
		if hasTypeParam(a) {
			return nil
		}
	}
	sp, err := lw.l.stdPackage(fn.Pkg().Path())
	if err != nil {
		lw.errorf(pos, "%v", err)
		return nil
	}
	fd := sp.funcs[fn.Name()]
	if fd == nil || fd.Type.TypeParams == nil {
		lw.errorf(pos, "%s.%s is not available in the interpreter", fn.Pkg().Name(), fn.Name())
		return nil
	}
	texts := make([]string, len(args))
	subst := map[types.Object]string{}
	local := false
	for i, a := range args {
		texts[i] = lw.typeExpr(a)
		local = local || hasLocalType(a)
	}
	i := 0
	for _, f := range fd.Type.TypeParams.List {
		for _, n := range f.Names {
			subst[sp.info.Defs[n]] = texts[i]
			i++
		}
	}
	key := fn.Pkg().Path() + "." + fn.Name() + "[" + strings.Join(texts, ", ") + "]"
	if !local {
		if name, ok := lw.known[key]; ok {
			return ast.NewIdent(name)
		}
	}
	type edit struct {
		from, to int
		text     string
	}
	off := func(p token.Pos) int { return sp.fset.Position(p).Offset }
	tpFrom, tpTo := off(fd.Type.TypeParams.Opening), off(fd.Type.TypeParams.Closing)+1
	name := ""
	if !local {
		name = "igo_" + fn.Pkg().Name() + "_" + fn.Name() + "_" + fmt.Sprint(len(lw.known)+1)
	}
	edits := []edit{{tpFrom, tpTo, ""}, {off(fd.Name.Pos()), off(fd.Name.End()), name}}
	ast.Inspect(fd, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		if t, ok := subst[sp.info.Uses[id]]; ok {
			if o := off(id.Pos()); o < tpFrom || o >= tpTo {
				edits = append(edits, edit{o, off(id.End()), t})
			}
		}
		return true
	})
	sort.Slice(edits, func(i, j int) bool { return edits[i].from < edits[j].from })
	var b strings.Builder
	at := off(fd.Pos())
	for _, e := range edits {
		b.WriteString(sp.src[at:e.from])
		b.WriteString(e.text)
		at = e.to
	}
	b.WriteString(sp.src[at:off(fd.End())])
	text := b.String()
	if local {
		return parseExpr(text)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+text, parser.SkipObjectResolution)
	if err != nil {
		lw.errorf(pos, "instantiating %s: %v", key, err)
		return nil
	}
	clearPos(f.Decls[0])
	lw.known[key] = name
	lw.newDecls = append(lw.newDecls, f.Decls[0])
	return ast.NewIdent(name)
}
