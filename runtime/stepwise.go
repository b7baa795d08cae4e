package runtime

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/igo-kernel/igo/runtime/cell"
)

// evalStepwise runs statements one at a time; "x := expr" becomes a call
// of a function literal returning expr as any, then a type assertion to
// the value's dynamic type, which yaegi compiles where it cannot compile
// the direct form.
func (s *goSession) evalStepwise(ctx context.Context, group []cell.Chunk) (reflect.Value, error) {
	var last reflect.Value
	for _, c := range group {
		if c.CommaOK {
			v, err := s.evalCommaOK(ctx, c)
			if err != nil {
				return v, err
			}
			last = v
			continue
		}
		if c.DefineRHS == "" || len(c.Defines) != 1 {
			v, err := s.it.EvalWithContext(ctx, assemble([]cell.Chunk{c}))
			if err != nil {
				return v, err
			}
			last = v
			continue
		}
		s.bindSeq++
		tmp := fmt.Sprintf("_igoV%d", s.bindSeq)
		hop := c
		hop.Src = tmp + " := func() any { return " + c.DefineRHS + " }()"
		hop.GoCalls = nil
		v, err := s.it.EvalWithContext(ctx, assemble([]cell.Chunk{hop}))
		if err != nil {
			return v, err
		}
		name := c.Defines[0]
		assign := name + " := " + tmp
		if t, ok := s.typeExpr(v); ok {
			assign += ".(" + t + ")"
		}
		if last, err = s.it.EvalWithContext(ctx, assign); err != nil {
			return last, err
		}
	}
	return last, nil
}

// evalCommaOK runs "a, b := x" through a function literal returning both
// values, then defines each with its dynamic type.
func (s *goSession) evalCommaOK(ctx context.Context, c cell.Chunk) (reflect.Value, error) {
	lhs := strings.SplitN(strings.SplitN(c.Src, ":=", 2)[0], ",", 2)
	names := []string{strings.TrimSpace(lhs[0]), strings.TrimSpace(lhs[1])}
	inner := []string{"_igoA", "_igoB"}
	s.bindSeq++
	tmp := fmt.Sprintf("_igoV%d", s.bindSeq)
	hop := c
	hop.Src = fmt.Sprintf("%s := func() []any { %s, %s := %s; return []any{%s, %s} }()", tmp, inner[0], inner[1], c.DefineRHS, inner[0], inner[1])
	hop.GoCalls = nil
	v, err := s.it.EvalWithContext(ctx, assemble([]cell.Chunk{hop}))
	if err != nil {
		return v, err
	}
	var last reflect.Value
	for i, name := range names {
		if name == "_" {
			continue
		}
		assign := fmt.Sprintf("%s := %s[%d]", name, tmp, i)
		if t, ok := s.typeExpr(v.Index(i)); ok {
			assign += ".(" + t + ")"
		}
		if last, err = s.it.EvalWithContext(ctx, assign); err != nil {
			return last, err
		}
	}
	return last, nil
}

// typeExpr writes the dynamic type of v (an interface holding a value) as
// Go source valid in the session, importing the packages it names.
func (s *goSession) typeExpr(v reflect.Value) (string, bool) {
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return "", false
		}
		v = v.Elem()
	}
	return s.typeSource(v.Type())
}

func (s *goSession) typeSource(t reflect.Type) (string, bool) {
	if name, ok := s.typeNames[t.String()]; ok {
		return name, true
	}
	if t.Name() != "" {
		if t.PkgPath() == "" {
			return t.Name(), true // predeclared
		}
		if strings.Contains(t.Name(), "[") || !s.pkgPaths[t.PkgPath()] {
			return "", false
		}
		local := ""
		for name, path := range s.imported {
			if path == t.PkgPath() {
				local = name
			}
		}
		if local == "" {
			if err := s.importPackage("", t.PkgPath()); err != nil {
				return "", false
			}
			local = t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
		}
		return local + "." + t.Name(), true
	}
	switch t.Kind() {
	case reflect.Pointer:
		e, ok := s.typeSource(t.Elem())
		return "*" + e, ok
	case reflect.Slice:
		e, ok := s.typeSource(t.Elem())
		return "[]" + e, ok
	case reflect.Array:
		e, ok := s.typeSource(t.Elem())
		return fmt.Sprintf("[%d]%s", t.Len(), e), ok
	case reflect.Map:
		k, ok1 := s.typeSource(t.Key())
		e, ok2 := s.typeSource(t.Elem())
		return "map[" + k + "]" + e, ok1 && ok2
	}
	return "", false
}
