package lower

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"github.com/traefik/yaegi/interp"
)

// Monomorphization: generic functions and types a program declares become
// one non-generic copy per instance the program uses (List[int] becomes a
// type List__int with its methods, Map[int, string] a function
// Map__int__string). yaegi's own generics crash on common programs
// ("CFG post-order panic", "incomplete type"); non-generic code it runs
// well. Type arguments are known from the type checker, so each copy is
// the declaration's source with its type parameters replaced by the
// arguments' source. When something cannot be expressed that way (a type
// argument declared inside a function, a generic alias, an embedded
// generic field, unbounded instantiation), the program is left generic.

// maxInstances bounds the copies made for one program: a generic function
// that instantiates itself with ever larger types never ends.
const maxInstances = 400

type monoDecl struct {
	fn      *ast.FuncDecl   // a generic function,
	spec    *ast.TypeSpec   // or a generic type
	decl    *ast.GenDecl    // (the declaration holding spec)
	methods []*ast.FuncDecl // with its methods
}

type monoInst struct {
	obj  types.Object
	args []string // type arguments as source
	name string
}

type monomorph struct {
	lw      *lowering
	src     string
	decls   map[types.Object]*monoDecl
	indexed map[*ast.Ident]ast.Expr // x of x[T] or x[T, U] -> the index expression
	names   map[string]string       // "F[int]" -> its copy's name
	hoisted map[types.Object]string // local types moved to package level -> their names
	taken   map[string]bool
	queue   []*monoInst
	failed  string
}

type textEdit struct {
	from, to int
	text     string
}

// monomorphize returns the program's source with every user generic
// declaration replaced by its instances, or ok false when the program
// declares none or cannot be monomorphized.
func (l *Lowerer) monomorphize(fset *token.FileSet, f *ast.File, src string, pkg *types.Package, info *types.Info) (string, bool) {
	m := &monomorph{src: src, decls: map[types.Object]*monoDecl{}, indexed: map[*ast.Ident]ast.Expr{},
		names: map[string]string{}, taken: map[string]bool{}, hoisted: map[types.Object]string{}}
	m.lw = l.newLowering(fset, f, pkg, info)
	m.lw.mono = m
	if !m.collect(f, info) {
		return "", false
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.IndexExpr:
			if id, ok := x.X.(*ast.Ident); ok {
				m.indexed[id] = x
			}
		case *ast.IndexListExpr:
			if id, ok := x.X.(*ast.Ident); ok {
				m.indexed[id] = x
			}
		}
		return true
	})
	// The program outside the generic declarations: uses of instances are
	// renamed; the declarations themselves become blank lines.
	var generic []ast.Node
	for _, d := range m.decls {
		switch {
		case d.fn != nil:
			generic = append(generic, d.fn)
		case !d.decl.Lparen.IsValid():
			generic = append(generic, d.decl) // type X[T any] ...: the keyword goes too
		default:
			generic = append(generic, d.spec)
		}
		for _, md := range d.methods {
			generic = append(generic, md)
		}
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	inGeneric := func(p token.Pos) bool {
		for _, g := range generic {
			if p >= g.Pos() && p < g.End() {
				return true
			}
		}
		return false
	}
	var edits []textEdit
	for _, g := range generic {
		from, to := off(g.Pos()), off(g.End())
		edits = append(edits, textEdit{from, to, strings.Repeat("\n", strings.Count(src[from:to], "\n"))})
	}
	hoisted := m.hoistLocalTypes(f, inGeneric)
	for _, h := range hoisted {
		from, to := off(h.blank.Pos()), off(h.blank.End())
		edits = append(edits, textEdit{from, to, strings.Repeat("\n", strings.Count(src[from:to], "\n"))})
		if h.name != h.obj.Name() {
			for id, obj := range m.lw.info.Uses {
				if obj == h.obj {
					edits = append(edits, textEdit{off(id.Pos()), off(id.End()), h.name})
				}
			}
		}
	}
	edits = append(edits, m.renames(f, nil, func(id *ast.Ident) bool { return !inGeneric(id.Pos()) })...)
	var out strings.Builder
	out.WriteString(applyEdits(src, 0, len(src), edits))
	for _, h := range hoisted {
		var self []textEdit
		for id, obj := range m.lw.info.Uses {
			if obj == h.obj && id.Pos() >= h.spec.Pos() && id.Pos() < h.spec.End() {
				self = append(self, textEdit{off(id.Pos()), off(id.End()), h.name})
			}
		}
		fmt.Fprintf(&out, "\n\n//line %s:%d\ntype %s %s", interp.DefaultSourceName, fset.Position(h.spec.Pos()).Line, h.name,
			applyEdits(src, off(h.spec.Name.End()), off(h.spec.End()), self))
	}
	for len(m.queue) > 0 && m.failed == "" {
		inst := m.queue[0]
		m.queue = m.queue[1:]
		m.instantiate(&out, inst)
	}
	if len(m.lw.addImports) > 0 {
		m.fail("a type argument needs a new import")
	}
	if m.failed != "" {
		return "", false
	}
	return out.String(), true
}

// collect finds the generic declarations; false when there are none or
// one of them cannot be copied.
func (m *monomorph) collect(f *ast.File, info *types.Info) bool {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Type.TypeParams != nil && d.Body != nil {
				m.decls[info.Defs[d.Name]] = &monoDecl{fn: d}
			}
		case *ast.GenDecl:
			if d.Tok != token.TYPE {
				continue
			}
			for _, s := range d.Specs {
				ts := s.(*ast.TypeSpec)
				if ts.TypeParams == nil {
					continue
				}
				if ts.Assign.IsValid() {
					return false // a generic alias
				}
				m.decls[info.Defs[ts.Name]] = &monoDecl{spec: ts, decl: d}
			}
		}
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 {
			continue
		}
		base, _ := receiverBase(fd.Recv.List[0].Type)
		if base == nil {
			continue
		}
		if md := m.decls[info.Uses[base]]; md != nil {
			if fd.Body == nil {
				return false
			}
			md.methods = append(md.methods, fd)
		}
	}
	if len(m.decls) == 0 {
		return false
	}
	return true
}

// localType is a type declared in a function that an instance takes as
// a type argument: the copy, at package level, must name it, so the
// declaration moves to package level too.
type localType struct {
	obj   types.Object
	spec  *ast.TypeSpec
	blank ast.Node // what leaves the function: the spec or its declaration
	name  string
}

// hoistLocalTypes finds the local types used as type arguments and
// moves those whose declarations mention nothing else local.
func (m *monomorph) hoistLocalTypes(f *ast.File, inGeneric func(token.Pos) bool) []*localType {
	lw := m.lw
	pkg := lw.pkg
	isLocal := func(o types.Object) bool {
		return o != nil && o.Pkg() == pkg && o.Parent() != nil && o.Parent() != pkg.Scope() && o.Parent() != types.Universe
	}
	wanted := map[types.Object]bool{}
	walk := func(t types.Type) {
		anyType(t, func(t types.Type) bool {
			if n, ok := t.(*types.Named); ok && isLocal(n.Obj()) {
				wanted[n.Obj()] = true
			}
			return false // visit them all
		})
	}
	for id, inst := range lw.info.Instances {
		if m.decls[lw.info.Uses[id]] == nil {
			continue
		}
		for i := 0; i < inst.TypeArgs.Len(); i++ {
			walk(inst.TypeArgs.At(i))
		}
	}
	if len(wanted) == 0 {
		return nil
	}
	var out []*localType
	ast.Inspect(f, func(n ast.Node) bool {
		gd, ok := n.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			return true
		}
		for _, sp := range gd.Specs {
			ts := sp.(*ast.TypeSpec)
			obj := lw.info.Defs[ts.Name]
			if !wanted[obj] || ts.TypeParams != nil || inGeneric(ts.Pos()) {
				continue
			}
			movable := true
			ast.Inspect(ts.Type, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					if o := lw.info.Uses[id]; o != obj && isLocal(o) {
						if _, isField := o.(*types.Var); !isField || !o.(*types.Var).IsField() {
							movable = false
						}
					}
				}
				return movable
			})
			if !movable {
				continue
			}
			lt := &localType{obj: obj, spec: ts, blank: ts}
			if len(gd.Specs) == 1 {
				lt.blank = gd
			}
			name := obj.Name()
			for i := 2; m.taken[name] || pkg.Scope().Lookup(name) != nil; i++ {
				name = fmt.Sprintf("%s_%d", obj.Name(), i)
			}
			m.taken[name] = true
			lt.name = name
			m.hoisted[obj] = name
			out = append(out, lt)
		}
		return true
	})
	return out
}

// receiverBase is the type name of a receiver (T, *T, T[A], *T[A, B]) and
// the expression of its type arguments, if any.
func receiverBase(e ast.Expr) (*ast.Ident, ast.Expr) {
	if p, ok := e.(*ast.ParenExpr); ok {
		return receiverBase(p.X)
	}
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	switch x := e.(type) {
	case *ast.Ident:
		return x, nil
	case *ast.IndexExpr:
		id, _ := x.X.(*ast.Ident)
		return id, x
	case *ast.IndexListExpr:
		id, _ := x.X.(*ast.Ident)
		return id, x
	}
	return nil, nil
}

// renames lists the edits that put instance names in place of uses of
// user generics in n (and type arguments in place of the type parameters
// of tsubst), for the identifiers keep accepts.
func (m *monomorph) renames(n ast.Node, tsubst map[*types.TypeParam]string, keep func(*ast.Ident) bool) []textEdit {
	lw := m.lw
	lw.tsubst = tsubst
	off := func(p token.Pos) int { return lw.fset.Position(p).Offset }
	var edits []textEdit
	ast.Inspect(n, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || !keep(id) {
			return true
		}
		obj := lw.info.Uses[id]
		if inst, ok := lw.info.Instances[id]; ok && m.decls[obj] != nil {
			var expr ast.Expr = id
			if ix := m.indexed[id]; ix != nil {
				expr = ix
			}
			args := make([]string, inst.TypeArgs.Len())
			for i := range args {
				args[i] = lw.typeExpr(inst.TypeArgs.At(i))
			}
			edits = append(edits, textEdit{off(expr.Pos()), off(expr.End()), m.instanceName(obj, args)})
			return true
		}
		// An embedded generic field is named after its type, which the
		// copy renames: a.B becomes a.B__int.
		if v, ok := obj.(*types.Var); ok && v.IsField() && v.Embedded() {
			t := v.Type()
			if p, ok := t.(*types.Pointer); ok {
				t = p.Elem()
			}
			if n, ok := t.(*types.Named); ok && n.TypeArgs().Len() > 0 && m.decls[n.Origin().Obj()] != nil {
				edits = append(edits, textEdit{off(id.Pos()), off(id.End()), lw.typeExpr(n)})
			}
			return true
		}
		if tn, ok := obj.(*types.TypeName); ok {
			if tp, ok := tn.Type().(*types.TypeParam); ok {
				text, ok := tsubst[tp]
				if !ok {
					m.fail("type parameter %s outside its declaration", tp)
					return true
				}
				edits = append(edits, textEdit{off(id.Pos()), off(id.End()), parenType(text)})
			}
		}
		return true
	})
	return edits
}

// parenType wraps a type's source where an identifier's place needs it:
// T(x) with T = *int must read (*int)(x).
func parenType(text string) string {
	if strings.HasPrefix(text, "*") || strings.HasPrefix(text, "func") || strings.HasPrefix(text, "<-") || strings.HasPrefix(text, "chan") {
		return "(" + text + ")"
	}
	return text
}

func (m *monomorph) fail(format string, args ...any) {
	if m.failed == "" {
		m.failed = fmt.Sprintf(format, args...)
	}
}

// instanceName names the copy of obj for args, queueing it when new.
func (m *monomorph) instanceName(obj types.Object, args []string) string {
	key := obj.Name() + "[" + strings.Join(args, ", ") + "]"
	if name, ok := m.names[key]; ok {
		return name
	}
	if len(m.names) >= maxInstances {
		m.fail("more than %d instances", maxInstances)
	}
	base := obj.Name()
	for _, a := range args {
		base += "__" + identText(a)
	}
	name := base
	for i := 2; m.taken[name] || m.lw.pkg.Scope().Lookup(name) != nil; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	m.taken[name] = true
	m.names[key] = name
	m.queue = append(m.queue, &monoInst{obj: obj, args: args, name: name})
	return name
}

// identText squeezes a type's source into identifier characters.
func identText(s string) string {
	var b strings.Builder
	under := false
	for _, r := range s {
		ok := r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		switch {
		case ok:
			b.WriteRune(r)
			under = false
		case r == '*':
			b.WriteString("P")
		case r == '[':
			b.WriteString("S")
		case !under:
			b.WriteByte('_')
			under = true
		}
	}
	return strings.Trim(b.String(), "_")
}

// instantiate writes the copy of one instance, and of a type's methods,
// each after a line directive naming where the generic original is.
func (m *monomorph) instantiate(out *strings.Builder, inst *monoInst) {
	lw := m.lw
	d := m.decls[inst.obj]
	off := func(p token.Pos) int { return lw.fset.Position(p).Offset }
	// The directive names the interpreter's own file name: yaegi scopes
	// imports by file name, and elides that one from its messages.
	line := func(n ast.Node) {
		fmt.Fprintf(out, "\n\n//line %s:%d\n", interp.DefaultSourceName, lw.fset.Position(n.Pos()).Line)
	}
	bind := func(list *ast.FieldList, exprs []ast.Expr) map[*types.TypeParam]string {
		tsubst := map[*types.TypeParam]string{}
		i := 0
		add := func(id *ast.Ident) {
			if tn, ok := lw.info.Defs[id].(*types.TypeName); ok && i < len(inst.args) {
				if tp, ok := tn.Type().(*types.TypeParam); ok {
					tsubst[tp] = inst.args[i]
				}
			}
			i++
		}
		if list != nil {
			for _, f := range list.List {
				for _, n := range f.Names {
					add(n)
				}
			}
		}
		for _, e := range exprs {
			if id, ok := e.(*ast.Ident); ok {
				add(id)
			} else {
				m.fail("receiver type argument %T", e)
			}
		}
		if i != len(inst.args) {
			m.fail("%s: %d type arguments for %d parameters", inst.obj.Name(), len(inst.args), i)
		}
		return tsubst
	}
	inside := func(n ast.Node) func(*ast.Ident) bool {
		return func(id *ast.Ident) bool { return id.Pos() >= n.Pos() && id.Pos() < n.End() }
	}
	if d.fn != nil {
		fd := d.fn
		tsubst := bind(fd.Type.TypeParams, nil)
		edits := []textEdit{
			{off(fd.Type.TypeParams.Opening), off(fd.Type.TypeParams.Closing) + 1, ""},
			{off(fd.Name.Pos()), off(fd.Name.End()), inst.name},
		}
		edits = append(edits, m.renames(fd, tsubst, inside(fd))...)
		line(fd)
		out.WriteString(applyEdits(m.src, off(fd.Pos()), off(fd.End()), edits))
		return
	}
	ts := d.spec
	tsubst := bind(ts.TypeParams, nil)
	edits := []textEdit{
		{off(ts.Name.Pos()), off(ts.Name.End()), inst.name},
		{off(ts.TypeParams.Opening), off(ts.TypeParams.Closing) + 1, ""},
	}
	edits = append(edits, m.renames(ts, tsubst, inside(ts))...)
	line(ts)
	out.WriteString("type ")
	out.WriteString(applyEdits(m.src, off(ts.Pos()), off(ts.End()), edits))
	for _, md := range d.methods {
		_, ix := receiverBase(md.Recv.List[0].Type)
		var exprs []ast.Expr
		switch x := ix.(type) {
		case *ast.IndexExpr:
			exprs = []ast.Expr{x.Index}
		case *ast.IndexListExpr:
			exprs = x.Indices
		}
		msubst := bind(nil, exprs)
		skip := map[*ast.Ident]bool{}
		var edits []textEdit
		if ix != nil {
			edits = append(edits, textEdit{off(ix.Pos()), off(ix.End()), inst.name})
			for _, e := range exprs {
				if id, ok := e.(*ast.Ident); ok {
					skip[id] = true
				}
			}
		} else {
			base, _ := receiverBase(md.Recv.List[0].Type)
			edits = append(edits, textEdit{off(base.Pos()), off(base.End()), inst.name})
			skip[base] = true
		}
		in := inside(md)
		edits = append(edits, m.renames(md, msubst, func(id *ast.Ident) bool { return in(id) && !skip[id] })...)
		line(md)
		out.WriteString(applyEdits(m.src, off(md.Pos()), off(md.End()), edits))
	}
}

// applyEdits returns src[from:to] with the edits made; an edit inside an
// earlier one is dropped (the outer replacement covers it).
func applyEdits(src string, from, to int, edits []textEdit) string {
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].from != edits[j].from {
			return edits[i].from < edits[j].from
		}
		return edits[i].to > edits[j].to
	})
	var b strings.Builder
	at := from
	for _, e := range edits {
		if e.from < at || e.from < from || e.to > to {
			continue
		}
		b.WriteString(src[at:e.from])
		b.WriteString(e.text)
		at = e.to
	}
	b.WriteString(src[at:to])
	return b.String()
}

// checkMono parses and checks a monomorphized program. Generic code may
// hold what concrete code may not: a type switch whose cases become the
// same type (case T, int with T = int), or an assertion that can no longer
// succeed. Such errors are mended in the source, the way the generic code
// behaves at run time (the first matching case wins; the assertion
// fails), and the check runs again.
func (l *Lowerer) checkMono(filename, src string) (*token.FileSet, *ast.File, *types.Package, *types.Info, error) {
	for round := 0; ; round++ {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, filename, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		keepDirectives(f)
		pkg, info, err := l.check(fset, f)
		if err == nil {
			return fset, f, pkg, info, nil
		}
		var edits []textEdit
		if errs, ok := err.(Errors); ok && round < 10 {
			edits = monoRepairs(fset, f, errs)
		}
		if len(edits) == 0 {
			return nil, nil, nil, nil, err
		}
		src = applyEdits(src, 0, len(src), edits)
	}
}

// monoRepairs lists the edits that mend a monomorphized program's type
// errors, or nil when one of them cannot be mended.
func monoRepairs(fset *token.FileSet, f *ast.File, errs Errors) []textEdit {
	off := func(p token.Pos) int { return fset.File(p).Offset(p) }
	var edits []textEdit
	for _, e := range errs {
		if strings.HasPrefix(e.Msg, "\t") {
			continue // "\tprevious case": the rest of the error before
		}
		if !e.pos.IsValid() {
			return nil
		}
		mended := false
		switch {
		case strings.HasPrefix(e.Msg, "duplicate case"), strings.HasPrefix(e.Msg, "impossible type switch case"):
			// Drop the case (a clause left without one goes whole: it
			// could never run).
			ast.Inspect(f, func(n ast.Node) bool {
				cc, ok := n.(*ast.CaseClause)
				if mended || !ok {
					return !mended
				}
				for i, x := range cc.List {
					if x.Pos() > e.pos || e.pos >= x.End() {
						continue
					}
					switch {
					case len(cc.List) == 1:
						edits = append(edits, textEdit{off(cc.Pos()), off(cc.End()), strings.Repeat("\n", fset.Position(cc.End()).Line-fset.Position(cc.Pos()).Line)})
					case i+1 < len(cc.List):
						edits = append(edits, textEdit{off(x.Pos()), off(cc.List[i+1].Pos()), ""})
					default:
						edits = append(edits, textEdit{off(cc.List[i-1].End()), off(x.End()), ""})
					}
					mended = true
				}
				return !mended
			})
		case strings.HasPrefix(e.Msg, "impossible type assertion"):
			// x.(T) with x's type lacking T's methods: asserting from any
			// fails at run time just the same.
			ast.Inspect(f, func(n ast.Node) bool {
				ta, ok := n.(*ast.TypeAssertExpr)
				if mended || !ok {
					return !mended
				}
				if ta.X.Pos() <= e.pos && e.pos < ta.End() {
					edits = append(edits, textEdit{off(ta.X.Pos()), off(ta.X.Pos()), "any("}, textEdit{off(ta.X.End()), off(ta.X.End()), ")"})
					mended = true
				}
				return !mended
			})
		}
		if !mended {
			return nil
		}
	}
	return edits
}
