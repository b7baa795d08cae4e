package runtime

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/igo-kernel/igo/runtime/symbols"
	"github.com/igo-kernel/igo/session"
)

// The test binary doubles as the worker: NewSession starts it again with
// IGO_TEST_WORKER set.
func TestMain(m *testing.M) {
	RegisterSymbols(symbols.Symbols) // GoNB's gonbui among them
	if os.Getenv("IGO_TEST_WORKER") == "1" {
		if err := RunWorker(); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Setenv("IGO_TEST_WORKER", "1")
	os.Exit(m.Run())
}

// recorder is a session.Output that keeps everything.
type recorder struct {
	mu      sync.Mutex
	streams map[string]string
	order   []string
	results []map[string]any
	input   string
	noInput bool
}

func (r *recorder) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.streams == nil {
		r.streams = map[string]string{}
	}
	r.streams[name] += text
	r.order = append(r.order, "stream:"+text)
}
func (r *recorder) Display(data, md, tr map[string]any, update bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.order = append(r.order, "display")
}
func (r *recorder) Result(data, md map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.results = append(r.results, data)
}
func (r *recorder) Clear(bool) {}
func (r *recorder) Input(prompt string, password bool) (string, error) {
	if r.noInput {
		return "", errors.New("no stdin")
	}
	return r.input, nil
}

func newTestSession(t testing.TB) *Session {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSession(Options{Command: []string{exe}, InterruptGrace: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func run(t testing.TB, s *Session, code string) (*recorder, session.ExecuteReply) {
	t.Helper()
	r := &recorder{}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rep := s.Execute(ctx, session.ExecuteRequest{Code: code, AllowStdin: true, StoreHistory: true}, r)
	return r, rep
}

// cellCase is a cell and the text of the result it must show.
type cellCase struct{ code, want string }

// wantResults runs the cells in turn, each of which must show its result.
func wantResults(t *testing.T, s *Session, cases []cellCase) {
	t.Helper()
	for _, c := range cases {
		r, rep := run(t, s, c.code)
		if rep.Error != nil {
			t.Errorf("%q: %v", c.code, rep.Error)
			continue
		}
		if got := resultText(t, r); got != c.want {
			t.Errorf("%q = %s, want %s", c.code, got, c.want)
		}
	}
}

// runOK runs a cell that must succeed.
func runOK(t *testing.T, s *Session, code string) *recorder {
	t.Helper()
	r, rep := run(t, s, code)
	if rep.Error != nil {
		t.Fatalf("%q: %v", code, rep.Error)
	}
	return r
}

func resultText(t *testing.T, r *recorder) string {
	t.Helper()
	if len(r.results) != 1 {
		t.Fatalf("want one result, got %v", r.results)
	}
	return r.results[0]["text/plain"].(string)
}

func TestStatePersistsAndResults(t *testing.T) {
	s := newTestSession(t)
	if _, rep := run(t, s, "x := 6\nfunc double(v int) int { return 2 * v }"); rep.Error != nil {
		t.Fatal(rep.Error)
	}
	r, rep := run(t, s, "double(x) * 7 / 2")
	if rep.Error != nil || resultText(t, r) != "42" {
		t.Fatalf("got %v %v", r.results, rep.Error)
	}
	r, _ = run(t, s, `fmt.Println("no result for prints")`)
	if len(r.results) != 0 || r.streams["stdout"] != "no result for prints\n" {
		t.Fatalf("print: %+v", r)
	}
	// Redefining a function works.
	run(t, s, "func double(v int) int { return 3 * v }")
	if r, _ = run(t, s, "double(2)"); resultText(t, r) != "6" {
		t.Fatalf("redefinition: %v", r.results)
	}
}

func TestMixedDeclarationsAndStatements(t *testing.T) {
	s := newTestSession(t)
	r, rep := run(t, s, "import \"strings\"\nvar greeting = \"hi\"\nshout := strings.ToUpper(greeting)\ntype Pair[T any] struct{ A, B T }\np := Pair[int]{1, 2}\nshout + fmt.Sprint(p.A+p.B)")
	if rep.Error != nil {
		t.Fatal(rep.Error)
	}
	if got := resultText(t, r); got != `"HI3"` {
		t.Fatalf("got %s", got)
	}
}

func TestOrderOfPrintsAndFdWrites(t *testing.T) {
	s := newTestSession(t)
	r, rep := run(t, s, "fmt.Println(\"a\")\nsyscall.Write(1, []byte(\"b\\n\"))\nfmt.Fprintln(os.Stderr, \"c\")")
	if rep.Error != nil {
		t.Fatal(rep.Error)
	}
	if !strings.Contains(r.streams["stdout"], "a\n") || !strings.Contains(r.streams["stdout"], "b\n") || r.streams["stderr"] != "c\n" {
		t.Fatalf("streams: %q", r.streams)
	}
}

func TestErrorsPointAtCellLines(t *testing.T) {
	s := newTestSession(t)
	run(t, s, "a := 1")
	_, rep := run(t, s, "c := 2\n_ = c\nb := undefinedName")
	if rep.Error == nil || !strings.Contains(rep.Error.Value, "line 3, column 6: undefined: undefinedName") {
		t.Fatalf("want an error on line 3, got %+v", rep.Error)
	}
	// Nothing of the failed cell ran: c is not half-declared.
	if _, rep := run(t, s, "c"); rep.Error == nil || !strings.Contains(rep.Error.Value, "undefined: c") {
		t.Fatalf("c should not exist: %+v", rep.Error)
	}
	_, rep = run(t, s, "x := )")
	if rep.Error == nil || !strings.Contains(rep.Error.Value, "line 1") {
		t.Fatalf("syntax error: %+v", rep.Error)
	}
	_, rep = run(t, s, "func boom() { panic(\"deep\") }\nboom()")
	if rep.Error == nil || rep.Error.Name != "panic" || rep.Error.Value != "deep" {
		t.Fatalf("panic: %+v", rep.Error)
	}
	if !strings.Contains(strings.Join(rep.Error.Traceback, "\n"), "in boom") {
		t.Errorf("traceback should name boom: %q", rep.Error.Traceback)
	}
	// The session still works.
	if r, rep := run(t, s, "a + 1"); rep.Error != nil || resultText(t, r) != "2" {
		t.Fatalf("after errors: %v %v", r.results, rep.Error)
	}
}

func TestFaultsKeepTheKernelServing(t *testing.T) {
	s := newTestSession(t)
	run(t, s, "kept := 7")
	_, rep := run(t, s, "os.Exit(3)")
	if rep.Error == nil || !strings.Contains(rep.Error.Value, "os.Exit(3)") {
		t.Fatalf("os.Exit: %+v", rep.Error)
	}
	_, rep = run(t, s, "go func() { panic(\"in goroutine\") }()\ntime.Sleep(200 * time.Millisecond)")
	if rep.Error == nil || !strings.Contains(rep.Error.Value, "in goroutine") {
		t.Fatalf("goroutine panic: %+v", rep.Error)
	}
	if r, rep := run(t, s, "kept"); rep.Error != nil || resultText(t, r) != "7" {
		t.Fatalf("state lost after recoverable faults: %v", rep.Error)
	}
	// A killed worker is replaced, and the user is told state was reset.
	_, rep = run(t, s, "syscall.Kill(syscall.Getpid(), syscall.SIGKILL)\ntime.Sleep(time.Second)")
	if rep.Error == nil || rep.Error.Name != "WorkerDied" || !strings.Contains(rep.Error.Value, "reset") {
		t.Fatalf("killed worker: %+v", rep.Error)
	}
	if r, rep := run(t, s, "1 + 1"); rep.Error != nil || resultText(t, r) != "2" {
		t.Fatalf("after restart: %v", rep.Error)
	}
}

func TestInterruptKeepsState(t *testing.T) {
	s := newTestSession(t)
	run(t, s, "kept := 7")
	go func() {
		time.Sleep(500 * time.Millisecond)
		s.Interrupt()
	}()
	_, rep := run(t, s, "for {}")
	if rep.Error == nil || rep.Error.Name != "Interrupted" || strings.Contains(rep.Error.Value, "lost") {
		t.Fatalf("interrupt: %+v", rep.Error)
	}
	if r, rep := run(t, s, "kept"); rep.Error != nil || resultText(t, r) != "7" {
		t.Fatalf("state after interrupt: %v", rep.Error)
	}
}

func TestStdin(t *testing.T) {
	s := newTestSession(t)
	r := &recorder{input: "gopher"}
	rep := s.Execute(context.Background(), session.ExecuteRequest{Code: "line, _ := bufio.NewReader(os.Stdin).ReadString('\\n')\nstrings.TrimSpace(line)", AllowStdin: true}, r)
	if rep.Error != nil || resultText(t, r) != `"gopher"` {
		t.Fatalf("stdin: %v %v", r.results, rep.Error)
	}
	r = &recorder{}
	rep = s.Execute(context.Background(), session.ExecuteRequest{Code: "_, err := bufio.NewReader(os.Stdin).ReadString('\\n')\nerr.Error()", AllowStdin: false}, r)
	if rep.Error != nil || !strings.Contains(resultText(t, r), "allow_stdin") {
		t.Fatalf("no stdin: %v %v", r.results, rep.Error)
	}
}

func TestCompleteAndInspect(t *testing.T) {
	s := newTestSession(t)
	run(t, s, "type Point struct{ X, Y int }\nfunc (p Point) Norm() int { return p.X*p.X + p.Y*p.Y }\npt := Point{3, 4}")
	c := s.Complete("strings.ToU", 11)
	if strings.Join(c.Matches, ",") != "ToUpper,ToUpperSpecial" || c.CursorStart != 8 {
		t.Fatalf("strings.ToU: %+v", c)
	}
	c = s.Complete("pt.", 3)
	if strings.Join(c.Matches, ",") != "Norm,X,Y" {
		t.Fatalf("pt.: %+v", c)
	}
	c = s.Complete("p", 1)
	found := false
	for _, m := range c.Matches {
		found = found || m == "pt"
	}
	if !found {
		t.Fatalf("session variable pt not completed: %v", c.Matches)
	}
	in := s.Inspect("strings.ToUpper(", 16, 0)
	if !in.Found || !strings.Contains(in.Data["text/plain"].(string), "func ToUpper(s string) string") {
		t.Fatalf("inspect: %+v", in)
	}
	in = s.Inspect("pt", 2, 0)
	if !in.Found || !strings.Contains(in.Data["text/plain"].(string), "Point") {
		t.Fatalf("inspect variable: %+v", in)
	}
}

func TestIsComplete(t *testing.T) {
	cases := map[string]string{
		"x := 1":        "complete",
		"func f() {":    "incomplete",
		"s := `raw":     "incomplete",
		"x := )":        "invalid",
		"}":             "invalid",
		"%time f()":     "complete",
		"fmt.Println(1": "incomplete",
	}
	for code, want := range cases {
		if got, _ := isComplete(code); got != want {
			t.Errorf("isComplete(%q) = %s, want %s", code, got, want)
		}
	}
}

func TestPager(t *testing.T) {
	s := newTestSession(t)
	_, rep := run(t, s, "strings.ToUpper?")
	if rep.Error != nil || len(rep.Payload) != 1 || rep.Payload[0]["source"] != "page" {
		t.Fatalf("pager: %+v", rep)
	}
}

func TestMemoryLimit(t *testing.T) {
	t.Setenv("IGO_MEMORY_LIMIT", "300MiB")
	s := newTestSession(t)
	_, rep := run(t, s, "var hog [][]byte\nfor i := 0; i < 100; i++ { b := make([]byte, 32<<20); for j := 0; j < len(b); j += 4096 { b[j] = 1 }; hog = append(hog, b) }")
	if rep.Error == nil || rep.Error.Name != "MemoryLimit" {
		t.Fatalf("want a MemoryLimit error, got %+v", rep.Error)
	}
	if r, rep := run(t, s, "40 + 2"); rep.Error != nil || resultText(t, r) != "42" {
		t.Fatalf("after the limit: %v", rep.Error)
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"512MB": 512e6, "4GiB": 4 << 30, "2G": 2 << 30, "1048576": 1 << 20, "1.5 GiB": 3 << 29} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := parseBytes("lots"); err == nil {
		t.Error("a size without digits must fail")
	}
}

func TestGoNBForms(t *testing.T) {
	s := newTestSession(t)
	if _, rep := run(t, s, "var steps = flag.Int(\"steps\", 10, \"training steps\")\n%% --steps=3\nfmt.Println(*steps, len(os.Args))"); rep.Error != nil {
		t.Fatal(rep.Error)
	}
	// Re-running the declaring cell is fine, and flags reset to defaults.
	r, rep := run(t, s, "var steps = flag.Int(\"steps\", 10, \"training steps\")\n%%\nfmt.Println(*steps)")
	if rep.Error != nil || r.streams["stdout"] != "10\n" {
		t.Fatalf("re-run: %q %v", r.streams, rep.Error)
	}
	r, rep = run(t, s, "%args --steps=7\nfunc main() { fmt.Println(\"main\", *steps) }")
	if rep.Error != nil || r.streams["stdout"] != "main 7\n" {
		t.Fatalf("func main: %q %v", r.streams, rep.Error)
	}
	r, rep = run(t, s, "%goflags -race\n!*echo hi")
	if rep.Error != nil || r.streams["stdout"] != "hi\n" || !strings.Contains(r.streams["stderr"], "needs no") {
		t.Fatalf("notes: %q %v", r.streams, rep.Error)
	}
	r, _ = run(t, s, "%ls")
	if !strings.Contains(r.streams["stdout"], "main") {
		t.Fatalf("%%ls: %q", r.streams)
	}
}

func TestIndexOfCompiledResult(t *testing.T) {
	s := newTestSession(t)
	r, rep := run(t, s, "a := strings.Fields(\"x y\")\nb := a[1]\nrd := []*strings.Reader{strings.NewReader(\"abc\")}\nfirst := rd[0]\nb + fmt.Sprint(first.Len())")
	if rep.Error != nil || resultText(t, r) != `"y3"` {
		t.Fatalf("got %v %v", r.results, rep.Error)
	}
	if r, rep := run(t, s, "b + \"!\""); rep.Error != nil || resultText(t, r) != `"y!"` {
		t.Fatalf("b must keep its type (string): %v %v", r.results, rep.Error)
	}
}

func TestTopLevelFormsYaegiMishandles(t *testing.T) {
	s := newTestSession(t)
	run(t, s, "var v any = 3\nm := map[string]int{\"a\": 1}")
	r, rep := run(t, s, "_, isInt := v.(int)\nn, isString := v.(string)\nval, found := m[\"a\"]\nfmt.Sprint(isInt, n == \"\", isString, val, found)")
	if rep.Error != nil || resultText(t, r) != `"true true false 1 true"` {
		t.Fatalf("comma-ok forms: %v %v", r.results, rep.Error)
	}
	r, rep = run(t, s, "switch x := v.(type) {\ncase int:\n\tfmt.Println(\"int\", x)\n}\nfunc() { fmt.Println(\"literal\") }()")
	if rep.Error != nil || r.streams["stdout"] != "int 3\nliteral\n" {
		t.Fatalf("type switch and literal call: %q %v", r.streams, rep.Error)
	}
	// Nothing of the earlier cell runs again.
	r, rep = run(t, s, "y := 1\n_ = y")
	if rep.Error != nil || r.streams["stdout"] != "" {
		t.Fatalf("earlier statements ran again: %q %v", r.streams, rep.Error)
	}
}

func TestGoNBDisplaysReachTheCell(t *testing.T) {
	s := newTestSession(t)
	r, rep := run(t, s, "gonbui.DisplayHTML(\"<i>from gonbui</i>\")")
	if rep.Error != nil {
		t.Fatal(rep.Error)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.order) != 1 || r.order[0] != "display" {
		t.Fatalf("the gonbui display must arrive within its cell: %v", r.order)
	}
}

func TestModernGoInCells(t *testing.T) {
	s := newTestSession(t)
	cases := []cellCase{
		{"total := 0\nfor i := range 5 { total += i }\ntotal", "10"},
		{"min(3, 1, 2) + max(4, 9)", "10"},
		{"xs := []int{3, 1, 2}\nslices.Sort(xs)\nfmt.Sprint(xs)", `"[1 2 3]"`},
		{"func Map[T, U any](s []T, f func(T) U) []U { out := []U{}; for _, v := range s { out = append(out, f(v)) }; return out }\nfmt.Sprint(Map([]int{1, 2}, func(i int) string { return strconv.Itoa(i * 10) }))", `"[10 20]"`},
		{"func count(n int) func(func(int) bool) { return func(yield func(int) bool) { for i := 0; i < n; i++ { if !yield(i) { return } } } }\nsum := 0\nfor v := range count(10) { if v == 4 { break }; sum += v }\nsum", "6"},
		{"m := map[string]int{\"b\": 2, \"a\": 1}\nfmt.Sprint(slices.Sorted(maps.Keys(m)))", `"[a b]"`},
	}
	wantResults(t, s, cases)
	_, rep := run(t, s, "for i := range 3 {\n\tundefinedThing(i)\n}")
	if rep.Error == nil || !strings.Contains(rep.Error.Value, "line 2") {
		t.Errorf("a type error in modern code names its line: %+v", rep.Error)
	}
}

func TestHugeOutputIsTruncated(t *testing.T) {
	s := newTestSession(t)
	r, rep := run(t, s, "line := strings.Repeat(\"x\", 1023) + \"\\n\"\nfor i := 0; i < 12*1024; i++ { fmt.Print(line) }\nfmt.Println(\"done\")")
	if rep.Error != nil {
		t.Fatal(rep.Error)
	}
	if n := len(r.streams["stdout"]); n > streamLimit {
		t.Fatalf("%d bytes passed, more than the %d limit", n, streamLimit)
	}
	if !strings.Contains(r.streams["stderr"], "rest of its output is dropped") {
		t.Fatalf("no truncation notice: %q", r.streams["stderr"])
	}
	if r, _ := run(t, s, "fmt.Println(\"next\")"); r.streams["stdout"] != "next\n" {
		t.Fatalf("the next cell's output is cut too: %q", r.streams)
	}
}

func TestEarlierStatementsRunOnce(t *testing.T) {
	s := newTestSession(t)
	r, rep := run(t, s, "fmt.Println(\"once\")\nw := strings.Fields(\"a b\")[0]\nw")
	if rep.Error != nil || r.streams["stdout"] != "once\n" || resultText(t, r) != `"a"` {
		t.Fatalf("got %q %v %v", r.streams, r.results, rep.Error)
	}
	// A variable whose type's package the cells never imported.
	run(t, s, "x := prep.RandomUniform(1, 0, 1, 4, 3)")
	if _, rep := run(t, s, "ys := slices.Repeat([]int{1}, 3)\nlen(ys)"); rep.Error != nil {
		t.Fatalf("a later cell must type-check: %v", rep.Error)
	}
}

func TestLogFatalFailsTheCellOnly(t *testing.T) {
	s := newTestSession(t)
	run(t, s, "kept := 1")
	_, rep := run(t, s, "log.Fatalf(\"bad %d\", 7)")
	if rep.Error == nil || !strings.Contains(rep.Error.Value, "bad 7") || rep.Error.Name == "WorkerDied" {
		t.Fatalf("log.Fatalf: %+v", rep.Error)
	}
	if r, rep := run(t, s, "kept"); rep.Error != nil || resultText(t, r) != "1" {
		t.Fatalf("state lost: %v", rep.Error)
	}
}

func TestBoundValuesAreKnownToTheChecker(t *testing.T) {
	e := newEmitter(newLineWriter(io.Discard))
	s := newGoSession(sessionIO{stdout: io.Discard, stderr: io.Discard, stdin: os.Stdin, emit: e})
	env := &magicEnv{s: s, ctx: context.Background()}
	if err := env.Bind("words", []string{"a", "bb"}); err != nil {
		t.Fatal(err)
	}
	if err := s.execute(context.Background(), "n := 0\nfor i := range len(words) { n += len(words[i]) }\n_ = n", 1); err != nil {
		t.Fatalf("a bound variable in a lowered cell: %v", err)
	}
}

func TestInterpreterPitfallsLoweredAway(t *testing.T) {
	s := newTestSession(t)
	cases := []cellCase{
		// yaegi kept a named result's value from the previous call.
		{"func collect(n int) (out []int) { for i := range n { out = append(out, i) }; return }\ncollect(1)\nfmt.Sprint(collect(3))", `"[0 1 2]"`},
		// A generic function fed by a multi-value call.
		{"func must[T any](v T, err error) T { if err != nil { panic(err) }; return v }\nn := must(strconv.Atoi(\"41\"))\nn + 1", "42"},
		// A declaration of several names, then a cell the checker lowers.
		{"const a, b = 1, 2\nfor i := range 2 { _ = i }\na + b", "3"},
	}
	wantResults(t, s, cases)
	// A cell's function sees the variables its statements define.
	r, rep := run(t, s, "k := 5\nfunc useK() int { return k * 2 }\nfor i := range 1 { _ = i }\nuseK()")
	if rep.Error != nil || resultText(t, r) != "10" {
		t.Fatalf("cell variable in a cell function: %v %v", r.results, rep.Error)
	}
}

// var v T = x with x a session variable failed at yaegi's top level with
// "variable definition loop"; the session retries it as a definition.
func TestVarDeclarationFromSessionVariable(t *testing.T) {
	s := newTestSession(t)
	runOK(t, s, "xs := []int{1, 2}")
	cases := []cellCase{
		{"var v any = xs\nv", "[1 2]"},
		{"var n = len(xs)\nn", "2"},
		{"var (\n\ta, b = xs, 3\n\tc fmt.Stringer = time.Second\n\td int\n)\nfmt.Sprint(a, b, c, d)", `"[1 2] 3 1s 0"`},
		{"v", "[1 2]"},
	}
	wantResults(t, s, cases)
}

// &p[i] for p a pointer to an array, at a cell's top level (yaegi cannot
// take that address, and its &(*p)[i] there was a nil pointer).
func TestAddressOfElementThroughArrayPointer(t *testing.T) {
	wantResults(t, newTestSession(t), []cellCase{{"z := &[3]int{}\nq := &z[1]\n*q = 4\nz[2]++\nfmt.Sprint(*z)", `"[0 4 1]"`}})
}

// A declared function passed for a parameter of a compiled named function
// type (GoMLX's discretekan notebook: PCFFromFunc(Sin2πx, 10) with
// fn dkan.Univariate) made yaegi panic in reflect.Set.
func TestDeclaredFunctionAsCompiledNamedFuncType(t *testing.T) {
	code := "func visit(path string, info fs.FileInfo, err error) error { return nil }\n" +
		"func wrap(fn filepath.WalkFunc) filepath.WalkFunc {\n" +
		"\treturn func(p string, i fs.FileInfo, err error) error { return fn(p, i, err) }\n}\n" +
		"w := wrap(visit)\nfmt.Sprint(w(\"x\", nil, nil))"
	wantResults(t, newTestSession(t), []cellCase{{code, `"<nil>"`}})
}

// When a statement fails at run time, what the cell declared and defined
// before it stays usable (the interpreter has it; the checker must know).
func TestDeclarationsBeforeAFailingStatementStay(t *testing.T) {
	s := newTestSession(t)
	_, rep := run(t, s, "type T struct{ a int }\nfunc (t T) M() int { return t.a }\nfunc twice(x int) int { return 2 * x }\ny := 5\nvar z = []int{1}[y]")
	if rep.Error == nil {
		t.Fatal("the out-of-range index did not fail the cell")
	}
	wantResults(t, s, []cellCase{{"fmt.Sprint(twice(3), T{4}.M(), y)", `"6 4 5"`}})
}

// A package variable of function type (flag.Usage, GoNB notebooks'
// must.M) is a variable to the checker, so assigning it type-checks.
func TestAssignPackageVariableOfFuncType(t *testing.T) {
	wantResults(t, newTestSession(t), []cellCase{{"old := flag.Usage\nflag.Usage = func() {}\nn := 0\nfor range 2 { n++ }\nflag.Usage = old\nn", "2"}})
}

// GoNB notebooks import packages they never use (Spiral: chai2010/webp):
// an unavailable import the cell does not use is a note, not an error,
// and a later use says the package is missing.
func TestUnusedUnavailableImportIsANote(t *testing.T) {
	s := newTestSession(t)
	r := runOK(t, s, "import (\n\t\"strings\"\n\t\"example.com/nowhere/webp\"\n)\nx := strings.ToUpper(\"a\")\nx")
	if !strings.Contains(r.streams["stderr"], `package "example.com/nowhere/webp" is not available`) {
		t.Errorf("no note on stderr: %q", r.streams["stderr"])
	}
	_, rep := run(t, s, "webp.Encode(x)")
	if rep.Error == nil || !strings.Contains(rep.Error.Value, `webp: package "example.com/nowhere/webp" is not available`) {
		t.Fatalf("a use of the missing package: %+v", rep.Error)
	}
	_, rep = run(t, s, "import \"example.com/nowhere/other\"\nother.F()")
	if rep.Error == nil || rep.Error.Name != "ImportError" {
		t.Fatalf("a used missing import must fail the cell: %+v", rep.Error)
	}
}

// A trailing call that returns a nil error (gonbui.DisplayHTML ends many
// GoNB cells) shows no result; a non-nil one does.
func TestTrailingNilErrorShowsNothing(t *testing.T) {
	s := newTestSession(t)
	if r := runOK(t, s, "func ok() error { return nil }\nok()"); len(r.results) != 0 {
		t.Errorf("a nil error was shown: %v", r.results)
	}
	if r := runOK(t, s, "func bad() error { return errors.New(\"boom\") }\nbad()"); len(r.results) != 1 {
		t.Errorf("a non-nil error was not shown: %v", r.results)
	}
}

// %rm of a function whose body calls another removed function, then that
// one redefined with another signature (GoMLX's tutorial: f and gradOfF):
// the checker still held the old gradOfF, rejected the cell, so it ran
// unlowered, and yaegi panicked on the generic call with a tuple argument.
func TestRemovedFunctionsStayRemoved(t *testing.T) {
	s := newTestSession(t)
	runOK(t, s, "func f(x, y int) int { return x + y }\nfunc gradOfF(x, y int) (out, gx int) { out = f(x, y); return out, 1 }")
	runOK(t, s, "%rm gradOfF f")
	wantResults(t, s, []cellCase{{"func f(x int) int { return 2 * x }\nfunc must[T any](v T, err error) T { return v }\n" +
		"func solve() string { n := must(strconv.Atoi(\"3\")); return fmt.Sprint(n, f(n)) }\nsolve()", `"3 6"`}})
	if _, rep := run(t, s, "gradOfF(1, 2)"); rep.Error == nil || !strings.Contains(rep.Error.Value, "undefined: gradOfF") {
		t.Errorf("a removed function is still callable: %+v", rep.Error)
	}
}

// Untyped string constants of compiled packages (os.DevNull, GoMLX's
// regularizer.ParamL2) are constants to the checker, not variables of
// go/constant's types.
func TestStringConstantsOfPackages(t *testing.T) {
	wantResults(t, newTestSession(t), []cellCase{{"x := os.DevNull + \"!\"\nfor range 1 {}\nx", `"/dev/null!"`}})
}

// A variable of an earlier var block declared again on its own (GoMLX's
// tutorial declares flags twice): the checker sees the new one only.
func TestRedeclaringOneVariableOfABlock(t *testing.T) {
	s := newTestSession(t)
	runOK(t, s, "var (\n\ta = 1\n\tb = 2\n)")
	wantResults(t, s, []cellCase{{"var b = \"two\"\nn := 0\nfor range a { n++ }\nfmt.Sprint(n, b)", `"1two"`}})
}

// GoNB calls a cell's init_* functions before its body (GoMLX's notebooks
// register flags and set must.M there); a redefinition runs again.
func TestGoNBInitFunctionsRun(t *testing.T) {
	s := newTestSession(t)
	r := runOK(t, s, "var calls []string\nfunc init_a() { calls = append(calls, \"a\") }\nfunc init_b() { calls = append(calls, \"b\") }\nfunc init_notInit(x int) {}\n%%\nfmt.Print(calls)")
	if got := r.streams["stdout"]; got != "[a b]" {
		t.Errorf("first cell printed %q", got)
	}
	r = runOK(t, s, "func init_a() { calls = append(calls, \"a2\") }\n%%\nfmt.Print(calls)")
	if got := r.streams["stdout"]; got != "[a b a2]" {
		t.Errorf("after redefinition %q", got)
	}
}
