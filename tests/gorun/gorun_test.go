// Package gorun runs Go's own run tests ($GOROOT/test and
// $GOROOT/test/typeparam, files whose first line is "// run") through the
// same code path as `igo run`: lowering, then the interpreter. Each test
// runs in a child process (this test binary again) with a time limit;
// the number that pass must not fall below the figure recorded in
// PASSCOUNT.
package gorun

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/igo-kernel/igo/runtime"
)

const childEnv = "IGO_GORUN_FILE"

func TestMain(m *testing.M) {
	if f := os.Getenv(childEnv); f != "" {
		os.Exit(runtime.RunFile(f, nil))
	}
	os.Exit(m.Run())
}

// excluded tells why a run test is left out, or "" to run it: tests that
// start the toolchain, or test unsafe memory or the runtime's internals,
// are about the compiler, not the language.
func excluded(src string) string {
	for _, imp := range []string{`"os/exec"`, `"unsafe"`, `"runtime/debug"`, `"runtime/pprof"`, `"runtime/metrics"`, `"reflect/internal`} {
		if strings.Contains(src, imp) {
			return "imports " + imp
		}
	}
	for _, fn := range []string{"runtime.Caller", "runtime.FuncForPC", "runtime.SetFinalizer", "runtime.ReadMemStats", "runtime.Stack", "runtime.KeepAlive", "runtime.Breakpoint", "runtime.SetCPUProfileRate", "runtime.LockOSThread"} {
		if strings.Contains(src, fn) {
			return "uses " + fn
		}
	}
	return ""
}

// runTests lists the run tests of the Go installation.
func runTests(t *testing.T) []string {
	root := filepath.Join(goruntime.GOROOT(), "test")
	var files []string
	for _, dir := range []string{root, filepath.Join(root, "typeparam")} {
		ms, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range ms {
			src, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			first, _, _ := strings.Cut(string(src), "\n")
			if strings.TrimSpace(first) != "// run" || excluded(string(src)) != "" {
				continue
			}
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		t.Skip("no Go test directory in this Go installation")
	}
	return files
}

// recorded reads the last recorded pass count.
func recorded(t *testing.T) int {
	f, err := os.Open("PASSCOUNT")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		n, err := strconv.Atoi(fields[len(fields)-1])
		if err == nil {
			return n
		}
	}
	t.Fatal("PASSCOUNT has no count")
	return 0
}

func TestGoRunTests(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a few hundred programs")
	}
	files := runTests(t)
	type result struct {
		file, why string
	}
	results := make([]result, len(files))
	var wg sync.WaitGroup
	sem := make(chan struct{}, goruntime.NumCPU())
	for i, f := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = result{f, runOne(f)}
		}()
	}
	wg.Wait()
	pass := 0
	var fails []string
	for _, r := range results {
		if r.why == "" {
			pass++
		} else {
			fails = append(fails, fmt.Sprintf("%s: %s", relName(r.file), r.why))
		}
	}
	sort.Strings(fails)
	for _, f := range fails {
		t.Log("FAIL " + f)
	}
	t.Logf("passed %d of %d (%.0f%%)", pass, len(files), 100*float64(pass)/float64(len(files)))
	if path := os.Getenv("IGO_GORUN_REPORT"); path != "" {
		if err := writeReport(path, pass, len(files), fails); err != nil {
			t.Error(err)
		}
	}
	if want := recorded(t); pass < want {
		t.Errorf("passed %d, fewer than the recorded %d", pass, want)
	}
}

// causes sorts failures by what their first line of output shows.
var causes = []struct{ pattern, cause string }{
	{"not supported", "refused by the lowering, which names the construct"},
	{"CFG post-order panic", "yaegi crashes compiling generic code"},
	{"incomplete type", "yaegi crashes compiling generic code"},
	{"goroutine stack exceeds", "yaegi recurses without end on a generic type"},
	{"time limit", "slower than the 10 s limit in the interpreter"},
	{"reflect", "yaegi fails inside package reflect (an interpreted value where a Go one is expected)"},
	{"interface conversion", "an interpreted value in an interface lacks its type or methods"},
	{"output differs", "runs, prints something else (mostly interpreted types in interfaces, reflection of methods)"},
	{"exit: panic:", "wrong result: one of the program's own checks panicked"},
	{"runtime error", "a runtime error inside the interpreter"},
}

// compileError matches "exit: 12:3: message", yaegi refusing the program.
var compileError = regexp.MustCompile(`^exit: (\S+:)?\d+:\d+: `)

// writeReport writes the list of failing tests, with causes, as Markdown.
func writeReport(path string, pass, total int, fails []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Go run tests that fail through igo run\n\n")
	fmt.Fprintf(&b, "Written by `IGO_GORUN_REPORT=$PWD/tests/gorun/FAILING.md go test ./tests/gorun -run TestGoRunTests`"+
		" (Go %s): %d of %d pass (%.0f%%).\n"+
		"The cause is read from the first line of output.\n\n",
		goruntime.Version(), pass, total, 100*float64(pass)/float64(total))
	count := map[string]int{}
	var rows []string
	for _, f := range fails {
		name, why, _ := strings.Cut(f, ": ")
		cause := "other: a wrong result the program reports itself"
		if compileError.MatchString(why) {
			cause = "yaegi refuses to compile it"
		}
		for _, c := range causes {
			if strings.Contains(why, c.pattern) {
				cause = c.cause
				break
			}
		}
		count[cause]++
		why = strings.ReplaceAll(why, goruntime.GOROOT(), "$GOROOT") // no machine paths
		why = strings.ReplaceAll(why, "|", "\\|")
		rows = append(rows, fmt.Sprintf("| %s | %s | `%s` |", name, cause, strings.TrimSpace(why)))
	}
	b.WriteString("| cause | tests |\n|---|---|\n")
	var keys []string
	for k := range count {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return count[keys[i]] > count[keys[j]] })
	for _, k := range keys {
		fmt.Fprintf(&b, "| %s | %d |\n", k, count[k])
	}
	b.WriteString("\n| test | cause | first line |\n|---|---|---|\n")
	b.WriteString(strings.Join(rows, "\n") + "\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func relName(f string) string {
	root := filepath.Join(goruntime.GOROOT(), "test") + string(filepath.Separator)
	return strings.TrimPrefix(f, root)
}

// runOne runs a test file in a child process; "" means it passed.
func runOne(file string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+file, "GOMAXPROCS=1")
	cmd.Dir = filepath.Dir(file)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return "time limit"
	}
	want, _ := os.ReadFile(strings.TrimSuffix(file, ".go") + ".out")
	if err != nil {
		return "exit: " + firstLine(string(out), err)
	}
	if string(out) != string(want) {
		return "output differs: " + firstLine(string(out), nil)
	}
	return ""
}

func firstLine(out string, err error) string {
	out = strings.TrimSpace(out)
	if i := strings.IndexByte(out, '\n'); i >= 0 {
		out = out[:i]
	}
	if len(out) > 200 {
		out = out[:200]
	}
	if out == "" && err != nil {
		return err.Error()
	}
	return out
}
