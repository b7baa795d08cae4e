package lower

import (
	"fmt"
	"go/constant"
	"go/token"
	"go/types"
	"path"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"
)

// tableImporter builds go/types packages from yaegi symbol tables, so the
// checker sees exactly what the interpreter will offer, with no Go sources
// or export data needed at run time. Packages written in Go source (our
// generic standard library) take precedence over the tables.
type tableImporter struct {
	mu       sync.Mutex
	tables   map[string]map[string]reflect.Value // import path -> symbols
	names    map[string]string                   // import path -> package name
	pkgs     map[string]*types.Package
	named    map[reflect.Type]*types.Named
	building map[reflect.Type]bool     // generic instances being built (cycles)
	sources  map[string]*types.Package // source packages, by import path
	srcErr   map[string]error
	srcFn    func(path string) (*types.Package, error)
	stubbed  map[types.Object]bool // generic functions declared from stubs
}

func newTableImporter(tables []interp.Exports) *tableImporter {
	im := &tableImporter{
		tables:   map[string]map[string]reflect.Value{},
		names:    map[string]string{},
		pkgs:     map[string]*types.Package{},
		named:    map[reflect.Type]*types.Named{},
		building: map[reflect.Type]bool{},
		sources:  map[string]*types.Package{},
		srcErr:   map[string]error{},
		stubbed:  map[types.Object]bool{},
	}
	for _, t := range tables {
		for key, syms := range t {
			p, name := path.Dir(key), path.Base(key)
			if p == "." {
				continue
			}
			m := im.tables[p]
			if m == nil {
				m = map[string]reflect.Value{}
				im.tables[p] = m
				im.names[p] = name
			}
			for s, v := range syms {
				m[s] = v
			}
		}
	}
	return im
}

// has reports whether a path can be imported.
func (im *tableImporter) has(p string) bool {
	if _, ok := genericSources[p]; ok {
		return true
	}
	_, ok := im.tables[p]
	return ok
}

// Import implements types.Importer.
func (im *tableImporter) Import(p string) (*types.Package, error) {
	im.mu.Lock()
	defer im.mu.Unlock()
	return im.importLocked(p)
}

func (im *tableImporter) importLocked(p string) (*types.Package, error) {
	if p == "unsafe" {
		return types.Unsafe, nil
	}
	if _, ok := genericSources[p]; ok {
		if pkg := im.sources[p]; pkg != nil || im.srcErr[p] != nil {
			return pkg, im.srcErr[p]
		}
		// Source packages import other packages through us: release the
		// lock's expectations by calling the unlocked path via srcFn.
		pkg, err := im.srcFn(p)
		im.sources[p], im.srcErr[p] = pkg, err
		return pkg, err
	}
	syms, ok := im.tables[p]
	if !ok {
		return nil, fmt.Errorf("package %q is not available in the interpreter", p)
	}
	pkg := im.pkg(p)
	if pkg.Complete() {
		return pkg, nil
	}
	names := make([]string, 0, len(syms))
	for s := range syms {
		names = append(names, s)
	}
	sort.Strings(names)
	scope := pkg.Scope()
	stubbed := map[string]bool{}
	list := stubsOf(p)
	for _, st := range list {
		stubbed[st.Name] = true
	}
	for _, s := range names {
		if scope.Lookup(s) != nil || !token.IsExported(s) || stubbed[s] {
			continue
		}
		v := syms[s]
		if !v.IsValid() {
			continue
		}
		if obj := im.object(pkg, s, v); obj != nil {
			scope.Insert(obj)
		}
	}
	pkg.MarkComplete() // before the stubs, which may import packages importing this one
	im.addStubs(pkg, list, syms)
	return pkg, nil
}

func (im *tableImporter) pkg(p string) *types.Package {
	if pkg := im.pkgs[p]; pkg != nil {
		return pkg
	}
	name := im.names[p]
	if name == "" {
		name = path.Base(p)
	}
	pkg := types.NewPackage(p, name)
	im.pkgs[p] = pkg
	return pkg
}

// object turns one table entry into a types object. yaegi's conventions:
// a type is a nil pointer to it, a variable the addressable value of a
// pointer to it (reflect.ValueOf(&v).Elem(), whatever its type, functions
// and nil pointers included), a typed constant or function its value, an
// untyped constant a constant.Value.
func (im *tableImporter) object(pkg *types.Package, name string, v reflect.Value) types.Object {
	t := v.Type()
	if cv, ok := v.Interface().(constant.Value); ok && (t.PkgPath() == "go/constant" || t.Kind() == reflect.Pointer && t.Elem().PkgPath() == "go/constant") {
		// Untyped constants; a string one is a *constant.stringVal.
		return types.NewConst(token.NoPos, pkg, name, untypedFor(cv), cv)
	}
	switch {
	case v.CanAddr():
		return types.NewVar(token.NoPos, pkg, name, im.typ(t))
	case t.Kind() == reflect.Pointer && v.IsNil():
		tt := im.typ(t.Elem())
		if n, ok := types.Unalias(tt).(*types.Named); ok && n.Obj().Name() == name && n.Obj().Pkg() == pkg {
			return n.Obj()
		}
		// An alias, or a type registered under another name.
		return types.NewTypeName(token.NoPos, pkg, name, tt)
	case t.Kind() == reflect.Func:
		sig := im.typ(t).(*types.Signature)
		return types.NewFunc(token.NoPos, pkg, name, sig)
	default:
		if cv := constFromValue(v); cv != nil {
			return types.NewConst(token.NoPos, pkg, name, im.typ(t), cv)
		}
		return types.NewVar(token.NoPos, pkg, name, im.typ(t))
	}
}

func untypedFor(cv constant.Value) types.Type {
	switch cv.Kind() {
	case constant.Bool:
		return types.Typ[types.UntypedBool]
	case constant.String:
		return types.Typ[types.UntypedString]
	case constant.Int:
		return types.Typ[types.UntypedInt]
	case constant.Float:
		return types.Typ[types.UntypedFloat]
	case constant.Complex:
		return types.Typ[types.UntypedComplex]
	}
	return types.Typ[types.Invalid]
}

func constFromValue(v reflect.Value) constant.Value {
	switch v.Kind() {
	case reflect.Bool:
		return constant.MakeBool(v.Bool())
	case reflect.String:
		return constant.MakeString(v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return constant.MakeInt64(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return constant.MakeUint64(v.Uint())
	case reflect.Float32, reflect.Float64:
		return constant.MakeFloat64(v.Float())
	}
	return nil
}

var basicKinds = map[reflect.Kind]types.BasicKind{
	reflect.Bool: types.Bool, reflect.Int: types.Int, reflect.Int8: types.Int8,
	reflect.Int16: types.Int16, reflect.Int32: types.Int32, reflect.Int64: types.Int64,
	reflect.Uint: types.Uint, reflect.Uint8: types.Uint8, reflect.Uint16: types.Uint16,
	reflect.Uint32: types.Uint32, reflect.Uint64: types.Uint64, reflect.Uintptr: types.Uintptr,
	reflect.Float32: types.Float32, reflect.Float64: types.Float64,
	reflect.Complex64: types.Complex64, reflect.Complex128: types.Complex128,
	reflect.String: types.String, reflect.UnsafePointer: types.UnsafePointer,
}

var errorType = reflect.TypeFor[error]()

// typ converts a reflect type. Named types become types.Named in their
// package (created on demand, even for packages not in any table);
// instances of generic types (names with brackets) become their underlying
// type, which is what the interpreter can express.
func (im *tableImporter) typ(t reflect.Type) types.Type {
	if t == errorType {
		return types.Universe.Lookup("error").Type()
	}
	if t.Name() != "" && t.PkgPath() == "" {
		if k, ok := basicKinds[t.Kind()]; ok {
			if t.Name() == "uint8" || t.Name() == "int32" || t.Name() == t.Kind().String() {
				return types.Typ[k]
			}
		}
	}
	if t.Name() != "" && t.PkgPath() != "" && !strings.Contains(t.Name(), "[") {
		if n := im.named[t]; n != nil {
			return n
		}
		pkg := im.pkg(t.PkgPath())
		obj := types.NewTypeName(token.NoPos, pkg, t.Name(), nil)
		n := types.NewNamed(obj, nil, nil)
		im.named[t] = n
		n.SetUnderlying(im.structure(t))
		if t.Kind() != reflect.Interface {
			im.addMethods(n, t)
		}
		return n
	}
	if t.Name() != "" && t.PkgPath() != "" {
		// An instance of a generic type: its structure may refer to
		// itself (a list node's *node[T]), so it is built once, under a
		// named placeholder that breaks the cycle.
		if n := im.named[t]; n != nil {
			if im.building[t] {
				return n // a reference to itself, while it is being built
			}
			return n.Underlying()
		}
		obj := types.NewTypeName(token.NoPos, im.pkg(t.PkgPath()), t.Name(), nil)
		n := types.NewNamed(obj, types.NewStruct(nil, nil), nil)
		im.named[t] = n
		im.building[t] = true
		u := im.structure(t)
		delete(im.building, t)
		n.SetUnderlying(u)
		return u
	}
	return im.structure(t)
}

func (im *tableImporter) addMethods(n *types.Named, t reflect.Type) {
	valueSet := map[string]bool{}
	for i := 0; i < t.NumMethod(); i++ {
		valueSet[t.Method(i).Name] = true
	}
	pt := reflect.PointerTo(t)
	for i := 0; i < pt.NumMethod(); i++ {
		m := pt.Method(i)
		recvT := types.Type(types.NewPointer(n))
		if valueSet[m.Name] {
			recvT = n
		}
		ft := m.Type // receiver first
		params := make([]*types.Var, 0, ft.NumIn()-1)
		for j := 1; j < ft.NumIn(); j++ {
			params = append(params, types.NewParam(token.NoPos, nil, "", im.typ(ft.In(j))))
		}
		recv := types.NewParam(token.NoPos, n.Obj().Pkg(), "", recvT)
		sig := types.NewSignatureType(recv, nil, nil, types.NewTuple(params...), im.results(ft), ft.IsVariadic())
		n.AddMethod(types.NewFunc(token.NoPos, n.Obj().Pkg(), m.Name, sig))
	}
}

func (im *tableImporter) results(ft reflect.Type) *types.Tuple {
	res := make([]*types.Var, ft.NumOut())
	for i := range res {
		res[i] = types.NewParam(token.NoPos, nil, "", im.typ(ft.Out(i)))
	}
	return types.NewTuple(res...)
}

// structure converts the type literal of t (its underlying type).
func (im *tableImporter) structure(t reflect.Type) types.Type {
	switch t.Kind() {
	case reflect.Pointer:
		return types.NewPointer(im.typ(t.Elem()))
	case reflect.Slice:
		return types.NewSlice(im.typ(t.Elem()))
	case reflect.Array:
		return types.NewArray(im.typ(t.Elem()), int64(t.Len()))
	case reflect.Map:
		return types.NewMap(im.typ(t.Key()), im.typ(t.Elem()))
	case reflect.Chan:
		dir := types.SendRecv
		switch t.ChanDir() {
		case reflect.SendDir:
			dir = types.SendOnly
		case reflect.RecvDir:
			dir = types.RecvOnly
		}
		return types.NewChan(dir, im.typ(t.Elem()))
	case reflect.Func:
		params := make([]*types.Var, t.NumIn())
		for i := range params {
			params[i] = types.NewParam(token.NoPos, nil, "", im.typ(t.In(i)))
		}
		return types.NewSignatureType(nil, nil, nil, types.NewTuple(params...), im.results(t), t.IsVariadic())
	case reflect.Struct:
		fields := make([]*types.Var, t.NumField())
		tags := make([]string, t.NumField())
		for i := range fields {
			f := t.Field(i)
			var pkg *types.Package
			if f.PkgPath != "" {
				pkg = im.pkg(f.PkgPath)
			}
			fields[i] = types.NewField(token.NoPos, pkg, f.Name, im.typ(f.Type), f.Anonymous)
			tags[i] = string(f.Tag)
		}
		return types.NewStruct(fields, tags)
	case reflect.Interface:
		var methods []*types.Func
		for i := 0; i < t.NumMethod(); i++ {
			m := t.Method(i)
			var pkg *types.Package
			if m.PkgPath != "" {
				pkg = im.pkg(m.PkgPath)
			}
			sig := im.structure(m.Type).(*types.Signature)
			recv := types.NewParam(token.NoPos, nil, "", types.NewInterfaceType(nil, nil))
			sig = types.NewSignatureType(recv, nil, nil, sig.Params(), sig.Results(), sig.Variadic())
			methods = append(methods, types.NewFunc(token.NoPos, pkg, m.Name, sig))
		}
		it := types.NewInterfaceType(methods, nil)
		it.Complete()
		return it
	}
	if k, ok := basicKinds[t.Kind()]; ok {
		return types.Typ[k]
	}
	return types.Typ[types.Invalid]
}
