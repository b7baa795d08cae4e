package runtime

import (
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	goruntime "runtime"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/igo-kernel/igo/session"
)

var goKeywords = []string{"break", "case", "chan", "const", "continue", "default", "defer", "else",
	"fallthrough", "for", "func", "go", "goto", "if", "import", "interface", "map", "package",
	"range", "return", "select", "struct", "switch", "type", "var"}

var goBuiltins = []string{"append", "cap", "clear", "close", "complex", "copy", "delete", "imag",
	"len", "make", "max", "min", "new", "panic", "print", "println", "real", "recover",
	"bool", "byte", "complex64", "complex128", "error", "float32", "float64", "int", "int8",
	"int16", "int32", "int64", "rune", "string", "uint", "uint8", "uint16", "uint32", "uint64",
	"uintptr", "any", "comparable", "true", "false", "nil", "iota"}

func isIdentRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// runeToByte converts a rune offset (Jupyter's cursor) into a byte offset.
func runeToByte(code string, cursor int) int {
	i := 0
	for n := 0; n < cursor && i < len(code); n++ {
		_, size := utf8.DecodeRuneInString(code[i:])
		i += size
	}
	return i
}

func byteToRune(code string, off int) int { return utf8.RuneCountInString(code[:off]) }

// complete lists completions at the cursor.
func (s *goSession) complete(code string, cursor int) session.Completion {
	end := runeToByte(code, cursor)
	start := end
	for start > 0 {
		r, size := utf8.DecodeLastRuneInString(code[:start])
		if !isIdentRune(r) {
			break
		}
		start -= size
	}
	prefix := code[start:end]
	var matches []string
	line := code[strings.LastIndex(code[:start], "\n")+1 : end]
	switch {
	case inImportPath(code[:end]):
		// Complete the whole path inside the quotes.
		q := strings.LastIndexAny(code[:end], "\"`")
		start = q + 1
		prefix = code[start:end]
		for p := range s.pkgPaths {
			if strings.HasPrefix(p, prefix) {
				matches = append(matches, p)
			}
		}
	case start > 0 && code[start-1] == '.':
		matches = s.members(qualifier(code[:start-1]), prefix)
	default:
		_ = line
		cands := append(append([]string{}, goKeywords...), goBuiltins...)
		for name := range s.globals() {
			cands = append(cands, name)
		}
		for name := range s.definedIn {
			if !strings.Contains(name, ".") {
				cands = append(cands, name)
			}
		}
		for name := range s.pkgIndex {
			cands = append(cands, name)
		}
		for name := range s.imported {
			cands = append(cands, name)
		}
		for _, c := range cands {
			if strings.HasPrefix(c, prefix) && !strings.HasPrefix(c, "_") {
				matches = append(matches, c)
			}
		}
	}
	matches = dedupSorted(matches)
	return session.Completion{Matches: matches, CursorStart: byteToRune(code, start), CursorEnd: cursor, Metadata: map[string]any{}}
}

func inImportPath(before string) bool {
	line := before[strings.LastIndex(before, "\n")+1:]
	t := strings.TrimSpace(line)
	if strings.Count(line, "\"") == 1 && (strings.HasPrefix(t, "import") || !strings.ContainsAny(t, "(){}=:")) {
		return strings.HasPrefix(t, "import") || strings.Contains(before, "import (")
	}
	return false
}

// qualifier returns the identifier chain ending at the end of s (x, x.y).
func qualifier(s string) string {
	i := len(s)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if !isIdentRune(r) && r != '.' {
			break
		}
		i -= size
	}
	return s[i:]
}

func dedupSorted(xs []string) []string {
	sort.Strings(xs)
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// members lists what follows "x." for a package name or a session value.
func (s *goSession) members(x, prefix string) []string {
	var out []string
	if path := s.packagePath(x); path != "" && !strings.Contains(x, ".") {
		for name := range s.it.Symbols(path)[path] {
			if token.IsExported(name) && strings.HasPrefix(name, prefix) {
				out = append(out, name)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	v, err := s.it.Eval(x)
	if err != nil || !v.IsValid() {
		return nil
	}
	names := fieldsAndMethods(v)
	if tn, ok := s.typeNames[strings.TrimPrefix(typeName(v), "*")]; ok {
		for m := range s.definedIn {
			if strings.HasPrefix(m, tn+".") {
				names = append(names, strings.TrimPrefix(m, tn+"."))
			}
		}
	}
	for _, name := range names {
		if strings.HasPrefix(name, prefix) {
			out = append(out, name)
		}
	}
	return out
}

// packagePath resolves a package name as the session would.
func (s *goSession) packagePath(name string) string {
	if p, ok := s.imported[name]; ok {
		return p
	}
	if _, isVar := s.globals()[name]; isVar {
		return ""
	}
	return s.pkgIndex[name]
}

func fieldsAndMethods(v reflect.Value) []string {
	var out []string
	t := v.Type()
	if v.Kind() == reflect.Interface && !v.IsNil() {
		t = v.Elem().Type()
	}
	for _, tt := range []reflect.Type{t, reflect.PointerTo(t)} {
		for i := 0; i < tt.NumMethod(); i++ {
			out = append(out, tt.Method(i).Name)
		}
	}
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		for i := 0; i < st.NumField(); i++ {
			if f := st.Field(i); f.IsExported() {
				out = append(out, f.Name)
			}
		}
	}
	return out
}

// inspect describes the symbol at the cursor: signature and doc for
// package members, type and value for session variables.
func (s *goSession) inspect(code string, cursor, detail int) session.Inspection {
	off := runeToByte(code, cursor)
	end := off
	for end < len(code) {
		r, size := utf8.DecodeRuneInString(code[end:])
		if !isIdentRune(r) {
			break
		}
		end += size
	}
	// Shift-Tab right after "f(" describes f.
	expr := qualifier(code[:end])
	if expr == "" && off > 0 && code[off-1] == '(' {
		expr = qualifier(code[:off-1])
	}
	expr = strings.Trim(expr, ".")
	if expr == "" {
		return session.Inspection{}
	}
	var text string
	if i := strings.Index(expr, "."); i > 0 {
		pkg, member := expr[:i], expr[i+1:]
		if path := s.packagePath(pkg); path != "" && !strings.Contains(member, ".") {
			if sym, ok := s.it.Symbols(path)[path][member]; ok {
				text = describeSymbol(path, member, sym)
			}
		}
	}
	if text == "" {
		v, err := s.it.Eval(expr)
		if err != nil || !v.IsValid() {
			return session.Inspection{}
		}
		tn := typeName(v)
		if named, ok := s.typeNames[tn]; ok {
			tn = named
		}
		text = fmt.Sprintf("%s: %s\n\n%s", expr, tn, truncate(plainText(v), 2000))
	}
	return session.Inspection{Found: true, Data: map[string]any{"text/plain": text}}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// describeSymbol gives a package member's declaration and doc comment, read
// from the package's source when it is on this machine, else its type.
func describeSymbol(path, name string, sym reflect.Value) string {
	if d := sourceDoc(path, name); d != "" {
		return d
	}
	t := sym.Type()
	if sym.Kind() == reflect.Pointer && t.Elem().Kind() != reflect.Func && sym.IsNil() {
		return fmt.Sprintf("type %s.%s %s", path, name, t.Elem().Kind())
	}
	return fmt.Sprintf("%s.%s: %s", path, name, t)
}

var (
	docMu    sync.Mutex
	docCache = map[string]*doc.Package{}
)

// sourceDoc finds the declaration and doc of path.name in the Go sources
// (GOROOT for the standard library, the module cache for the rest).
func sourceDoc(path, name string) string {
	docMu.Lock()
	defer docMu.Unlock()
	p, ok := docCache[path]
	if !ok {
		p = loadDoc(path)
		docCache[path] = p
	}
	if p == nil {
		return ""
	}
	decl := func(text, sig string) string { return strings.TrimSpace(sig + "\n\n" + text) }
	for _, f := range p.Funcs {
		if f.Name == name {
			return decl(f.Doc, "func "+name+signatureText(f.Decl.Type.Params, f.Decl.Type.Results, p))
		}
	}
	for _, t := range p.Types {
		if t.Name == name {
			return decl(t.Doc, "type "+name)
		}
		for _, f := range t.Funcs {
			if f.Name == name {
				return decl(f.Doc, "func "+name+signatureText(f.Decl.Type.Params, f.Decl.Type.Results, p))
			}
		}
	}
	for _, group := range [][]*doc.Value{p.Vars, p.Consts} {
		for _, v := range group {
			for _, n := range v.Names {
				if n == name {
					return decl(v.Doc, n)
				}
			}
		}
	}
	return ""
}

func loadDoc(path string) *doc.Package {
	dir := filepath.Join(goruntime.GOROOT(), "src", path)
	if _, err := os.Stat(dir); err != nil {
		return nil
	}
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments)
	if err != nil {
		return nil
	}
	for name, p := range pkgs {
		if name != "main" && !strings.HasSuffix(name, "_test") {
			return doc.New(p, path, 0)
		}
	}
	return nil
}

// signatureText prints a function's parameters and results as declared.
func signatureText(params, results *ast.FieldList, _ *doc.Package) string {
	var b strings.Builder
	fields := func(fl *ast.FieldList) string {
		if fl == nil {
			return ""
		}
		var parts []string
		for _, f := range fl.List {
			var tb strings.Builder
			printer.Fprint(&tb, token.NewFileSet(), f.Type)
			var names []string
			for _, n := range f.Names {
				names = append(names, n.Name)
			}
			if len(names) > 0 {
				parts = append(parts, strings.Join(names, ", ")+" "+tb.String())
			} else {
				parts = append(parts, tb.String())
			}
		}
		return strings.Join(parts, ", ")
	}
	b.WriteString("(" + fields(params) + ")")
	if results != nil && len(results.List) > 0 {
		r := fields(results)
		if len(results.List) > 1 || len(results.List[0].Names) > 0 {
			r = "(" + r + ")"
		}
		b.WriteString(" " + r)
	}
	return b.String()
}

// pagerRE matches "name?" and "?name": documentation asked in IPython's way.
var pagerRE = regexp.MustCompile(`^\s*(\?{1,2})?\s*([\pL_][\pL\pN_.]*)\s*(\?{1,2})?\s*$`)

// pager answers a "name?" cell with the name's documentation, shown by
// the notebook's pager.
func (s *goSession) pager(code string) (map[string]any, bool) {
	m := pagerRE.FindStringSubmatch(code)
	if m == nil || m[1] == "" && m[3] == "" {
		return nil, false
	}
	in := s.inspect(m[2], utf8.RuneCountInString(m[2]), 0)
	data := in.Data
	if !in.Found {
		data = map[string]any{"text/plain": "no documentation found for " + m[2]}
	}
	return map[string]any{"source": "page", "data": data, "start": 0}, true
}
