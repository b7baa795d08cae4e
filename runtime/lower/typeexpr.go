package lower

import (
	"go/types"
	"strconv"
	"strings"
)

// typeExpr writes t as Go source valid in the lowered file: packages by
// their local import names (importing those not yet imported), and
// instances of generic types from our standard-library sources (iter.Seq)
// as their underlying function types, since the interpreter never sees
// those packages.
func (lw *lowering) typeExpr(t types.Type) string {
	var b strings.Builder
	lw.writeType(&b, t)
	return b.String()
}

func (lw *lowering) writeType(b *strings.Builder, t types.Type) {
	switch t := t.(type) {
	case *types.Basic:
		if t.Info()&types.IsUntyped != 0 {
			t = types.Default(t).(*types.Basic)
		}
		b.WriteString(t.Name())
	case *types.Alias:
		lw.writeType(b, types.Unalias(t))
	case *types.Pointer:
		b.WriteString("*")
		lw.writeType(b, t.Elem())
	case *types.Slice:
		b.WriteString("[]")
		lw.writeType(b, t.Elem())
	case *types.Array:
		b.WriteString("[" + strconv.FormatInt(t.Len(), 10) + "]")
		lw.writeType(b, t.Elem())
	case *types.Map:
		b.WriteString("map[")
		lw.writeType(b, t.Key())
		b.WriteString("]")
		lw.writeType(b, t.Elem())
	case *types.Chan:
		switch t.Dir() {
		case types.SendOnly:
			b.WriteString("chan<- ")
		case types.RecvOnly:
			b.WriteString("<-chan ")
		default:
			b.WriteString("chan ")
			if c, ok := t.Elem().(*types.Chan); ok && c.Dir() == types.RecvOnly {
				b.WriteString("(")
				lw.writeType(b, t.Elem())
				b.WriteString(")")
				return
			}
		}
		lw.writeType(b, t.Elem())
	case *types.Signature:
		b.WriteString("func")
		lw.writeSig(b, t)
	case *types.Struct:
		b.WriteString("struct{")
		for i := 0; i < t.NumFields(); i++ {
			if i > 0 {
				b.WriteString("; ")
			}
			f := t.Field(i)
			if !f.Embedded() {
				b.WriteString(f.Name() + " ")
			}
			lw.writeType(b, f.Type())
			if tag := t.Tag(i); tag != "" {
				b.WriteString(" " + strconv.Quote(tag))
			}
		}
		b.WriteString("}")
	case *types.Interface:
		if t.Empty() {
			b.WriteString("interface{}")
			return
		}
		b.WriteString("interface{")
		n := 0
		for i := 0; i < t.NumEmbeddeds(); i++ {
			if n > 0 {
				b.WriteString("; ")
			}
			lw.writeType(b, t.EmbeddedType(i))
			n++
		}
		for i := 0; i < t.NumExplicitMethods(); i++ {
			if n > 0 {
				b.WriteString("; ")
			}
			m := t.ExplicitMethod(i)
			b.WriteString(m.Name())
			lw.writeSig(b, m.Type().(*types.Signature))
			n++
		}
		b.WriteString("}")
	case *types.Union:
		for i := 0; i < t.Len(); i++ {
			if i > 0 {
				b.WriteString(" | ")
			}
			if t.Term(i).Tilde() {
				b.WriteString("~")
			}
			lw.writeType(b, t.Term(i).Type())
		}
	case *types.TypeParam:
		if lw.mono != nil {
			text, ok := lw.tsubst[t]
			if !ok {
				lw.mono.fail("type parameter %s outside its declaration", t)
			}
			b.WriteString(text)
			return
		}
		b.WriteString(t.Obj().Name())
	case *types.Named:
		obj := t.Obj()
		if lw.mono != nil && obj.Pkg() == lw.pkg {
			if name, ok := lw.mono.hoisted[obj]; ok {
				b.WriteString(name)
				return
			}
			if obj.Parent() != nil && obj.Parent() != lw.pkg.Scope() {
				lw.mono.fail("type %s is declared inside a function", obj.Name())
			}
			if orig := t.Origin().Obj(); t.TypeArgs().Len() > 0 && lw.mono.decls[orig] != nil {
				args := make([]string, t.TypeArgs().Len())
				for i := range args {
					args[i] = lw.typeExpr(t.TypeArgs().At(i))
				}
				b.WriteString(lw.mono.instanceName(orig, args))
				return
			}
		}
		if obj.Pkg() != nil && isGenericSource(obj.Pkg().Path()) {
			lw.writeType(b, t.Underlying())
			return
		}
		if obj.Pkg() != nil && obj.Pkg() != lw.pkg {
			b.WriteString(lw.importName(obj.Pkg()) + ".")
		}
		b.WriteString(obj.Name())
		if args := t.TypeArgs(); args.Len() > 0 {
			b.WriteString("[")
			for i := 0; i < args.Len(); i++ {
				if i > 0 {
					b.WriteString(", ")
				}
				lw.writeType(b, args.At(i))
			}
			b.WriteString("]")
		}
	default:
		b.WriteString(types.TypeString(t, lw.qualifier))
	}
}

func (lw *lowering) writeSig(b *strings.Builder, s *types.Signature) {
	b.WriteString("(")
	for i := 0; i < s.Params().Len(); i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		t := s.Params().At(i).Type()
		if s.Variadic() && i == s.Params().Len()-1 {
			b.WriteString("...")
			t = t.(*types.Slice).Elem()
		}
		lw.writeType(b, t)
	}
	b.WriteString(")")
	switch r := s.Results(); r.Len() {
	case 0:
	case 1:
		b.WriteString(" ")
		lw.writeType(b, r.At(0).Type())
	default:
		b.WriteString(" (")
		for i := 0; i < r.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			lw.writeType(b, r.At(i).Type())
		}
		b.WriteString(")")
	}
}

func (lw *lowering) qualifier(p *types.Package) string {
	if p == lw.pkg {
		return ""
	}
	return lw.importName(p)
}

// importName is the name under which the lowered file refers to p,
// adding an import when the file has none.
func (lw *lowering) importName(p *types.Package) string {
	if name, ok := lw.imports[p.Path()]; ok {
		return name
	}
	name := "igo_" + p.Name()
	lw.imports[p.Path()] = name
	lw.addImports[p.Path()] = name
	return name
}

// anyType reports whether pred holds for t or for a type t is made of:
// elements, keys, fields, parameters, results and type arguments.
func anyType(t types.Type, pred func(types.Type) bool) bool {
	if t == nil {
		return false
	}
	if pred(t) {
		return true
	}
	switch t := t.(type) {
	case *types.Named:
		for i := 0; i < t.TypeArgs().Len(); i++ {
			if anyType(t.TypeArgs().At(i), pred) {
				return true
			}
		}
	case *types.Pointer:
		return anyType(t.Elem(), pred)
	case *types.Slice:
		return anyType(t.Elem(), pred)
	case *types.Array:
		return anyType(t.Elem(), pred)
	case *types.Chan:
		return anyType(t.Elem(), pred)
	case *types.Map:
		return anyType(t.Key(), pred) || anyType(t.Elem(), pred)
	case *types.Signature:
		for _, tu := range []*types.Tuple{t.Params(), t.Results()} {
			for i := 0; i < tu.Len(); i++ {
				if anyType(tu.At(i).Type(), pred) {
					return true
				}
			}
		}
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			if anyType(t.Field(i).Type(), pred) {
				return true
			}
		}
	}
	return false
}

// hasLocalType reports whether t mentions a type declared inside a
// function, or a type parameter (neither of which a package-level helper
// can name).
func hasLocalType(t types.Type) bool {
	return anyType(t, func(t types.Type) bool {
		switch t := t.(type) {
		case *types.Named:
			o := t.Obj()
			return o.Pkg() != nil && o.Parent() != nil && o.Parent() != o.Pkg().Scope()
		case *types.TypeParam:
			return true
		}
		return false
	})
}

// hasTypeParam reports whether t mentions a type parameter.
func hasTypeParam(t types.Type) bool {
	return anyType(t, func(t types.Type) bool {
		_, ok := t.(*types.TypeParam)
		return ok
	})
}
