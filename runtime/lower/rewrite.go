package lower

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// funcCtx is the function a statement belongs to (a declaration or a
// literal written by the user; closures the lowering makes are not
// functions of their own for return and defer).
type funcCtx struct {
	sig       *types.Signature
	body      *ast.BlockStmt
	defers    string // name of the deferred-calls list, once needed
	cellLevel bool   // the statements of a cell (run at top level)
}

// rewrite walks the file once, bottom-up, applying every lowering.
func (lw *lowering) rewrite(root ast.Node) {
	var stack []*funcCtx
	astutil.Apply(root, func(c *astutil.Cursor) bool {
		switch n := c.Node().(type) {
		case *ast.FuncDecl:
			if n.Body == nil {
				return false
			}
			fc := &funcCtx{body: n.Body}
			if obj, ok := lw.info.Defs[n.Name].(*types.Func); ok {
				fc.sig = obj.Type().(*types.Signature)
			}
			fc.cellLevel = n == lw.cellFunc
			stack = append(stack, fc)
			lw.zeroNamedResults(n.Type, n.Body)
		case *ast.FuncLit:
			fc := &funcCtx{body: n.Body}
			if tv, ok := lw.info.Types[n]; ok {
				fc.sig, _ = tv.Type.(*types.Signature)
			}
			stack = append(stack, fc)
			lw.zeroNamedResults(n.Type, n.Body)
		case *ast.GenDecl:
			if n.Tok == token.CONST {
				lw.constDecl(n)
				return false
			}
		case ast.Expr:
			if lw.foldConst(c, n) {
				return false
			}
		}
		return true
	}, func(c *astutil.Cursor) bool {
		switch n := c.Node().(type) {
		case *ast.FuncDecl:
			if n.Body != nil {
				lw.finishFunc(stack[len(stack)-1])
				stack = stack[:len(stack)-1]
			}
		case *ast.FuncLit:
			lw.finishFunc(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
		case *ast.Ident, *ast.SelectorExpr, *ast.IndexExpr, *ast.IndexListExpr:
			if e := lw.instance(c, n.(ast.Expr)); e != nil {
				c.Replace(e)
			} else if ix, ok := n.(*ast.IndexExpr); ok {
				u, isAddr := c.Parent().(*ast.UnaryExpr)
				lw.derefArrayIndex(ix, isAddr && u.Op == token.AND)
			} else if sel, ok := n.(*ast.SelectorExpr); ok {
				if e := lw.methodExpr(sel); e != nil {
					c.Replace(e)
				}
			}
		case *ast.CallExpr:
			lw.convertFuncArgs(n)
			if e := lw.assertStubResult(n, c.Parent()); e != nil {
				c.Replace(e)
			} else if e := lw.builtinCall(n); e != nil {
				c.Replace(e)
			} else if e := lw.spreadTupleArg(n); e != nil {
				c.Replace(e)
			}
		case *ast.ExprStmt:
			if s := lw.clearStmt(n); s != nil {
				c.Replace(s)
			}
		case *ast.AssignStmt:
			if c.Index() >= 0 { // in a statement list, not a for loop's post statement
				if recv := lw.receiveFirst(n); recv != nil {
					c.InsertBefore(recv)
				} else if s := lw.parallelAssign(n); s != nil {
					c.Replace(s)
				} else {
					for _, t := range lw.tupleLiterals(n) {
						c.InsertBefore(t)
					}
				}
			}
		case *ast.IfStmt:
			lw.initTupleLiterals(c, n.Init)
		case *ast.CommClause:
			lw.receiveCaseAssign(n)
			lw.freshCaseVars(n)
		case *ast.RangeStmt:
			var fc *funcCtx
			if len(stack) > 0 {
				fc = stack[len(stack)-1]
			}
			if s := lw.rangeStmt(n, c, fc); s != nil {
				c.Replace(s)
			}
		case *ast.LabeledStmt:
			// A loop turned into a block keeps no label: nothing refers to
			// it any more.
			if lw.generated[n.Stmt] {
				c.Replace(n.Stmt)
			} else if f, ok := n.Stmt.(*ast.ForStmt); ok && c.Index() >= 0 {
				if init := lw.hoistLoopInit(f); init != nil {
					c.Replace(&ast.BlockStmt{Lbrace: n.Pos(), List: []ast.Stmt{init, n}, Rbrace: n.End()})
				}
			}
		case *ast.ForStmt:
			if c.Index() >= 0 { // not labeled (see above)
				if init := lw.hoistLoopInit(n); init != nil {
					c.Replace(&ast.BlockStmt{Lbrace: n.Pos(), List: []ast.Stmt{init, n}, Rbrace: n.End()})
				}
			}
		case *ast.DeferStmt:
			if s := lw.argsNow(n.Call, n); s != nil && c.Index() >= 0 {
				c.Replace(s)
			}
		case *ast.GoStmt:
			if s := lw.argsNow(n.Call, n); s != nil && c.Index() >= 0 {
				c.Replace(s)
			}
		case *ast.SwitchStmt:
			lw.initTupleLiterals(c, n.Init)
			if s := lw.interfaceSwitch(n, c); s != nil {
				c.Replace(s)
			}
		case *ast.TypeSwitchStmt:
			// At a cell's top level, yaegi runs neither type switches nor
			// comma-ok assertions: the statement runs in a closure.
			topLevel := lw.wrapSwitch && len(stack) > 0 && stack[len(stack)-1].cellLevel && c.Parent() == stack[len(stack)-1].body
			var st ast.Stmt = n
			if _, labeled := c.Parent().(*ast.LabeledStmt); !labeled && c.Index() >= 0 {
				if s := lw.typeSwitchByAssertions(n); s != nil {
					st = s
				}
			}
			if st == ast.Stmt(n) {
				lw.initTupleLiterals(c, n.Init)
			}
			if topLevel {
				st = &ast.ExprStmt{X: &ast.CallExpr{Fun: &ast.FuncLit{Type: &ast.FuncType{Params: &ast.FieldList{}}, Body: &ast.BlockStmt{List: []ast.Stmt{st}}}}}
			}
			if st != ast.Stmt(n) {
				c.Replace(st)
			}
		}
		return true
	})
	fillEmptyLoops(root)
}

// fillEmptyLoops puts an empty block in every loop whose body is empty:
// after `for i := 0; i < n; i++ {}` or `for range xs {}`, yaegi loses the
// function's other locals (a following `return y` returned 0).
func fillEmptyLoops(root ast.Node) {
	ast.Inspect(root, func(n ast.Node) bool {
		var body *ast.BlockStmt
		switch l := n.(type) {
		case *ast.ForStmt:
			body = l.Body
		case *ast.RangeStmt:
			body = l.Body
		}
		if body != nil && len(body.List) == 0 {
			body.List = []ast.Stmt{&ast.BlockStmt{Lbrace: body.Lbrace, Rbrace: body.Lbrace}}
		}
		return true
	})
}

// finishFunc installs what the function's range-over-func bodies need:
// the list that runs their deferred calls when the function returns.
func (lw *lowering) finishFunc(fc *funcCtx) {
	if fc.defers == "" {
		return
	}
	// The function's own defer statements join the same list, so that all
	// deferred calls run in reverse order of their defer statements.
	var convert func(list []ast.Stmt) []ast.Stmt
	convert = func(list []ast.Stmt) []ast.Stmt {
		out := list[:0:0]
		for _, st := range list {
			if d, ok := st.(*ast.DeferStmt); ok {
				out = append(out, lw.pushDefer(fc, d)...)
				continue
			}
			ast.Inspect(st, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncLit:
					return lw.synthetic[n]
				case *ast.BlockStmt:
					n.List = convert(n.List)
				case *ast.CaseClause:
					n.Body = convert(n.Body)
				case *ast.CommClause:
					n.Body = convert(n.Body)
				}
				return true
			})
			out = append(out, st)
		}
		return out
	}
	fc.body.List = convert(fc.body.List)
	setup := parseStmts("var " + fc.defers + " []func()\n" +
		"defer func() {\n" +
		"for len(" + fc.defers + ") > 0 {\nf := " + fc.defers + "[len(" + fc.defers + ")-1]\n" + fc.defers + " = " + fc.defers + "[:len(" + fc.defers + ")-1]\nf()\n}\n}()")
	fc.body.List = append(setup, fc.body.List...)
}

// typeOf is the type of an expression of the original tree.
func (lw *lowering) typeOf(e ast.Expr) types.Type {
	if tv, ok := lw.info.Types[e]; ok {
		return tv.Type
	}
	if id, ok := e.(*ast.Ident); ok {
		if obj := lw.info.Uses[id]; obj != nil {
			return obj.Type()
		}
		if obj := lw.info.Defs[id]; obj != nil {
			return obj.Type()
		}
	}
	return nil
}

// instanceIdent finds the identifier of a generic function or type named
// by e (x, pkg.x, x[...] or pkg.x[...]) and its instance.
func (lw *lowering) instanceIdent(e ast.Expr) (*ast.Ident, ast.Expr, bool) {
	base := e
	switch x := e.(type) {
	case *ast.IndexExpr:
		base = x.X
	case *ast.IndexListExpr:
		base = x.X
	}
	var id *ast.Ident
	switch b := base.(type) {
	case *ast.Ident:
		id = b
	case *ast.SelectorExpr:
		if _, isPkg := lw.info.Uses[identOf(b.X)].(*types.PkgName); !isPkg {
			return nil, nil, false
		}
		id = b.Sel
	default:
		return nil, nil, false
	}
	if _, ok := lw.info.Instances[id]; !ok {
		return nil, nil, false
	}
	return id, base, true
}

func identOf(e ast.Expr) *ast.Ident {
	id, _ := e.(*ast.Ident)
	return id
}

// instance rewrites a use of a generic function or type: our standard
// library's become helpers or plain types, user functions get explicit
// type arguments.
func (lw *lowering) instance(c *astutil.Cursor, e ast.Expr) ast.Expr {
	id, base, ok := lw.instanceIdent(e)
	if !ok {
		return nil
	}
	// Handle the outermost form only: x inside pkg.x or x[T].
	switch p := c.Parent().(type) {
	case *ast.SelectorExpr:
		if p.Sel == e {
			return nil
		}
	case *ast.IndexExpr:
		if p.X == e {
			return nil
		}
	case *ast.IndexListExpr:
		if p.X == e {
			return nil
		}
	}
	inst := lw.info.Instances[id]
	obj := lw.info.Uses[id]
	if obj == nil || obj.Pkg() == nil {
		return nil
	}
	fromStd := isGenericSource(obj.Pkg().Path())
	if lw.l.im.isStub(obj) {
		return nil // a compiled generic: the interpreter calls its shim
	}
	switch obj := obj.(type) {
	case *types.TypeName:
		if fromStd {
			t := lw.typeOf(e)
			if t == nil {
				t = inst.Type
			}
			return parseExpr(lw.typeExpr(t.Underlying()))
		}
		return nil
	case *types.Func:
		var args []types.Type
		for i := 0; i < inst.TypeArgs.Len(); i++ {
			args = append(args, inst.TypeArgs.At(i))
		}
		if fromStd {
			if h := lw.stdHelper(obj, args, e.Pos()); h != nil {
				return h
			}
		}
		if n, ok := e.(*ast.IndexListExpr); ok && len(n.Indices) == len(args) {
			return nil
		}
		if _, ok := e.(*ast.IndexExpr); ok && len(args) == 1 {
			return nil
		}
		idx := make([]ast.Expr, len(args))
		for i, t := range args {
			idx[i] = parseExpr(lw.typeExpr(t))
		}
		return &ast.IndexListExpr{X: base, Indices: idx}
	}
	return nil
}

// derefArrayIndex spells out the dereference in p[i] for p a pointer to
// an array: yaegi cannot take the address of such an element (&p[i]).
// Under &, the element is reached through p[:] (the same array): at a
// cell's top level yaegi's &(*p)[i] is a nil pointer.
func (lw *lowering) derefArrayIndex(ix *ast.IndexExpr, addressed bool) {
	t := lw.typeOf(ix.X)
	if t == nil {
		return
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		if _, ok := p.Elem().Underlying().(*types.Array); ok {
			if addressed {
				ix.X = &ast.SliceExpr{X: ix.X, Lbrack: ix.X.End(), Rbrack: ix.X.End()}
				return
			}
			ix.X = &ast.ParenExpr{Lparen: ix.X.Pos(), X: &ast.StarExpr{Star: ix.X.Pos(), X: ix.X}, Rparen: ix.X.End()}
		}
	}
}

// interfaceSwitch rewrites switch x { case 1, "a": } for x of interface
// type into switch t := x; { case t == 1, t == "a": }: yaegi converts the
// tag to the type of a case and panics when it cannot.
func (lw *lowering) interfaceSwitch(sw *ast.SwitchStmt, c *astutil.Cursor) ast.Stmt {
	if sw.Tag == nil {
		// switch { case i: } with i an interface holding a bool compares
		// true == i.
		for _, st := range sw.Body.List {
			for i, e := range st.(*ast.CaseClause).List {
				if t := lw.typeOf(e); t != nil && types.IsInterface(t) {
					st.(*ast.CaseClause).List[i] = &ast.BinaryExpr{X: e, OpPos: e.End(), Op: token.EQL, Y: ast.NewIdent("true")}
				}
			}
		}
		return nil
	}
	if t := lw.typeOf(sw.Tag); t == nil || !types.IsInterface(t) || hasTypeParam(t) {
		return nil
	}
	_, labeled := c.Parent().(*ast.LabeledStmt)
	if sw.Init != nil && labeled {
		return nil
	}
	// Only cases of concrete types trouble yaegi (comparing interfaces
	// of two interface types is what it gets wrong the other way).
	concrete := false
	for _, st := range sw.Body.List {
		for _, e := range st.(*ast.CaseClause).List {
			if t := lw.typeOf(e); t != nil && !types.IsInterface(t) && !isUntypedNil(t) {
				concrete = true
			}
		}
	}
	if !concrete {
		return nil
	}
	tmp := lw.tmp("tag")
	// One condition per clause: yaegi matches only the first of several
	// conditions in a tagless case.
	for _, st := range sw.Body.List {
		cc := st.(*ast.CaseClause)
		var cond ast.Expr
		for _, e := range cc.List {
			var eq ast.Expr = &ast.BinaryExpr{X: ast.NewIdent(tmp), OpPos: e.Pos(), Op: token.EQL, Y: e}
			if cond == nil {
				cond = eq
			} else {
				cond = &ast.BinaryExpr{X: cond, OpPos: e.Pos(), Op: token.LOR, Y: eq}
			}
		}
		if cond != nil {
			cc.List = []ast.Expr{cond}
		}
	}
	def := &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(tmp)}, Tok: token.DEFINE, TokPos: sw.Tag.Pos(), Rhs: []ast.Expr{sw.Tag}}
	sw.Tag = nil
	if sw.Init == nil {
		sw.Init = def
		return nil
	}
	block := &ast.BlockStmt{Lbrace: sw.Pos(), List: []ast.Stmt{sw.Init, def, sw}, Rbrace: sw.End()}
	sw.Init = nil
	return block
}

func isUntypedNil(t types.Type) bool {
	b, ok := t.(*types.Basic)
	return ok && b.Kind() == types.UntypedNil
}

// tempVar declares a new variable holding e, of type t (written out
// unless untyped), for lowerings that evaluate e ahead of its statement.
func (lw *lowering) tempVar(prefix string, e ast.Expr, t types.Type) (ast.Stmt, *ast.Ident) {
	name := lw.tmp(prefix)
	spec := &ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(name)}, Values: []ast.Expr{e}}
	if t != nil && !isUntyped(t) {
		spec.Type = parseExpr(lw.typeExpr(t))
	}
	return &ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, TokPos: e.Pos(), Specs: []ast.Spec{spec}}}, ast.NewIdent(name)
}

// parallelAssign spells out the two phases of a, b[i] = x, y (operands
// and values first, then the assignments left to right): yaegi assigns
// one by one, so x[1], y[0] = y[0], x[1] read values already changed.
// Plain variables on the left (a, b = b, a) yaegi gets right; those stay.
func (lw *lowering) parallelAssign(as *ast.AssignStmt) ast.Stmt {
	if as.Tok != token.ASSIGN || len(as.Lhs) < 2 || len(as.Lhs) != len(as.Rhs) {
		return nil
	}
	plain := true
	for _, l := range as.Lhs {
		if _, ok := ast.Unparen(l).(*ast.Ident); !ok {
			plain = false
		}
	}
	if plain || lw.failedTypes(as.Lhs) {
		return nil
	}
	var pre, post []ast.Stmt
	tmp := func(e ast.Expr, t types.Type) ast.Expr {
		decl, v := lw.tempVar("pa", e, t)
		pre = append(pre, decl)
		return v
	}
	operand := func(e ast.Expr) ast.Expr {
		if tv, ok := lw.info.Types[e]; ok && tv.Value != nil {
			return e
		}
		t := lw.typeOf(e)
		if t == nil || hasTypeParam(t) {
			return e
		}
		return tmp(e, t)
	}
	lhs := make([]ast.Expr, len(as.Lhs))
	for i, l := range as.Lhs {
		switch x := ast.Unparen(l).(type) {
		case *ast.IndexExpr:
			ix := &ast.IndexExpr{X: x.X, Lbrack: x.Lbrack, Index: x.Index, Rbrack: x.Rbrack}
			if t := lw.typeOf(x.X); t != nil {
				switch t.Underlying().(type) {
				case *types.Slice, *types.Map, *types.Pointer:
					ix.X = operand(x.X)
				}
			}
			ix.Index = operand(x.Index)
			lhs[i] = ix
		case *ast.StarExpr:
			lhs[i] = &ast.StarExpr{Star: x.Star, X: operand(x.X)}
		case *ast.SelectorExpr:
			sel := &ast.SelectorExpr{X: x.X, Sel: x.Sel}
			if s := lw.info.Selections[x]; s != nil && s.Kind() == types.FieldVal {
				if t := lw.typeOf(x.X); t != nil {
					if _, ok := t.Underlying().(*types.Pointer); ok {
						sel.X = operand(x.X)
					}
				}
			}
			lhs[i] = sel
		default:
			lhs[i] = l
		}
	}
	for i, r := range as.Rhs {
		if isBlank(as.Lhs[i]) {
			pre = append(pre, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("_")}, Tok: token.ASSIGN, TokPos: r.Pos(), Rhs: []ast.Expr{r}})
			continue
		}
		v := tmp(r, lw.typeOf(as.Lhs[i]))
		post = append(post, &ast.AssignStmt{Lhs: []ast.Expr{lhs[i]}, Tok: token.ASSIGN, TokPos: as.TokPos, Rhs: []ast.Expr{v}})
	}
	return &ast.BlockStmt{Lbrace: as.Pos(), List: append(pre, post...), Rbrace: as.End()}
}

// failedTypes reports whether a left-hand side lacks a type (the
// expression was made by another lowering).
func (lw *lowering) failedTypes(es []ast.Expr) bool {
	for _, e := range es {
		if !isBlank(e) && lw.typeOf(e) == nil {
			return true
		}
	}
	return false
}

// hoistLoopInit moves the variables a for loop declares out of it:
// for i := 0; i < n; i++ { ... } becomes { i := 0; for ; i < n; i++
// { ... } }. yaegi gives each iteration its own copy but loses what the
// body assigns to it (i += 5 in the body is undone by the next i++).
// Without closures or addresses taking the variables, one variable for
// all iterations behaves the same; with them the loop is left alone.
// It returns the init statement it took, or nil.
func (lw *lowering) hoistLoopInit(f *ast.ForStmt) ast.Stmt {
	as, ok := f.Init.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE {
		return nil
	}
	vars := map[types.Object]bool{}
	for _, l := range as.Lhs {
		if id, ok := l.(*ast.Ident); ok {
			if obj := lw.info.Defs[id]; obj != nil {
				vars[obj] = true
			}
		}
	}
	uses := func(n ast.Node) bool {
		found := false
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && vars[lw.info.Uses[id]] {
				found = true
			}
			return !found
		})
		return found
	}
	captured := false
	for _, part := range []ast.Node{f.Cond, f.Post, f.Body} {
		if part == nil || captured {
			continue
		}
		ast.Inspect(part, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.FuncLit:
				captured = captured || uses(x)
				return false
			case *ast.UnaryExpr:
				captured = captured || x.Op == token.AND && uses(x.X)
			case *ast.DeferStmt:
				// yaegi reads a deferred call's arguments when it runs.
				captured = captured || uses(x.Call)
			case *ast.GoStmt:
				captured = captured || uses(x.Call)
			case *ast.SelectorExpr:
				// A method value with a pointer receiver takes the
				// variable's address.
				if s := lw.info.Selections[x]; s != nil && s.Kind() == types.MethodVal && uses(x.X) {
					captured = true
				}
			}
			return !captured
		})
	}
	if captured {
		return nil
	}
	f.Init = nil
	return as
}

// argsNow evaluates the arguments of a deferred call, or of a go
// statement's call, before the statement, as Go does: yaegi reads them
// when the call runs (x := 1; defer fmt.Println(x); x = 2 printed 2).
// defer f(a, b) becomes { t1, t2 := a, b; defer f(t1, t2) } (defer still
// belongs to the function).
func (lw *lowering) argsNow(call *ast.CallExpr, st ast.Stmt) ast.Stmt {
	if len(call.Args) == 0 {
		return nil
	}
	if sig, ok := lw.typeOf(call.Fun).(*types.Signature); ok && len(call.Args) == 1 && sig.Params().Len() > 1 {
		return nil // f(g()) with g returning several values
	}
	if tv, ok := lw.info.Types[call.Fun]; ok && tv.IsType() {
		return nil // a conversion
	}
	var pre []ast.Stmt
	for i, a := range call.Args {
		tv, ok := lw.info.Types[a]
		if !ok || tv.Value != nil || tv.Type == nil || isUntyped(tv.Type) || hasTypeParam(tv.Type) {
			continue
		}
		if _, isLit := a.(*ast.FuncLit); isLit {
			continue
		}
		decl, v := lw.tempVar("arg", a, tv.Type)
		pre = append(pre, decl)
		call.Args[i] = v
	}
	if len(pre) == 0 {
		return nil
	}
	return &ast.BlockStmt{Lbrace: st.Pos(), List: append(pre, st), Rbrace: st.End()}
}

// receiveCaseAssign turns `case x, ok = <-c:` (assigning existing
// variables, elements or fields) into `case t, tok := <-c: x, ok = t, tok`,
// which freshCaseVars then handles: yaegi's select panicked on the
// assigning form ("reflect.Select: invalid Dir").
func (lw *lowering) receiveCaseAssign(cc *ast.CommClause) {
	as, ok := cc.Comm.(*ast.AssignStmt)
	if !ok || as.Tok != token.ASSIGN {
		return
	}
	var lhs, temps []ast.Expr
	for i, l := range as.Lhs {
		if id, ok := l.(*ast.Ident); ok && id.Name == "_" {
			continue // freshCaseVars gives it a variable
		}
		t := lw.tmp("rv")
		lhs = append(lhs, l)
		temps = append(temps, ast.NewIdent(t))
		as.Lhs[i] = ast.NewIdent(t)
	}
	as.Tok = token.DEFINE
	if len(lhs) > 0 {
		cc.Body = append([]ast.Stmt{&ast.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, TokPos: as.TokPos, Rhs: temps}}, cc.Body...)
	}
}

// freshCaseVars gives case v := <-c its own variable each time the case
// runs, as Go does: yaegi reuses one, so &v taken in a loop pointed at
// the last value received. case v := <-c: body becomes case t := <-c:
// v := t; body. A blank (case _, ok := <-c) becomes a variable too: with
// one, yaegi put the received values in the wrong places.
func (lw *lowering) freshCaseVars(cc *ast.CommClause) {
	as, ok := cc.Comm.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE {
		return
	}
	var names, temps []ast.Expr
	var head []ast.Stmt
	for i, l := range as.Lhs {
		id, ok := l.(*ast.Ident)
		if !ok {
			continue
		}
		t := ast.NewIdent(lw.tmp("rv"))
		as.Lhs[i] = t
		if id.Name == "_" {
			head = append(head, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("_")}, Tok: token.ASSIGN, TokPos: as.TokPos, Rhs: []ast.Expr{ast.NewIdent(t.Name)}})
			continue
		}
		names = append(names, ast.NewIdent(id.Name))
		temps = append(temps, ast.NewIdent(t.Name))
	}
	if len(names) == 0 {
		cc.Body = append(head, cc.Body...)
		return
	}
	// The variables may go unused, as case variables may.
	head = append(head, &ast.AssignStmt{Lhs: names, Tok: token.DEFINE, TokPos: as.TokPos, Rhs: temps})
	for _, n := range names {
		head = append(head, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("_")}, Tok: token.ASSIGN, TokPos: as.TokPos, Rhs: []ast.Expr{ast.NewIdent(n.(*ast.Ident).Name)}})
	}
	cc.Body = append(head, cc.Body...)
}

// initTupleLiterals is tupleLiterals for the init statement of an if or
// switch: its values go before the statement.
func (lw *lowering) initTupleLiterals(c *astutil.Cursor, init ast.Stmt) {
	if as, ok := init.(*ast.AssignStmt); ok && c.Index() >= 0 {
		for _, t := range lw.tupleLiterals(as) {
			c.InsertBefore(t)
		}
	}
}

// tupleLiterals mends a, b := f(), []int{7} (or = ): yaegi loses the
// call's value when a composite literal stands in the same tuple. The
// values move, in order, into variables declared before the statement
// (returned, for the caller to insert), and the tuple takes those.
func (lw *lowering) tupleLiterals(as *ast.AssignStmt) []ast.Stmt {
	if len(as.Lhs) < 2 || len(as.Lhs) != len(as.Rhs) || (as.Tok != token.DEFINE && as.Tok != token.ASSIGN) {
		return nil
	}
	literal := false
	for _, r := range as.Rhs {
		e := ast.Unparen(r)
		if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
			e = ast.Unparen(u.X)
		}
		if _, ok := e.(*ast.CompositeLit); ok {
			literal = true
		}
	}
	if !literal {
		return nil
	}
	var pre []ast.Stmt
	for i, r := range as.Rhs {
		tv, ok := lw.info.Types[r]
		if !ok || tv.Type == nil || tv.Value != nil || isUntyped(tv.Type) || hasTypeParam(tv.Type) {
			continue
		}
		decl, v := lw.tempVar("tv", r, tv.Type)
		pre = append(pre, decl)
		as.Rhs[i] = v
	}
	return pre
}

// methodExpr lowers a method expression T.m into the function literal
// func(recv T, args...) { return recv.m(args...) }: yaegi calls T.m with
// one argument too many.
func (lw *lowering) methodExpr(sel *ast.SelectorExpr) ast.Expr {
	s := lw.info.Selections[sel]
	if s == nil || s.Kind() != types.MethodExpr {
		return nil
	}
	sig, ok := lw.typeOf(sel).(*types.Signature)
	if !ok || sig.Params().Len() == 0 || hasTypeParam(sig) {
		return nil
	}
	var b strings.Builder
	b.WriteString("func(")
	var args []string
	for i := 0; i < sig.Params().Len(); i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		name := fmt.Sprintf("igo_a%d", i)
		b.WriteString(name + " ")
		t := sig.Params().At(i).Type()
		if sig.Variadic() && i == sig.Params().Len()-1 {
			b.WriteString("...")
			t = t.(*types.Slice).Elem()
			name += "..."
		}
		b.WriteString(lw.typeExpr(t))
		if i > 0 {
			args = append(args, name)
		}
	}
	b.WriteString(")")
	var res []string
	for i := 0; i < sig.Results().Len(); i++ {
		res = append(res, lw.typeExpr(sig.Results().At(i).Type()))
	}
	if len(res) > 0 {
		b.WriteString(" (" + strings.Join(res, ", ") + ")")
	}
	call := "igo_a0." + sel.Sel.Name + "(" + strings.Join(args, ", ") + ")"
	if len(res) > 0 {
		call = "return " + call
	}
	b.WriteString(" {\n" + call + "\n}")
	return parseExpr(b.String())
}

// builtinCall lowers min and max; constant calls become their value.
func (lw *lowering) builtinCall(call *ast.CallExpr) ast.Expr {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return nil
	}
	b, ok := lw.info.Uses[id].(*types.Builtin)
	if ok && (b.Name() == "print" || b.Name() == "println") {
		return lw.printCall(call, b.Name())
	}
	if ok && (b.Name() == "len" || b.Name() == "cap") && len(call.Args) == 1 {
		// len(f()) for f returning a pointer to an array: f runs, and the
		// length is the array's, even for nil (yaegi asks reflect).
		if pt, isPtr := coreType(lw.typeOf(call.Args[0])).(*types.Pointer); isPtr && lw.info.Types[call].Value == nil {
			if a, isArr := pt.Elem().Underlying().(*types.Array); isArr && !hasLocalType(pt) {
				fn := parseExpr(fmt.Sprintf("func(%s) int {\nreturn %d\n}", lw.typeExpr(pt), a.Len()))
				return &ast.CallExpr{Fun: fn, Args: call.Args, Lparen: call.Lparen, Rparen: call.Rparen}
			}
		}
	}
	if ok && b.Name() == "recover" {
		// Still called by the deferred function itself, as Go requires.
		pkg := lw.importName(types.NewPackage(panicrtPath, "panicrt"))
		return &ast.CallExpr{Fun: parseExpr(pkg + ".Recovered"), Args: []ast.Expr{call}, Lparen: call.Lparen, Rparen: call.Rparen}
	}
	if ok && b.Name() == "new" && len(call.Args) == 1 && !lw.info.Types[call.Args[0]].IsType() {
		// Go 1.26's new(expr): a pointer to a new variable holding expr.
		if pt, ok := lw.typeOf(call).(*types.Pointer); ok {
			t := lw.typeExpr(pt.Elem())
			fn := parseExpr("func(v " + t + ") *" + t + " {\nreturn &v\n}")
			return &ast.CallExpr{Fun: fn, Args: call.Args, Lparen: call.Lparen, Rparen: call.Rparen}
		}
	}
	if !ok || (b.Name() != "min" && b.Name() != "max") {
		return nil
	}
	tv := lw.info.Types[call]
	if tv.Value != nil {
		lit := constLiteral(tv.Value)
		if bt, ok := tv.Type.(*types.Basic); !ok || bt.Info()&types.IsUntyped == 0 {
			return &ast.CallExpr{Fun: parseExpr(lw.typeExpr(tv.Type)), Args: []ast.Expr{lit}}
		}
		return lit
	}
	t := lw.typeExpr(tv.Type)
	cmp := "<"
	if b.Name() == "max" {
		cmp = ">"
	}
	fn := parseExpr("func(m " + t + ", rest ..." + t + ") " + t + " {\nfor _, x := range rest {\nif x " + cmp + " m || x != x {\nm = x\n}\n}\nreturn m\n}")
	return &ast.CallExpr{Fun: fn, Args: call.Args, Lparen: call.Lparen, Rparen: call.Rparen}
}

// printCall lowers print and println to package printrt, which writes
// what Go's runtime writes; arguments of interface type are marked so.
func (lw *lowering) printCall(call *ast.CallExpr, name string) ast.Expr {
	pkg := lw.importName(types.NewPackage(printrtPath, "printrt"))
	fn := "Print"
	if name == "println" {
		fn = "Println"
	}
	args := make([]ast.Expr, len(call.Args))
	for i, a := range call.Args {
		args[i] = a
		if t := lw.typeOf(a); t != nil && types.IsInterface(t) {
			args[i] = &ast.CallExpr{Fun: parseExpr(pkg + ".IfaceArg"), Args: []ast.Expr{a}}
		}
	}
	return &ast.CallExpr{Fun: parseExpr(pkg + "." + fn), Args: args, Lparen: call.Lparen, Rparen: call.Rparen}
}

func constLiteral(v constant.Value) ast.Expr {
	switch v.Kind() {
	case constant.String:
		return &ast.BasicLit{Kind: token.STRING, Value: v.ExactString()}
	case constant.Bool:
		return ast.NewIdent(v.String())
	case constant.Int:
		return &ast.BasicLit{Kind: token.INT, Value: v.ExactString()}
	case constant.Float:
		return parseExpr("(" + floatText(v) + ")")
	}
	return parseExpr(v.ExactString())
}

func floatText(v constant.Value) string {
	s := v.ExactString()
	if strings.Contains(s, "/") {
		f, _ := constant.Float64Val(v)
		s = strconv.FormatFloat(f, 'g', -1, 64)
	}
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}

// clearStmt lowers clear(m) and clear(s).
func (lw *lowering) clearStmt(st *ast.ExprStmt) ast.Stmt {
	call, ok := st.X.(*ast.CallExpr)
	if !ok {
		return nil
	}
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return nil
	}
	if b, ok := lw.info.Uses[id].(*types.Builtin); !ok || b.Name() != "clear" {
		return nil
	}
	t := lw.typeOf(call.Args[0])
	v := lw.tmp("c")
	switch u := coreType(t).(type) {
	case *types.Map:
		if mayHoldNaN(u.Key()) {
			// delete cannot remove a NaN key: reflect's Clear can.
			refl := lw.importName(types.NewPackage("reflect", "reflect"))
			st := parseStmts(refl + ".ValueOf(X).Clear()")[0]
			replaceIdent(st, "X", call.Args[0])
			return st
		}
		block := parseStmts("{\n" + v + " := X\nfor k := range " + v + " {\ndelete(" + v + ", k)\n}\n}")
		replaceIdent(block[0], "X", call.Args[0])
		return block[0]
	case *types.Slice:
		block := parseStmts("{\n" + v + " := X\nvar zero " + lw.typeExpr(u.Elem()) + "\nfor i := range " + v + " {\n" + v + "[i] = zero\n}\n}")
		replaceIdent(block[0], "X", call.Args[0])
		return block[0]
	}
	lw.errorf(call.Pos(), "clear of %s is not supported by the interpreter", t)
	return nil
}

// mayHoldNaN reports whether a map key of type t can be NaN (floats,
// complex numbers, interfaces, and arrays or structs holding them).
func mayHoldNaN(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&(types.IsFloat|types.IsComplex) != 0
	case *types.Interface:
		return true
	case *types.Array:
		return mayHoldNaN(u.Elem())
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if mayHoldNaN(u.Field(i).Type()) {
				return true
			}
		}
	}
	return false
}

// coreType is the underlying type, or a type parameter's single core type.
func coreType(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	if tp, ok := t.(*types.TypeParam); ok {
		var core types.Type
		iface := tp.Constraint().Underlying().(*types.Interface)
		for i := 0; i < iface.NumEmbeddeds(); i++ {
			switch e := iface.EmbeddedType(i).(type) {
			case *types.Union:
				for j := 0; j < e.Len(); j++ {
					u := e.Term(j).Type().Underlying()
					if core != nil && !types.Identical(core, u) {
						return nil
					}
					core = u
				}
			default:
				core = e.Underlying()
			}
		}
		return core
	}
	return t.Underlying()
}

// replaceIdent puts e in place of the identifier named name in n.
func replaceIdent(n ast.Node, name string, e ast.Expr) {
	astutil.Apply(n, nil, func(c *astutil.Cursor) bool {
		if id, ok := c.Node().(*ast.Ident); ok && id.Name == name {
			c.Replace(e)
		}
		return true
	})
}

// spreadTupleArg rewrites f[T](g()), a generic call whose one argument is a
// call with several results, into a function literal that names them
// first: yaegi cannot pass a tuple on to a generic function
// (must(strconv.Atoi("3")) fails with "constant definition loop").
func (lw *lowering) spreadTupleArg(call *ast.CallExpr) ast.Expr {
	switch call.Fun.(type) {
	case *ast.IndexExpr, *ast.IndexListExpr:
	default:
		return nil
	}
	if len(call.Args) != 1 || call.Ellipsis.IsValid() {
		return nil
	}
	tv, ok := lw.info.Types[call.Args[0]]
	if !ok {
		return nil
	}
	tuple, ok := tv.Type.(*types.Tuple)
	if !ok || tuple.Len() < 2 {
		return nil
	}
	var names []string
	for i := 0; i < tuple.Len(); i++ {
		names = append(names, lw.tmp("arg"))
	}
	results := ""
	if rt, ok := lw.info.Types[call]; ok {
		switch t := rt.Type.(type) {
		case *types.Tuple:
			var parts []string
			for i := 0; i < t.Len(); i++ {
				parts = append(parts, lw.typeExpr(t.At(i).Type()))
			}
			if len(parts) > 0 {
				results = "(" + strings.Join(parts, ", ") + ")"
			}
		default:
			if t != nil {
				results = lw.typeExpr(t)
			}
		}
	}
	inner := &ast.CallExpr{Fun: call.Fun, Lparen: call.Lparen, Rparen: call.Rparen}
	for _, n := range names {
		inner.Args = append(inner.Args, ast.NewIdent(n))
	}
	lhs := make([]ast.Expr, len(names))
	for i, n := range names {
		lhs[i] = ast.NewIdent(n)
	}
	body := []ast.Stmt{&ast.AssignStmt{Lhs: lhs, Tok: token.DEFINE, Rhs: []ast.Expr{call.Args[0]}}}
	if results == "" {
		body = append(body, &ast.ExprStmt{X: inner})
	} else {
		body = append(body, &ast.ReturnStmt{Results: []ast.Expr{inner}})
	}
	ft, err := parser.ParseExpr("func() " + results + " {}")
	if err != nil {
		return nil
	}
	lit := ft.(*ast.FuncLit)
	clearPos(lit.Type)
	lit.Body = &ast.BlockStmt{List: body}
	return &ast.CallExpr{Fun: lit}
}

// zeroNamedResults starts a function with named results by setting them
// to their zero values: yaegi keeps their values from the previous call
// (func f(n int) (out []int) appended to the last call's slice).
func (lw *lowering) zeroNamedResults(ft *ast.FuncType, body *ast.BlockStmt) {
	if ft.Results == nil || body == nil {
		return
	}
	var zero []ast.Stmt
	for _, field := range ft.Results.List {
		for _, name := range field.Names {
			if name.Name == "_" {
				continue
			}
			v, ok := lw.info.Defs[name].(*types.Var)
			if !ok || hasLocalType(v.Type()) {
				continue
			}
			e, err := parser.ParseExpr("*new(" + lw.typeExpr(v.Type()) + ")")
			if err != nil {
				continue
			}
			clearPos(e)
			zero = append(zero, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(name.Name)}, Tok: token.ASSIGN, Rhs: []ast.Expr{e}})
		}
	}
	if len(zero) > 0 {
		body.List = append(zero, body.List...)
	}
}

// convertFuncArgs writes out the conversion when a declared function is
// passed for a parameter of a named function type (f(Sin) with
// f(fn Univariate)): yaegi stores the function as is and panics
// ("reflect.Set: value of type *interp.node is not assignable") when the
// named type comes from a compiled package; T(Sin) it converts.
func (lw *lowering) convertFuncArgs(call *ast.CallExpr) {
	if tv, ok := lw.info.Types[call.Fun]; !ok || tv.IsType() {
		return
	}
	sig, ok := lw.typeOf(call.Fun).Underlying().(*types.Signature)
	if !ok {
		return
	}
	params := sig.Params()
	for i, arg := range call.Args {
		var pt types.Type
		switch {
		case sig.Variadic() && i >= params.Len()-1:
			if call.Ellipsis.IsValid() {
				continue
			}
			pt = params.At(params.Len() - 1).Type().(*types.Slice).Elem()
		case i < params.Len():
			pt = params.At(i).Type()
		default:
			continue
		}
		named, ok := types.Unalias(pt).(*types.Named)
		if !ok || !isSignature(named) || !declaredFunc(lw.info, arg) {
			continue
		}
		if at := lw.typeOf(arg); at == nil || types.Identical(at, pt) {
			continue
		}
		call.Args[i] = &ast.CallExpr{Fun: parseExpr(lw.typeExpr(pt)), Lparen: arg.Pos(), Args: []ast.Expr{arg}, Rparen: arg.End()}
	}
}

func isSignature(t types.Type) bool {
	_, ok := t.Underlying().(*types.Signature)
	return ok
}

// declaredFunc reports whether e names a function declaration (f or pkg.F),
// not a variable of function type.
func declaredFunc(info *types.Info, e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		_, ok := info.Uses[x].(*types.Func)
		return ok
	case *ast.SelectorExpr:
		if _, isPkg := info.Uses[identOf(x.X)].(*types.PkgName); !isPkg {
			return false
		}
		_, ok := info.Uses[x.Sel].(*types.Func)
		return ok
	}
	return false
}

// receiveFirst takes a received value into a new variable before it is
// assigned: yaegi dropped values received into an element, field or
// pointer (xs[i] = <-c, s.f = <-c, *p = <-c), and after y = <-c from a
// named channel type, y += ... panicked ("SetUint using unaddressable
// value"). It returns the declaration to put before the statement, which
// now assigns the new variable.
func (lw *lowering) receiveFirst(as *ast.AssignStmt) ast.Stmt {
	if len(as.Lhs) != 1 || len(as.Rhs) != 1 || as.Tok == token.DEFINE {
		return nil
	}
	recv, ok := ast.Unparen(as.Rhs[0]).(*ast.UnaryExpr)
	if !ok || recv.Op != token.ARROW {
		return nil
	}
	t := lw.typeOf(recv)
	if t == nil {
		return nil
	}
	decl, v := lw.tempVar("recv", recv, t)
	as.Rhs[0] = v
	return decl
}

// typeSwitchByAssertions writes a type switch as comma-ok assertions and
// an expression switch (which keeps break and the case order):
//
//	switch v := x.(type) { case A: ...; case B, C: ...; case nil: ...; default: ... }
//
// becomes
//
//	{ t := x; var okA bool; if t != nil { _, okA = t.(A) }; ...
//	  switch { case okA: v := t.(A); ...; case okB || okC: v := t; ...; case t == nil: ... } }
//
// yaegi's type switch missed a pointer to an interpreted type with
// methods (case *Point with a *Point inside an any) that its assertions
// find; its t.(any) is false for every value (case any becomes t != nil),
// and its comma-ok assertion of a nil interface to an interface type
// panicked (hence the guard). Type switches on type parameters stay.
func (lw *lowering) typeSwitchByAssertions(ts *ast.TypeSwitchStmt) ast.Stmt {
	var v string // the switch's variable, if any
	var ta *ast.TypeAssertExpr
	switch a := ts.Assign.(type) {
	case *ast.AssignStmt:
		if len(a.Lhs) == 1 && len(a.Rhs) == 1 {
			if id, ok := a.Lhs[0].(*ast.Ident); ok {
				v = id.Name
				ta, _ = a.Rhs[0].(*ast.TypeAssertExpr)
			}
		}
	case *ast.ExprStmt:
		ta, _ = a.X.(*ast.TypeAssertExpr)
	}
	if ta == nil {
		return nil
	}
	if xt := lw.typeOf(ta.X); xt == nil || hasTypeParam(xt) {
		return nil
	}
	for _, st := range ts.Body.List {
		for _, e := range st.(*ast.CaseClause).List {
			if t := lw.typeOf(e); !lw.isNilCase(e) && (t == nil || hasTypeParam(t)) {
				return nil
			}
		}
	}
	tv := lw.tmp("ts")
	var pre []ast.Stmt
	if ts.Init != nil {
		pre = append(pre, ts.Init)
	}
	pre = append(pre, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(tv)}, Tok: token.DEFINE, TokPos: ts.Pos(), Rhs: []ast.Expr{ta.X}})
	sw := &ast.SwitchStmt{Switch: ts.Pos(), Body: &ast.BlockStmt{Lbrace: ts.Body.Lbrace, Rbrace: ts.Body.Rbrace}}
	for _, st := range ts.Body.List {
		cc := st.(*ast.CaseClause)
		var conds []string
		val := tv // v's value in this clause
		for _, e := range cc.List {
			if lw.isNilCase(e) {
				conds = append(conds, tv+" == nil")
				continue
			}
			t := lw.typeOf(e)
			if it, ok := t.Underlying().(*types.Interface); ok && it.Empty() {
				conds = append(conds, tv+" != nil")
				continue
			}
			ok, typ := lw.tmp("ok"), lw.typeExpr(t)
			pre = append(pre, parseStmts(fmt.Sprintf("var %s bool\nif %s != nil { _, %s = %s.(%s) }", ok, tv, ok, tv, typ))...)
			conds = append(conds, ok)
			if len(cc.List) == 1 {
				val = tv + ".(" + typ + ")"
			}
		}
		out := &ast.CaseClause{Case: cc.Case, Colon: cc.Colon}
		if len(conds) > 0 {
			out.List = []ast.Expr{parseExpr(strings.Join(conds, " || "))}
		}
		if v != "" {
			out.Body = parseStmts(fmt.Sprintf("%s := %s\n_ = %s", v, val, v))
		}
		out.Body = append(out.Body, cc.Body...)
		sw.Body.List = append(sw.Body.List, out)
	}
	return &ast.BlockStmt{Lbrace: ts.Pos(), List: append(pre, sw), Rbrace: ts.End()}
}

// isNilCase reports whether a type switch case is the nil case.
func (lw *lowering) isNilCase(e ast.Expr) bool {
	if isUntypedNil(lw.typeOf(e)) {
		return true
	}
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "nil" && lw.typeOf(e) == nil
}
