package lower

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"strings"
	"sync"
)

// GenericStub is a compiled generic function that the interpreter reaches
// through a non-generic shim (type parameters become any). The checker
// sees the generic signature instead, so calls are typed as Go types them,
// and the lowering asserts the shim's any results back to those types.
type GenericStub struct {
	Name    string   // the function's name
	Source  string   // its declaration without body: "func M1[T any](v T, err error) T"
	Imports []string // import specs Source refers to: `"path"`, `name "path"`, `. "path"`
}

var (
	stubsMu sync.Mutex
	stubs   = map[string][]GenericStub{} // import path -> stubs
)

// SetGenericStubs tells every Lowerer created afterwards the generic
// signatures behind the shims of the tables, by import path.
func SetGenericStubs(m map[string][]GenericStub) {
	stubsMu.Lock()
	defer stubsMu.Unlock()
	stubs = m
}

func stubsOf(path string) []GenericStub {
	stubsMu.Lock()
	defer stubsMu.Unlock()
	return stubs[path]
}

// addStubs declares the package's generic stubs in pkg, each checked on
// its own against the package's table objects: a stub that does not check
// (a constraint from a package without a table, say) is tried again with
// plain any constraints, and otherwise the shim's own entry in syms is
// declared as it is. Called with im.mu held.
func (im *tableImporter) addStubs(pkg *types.Package, list []GenericStub, syms map[string]reflect.Value) {
	for _, st := range list {
		obj := im.checkStub(pkg, st, false)
		if obj == nil {
			obj = im.checkStub(pkg, st, true)
		}
		if obj != nil {
			im.stubbed[obj] = true
		} else if v := syms[st.Name]; v.IsValid() {
			obj = im.object(pkg, st.Name, v)
		}
		if obj != nil {
			pkg.Scope().Insert(obj)
		}
	}
}

// isStub reports whether obj is a generic function declared from a stub:
// the interpreter calls its non-generic shim.
func (im *tableImporter) isStub(obj types.Object) bool {
	im.mu.Lock()
	defer im.mu.Unlock()
	return im.stubbed[obj]
}

// assertStubResult turns a call of a stubbed generic function, whose shim
// returns any where the function returns a type parameter's type, into
// call.(R) with R the instance's result type. Calls whose value is
// dropped, interface results (an assertion of a nil any would panic) and
// several results stay as they are.
func (lw *lowering) assertStubResult(call *ast.CallExpr, parent ast.Node) ast.Expr {
	switch parent.(type) {
	case *ast.ExprStmt, *ast.GoStmt, *ast.DeferStmt:
		return nil
	}
	fun := ast.Unparen(call.Fun)
	var id *ast.Ident
	switch f := fun.(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	default:
		return nil
	}
	obj, ok := lw.info.Uses[id].(*types.Func)
	if !ok || !lw.l.im.isStub(obj) {
		return nil
	}
	generic := obj.Type().(*types.Signature).Results()
	tv, ok := lw.info.Types[call]
	if !ok || generic.Len() != 1 || tv.Type == nil {
		return nil
	}
	r := tv.Type
	if types.Identical(r, generic.At(0).Type()) || types.IsInterface(r) {
		return nil
	}
	return &ast.TypeAssertExpr{X: call, Lparen: call.End(), Type: parseExpr(lw.typeExpr(r)), Rparen: call.End()}
}

// checkStub type-checks one stub in a scratch package that sees pkg's
// objects, and returns the function it declares; nil on any error.
func (im *tableImporter) checkStub(pkg *types.Package, st GenericStub, anyConstraints bool) types.Object {
	var b strings.Builder
	b.WriteString("package " + pkg.Name() + "\n")
	for _, spec := range st.Imports {
		// Constraint-only packages (gotype, constraints) have no table:
		// without them, only the plain-any attempt can succeed.
		if i := strings.IndexByte(spec, '"'); i >= 0 && im.has(strings.Trim(spec[i:], `"`)) {
			b.WriteString("import " + spec + "\n")
		}
	}
	b.WriteString(st.Source + "\n")
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "stub.go", b.String(), parser.SkipObjectResolution)
	if err != nil || len(f.Decls) == 0 {
		return nil
	}
	fd, ok := f.Decls[len(f.Decls)-1].(*ast.FuncDecl)
	if !ok || fd.Name.Name != st.Name || fd.Type.TypeParams == nil {
		return nil
	}
	if anyConstraints {
		for _, field := range fd.Type.TypeParams.List {
			field.Type = ast.NewIdent("any")
		}
	}
	scratch := types.NewPackage(pkg.Path(), pkg.Name())
	for _, name := range pkg.Scope().Names() {
		if name != st.Name {
			scratch.Scope().Insert(pkg.Scope().Lookup(name))
		}
	}
	failed := false
	conf := types.Config{
		Importer:  importerFunc(im.importLocked),
		GoVersion: "go1.26",
		Error: func(err error) {
			if te, ok := err.(types.Error); !ok || !te.Soft {
				failed = true
			}
		},
	}
	_ = types.NewChecker(&conf, fset, scratch, nil).Files([]*ast.File{f}) // errors reach conf.Error
	if failed {
		return nil
	}
	if fn, ok := scratch.Scope().Lookup(st.Name).(*types.Func); ok {
		return fn
	}
	return nil
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// Import returns the package the checker sees for an import path (tables,
// stubs and generic sources together).
func (l *Lowerer) Import(path string) (*types.Package, error) { return l.im.Import(path) }
