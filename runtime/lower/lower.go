// Package lower is a source-to-source compiler from today's Go (1.26) to
// the Go the yaegi interpreter runs. It type-checks first (go/types, with
// packages described by the interpreter's own symbol tables), then
// rewrites what yaegi lacks: range over functions (yield closures with
// state variables for break, continue, return, labels and defer), range
// over integers, the min, max and clear builtins, implicit type arguments,
// and calls into the generic standard library (slices, maps, iter, cmp),
// which become non-generic copies of IGo's own implementations
// (package genstd). What it cannot lower is reported with its line.
package lower

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"go/types"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/igo-kernel/igo/runtime/lower/genstd"
	"github.com/igo-kernel/igo/runtime/lower/panicrt"
	"github.com/igo-kernel/igo/runtime/lower/printrt"
	"github.com/igo-kernel/igo/runtime/stdsyms"
)

// genericSources are the standard packages we provide as Go source, by
// import path.
var genericSources = genstd.Sources

const genstdPrefix = "github.com/igo-kernel/igo/runtime/lower/genstd/"

func isGenericSource(path string) bool {
	_, ok := genericSources[strings.TrimPrefix(path, genstdPrefix)]
	return ok
}

// Lowerer lowers programs and cells against a fixed set of symbol tables
// (those the interpreter loads). It is safe for concurrent use.
type Lowerer struct {
	im *tableImporter

	stdMu sync.Mutex
	std   map[string]*stdPkg // parsed generic sources, by import path
}

// New returns a Lowerer that type-checks against the given yaegi symbol
// tables; pass every table the interpreter Uses (the standard library's
// included).
func New(tables ...interp.Exports) *Lowerer {
	l := &Lowerer{im: newTableImporter(tables), std: map[string]*stdPkg{}}
	l.im.srcFn = l.loadStd
	return l
}

var (
	defaultOnce sync.Mutex
	defaultLow  *Lowerer
)

// Default is a Lowerer for yaegi's standard library tables and IGo's
// newer-API tables (package stdsyms, registered through Extra).
func Default() *Lowerer {
	defaultOnce.Lock()
	defer defaultOnce.Unlock()
	if defaultLow == nil {
		defaultLow = New(append([]interp.Exports{stdlib.Symbols}, extraTables...)...)
	}
	return defaultLow
}

// extraTables: newer standard-library APIs (see stdsyms), and an empty
// "iter" so that importing it works: every use of iter is lowered away.
var extraTables = []interp.Exports{stdsyms.Symbols, {"iter/iter": {}}, {printrtPath + "/printrt": {
	"Print":    reflect.ValueOf(printrt.Print),
	"Println":  reflect.ValueOf(printrt.Println),
	"IfaceArg": reflect.ValueOf(printrt.IfaceArg),
}}, {panicrtPath + "/panicrt": {
	"Recovered":          reflect.ValueOf(panicrt.Recovered),
	"Error":              reflect.ValueOf((*panicrt.Error)(nil)),
	"TypeAssertionError": reflect.ValueOf((*panicrt.TypeAssertionError)(nil)),
}}}

// printrtPath is the package print and println calls become; recover()
// goes through panicrtPath.
const (
	printrtPath = "github.com/igo-kernel/igo/runtime/lower/printrt"
	panicrtPath = "github.com/igo-kernel/igo/runtime/lower/panicrt"
)

// Program lowers a whole program (a package main file) with Default.
func Program(filename, src string) (string, error) {
	return Default().Program(filename, src)
}

// Error is a lowering failure: a type error or a construct the lowering
// cannot express, with its position.
type Error struct {
	Pos token.Position
	Msg string
	pos token.Pos // in the checked file, for repairs
}

func (e *Error) Error() string {
	if e.Pos.IsValid() {
		return fmt.Sprintf("%s: %s", e.Pos, e.Msg)
	}
	return e.Msg
}

// Errors is a list of Error.
type Errors []*Error

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Program lowers a whole program (a package main file).
func (l *Lowerer) Program(filename, src string) (string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filename, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return "", err
	}
	keepDirectives(f)
	pkg, info, err := l.check(fset, f)
	if err != nil {
		return "", err
	}
	if msrc, ok := l.monomorphize(fset, f, src, pkg, info); ok {
		// The copies are checked again; should that fail, yaegi gets the
		// generic program.
		if mfset, mf, mpkg, minfo, err := l.checkMono(filename, msrc); err == nil {
			fset, f, pkg, info = mfset, mf, mpkg, minfo
		}
	}
	lw := l.newLowering(fset, f, pkg, info)
	lw.orderVarInits()
	if err := lw.run(); err != nil {
		return "", err
	}
	return lw.print()
}

// keepDirectives drops comments (the rewritten tree would misplace them)
// except line directives.
func keepDirectives(f *ast.File) {
	var kept []*ast.CommentGroup
	for _, g := range f.Comments {
		for _, c := range g.List {
			if strings.HasPrefix(c.Text, "//line ") {
				kept = append(kept, &ast.CommentGroup{List: []*ast.Comment{c}})
			}
		}
	}
	f.Comments = kept
	f.Doc = nil
}

func newInfo() *types.Info {
	return &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Instances:  map[*ast.Ident]types.Instance{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
		Scopes:     map[ast.Node]*types.Scope{},
	}
}

// check type-checks files as one package, returning up to 10 errors.
func (l *Lowerer) check(fset *token.FileSet, files ...*ast.File) (*types.Package, *types.Info, error) {
	var errs Errors
	conf := types.Config{
		Importer:  l.im,
		GoVersion: "go1.26",
		Error: func(err error) {
			var te types.Error
			if errors.As(err, &te) && !te.Soft && len(errs) < 10 {
				errs = append(errs, &Error{Pos: te.Fset.Position(te.Pos), Msg: te.Msg, pos: te.Pos})
			} else if errors.As(err, &te) && te.Soft && strings.Contains(te.Msg, "declared and not used") && len(errs) < 10 {
				errs = append(errs, &Error{Pos: te.Fset.Position(te.Pos), Msg: te.Msg})
			}
		},
	}
	info := newInfo()
	pkg, _ := conf.Check(files[0].Name.Name, fset, files, info)
	if len(errs) > 0 {
		return pkg, info, errs
	}
	return pkg, info, nil
}

// stdPkg is one of our generic standard-library sources, parsed and
// checked.
type stdPkg struct {
	path  string
	src   string
	fset  *token.FileSet
	file  *ast.File
	info  *types.Info
	pkg   *types.Package
	funcs map[string]*ast.FuncDecl
}

// loadStd type-checks a generic source package for the importer (called
// with the importer's lock held).
func (l *Lowerer) loadStd(p string) (*types.Package, error) {
	sp, err := l.stdPackage(p)
	if err != nil {
		return nil, err
	}
	return sp.pkg, nil
}

func (l *Lowerer) stdPackage(p string) (*stdPkg, error) {
	p = strings.TrimPrefix(p, genstdPrefix)
	l.stdMu.Lock()
	defer l.stdMu.Unlock()
	if sp := l.std[p]; sp != nil {
		return sp, nil
	}
	src := genericSources[p]
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, p+".go", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	info := newInfo()
	conf := types.Config{Importer: stdImporter{l}}
	pkg, err := conf.Check(p, fset, []*ast.File{f}, info)
	if err != nil {
		return nil, fmt.Errorf("IGo's source of package %s: %v", p, err)
	}
	// The package must present itself under the standard path.
	sp := &stdPkg{path: p, src: src, fset: fset, file: f, info: info, pkg: pkg, funcs: map[string]*ast.FuncDecl{}}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
			sp.funcs[fd.Name.Name] = fd
		}
	}
	l.std[p] = sp
	return sp, nil
}

// stdImporter resolves imports inside our generic sources (cmp from
// slices) without taking the table importer's lock again.
type stdImporter struct{ l *Lowerer }

func (s stdImporter) Import(p string) (*types.Package, error) {
	if isGenericSource(p) {
		sp, err := s.l.stdPackageLocked(strings.TrimPrefix(p, genstdPrefix))
		if err != nil {
			return nil, err
		}
		return sp.pkg, nil
	}
	return s.l.im.importLocked(p)
}

// stdPackageLocked is stdPackage for a caller that already holds stdMu.
func (l *Lowerer) stdPackageLocked(p string) (*stdPkg, error) {
	l.stdMu.Unlock()
	defer l.stdMu.Lock()
	return l.stdPackage(p)
}

// lowering is the state of one lowering run over one file.
type lowering struct {
	l    *Lowerer
	fset *token.FileSet
	file *ast.File
	pkg  *types.Package
	info *types.Info

	imports    map[string]string // import path -> local name
	addImports map[string]string // imports the lowering adds
	newDecls   []ast.Decl        // helper declarations to append
	known      map[string]string // instance key -> helper name (kept across cells)
	seq        int
	errs       Errors
	generated  map[ast.Stmt]bool     // blocks made from range-over-func loops
	synthetic  map[*ast.FuncLit]bool // closures made from range-over-func bodies
	cellFunc   *ast.FuncDecl         // for cells: the function holding the statements
	wrapSwitch bool                  // for cells: run top-level type switches in a closure

	mono   *monomorph                  // while monomorphizing: where instances go
	tsubst map[*types.TypeParam]string // while monomorphizing: type arguments
}

func (l *Lowerer) newLowering(fset *token.FileSet, f *ast.File, pkg *types.Package, info *types.Info) *lowering {
	lw := &lowering{l: l, fset: fset, file: f, pkg: pkg, info: info,
		imports: map[string]string{}, addImports: map[string]string{},
		known: map[string]string{}, generated: map[ast.Stmt]bool{}, synthetic: map[*ast.FuncLit]bool{}}
	for _, is := range f.Imports {
		path := strings.Trim(is.Path.Value, `"`)
		name := ""
		if is.Name != nil {
			name = is.Name.Name
		} else if obj, ok := info.Implicits[is].(*types.PkgName); ok {
			name = obj.Name()
		} else if p, err := l.im.Import(path); err == nil && p != nil {
			name = p.Name()
		}
		if name != "_" && name != "." && name != "" {
			lw.imports[path] = name
		}
	}
	return lw
}

func (lw *lowering) tmp(what string) string {
	lw.seq++
	return fmt.Sprintf("igo_%s%d", what, lw.seq)
}

func (lw *lowering) errorf(pos token.Pos, format string, args ...any) {
	lw.errs = append(lw.errs, &Error{Pos: lw.fset.Position(pos), Msg: fmt.Sprintf(format, args...)})
}

// run applies every rewrite to the file.
func (lw *lowering) run() error {
	lw.rewrite(lw.file)
	lw.dropOrphanImports()
	for path, name := range lw.addImports {
		lw.addImport(path, name)
	}
	lw.file.Decls = append(lw.file.Decls, lw.newDecls...)
	if len(lw.errs) > 0 {
		return lw.errs
	}
	return nil
}

func (lw *lowering) addImport(path, name string) {
	spec := &ast.ImportSpec{Name: ast.NewIdent(name), Path: &ast.BasicLit{Kind: token.STRING, Value: fmt.Sprintf("%q", path)}}
	lw.file.Imports = append(lw.file.Imports, spec)
	lw.file.Decls = append([]ast.Decl{&ast.GenDecl{Tok: token.IMPORT, Specs: []ast.Spec{spec}}}, lw.file.Decls...)
}

// dropOrphanImports removes imports of our generic packages that no code
// refers to any more (all their uses were replaced by helpers).
func (lw *lowering) dropOrphanImports() {
	used := map[string]bool{}
	ast.Inspect(lw.file, func(n ast.Node) bool {
		if s, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := s.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	for _, d := range lw.file.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		specs := gd.Specs[:0]
		for _, s := range gd.Specs {
			is := s.(*ast.ImportSpec)
			path := strings.Trim(is.Path.Value, `"`)
			if isGenericSource(path) && !used[lw.imports[path]] && (is.Name == nil || is.Name.Name != "_") {
				continue
			}
			specs = append(specs, s)
		}
		gd.Specs = specs
	}
	decls := lw.file.Decls[:0]
	for _, d := range lw.file.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT && len(gd.Specs) == 0 {
			continue
		}
		decls = append(decls, d)
	}
	lw.file.Decls = decls
	var imps []*ast.ImportSpec
	for _, d := range lw.file.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			for _, s := range gd.Specs {
				imps = append(imps, s.(*ast.ImportSpec))
			}
		}
	}
	lw.file.Imports = imps
}

func (lw *lowering) print() (string, error) {
	var buf bytes.Buffer
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	if err := cfg.Fprint(&buf, lw.fset, lw.file); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// parseExpr parses generated source (our own text: an error is a bug).
func parseExpr(src string) ast.Expr {
	e, err := parser.ParseExpr(src)
	if err != nil {
		panic(fmt.Sprintf("lower: generated expression %q: %v", src, err))
	}
	clearPos(e)
	return e
}

// parseStmts parses generated statements.
func parseStmts(src string) []ast.Stmt {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nfunc _() {\n"+src+"\n}", parser.SkipObjectResolution)
	if err != nil {
		panic(fmt.Sprintf("lower: generated statements %q: %v", src, err))
	}
	list := f.Decls[0].(*ast.FuncDecl).Body.List
	clearPos(list)
	return list
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ExtraTables are the symbol tables for standard-library APIs newer than
// yaegi's own tables; the interpreter must Use them too (after yaegi's
// stdlib.Symbols) for lowered code to find them.
func ExtraTables() []interp.Exports { return extraTables }

// ExtraTablesMerged is ExtraTables as one table, for a single Use call.
func ExtraTablesMerged() interp.Exports {
	m := interp.Exports{}
	for _, t := range extraTables {
		for k, v := range t {
			if m[k] == nil {
				m[k] = map[string]reflect.Value{}
			}
			for s, sym := range v {
				m[k][s] = sym
			}
		}
	}
	return m
}

var posType = reflect.TypeFor[token.Pos]()

// clearPos flattens the positions of a generated tree to one valid
// position: they belong to the snippet it was parsed from and would
// mislead the printer, but whether a position is valid carries meaning
// (the ... of a call, the parentheses of a declaration).
func clearPos(n any) {
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				f := v.Field(i)
				if f.Type() == posType {
					if f.CanSet() && f.Int() != 0 {
						f.SetInt(1)
					}
					continue
				}
				if f.CanSet() || f.Kind() == reflect.Pointer || f.Kind() == reflect.Slice || f.Kind() == reflect.Interface {
					walk(f)
				}
			}
		case reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(n))
}
