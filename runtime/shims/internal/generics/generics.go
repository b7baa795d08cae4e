// Package generics lists the exported generic functions, methods and types
// of Go packages by parsing their source: exactly what yaegi extract leaves
// out of symbol tables.
package generics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Kind of a generic declaration.
type Kind string

// Kinds of generic declarations.
const (
	Func   Kind = "func"
	Method Kind = "method"
	Type   Kind = "type"
)

// Decl is one exported generic declaration.
type Decl struct {
	Path string // import path of the package
	Pkg  string // package name
	Name string // "Name" for funcs and types, "Recv.Name" for methods
	Kind Kind
	// Signature is the declaration's text without body or doc, on one line.
	Signature string
	// ResultOnly lists type parameters that appear in no parameter, so a call
	// cannot infer them: callers must write Name[T](...).
	ResultOnly []string
	// Imports are the import specs of the declaring file that Signature
	// refers to (`"path"`, `name "path"`, `. "path"`), so the signature
	// can be type-checked on its own.
	Imports []string
}

// Key is "importpath.Name", the key used by coverage tables.
func (d Decl) Key() string { return d.Path + "." + d.Name }

type listedPkg struct {
	ImportPath string
	Name       string
	Dir        string
	GoFiles    []string
	CgoFiles   []string
}

// List returns the exported generic declarations of the packages with the
// given import paths, sorted by key. dir is where `go list` runs (inside the
// module whose go.mod pins the versions).
func List(dir string, importPaths []string) ([]Decl, error) {
	args := append([]string{"list", "-e", "-json=ImportPath,Name,Dir,GoFiles,CgoFiles"}, importPaths...)
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w: %s", err, stderr.String())
	}
	var decls []Decl
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p listedPkg
		if err := dec.Decode(&p); err != nil {
			return nil, err
		}
		ds, err := parsePackage(p)
		if err != nil {
			return nil, err
		}
		decls = append(decls, ds...)
	}
	sort.Slice(decls, func(i, j int) bool { return decls[i].Key() < decls[j].Key() })
	return decls, nil
}

func parsePackage(p listedPkg) ([]Decl, error) {
	fset := token.NewFileSet()
	var decls []Decl
	files := append(append([]string{}, p.GoFiles...), p.CgoFiles...)
	for _, name := range files {
		f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if decl, ok := funcDecl(fset, p, d); ok {
					decl.Imports = importsUsed(f, d.Type)
					decls = append(decls, decl)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					ts, ok := s.(*ast.TypeSpec)
					if !ok || !ts.Name.IsExported() || ts.TypeParams == nil {
						continue
					}
					decls = append(decls, Decl{
						Path: p.ImportPath, Pkg: p.Name, Name: ts.Name.Name, Kind: Type,
						Signature: typeSignature(fset, ts),
					})
				}
			}
		}
	}
	return decls, nil
}

func funcDecl(fset *token.FileSet, p listedPkg, d *ast.FuncDecl) (Decl, bool) {
	if !d.Name.IsExported() {
		return Decl{}, false
	}
	if d.Recv == nil {
		if d.Type.TypeParams == nil {
			return Decl{}, false
		}
		return Decl{
			Path: p.ImportPath, Pkg: p.Name, Name: d.Name.Name, Kind: Func,
			Signature:  oneLine(fset, &ast.FuncDecl{Name: d.Name, Type: d.Type}),
			ResultOnly: resultOnly(d.Type),
		}, true
	}
	recv, generic := receiver(d.Recv.List[0].Type)
	if !generic || !ast.IsExported(recv) {
		return Decl{}, false
	}
	return Decl{
		Path: p.ImportPath, Pkg: p.Name, Name: recv + "." + d.Name.Name, Kind: Method,
		Signature: oneLine(fset, &ast.FuncDecl{Recv: d.Recv, Name: d.Name, Type: d.Type}),
	}, true
}

// receiver returns the receiver's base type name and whether it is generic.
func receiver(e ast.Expr) (string, bool) {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	switch e := e.(type) {
	case *ast.IndexExpr:
		id, _ := e.X.(*ast.Ident)
		return id.Name, true
	case *ast.IndexListExpr:
		id, _ := e.X.(*ast.Ident)
		return id.Name, true
	case *ast.Ident:
		return e.Name, false
	}
	return "", false
}

// typeSignature prints "type Name[params] underlying", cut at the first
// brace so big structs stay on one short line.
func typeSignature(fset *token.FileSet, ts *ast.TypeSpec) string {
	s := "type " + oneLine(fset, ts)
	if i := strings.Index(s, "{"); i >= 0 {
		s = s[:i] + "{...}"
	}
	return s
}

// resultOnly returns the type parameters not mentioned by any parameter.
func resultOnly(t *ast.FuncType) []string {
	used := map[string]bool{}
	if t.Params != nil {
		ast.Inspect(t.Params, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				used[id.Name] = true
			}
			return true
		})
	}
	var out []string
	for _, f := range t.TypeParams.List {
		for _, n := range f.Names {
			if !used[n.Name] {
				out = append(out, n.Name)
			}
		}
	}
	return out
}

func oneLine(fset *token.FileSet, n ast.Node) string {
	var b bytes.Buffer
	_ = printer.Fprint(&b, fset, n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// TablePaths returns the sorted import paths of a yaegi symbol table's keys
// ("importpath/pkgname"), skipping special keys such as ".".
func TablePaths[V any](tables map[string]V) []string {
	var paths []string
	for key := range tables {
		if i := strings.LastIndexByte(key, '/'); i > 0 {
			paths = append(paths, key[:i])
		}
	}
	sort.Strings(paths)
	return paths
}

// importsUsed returns the import specs of f that the function type t
// refers to: those whose name qualifies an identifier in it, and every
// dot import (their names are unqualified).
func importsUsed(f *ast.File, t *ast.FuncType) []string {
	used := map[string]bool{}
	ast.Inspect(t, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	var out []string
	for _, spec := range f.Imports {
		p, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue
		}
		name := path.Base(p)
		if v := path.Base(p); len(v) > 1 && v[0] == 'v' && strings.Trim(v[1:], "0123456789") == "" {
			name = path.Base(path.Dir(p)) // gopkg.in/yaml.v3 style and /v2 suffixes
		}
		if spec.Name != nil {
			name = spec.Name.Name
		}
		switch {
		case name == ".":
			out = append(out, ". "+spec.Path.Value)
		case used[name]:
			out = append(out, name+" "+spec.Path.Value)
		}
	}
	return out
}
