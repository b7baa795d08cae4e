package runtime

import (
	"fmt"
	"go/ast"
	"reflect"
	"strconv"
	"strings"
)

// printLike are calls whose results nobody wants echoed (fmt.Println
// returns a byte count).
var printLike = map[string]bool{
	"Print": true, "Printf": true, "Println": true,
	"Fprint": true, "Fprintf": true, "Fprintln": true,
	"Scan": true, "Scanf": true, "Scanln": true, "Fscan": true, "Fscanf": true, "Fscanln": true,
	"Write": true, "WriteString": true, "WriteByte": true, "WriteRune": true,
}

// showsResult tells whether a trailing expression's value is the cell's
// result: not for print-like calls, nor for calls without results (yaegi
// hands back the function itself then).
func showsResult(e ast.Expr, v reflect.Value) bool {
	if !v.IsValid() {
		return false
	}
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return true
	}
	switch fn := ast.Unparen(call.Fun).(type) {
	case *ast.SelectorExpr:
		if printLike[fn.Sel.Name] {
			return false
		}
	case *ast.Ident:
		if fn.Name == "print" || fn.Name == "println" || fn.Name == "panic" {
			return false
		}
	}
	if v.Kind() == reflect.Interface && v.IsNil() {
		// A call's nil error (gonbui's Display* end cells that way):
		// nothing to show, as Python shows no None.
		return false
	}
	return v.Kind() != reflect.Func
}

// showResult sends a value as the cell's execute_result.
func (s *goSession) showResult(v reflect.Value) {
	if s.quiet > 0 {
		return
	}
	data, metadata := bundleOf(v)
	if data == nil {
		return
	}
	s.io.emit.send(event{Ev: "result", Data: data, Metadata: metadata})
}

// bundleOf renders a value as a MIME bundle.
func bundleOf(v reflect.Value) (map[string]any, map[string]any) {
	if x, ok := valueOf(v); ok {
		extraMu.Lock()
		hook := resultHook
		extraMu.Unlock()
		if hook != nil {
			if data, md, ok := hook(x); ok {
				if md == nil {
					md = map[string]any{}
				}
				return data, md
			}
		}
	}
	return map[string]any{"text/plain": plainText(v)}, map[string]any{}
}

// plainText formats a value as a Go programmer reads it: strings quoted,
// the rest as fmt's %v.
func plainText(v reflect.Value) string {
	x, ok := valueOf(v)
	if !ok {
		return v.String()
	}
	if s, ok := x.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%v", x)
}

// userExpressions evaluates the expressions a client asked for after a
// cell, each to a bundle or an error dict.
func (s *goSession) userExpressions(exprs map[string]string) map[string]any {
	out := map[string]any{}
	for _, name := range sortedKeys(exprs) {
		v, err := s.it.Eval(exprs[name])
		if err != nil {
			out[name] = map[string]any{"status": "error", "ename": "EvalError", "evalue": err.Error(), "traceback": []string{err.Error()}}
			continue
		}
		data, md := bundleOf(v)
		out[name] = map[string]any{"status": "ok", "data": data, "metadata": md}
	}
	return out
}

// variables lists the session's variables with their types, for %who.
func (s *goSession) variables() []string {
	var out []string
	globals := s.globals()
	for _, name := range sortedKeys(globals) {
		v := globals[name]
		if !v.IsValid() || v.Kind() == reflect.Func || name == "_" || strings.HasPrefix(name, "_igo") {
			continue
		}
		out = append(out, fmt.Sprintf("%s\t%s", name, typeName(v)))
	}
	return out
}

func typeName(v reflect.Value) string {
	t := v.Type()
	if v.Kind() == reflect.Interface && !v.IsNil() {
		t = v.Elem().Type()
	}
	return t.String()
}
