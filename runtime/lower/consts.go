package lower

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// Constants: go/types has already evaluated every constant expression
// exactly; yaegi evaluates them again and gets some wrong (untyped
// constants beyond int64, float shift counts, implicit repetition in
// const blocks: "constant definition loop"). The lowering writes the
// checker's values instead.

// constDecl gives every constant of a const declaration its value and
// type explicitly (const ( A = iota; B ) becomes const ( A int = 0; B
// int = 1 ) for typed constants, an untyped literal otherwise).
func (lw *lowering) constDecl(gd *ast.GenDecl) {
	if gd.Tok != token.CONST {
		return
	}
	for _, s := range gd.Specs {
		vs := s.(*ast.ValueSpec)
		var values []ast.Expr
		var typ ast.Expr
		for _, name := range vs.Names {
			c, ok := lw.info.Defs[name].(*types.Const)
			if !ok {
				return // an error the checker reported; leave it
			}
			lit := lw.constValue(c.Type(), c.Val())
			if lit == nil {
				return
			}
			values = append(values, lit)
			if !isUntyped(c.Type()) {
				typ = parseExpr(lw.typeExpr(c.Type()))
			}
		}
		// Names of one spec share one type.
		if typ != nil {
			for i := range values {
				values[i] = unconvert(values[i])
			}
		}
		vs.Type, vs.Values = typ, values
	}
}

// unconvert strips the T( ) our typed literals carry: the spec names T.
func unconvert(e ast.Expr) ast.Expr {
	if c, ok := e.(*ast.CallExpr); ok && len(c.Args) == 1 {
		return c.Args[0]
	}
	return e
}

func isUntyped(t types.Type) bool {
	b, ok := t.(*types.Basic)
	return ok && b.Info()&types.IsUntyped != 0
}

// foldConst replaces a constant expression by its value, in pre-order
// (the outermost constant expression goes whole). Names of constants and
// plain literals stay as they are.
func (lw *lowering) foldConst(c *astutil.Cursor, e ast.Expr) bool {
	if lw.shiftCount(c, e) {
		return true
	}
	switch x := e.(type) {
	case *ast.BinaryExpr, *ast.UnaryExpr, *ast.ParenExpr, *ast.CallExpr:
	case *ast.BasicLit:
		// 1. or 0i where an integer is meant (x << 1.), and the constant of
		// a non-constant shift, which takes its type from the context
		// (uint in x << (1 << y)).
		p, _ := c.Parent().(*ast.BinaryExpr)
		shifted := p != nil && (p.Op == token.SHL || p.Op == token.SHR) && p.X == e
		if x.Kind != token.FLOAT && x.Kind != token.IMAG && !shifted {
			return false
		}
		t := lw.typeOf(x)
		if shifted && isUntyped(t) {
			t = lw.typeOf(p) // the shift's type is its constant's
			if isUntyped(t) {
				return false
			}
			lit := parseExpr(lw.typeExpr(t) + "(" + x.Value + ")")
			lw.info.Types[lit] = types.TypeAndValue{Type: t, Value: lw.info.Types[x].Value}
			c.Replace(lit)
			return true
		}
		if b, ok := t.(*types.Basic); !ok || b.Info()&types.IsInteger == 0 || b.Info()&types.IsUntyped != 0 {
			return false
		}
	default:
		return false
	}
	tv, ok := lw.info.Types[e]
	if !ok || tv.Value == nil || tv.Type == nil {
		return false
	}
	lit := lw.constValue(tv.Type, tv.Value)
	if lit == nil {
		return false
	}
	lw.info.Types[lit] = tv // for the lowerings that look at it later
	c.Replace(lit)
	return true
}

// shiftCount writes a constant shift count as an integer literal: x << 1.
// and x << (1+0i) are valid Go that yaegi refuses.
func (lw *lowering) shiftCount(c *astutil.Cursor, e ast.Expr) bool {
	isCount := false
	switch p := c.Parent().(type) {
	case *ast.BinaryExpr:
		isCount = (p.Op == token.SHL || p.Op == token.SHR) && p.Y == e
	case *ast.AssignStmt:
		isCount = p.Tok == token.SHL_ASSIGN || p.Tok == token.SHR_ASSIGN
	}
	if !isCount {
		return false
	}
	tv, ok := lw.info.Types[e]
	if !ok {
		return false
	}
	if tv.Value == nil {
		// x << (1 << y): the count's constant is a uint, which the
		// checker leaves untyped.
		if inner, ok := ast.Unparen(e).(*ast.BinaryExpr); ok && (inner.Op == token.SHL || inner.Op == token.SHR) {
			if v := lw.info.Types[inner.X]; v.Value != nil && isUntyped(v.Type) {
				if iv := constant.ToInt(v.Value); iv.Kind() == constant.Int {
					inner.X = parseExpr("uint(" + iv.ExactString() + ")")
				}
			}
		}
		return false
	}
	iv := constant.ToInt(tv.Value)
	if iv.Kind() != constant.Int || constant.Sign(iv) < 0 {
		return false
	}
	lit := &ast.BasicLit{Kind: token.INT, Value: iv.ExactString(), ValuePos: e.Pos()}
	lw.info.Types[lit] = types.TypeAndValue{Type: types.Typ[types.UntypedInt], Value: iv}
	c.Replace(lit)
	return true
}

// constValue writes a constant: an untyped literal of the constant's
// kind, converted to its type when typed. nil when it cannot.
func (lw *lowering) constValue(t types.Type, v constant.Value) ast.Expr {
	if hasTypeParam(t) || hasLocalType(t) && !isUntyped(t) {
		return nil
	}
	b, ok := t.Underlying().(*types.Basic)
	if !ok {
		return nil
	}
	var lit string
	switch {
	case b.Kind() == types.UntypedRune:
		return nil // an int literal would change the default type to int
	case b.Info()&types.IsBoolean != 0:
		lit = v.String()
	case b.Info()&types.IsString != 0:
		lit = v.ExactString()
	case b.Info()&types.IsInteger != 0:
		iv := constant.ToInt(v)
		if iv.Kind() != constant.Int {
			return nil
		}
		lit = iv.ExactString()
	case b.Info()&types.IsFloat != 0:
		fv := constant.ToFloat(v)
		if fv.Kind() != constant.Float && fv.Kind() != constant.Int {
			return nil
		}
		lit = floatText(fv)
	case b.Info()&types.IsComplex != 0:
		cv := constant.ToComplex(v)
		if cv.Kind() != constant.Complex {
			return nil
		}
		lit = floatText(constant.ToFloat(constant.Real(cv))) + " + " + floatText(constant.ToFloat(constant.Imag(cv))) + "i"
	default:
		return nil
	}
	if strings.HasPrefix(lit, "-") || strings.Contains(lit, " ") {
		lit = "(" + lit + ")"
	}
	if isUntyped(t) {
		return parseExpr(lit)
	}
	return parseExpr(lw.typeExpr(t) + "(" + lit + ")")
}
