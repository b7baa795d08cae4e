// Package shims registers compiled, non-generic stand-ins for the generic
// functions of GoMLX and its helper packages, under the same package and name,
// so interpreted cells can call them as GoMLX's docs write them
// (graph.MulScalar(x, 2), tensors.FromValue(v), graph.MustNewExec(b, fn)).
//
// yaegi can neither call nor instantiate compiled generic functions. Where a
// type parameter stands for an argument, the shim takes `any` and dispatches
// on the dynamic type. Where a type parameter appears only in the results
// (tensors.ToScalar[float32](t)), explicit instantiations are registered as
// Name__T (ToScalar__float32); the cell compiler rewrites pkg.Name[T](...)
// into pkg.Name__T(...) using Instantiations().
//
// Symbols also carries yaegi "MapTypes": interface wrappers that combine a
// GoMLX interface with the optional interfaces GoMLX probes with type
// assertions, so interpreted types keep those methods visible to compiled code.
//
// GENERICS.md (go generate) lists every generic declaration of the packages in
// runtime/symbols and how it is covered.
package shims

//go:generate go run ./internal/genreport -o GENERICS.md

import (
	"reflect"
	"sort"
	"strings"
)

// Symbols holds the shims, keyed "importpath/pkgname" like yaegi's stdlib, plus
// the "." entry holding MapTypes. Use it after runtime/symbols' tables.
var Symbols = map[string]map[string]reflect.Value{}

// InstantiationSep separates a generic function's name from its type argument
// in the name an explicit instantiation is registered under: Name__T.
const InstantiationSep = "__"

// Instantiation is one explicit instantiation of a generic function.
type Instantiation struct {
	// TypeArg is the type argument as Go writes it, qualified by import path
	// for non-builtin types ("float32", "github.com/gomlx/compute/dtypes/float16.Float16").
	TypeArg string
	// Symbol is the name it is registered under in its package ("ToScalar__float32").
	Symbol string
}

// Instantiations returns, for each generic function with registered
// instantiations (key "importpath.Name"), the instantiations sorted by type.
func Instantiations() map[string][]Instantiation {
	out := map[string][]Instantiation{}
	for key, syms := range Symbols {
		path := pkgPath(key)
		if path == "" {
			continue
		}
		for name := range syms {
			base, suffix, ok := strings.Cut(name, InstantiationSep)
			if !ok {
				continue
			}
			out[path+"."+base] = append(out[path+"."+base], Instantiation{TypeArg: typeArgs[suffix], Symbol: name})
		}
	}
	for _, list := range out {
		sort.Slice(list, func(i, j int) bool { return list[i].TypeArg < list[j].TypeArg })
	}
	return out
}

// InstantiationSymbol returns the name under which pkg.Name[typeArg] is
// registered, typeArg written as in Instantiation.TypeArg. ok is false when
// there is no such instantiation.
func InstantiationSymbol(importPath, name, typeArg string) (symbol string, ok bool) {
	for _, in := range Instantiations()[importPath+"."+name] {
		if in.TypeArg == typeArg {
			return in.Symbol, true
		}
	}
	return "", false
}

// pkgPath turns a Symbols key "importpath/pkgname" into the import path.
func pkgPath(key string) string {
	i := strings.LastIndexByte(key, '/')
	if i < 0 {
		return ""
	}
	return key[:i]
}

// typeArgs maps instantiation suffixes to the type argument they stand for.
var typeArgs = map[string]string{}

// register adds symbols to package key ("importpath/pkgname").
func register(key string, syms map[string]any) {
	m := Symbols[key]
	if m == nil {
		m = map[string]reflect.Value{}
		Symbols[key] = m
	}
	for name, v := range syms {
		m[name] = reflect.ValueOf(v)
	}
}
