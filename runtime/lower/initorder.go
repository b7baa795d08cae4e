package lower

import (
	"go/ast"
	"go/token"
	"go/types"
)

// orderVarInits puts a program's package-level variable declarations in
// the order Go initializes them (types.Info.InitOrder): a variable that a
// function used by an earlier initializer depends on comes first. yaegi
// follows direct references only (var n = len(f()) ran f, then the later
// var called = false undid what f set).
func (lw *lowering) orderVarInits() {
	specOf := map[types.Object]*ast.ValueSpec{}
	var order []*ast.ValueSpec // in source order
	for _, d := range lw.file.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			if len(vs.Values) == 0 {
				continue
			}
			for _, n := range vs.Names {
				if obj := lw.info.Defs[n]; obj != nil {
					specOf[obj] = vs
				}
			}
			order = append(order, vs)
		}
	}
	var inits []*ast.ValueSpec
	seen := map[*ast.ValueSpec]bool{}
	for _, in := range lw.info.InitOrder {
		if len(in.Lhs) == 0 {
			continue
		}
		vs := specOf[in.Lhs[0]]
		if vs == nil || seen[vs] {
			continue
		}
		seen[vs] = true
		inits = append(inits, vs)
	}
	if len(inits) != len(order) {
		return // blank variables and the like: keep the source's order
	}
	same := true
	for i := range inits {
		same = same && inits[i] == order[i]
	}
	if same {
		return
	}
	// Take the initialized specs out of their declarations and declare
	// them again, one by one, in initialization order, after the rest.
	decls := lw.file.Decls[:0]
	for _, d := range lw.file.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR {
			specs := gd.Specs[:0]
			for _, s := range gd.Specs {
				if !seen[s.(*ast.ValueSpec)] {
					specs = append(specs, s)
				}
			}
			gd.Specs = specs
			if len(specs) == 0 {
				continue
			}
		}
		decls = append(decls, d)
	}
	for _, vs := range inits {
		decls = append(decls, &ast.GenDecl{Tok: token.VAR, TokPos: vs.Pos(), Specs: []ast.Spec{vs}})
	}
	lw.file.Decls = decls
}
