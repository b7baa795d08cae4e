package runtime

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"io"
	"log"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
	"github.com/traefik/yaegi/stdlib/syscall"
	"github.com/traefik/yaegi/stdlib/unrestricted"

	"github.com/igo-kernel/igo/magics"
	"github.com/igo-kernel/igo/runtime/cell"
	"github.com/igo-kernel/igo/runtime/lower"
	"github.com/igo-kernel/igo/runtime/lower/panicrt"
	"github.com/igo-kernel/igo/session"
)

var (
	extraMu      sync.Mutex
	extraSymbols []interp.Exports
	resultHook   func(v any) (data, metadata map[string]any, ok bool)
)

// instantiator names the compiled symbol standing for pkg.Name[T] (see
// runtime/shims); nil when none is registered.
var instantiator func(importPath, name, typeArg string) (string, bool)

// SetInstantiator installs the lookup that turns explicit instantiations of
// compiled generic functions (tensors.CopyFlatData[float32]) into calls of
// their compiled instances.
func SetInstantiator(f func(importPath, name, typeArg string) (string, bool)) {
	extraMu.Lock()
	defer extraMu.Unlock()
	instantiator = f
}

// RegisterSymbols adds symbol tables (yaegi Exports) that every new
// interpreter loads, e.g. GoMLX's or the display package's. Call it from an
// init function, before the worker starts.
func RegisterSymbols(tables ...interp.Exports) {
	extraMu.Lock()
	defer extraMu.Unlock()
	extraSymbols = append(extraSymbols, tables...)
}

// SetResultFormatter installs the function that turns a cell's trailing
// value into a MIME bundle (the display package's). Without one, values are
// shown as text.
func SetResultFormatter(f func(v any) (data, metadata map[string]any, ok bool)) {
	extraMu.Lock()
	defer extraMu.Unlock()
	resultHook = f
}

// sessionIO is where a session's program reads and writes.
type sessionIO struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	emit           *emitter
	args           []string // os.Args of the program; default {"igo"}
}

// goSession is the interpreter and what IGo remembers about it.
type goSession struct {
	io    sessionIO
	it    *interp.Interpreter
	trace *traceCatcher

	imported map[string]string // local package name -> import path
	// missing: imports of packages igo lacks that the cell did not use
	// (GoNB notebooks import more than they use): local name -> path.
	missing   map[string]string
	pkgIndex  map[string]string // package name -> import path, for automatic imports
	pkgPaths  map[string]bool   // every importable path
	declSrc   map[string]string // type and method name -> source, to refuse silent redefinition
	definedIn map[string]int    // function name -> cell it was defined in
	known     map[string]bool   // names the session has defined successfully
	typeNames map[string]string // reflect type string of an interpreted type -> its name
	bindSeq   int
	mainArgs  []string // GoNB's %args

	low *lower.Session // the type checker's view of the session

	quiet      int  // > 0 while results are not shown (%timeit)
	count      int  // execution count of the running cell
	resetAfter bool // %reset asked for a fresh interpreter

	panicMu         sync.Mutex
	goroutinePanics []string // recovered in goroutines during the running cell
}

// goroutineGuard is the function guarded go statements call with a
// recovered panic (see cell.Chunk.GuardGoroutines).
const goroutineGuard = "_igort.GoroutinePanic"

// goroutinePanic reports a panic recovered in a goroutine: the running cell
// fails with it, and the session lives on.
func (s *goSession) goroutinePanic(r any) {
	msg := fmt.Sprint(r)
	fmt.Fprintf(s.io.stderr, "panic in a goroutine: %s (IGo recovered it; the session keeps running)\n", msg)
	s.panicMu.Lock()
	s.goroutinePanics = append(s.goroutinePanics, msg)
	s.panicMu.Unlock()
}

func (s *goSession) takeGoroutinePanics() []string {
	s.panicMu.Lock()
	defer s.panicMu.Unlock()
	p := s.goroutinePanics
	s.goroutinePanics = nil
	return p
}

func newGoSession(sio sessionIO) *goSession {
	if sio.args == nil {
		sio.args = []string{"igo"}
	}
	s := &goSession{io: sio}
	s.reset()
	return s
}

// exitCode is the panic value of os.Exit inside a cell.
type exitCode int

// reset starts a fresh interpreter.
func (s *goSession) reset() {
	// os.Stdout and friends become the writers given here (not files), so
	// interpreted prints are ordered with displays.
	os.Setenv("YAEGI_SPECIAL_STDIO", "1")
	s.trace = &traceCatcher{next: s.io.stderr}
	s.it = interp.New(interp.Options{
		Stdout:       s.io.stdout,
		Stderr:       s.trace,
		Stdin:        s.io.stdin,
		Unrestricted: true,
		Args:         s.io.args,
	})
	tables := []interp.Exports{stdlib.Symbols, syscall.Symbols, unrestricted.Symbols, lower.ExtraTablesMerged()}
	extraMu.Lock()
	tables = append(tables, extraSymbols...)
	extraMu.Unlock()
	// os.Exit must not end the worker: it becomes a panic the cell reports.
	tables = append(tables, interp.Exports{
		"os/os": {"Exit": reflect.ValueOf(func(code int) { panic(exitCode(code)) })},
		// log.Fatal would end the worker: it fails the cell instead.
		"log/log": {
			"Fatal":   reflect.ValueOf(log.Panic),
			"Fatalf":  reflect.ValueOf(log.Panicf),
			"Fatalln": reflect.ValueOf(log.Panicln),
		},
		"igo/rt/rt": {"GoroutinePanic": reflect.ValueOf(s.goroutinePanic)},
		"flag/flag": redefinableFlags(),
	})
	s.pkgIndex = map[string]string{}
	s.pkgPaths = map[string]bool{}
	for _, t := range tables {
		if err := s.it.Use(t); err != nil {
			fmt.Fprintf(s.io.stderr, "igo: loading symbols: %v\n", err)
		}
		for key := range t {
			s.indexPackage(key)
		}
	}
	s.imported = map[string]string{}
	s.missing = map[string]string{}
	s.declSrc = map[string]string{}
	s.definedIn = map[string]int{}
	s.known = map[string]bool{}
	s.typeNames = map[string]string{}
	s.low = programLowerer().NewSession()
	if err := s.importPackage("_igort", "igo/rt"); err != nil {
		fmt.Fprintf(s.io.stderr, "igo: %v\n", err)
	}
	if _, err := s.it.Eval("var " + resultVar + " any"); err != nil {
		fmt.Fprintf(s.io.stderr, "igo: %v\n", err)
	}
}

// preferredPaths settles package names that several paths share.
var preferredPaths = map[string]string{
	"rand":     "math/rand",
	"template": "text/template",
	"scanner":  "text/scanner",
	"pprof":    "runtime/pprof",
	"parser":   "go/parser",
	"constant": "go/constant",
}

// indexPackage records an Exports key ("import/path/name") for automatic
// imports.
func (s *goSession) indexPackage(key string) {
	i := strings.LastIndex(key, "/")
	if i <= 0 {
		return
	}
	path, name := key[:i], key[i+1:]
	if strings.Contains(path, "internal") || strings.HasPrefix(name, "_") {
		return
	}
	s.pkgPaths[path] = true
	if p, ok := preferredPaths[name]; ok {
		s.pkgIndex[name] = p
		return
	}
	old, ok := s.pkgIndex[name]
	if !ok || pathRank(path) < pathRank(old) {
		s.pkgIndex[name] = path
	}
}

// pathRank prefers the standard library, then shorter paths.
func pathRank(path string) int {
	rank := len(path)
	if strings.Contains(strings.SplitN(path, "/", 2)[0], ".") {
		rank += 1000
	}
	if strings.Contains(path, "/v2") || strings.Contains(path, "/v3") {
		rank += 100
	}
	return rank
}

// execute runs a cell and returns its error, if any.
func (s *goSession) execute(ctx context.Context, code string, count int) *session.Error {
	s.count = count
	s.takeGoroutinePanics()
	err := s.executePieces(ctx, code)
	if p := s.takeGoroutinePanics(); err == nil && len(p) > 0 {
		msg := "panic in a goroutine: " + strings.Join(p, "; ") + " (IGo recovered it; the session's state is kept)"
		err = &session.Error{Name: "panic", Value: msg, Traceback: []string{"\x1b[31mpanic\x1b[0m: " + msg}}
	}
	return err
}

func (s *goSession) executePieces(ctx context.Context, code string) *session.Error {
	pieces := cell.Split(code)
	for i, p := range pieces {
		last := i == len(pieces)-1
		var err *session.Error
		switch p.Kind {
		case cell.Go:
			err = s.runGo(ctx, p, last)
		case cell.LineMagic, cell.CellMagic:
			err = s.runMagic(ctx, p)
		case cell.Shell:
			err = s.runShell(ctx, p.Args)
		case cell.MainBody:
			err = s.runMain(p.Args)
		case cell.GoCommand:
			fmt.Fprintf(s.io.stderr, "%s: IGo interprets Go with its packages built in, so there is nothing to get; ignored\n", p.Args)
		}
		if s.resetAfter {
			s.resetAfter = false
			s.reset()
		}
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return interrupted()
		}
	}
	return nil
}

func interrupted() *session.Error {
	return &session.Error{Name: "Interrupted", Value: "the cell was interrupted; the session's state is kept",
		Traceback: []string{"\x1b[31mInterrupted\x1b[0m: the cell was interrupted; the session's state is kept"}}
}

// runGo runs one piece of Go source.
func (s *goSession) runGo(ctx context.Context, p cell.Piece, last bool) *session.Error {
	chunks, err := cell.Chunks(p.Body, p.Line)
	if err != nil {
		return s.compileError(err, 0)
	}
	if e := s.importAll(ctx, chunks); e != nil {
		return e
	}
	if e := s.checkNames(chunks); e != nil {
		return e
	}
	// Explicit instantiations first: the checker then sees the compiled
	// instances' real types.
	if e := s.instantiate(chunks); e != nil {
		return e
	}
	chunks, lowered, lerr := s.lowerCell(chunks)
	if lerr != nil {
		return lerr
	}
	hasMain := renameMain(chunks)
	for i := 0; i < len(chunks); {
		if chunks[i].Kind == cell.Import {
			i++
			continue
		}
		j := i
		for j < len(chunks) && chunks[j].Kind == chunks[i].Kind {
			j++
		}
		group := chunks[i:j]
		if group[0].Kind == cell.Decl {
			var e *session.Error
			if group, e = s.dropRepeatedTypes(group); e != nil {
				return e
			}
		}
		if len(group) > 0 {
			var v reflect.Value
			var err error
			if group[0].Kind == cell.Stmt {
				v, err = s.evalStatements(ctx, group)
			} else {
				v, err = s.it.EvalWithContext(ctx, assemble(group))
				if err != nil && strings.Contains(err.Error(), "definition loop") {
					// var v any = x with x a session variable: yaegi's top
					// level refuses it (nothing ran); written as the
					// definition v := (any)(x), it works.
					if alt, ok := varsAssignedAfter(group); ok {
						v, err = s.it.EvalWithContext(ctx, assemble(alt))
					}
				}
			}
			if err != nil {
				if lowered != nil && i > 0 {
					// What ran stays in the interpreter: the checker
					// must know it too.
					s.low.CommitRan(lowered, chunkNames(chunks[:i]))
				}
				return s.evalError(ctx, err)
			}
			s.recordDecls(group)
			if group[0].Kind == cell.Decl {
				// GoNB runs a cell's init_* functions before its body.
				for _, name := range s.gonbInits(group) {
					if _, err := s.it.EvalWithContext(ctx, name+"()"); err != nil {
						return s.evalError(ctx, err)
					}
				}
			}
			tail := group[len(group)-1]
			if last && j == len(chunks) && tail.Kind == cell.Stmt && tail.Expr != nil && showsResult(tail.Expr, v) && !s.isVoidCall(tail.Expr) {
				s.showResult(v)
			}
		}
		i = j
	}
	if lowered != nil {
		s.low.Commit(lowered)
	} else {
		s.teachChecker(chunks)
	}
	if hasMain {
		// A cell declaring main is a program: run it, as GoNB does.
		if e := s.runMain(""); e != nil {
			return e
		}
		if _, err := s.it.EvalWithContext(ctx, mainName+"()"); err != nil {
			return s.evalError(ctx, err)
		}
	}
	return nil
}

// instantiate rewrites pkg.Name[T] on compiled generics into the compiled
// instance's name, or fails with the alternative to write.
func (s *goSession) instantiate(chunks []cell.Chunk) *session.Error {
	extraMu.Lock()
	lookup := instantiator
	extraMu.Unlock()
	for i, c := range chunks {
		var spans []cell.Instantiation
		var texts []string
		for _, in := range c.Explicit {
			path := s.packagePath(in.Pkg)
			if path == "" || !s.pkgPaths[path] {
				continue // not a compiled package: an interpreted generic or an index
			}
			if sym, plain := s.it.Symbols(path)[path][in.Name]; plain && sym.Kind() != reflect.Func {
				continue // a variable: indexing its value
			}
			typeArg := in.TypeArg
			if dot := strings.LastIndex(typeArg, "."); dot > 0 {
				q := strings.TrimLeft(typeArg[:dot], "[]*")
				if p := s.packagePath(q); p != "" {
					typeArg = strings.Replace(typeArg, q+".", p+".", 1)
				}
			}
			sym, ok := "", false
			if lookup != nil {
				sym, ok = lookup(path, in.Name, typeArg)
			}
			if !ok {
				msg := fmt.Sprintf("line %d: %s.%s[%s]: the interpreter cannot instantiate compiled generic functions, and IGo has no %s instance of %s.%s; call it without [%s] (IGo's shim takes the type from the arguments), or see runtime/shims/GENERICS.md for what exists", c.Line, in.Pkg, in.Name, in.TypeArg, in.TypeArg, in.Pkg, in.Name, in.TypeArg)
				return &session.Error{Name: "CompileError", Value: msg, Traceback: []string{"\x1b[31mCompileError\x1b[0m: " + msg}}
			}
			spans = append(spans, in)
			texts = append(texts, in.Pkg+"."+sym)
		}
		if len(spans) > 0 {
			chunks[i].Src = c.Replace(spans, texts)
			chunks[i].GoCalls = nil // offsets changed; go statements were found before
			chunks[i].GoCalls = reparseGoCalls(chunks[i])
		}
	}
	return nil
}

// varsAssignedAfter rewrites a group of var declarations with values,
// var a, b T = x, y, as the definition a, b := (T)(x), (T)(y), each on
// its line. ok is false when the group holds anything else.
func varsAssignedAfter(group []cell.Chunk) ([]cell.Chunk, bool) {
	out := make([]cell.Chunk, len(group))
	for i, c := range group {
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+c.Src, parser.SkipObjectResolution)
		if err != nil || len(f.Decls) != 1 {
			return nil, false
		}
		gd, ok := f.Decls[0].(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			return nil, false
		}
		text := func(n ast.Node) string {
			return c.Src[n.Pos()-token.Pos(len("package p\n"))-1 : n.End()-token.Pos(len("package p\n"))-1]
		}
		var parts []string
		for _, sp := range gd.Specs {
			vs := sp.(*ast.ValueSpec)
			names := make([]string, len(vs.Names))
			allBlank := true
			for j, n := range vs.Names {
				names[j] = n.Name
				allBlank = allBlank && n.Name == "_"
			}
			lhs := strings.Join(names, ", ")
			if len(vs.Values) == 0 {
				parts = append(parts, "var "+text(vs))
				continue
			}
			values := make([]string, len(vs.Values))
			for j, v := range vs.Values {
				values[j] = text(v)
				if vs.Type != nil {
					values[j] = "(" + text(vs.Type) + ")(" + values[j] + ")"
				}
			}
			op := " := "
			if allBlank {
				op = " = "
			}
			parts = append(parts, lhs+op+strings.Join(values, ", "))
		}
		c.Src = strings.Join(parts, "; ")
		out[i] = c
	}
	return out, true
}

// reparseGoCalls finds go statements again after a rewrite moved offsets.
func reparseGoCalls(c cell.Chunk) [][2]int {
	re, err := cell.Chunks(c.Src, c.Line)
	if err != nil || len(re) != 1 {
		return nil
	}
	return re[0].GoCalls
}

// evalStatements runs top-level statements: those that define session
// variables at the top level (through evalStepwise where yaegi needs it),
// runs of the others inside a function (evalInFunction). The value is the
// last statement's, for the cell's result.
func (s *goSession) evalStatements(ctx context.Context, group []cell.Chunk) (reflect.Value, error) {
	var v reflect.Value
	var err error
	for i := 0; i < len(group); {
		j := i + 1
		switch {
		case group[i].CommaOK:
			v, err = s.evalStepwise(ctx, group[i:j])
		case len(group[i].Defines) > 0:
			v, err = s.it.EvalWithContext(ctx, assemble(group[i:j]))
			if err != nil && strings.Contains(err.Error(), "definition loop") {
				// A yaegi bug at the top level (x := y[i] with y from
				// compiled code; nothing ran): define the variable
				// through a function literal instead.
				v, err = s.evalStepwise(ctx, group[i:j])
			}
		default:
			for j < len(group) && len(group[j].Defines) == 0 && !group[j].CommaOK {
				j++
			}
			v, err = s.evalPlainStatements(ctx, group[i:j])
		}
		if err != nil {
			return v, err
		}
		i = j
	}
	return v, nil
}

// evalPlainStatements runs statements that define no variables: inside a
// function when they create closures (see evalInFunction), else at the top
// level, where yaegi runs most code best, falling back to a function where
// yaegi's top level fails to compile them (comma-ok forms inside blocks).
func (s *goSession) evalPlainStatements(ctx context.Context, group []cell.Chunk) (reflect.Value, error) {
	for _, c := range group {
		if c.HasFuncLit {
			return s.evalInFunction(ctx, group)
		}
	}
	v, err := s.it.EvalWithContext(ctx, assemble(group))
	if err != nil && ctx.Err() == nil && (strings.Contains(err.Error(), "nil type") || strings.Contains(err.Error(), "CFG") || strings.Contains(err.Error(), "undefined:")) {
		return s.evalInFunction(ctx, group)
	}
	return v, err
}

// evalInFunction runs statements that define nothing as the body of a
// function declared for the purpose, the trailing expression as its
// result. At the top level, yaegi keeps every temporary value in the
// global frame for good, and each function literal copies that
// ever-growing frame: a session of many cells passing closures to GoMLX
// grew by hundreds of KB a cell. Inside a declared function the
// temporaries die with the call, and closures copy only its small frame.
func (s *goSession) evalInFunction(ctx context.Context, group []cell.Chunk) (reflect.Value, error) {
	// A new name each time: redefining one name made yaegi hold far more
	// (a 10,000-cell soak grew to 2.3 GiB instead of 0.3 GiB).
	s.bindSeq++
	name := fmt.Sprintf("_igoCell%d", s.bindSeq)
	body := append([]cell.Chunk(nil), group...)
	last := &body[len(body)-1]
	call, isCall := ast.Unparen(last.Expr).(*ast.CallExpr)
	results := -1 // unknown
	if isCall {
		results = s.resultCount(call)
	}
	if results == 0 {
		last.Expr = nil // a call without results: nothing to show
	}
	if isCall && results > 1 && last.HasFuncLit {
		// Several results and a closure to keep off the global frame: run
		// it in the function, showing nothing.
		last.Expr = nil
	}
	if last.Expr != nil && isCall && results != 1 && !last.HasFuncLit {
		// A call may return several values, which yaegi does not refuse
		// in "return f()" from a function returning one (it fails when
		// run): leave such a call at the top level.
		if len(body) > 1 {
			if _, err := s.evalInFunction(ctx, body[:len(body)-1]); err != nil {
				return reflect.Value{}, err
			}
		}
		return s.it.EvalWithContext(ctx, assemble(body[len(body)-1:]))
	}
	if last.Expr != nil {
		plain := *last
		last.Src = "return " + last.Src
		if _, err := s.it.Eval("func " + name + "() any {" + assemble(body) + "\n}"); err == nil {
			if _, err := s.it.EvalWithContext(ctx, resultVar+" = "+name+"()"); err != nil {
				return reflect.Value{}, err
			}
			return s.it.Eval(resultVar)
		}
		// No value (a call of a function without results): run it as is.
		*last = plain
	}
	if _, err := s.it.Eval("func " + name + "() {" + assemble(body) + "\n}"); err != nil {
		return reflect.Value{}, err
	}
	_, err := s.it.EvalWithContext(ctx, name+"()")
	return reflect.Value{}, err // no result to show
}

// isVoidCall tells whether e is a call of a function without results
// (yaegi may then hand back an earlier value).
func (s *goSession) isVoidCall(e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	return ok && s.resultCount(call) == 0
}

// resultCount tells how many results a call has, by looking at the
// function's type without calling it; -1 when that would need a call.
func (s *goSession) resultCount(call *ast.CallExpr) int {
	var name []string
	for e := ast.Unparen(call.Fun); ; {
		switch x := e.(type) {
		case *ast.Ident:
			name = append([]string{x.Name}, name...)
		case *ast.SelectorExpr:
			name = append([]string{x.Sel.Name}, name...)
			e = x.X
			continue
		default:
			return -1
		}
		break
	}
	if len(name) == 1 && types.Universe.Lookup(name[0]) != nil {
		return -1 // a builtin or a conversion
	}
	v, ok := s.evalQuietly(strings.Join(name, "."))
	if !ok || v.Kind() != reflect.Func {
		return -1
	}
	return v.Type().NumOut()
}

// resultVar carries a cell's result out of its function (evalInFunction).
const resultVar = "_igoResult"

// teachChecker records what a cell that ran without the checker defined,
// so that the checker knows it in later cells.
func (s *goSession) teachChecker(chunks []cell.Chunk) {
	var decls []lower.Chunk
	globals := s.globals()
	for _, c := range chunks {
		if c.Kind == cell.Decl {
			decls = append(decls, lower.Chunk{Decl: true, Src: c.Src, Line: c.Line})
		}
		for _, name := range c.Defines {
			if v, ok := globals[name]; ok && v.IsValid() {
				func() {
					defer func() { recover() }() // a type the checker cannot express
					s.low.DeclareVar(name, v.Type())
				}()
			}
		}
	}
	s.low.RecordDecls(decls)
}

// mainName is what a cell's func main is renamed to: yaegi would run a
// function called main after every later cell.
const mainName = "_igoMain"

// gonbInits lists the functions a group of declarations names init_*
// that take and return nothing: GoNB's init functions (a notebook cannot
// redefine init), which it calls before main, as Go calls init.
func (s *goSession) gonbInits(group []cell.Chunk) []string {
	var names []string
	for _, c := range group {
		for _, n := range c.Names {
			if !strings.HasPrefix(n, "init_") {
				continue
			}
			// Globals() lists variables only: ask for the function.
			if v, ok := s.evalQuietly(n); ok && v.Kind() == reflect.Func && v.Type().NumIn() == 0 && v.Type().NumOut() == 0 {
				names = append(names, n)
			}
		}
	}
	return names
}

// chunkNames is the set of names the chunks declare or define.
func chunkNames(chunks []cell.Chunk) map[string]bool {
	names := map[string]bool{}
	for _, c := range chunks {
		for _, n := range append(c.Names, c.Defines...) {
			names[n] = true
		}
	}
	return names
}

// renameMain renames a func main declaration of the cell; it reports
// whether there was one.
func renameMain(chunks []cell.Chunk) bool {
	found := false
	for i, c := range chunks {
		if c.Kind == cell.Decl && len(c.Names) == 1 && c.Names[0] == "main" && strings.HasPrefix(c.Src, "func") {
			chunks[i].Src = strings.Replace(c.Src, "main", mainName, 1)
			chunks[i].Names = []string{mainName}
			found = true
		}
	}
	return found
}

// assemble lays chunks out at their cell positions, one line below, so
// that yaegi's line numbers minus one are the cell's (line 1 is where yaegi
// puts its own wrapper when it makes a function of statements).
func assemble(chunks []cell.Chunk) string {
	var b strings.Builder
	line := 1 // the line being written
	for i, c := range chunks {
		target := c.Line + 1
		if i > 0 && line >= target {
			// Same line as the previous chunk (or lowered code that
			// grew past it): keep them apart.
			b.WriteString("; ")
		} else {
			for line < target {
				b.WriteByte('\n')
				line++
			}
			b.WriteString(strings.Repeat(" ", c.Col-1))
		}
		src := c.GuardGoroutines(goroutineGuard)
		if c.Wrap {
			src = "{ " + src + " }"
		}
		b.WriteString(src)
		line += strings.Count(c.Src, "\n")
	}
	return b.String()
}

// importAll runs the cell's imports and the automatic ones.
func (s *goSession) importAll(ctx context.Context, chunks []cell.Chunk) *session.Error {
	declared := map[string]bool{}
	for _, c := range chunks {
		for _, n := range append(c.Names, c.Defines...) {
			declared[n] = true
		}
	}
	used := map[string]bool{}
	for _, c := range chunks {
		for _, r := range c.Roots {
			used[r] = true
		}
		for _, r := range c.Unresolved {
			used[r.Name] = true
		}
	}
	for _, c := range chunks {
		for _, spec := range c.Imports {
			if err := s.importPackage(spec.Name, spec.Path); err != nil {
				local := localName(spec.Name, spec.Path)
				if !s.pkgPaths[spec.Path] && local != "." && local != "_" && !used[local] {
					// Imported but not used here: note it and go on; a
					// later cell that uses it is told why it fails.
					s.missing[local] = spec.Path
					fmt.Fprintf(s.io.stderr, "note: %s; the import is skipped, and code that uses %s will fail\n", unavailable(spec.Path), local)
					continue
				}
				return s.compileErrorAt(err, c.Line)
			}
		}
	}
	globals := s.globals()
	for _, c := range chunks {
		for _, root := range c.Roots {
			if declared[root] || s.imported[root] != "" || s.known[root] {
				continue
			}
			if _, ok := globals[root]; ok {
				continue
			}
			if path, ok := s.pkgIndex[root]; ok {
				if err := s.importPackage("", path); err != nil {
					return s.compileErrorAt(err, c.Line)
				}
			}
		}
	}
	return nil
}

// importPackage imports path once; a name bound to another path is an error.
func (s *goSession) importPackage(name, path string) error {
	local := localName(name, path)
	if local == "_" {
		return nil // compiled packages have run their init already
	}
	if local == "." {
		// Dot imports (GoNB notebooks use them) are kept under ".path":
		// several can coexist.
		local = "." + path
	}
	if old, ok := s.imported[local]; ok {
		if old == path {
			return nil
		}
		return fmt.Errorf("%s already names package %q in this session; import %q under another name: import other%s %q", local, old, path, local, path)
	}
	src := "import " + strconv.Quote(path)
	if name != "" {
		src = "import " + name + " " + strconv.Quote(path)
	}
	if _, err := s.it.Eval(src); err != nil {
		if !s.pkgPaths[path] {
			return fmt.Errorf("%s: %v", unavailable(path), err)
		}
		return err
	}
	s.imported[local] = path
	return nil
}

// unavailable says that a package cannot be imported, and what can.
func unavailable(path string) string {
	return fmt.Sprintf("package %q is not available in IGo (only the standard library and the packages built into igo can be imported)", path)
}

// localName is the name an import binds: the given one, else the path's
// last element (the one before a /vN suffix).
func localName(name, path string) string {
	if name != "" {
		return name
	}
	local := path[strings.LastIndex(path, "/")+1:]
	if strings.HasPrefix(local, "v") && len(local) > 1 && local[1] >= '0' && local[1] <= '9' && strings.Count(path, "/") > 0 {
		p := path[:strings.LastIndex(path, "/")]
		local = p[strings.LastIndex(p, "/")+1:]
	}
	return local
}

// dropRepeatedTypes skips type and method declarations identical to the
// session's, and refuses changed ones: yaegi would silently keep the old.
func (s *goSession) dropRepeatedTypes(group []cell.Chunk) ([]cell.Chunk, *session.Error) {
	out := group[:0:0]
	for _, c := range group {
		if !isTypeOrMethod(c) {
			out = append(out, c)
			continue
		}
		same := true
		for _, n := range c.Names {
			old, ok := s.declSrc[n]
			if !ok {
				same = false
				continue
			}
			if old != normalise(c.Src) {
				msg := fmt.Sprintf("line %d: %s is already defined in this session with another definition; the interpreter cannot change a type or method once defined: restart the kernel (or %%reset) to redefine it, or use a new name", c.Line, n)
				return nil, &session.Error{Name: "RedefinitionError", Value: msg, Traceback: []string{"\x1b[31mRedefinitionError\x1b[0m: " + msg}}
			}
		}
		if !same {
			out = append(out, c)
		}
	}
	return out, nil
}

func isTypeOrMethod(c cell.Chunk) bool {
	if strings.HasPrefix(c.Src, "type") {
		return true
	}
	for _, n := range c.Names {
		if strings.Contains(n, ".") {
			return true
		}
	}
	return false
}

func normalise(src string) string { return strings.Join(strings.Fields(src), " ") }

func (s *goSession) recordDecls(group []cell.Chunk) {
	for _, c := range group {
		for _, n := range c.Defines {
			s.known[n] = true
		}
		for _, n := range c.Names {
			if !strings.Contains(n, ".") {
				s.known[n] = true
			}
		}
		if c.Kind != cell.Decl {
			continue
		}
		for _, n := range c.Names {
			if isTypeOrMethod(c) {
				s.declSrc[n] = normalise(c.Src)
			}
			s.definedIn[n] = s.count
		}
		if strings.HasPrefix(c.Src, "type") {
			for _, n := range c.Names {
				// yaegi's values of interpreted types carry no methods in
				// reflect; remember the type's shape to find them.
				if v, ok := s.evalQuietly("*new(" + n + ")"); ok {
					s.typeNames[v.Type().String()] = n
				}
			}
		}
	}
}

// checkNames reports identifiers that nothing defines, before yaegi sees
// them: yaegi's own message for them is obscure ("constant definition
// loop"), and a failed compilation can leave its variables half-declared.
func (s *goSession) checkNames(chunks []cell.Chunk) *session.Error {
	inCell := map[string]bool{}
	for _, c := range chunks {
		for _, n := range c.Names {
			inCell[n] = true
		}
		for _, n := range c.Defines {
			inCell[n] = true
		}
	}
	var msgs []string
	var globals map[string]reflect.Value
	for _, c := range chunks {
		for _, r := range c.Unresolved {
			if inCell[r.Name] || s.known[r.Name] || s.imported[r.Name] != "" || types.Universe.Lookup(r.Name) != nil {
				continue
			}
			if _, ok := s.pkgIndex[r.Name]; ok {
				continue
			}
			if s.dotImported(r.Name) {
				continue
			}
			if path, ok := s.missing[r.Name]; ok {
				msgs = append(msgs, fmt.Sprintf("line %d, column %d: %s: %s", r.Line, r.Col, r.Name, unavailable(path)))
				continue
			}
			if globals == nil {
				globals = s.globals() // built once, and only when needed
			}
			if _, ok := globals[r.Name]; ok {
				continue
			}
			msgs = append(msgs, fmt.Sprintf("line %d, column %d: undefined: %s", r.Line, r.Col, r.Name))
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	tb := make([]string, len(msgs))
	for i, m := range msgs {
		tb[i] = "\x1b[31mCompileError\x1b[0m: " + m
	}
	return &session.Error{Name: "CompileError", Value: strings.Join(msgs, "; "), Traceback: tb}
}

// evalQuietly evaluates an expression for IGo's own use; failures,
// including yaegi panics (generic types), just say no.
func (s *goSession) evalQuietly(expr string) (v reflect.Value, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	v, err := s.it.Eval(expr)
	return v, err == nil && v.IsValid()
}

// dotImported tells whether a dot-imported package exports name.
func (s *goSession) dotImported(name string) bool {
	for local, path := range s.imported {
		if strings.HasPrefix(local, ".") {
			if _, ok := s.it.Symbols(path)[path][name]; ok {
				return true
			}
		}
	}
	return false
}

// globals is the interpreter's global variables; yaegi can panic there
// after a failed compilation, which must not end the worker.
func (s *goSession) globals() (g map[string]reflect.Value) {
	defer func() {
		if recover() != nil {
			g = map[string]reflect.Value{}
		}
	}()
	return s.it.Globals()
}

// positionRE matches yaegi's "line:col: message" errors.
var positionRE = regexp.MustCompile(`^(?:[^:\s]*:)?(\d+):(\d+): (.*)$`)

// evalError turns an interpreter error into the cell's error.
func (s *goSession) evalError(ctx context.Context, err error) *session.Error {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		s.trace.take()
		return interrupted()
	}
	var p interp.Panic
	if errors.As(err, &p) {
		frames := s.trace.take()
		if code, ok := p.Value.(exitCode); ok {
			msg := fmt.Sprintf("os.Exit(%d) was called; IGo stopped the cell and kept the session (its state is intact)", int(code))
			return &session.Error{Name: "Exit", Value: msg, Traceback: []string{"\x1b[31mExit\x1b[0m: " + msg}}
		}
		// "reflect: slice index out of range" reads as the runtime error
		// it stands for.
		value := fmt.Sprint(panicrt.Recovered(p.Value))
		tb := []string{"\x1b[31mpanic\x1b[0m: " + value + magics.BackendHint(value), ""}
		for _, f := range frames {
			tb = append(tb, "    "+s.frameText(f))
		}
		return &session.Error{Name: "panic", Value: value, Traceback: tb}
	}
	s.trace.take()
	return s.compileError(err, 1)
}

// frameText rewrites yaegi's "L:C: panic: main.f(...)" in cell terms.
func (s *goSession) frameText(f string) string {
	m := positionRE.FindStringSubmatch(f)
	if m == nil {
		return f
	}
	line, _ := strconv.Atoi(m[1])
	fn := strings.TrimSuffix(strings.TrimPrefix(m[3], "panic: "), "(...)")
	fn = strings.TrimPrefix(fn, "main.")
	if strings.HasPrefix(fn, "_igoCell") {
		fn = "main" // the cell's own statements
	}
	where := fmt.Sprintf("cell In[%d]", s.count)
	if fn != "main" {
		if n, ok := s.definedIn[fn]; ok {
			where = fmt.Sprintf("cell In[%d]", n)
		}
	} else {
		fn = "(cell)"
	}
	return fmt.Sprintf("%s, line %d, in %s", where, line-1, fn)
}

// compileError formats errors that carry "line:col:" positions; shift is
// subtracted from yaegi's lines (see assemble).
func (s *goSession) compileError(err error, shift int) *session.Error {
	var msgs []string
	if el, ok := err.(scanner.ErrorList); ok {
		// The first syntax error is the one to fix; the rest often follow
		// from it.
		for _, e := range el[:1] {
			msgs = append(msgs, fmt.Sprintf("line %d, column %d: %s", e.Pos.Line, e.Pos.Column, e.Msg))
		}
	} else {
		for _, l := range strings.Split(err.Error(), "\n") {
			if m := positionRE.FindStringSubmatch(l); m != nil {
				line, _ := strconv.Atoi(m[1])
				msgs = append(msgs, fmt.Sprintf("line %d, column %s: %s", line-shift, m[2], m[3]))
			} else if strings.TrimSpace(l) != "" {
				msgs = append(msgs, l)
			}
		}
	}
	tb := make([]string, len(msgs))
	for i, m := range msgs {
		tb[i] = "\x1b[31mCompileError\x1b[0m: " + m
	}
	return &session.Error{Name: "CompileError", Value: strings.Join(msgs, "; "), Traceback: tb}
}

func (s *goSession) compileErrorAt(err error, line int) *session.Error {
	msg := fmt.Sprintf("line %d: %v", line, err)
	return &session.Error{Name: "ImportError", Value: msg, Traceback: []string{"\x1b[31mImportError\x1b[0m: " + msg}}
}

// runShell runs "!command" with the cell's output.
func (s *goSession) runShell(ctx context.Context, command string) *session.Error {
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	cmd.Stdout, cmd.Stderr = s.io.stdout, s.io.stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return interrupted()
		}
		fmt.Fprintf(s.io.stderr, "!%s: %v\n", command, err)
	}
	return nil
}

// traceCatcher is the interpreter's stderr: it holds back the lines yaegi
// prints for each frame of a panic, which become the cell's traceback.
type traceCatcher struct {
	next   io.Writer
	mu     sync.Mutex
	frames []string
}

var traceLineRE = regexp.MustCompile(`^\d+:\d+: panic: .*\n?$`)

func (t *traceCatcher) Write(p []byte) (int, error) {
	if traceLineRE.Match(p) {
		t.mu.Lock()
		t.frames = append(t.frames, strings.TrimSpace(string(p)))
		t.mu.Unlock()
		return len(p), nil
	}
	return t.next.Write(p)
}

func (t *traceCatcher) take() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.frames
	t.frames = nil
	return f
}

// runMagic runs a %line or %%cell magic.
func (s *goSession) runMagic(ctx context.Context, p cell.Piece) *session.Error {
	m, ok := magics.Lookup(p.Name)
	var err error
	switch {
	case !ok:
		err = magics.UnknownError(p.Name)
	case p.Kind == cell.CellMagic && m.Cell != nil:
		err = m.Cell(&magicEnv{s: s, ctx: ctx}, p.Args, p.Body)
	case p.Kind == cell.LineMagic && m.Line != nil:
		err = m.Line(&magicEnv{s: s, ctx: ctx}, p.Args)
	case p.Kind == cell.CellMagic:
		err = fmt.Errorf("%%%%%s has no cell form; use %%%s on a line (see %%help %s)", p.Name, p.Name, p.Name)
	default:
		err = fmt.Errorf("%%%s has no line form; use %%%%%s at the top of a cell (see %%help %s)", p.Name, p.Name, p.Name)
	}
	if err != nil {
		var ce *cellError
		if errors.As(err, &ce) {
			return ce.err
		}
		if ctx.Err() != nil {
			return interrupted()
		}
		msg := fmt.Sprintf("%%%s: %v", p.Name, err)
		return &session.Error{Name: "MagicError", Value: msg, Traceback: []string{"\x1b[31mMagicError\x1b[0m: " + msg}}
	}
	return nil
}
