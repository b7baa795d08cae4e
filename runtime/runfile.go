package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
	"github.com/traefik/yaegi/stdlib/syscall"
	"github.com/traefik/yaegi/stdlib/unrestricted"

	"github.com/igo-kernel/igo/runtime/lower"
)

var (
	lowererMu sync.Mutex
	lowerer   *lower.Lowerer
)

// programLowerer is the lowering compiler for the tables every
// interpreter loads (built once: its importer caches packages).
func programLowerer() *lower.Lowerer {
	lowererMu.Lock()
	defer lowererMu.Unlock()
	if lowerer == nil {
		tables := []interp.Exports{stdlib.Symbols, syscall.Symbols, unrestricted.Symbols}
		tables = append(tables, lower.ExtraTables()...)
		extraMu.Lock()
		tables = append(tables, extraSymbols...)
		extraMu.Unlock()
		lowerer = lower.New(tables...)
	}
	return lowerer
}

// RunFile runs a Go program (package main) through the interpreter, as
// `igo run FILE.go ARGS...`, and returns its exit status. The source is
// type-checked and lowered first (package lower), so Go 1.26 programs
// run; what cannot be lowered is reported with its line, status 1.
func RunFile(path string, args []string) int {
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "igo run:", err)
		return 1
	}
	code, err := programLowerer().Program(path, string(src))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	s := newGoSession(sessionIO{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, emit: newEmitter(newLineWriter(os.Stdout)), args: append([]string{path}, args...)})
	if err := s.it.Use(lower.ExtraTablesMerged()); err != nil {
		fmt.Fprintln(os.Stderr, "igo run:", err)
		return 1
	}
	_, err = s.it.EvalWithContext(context.Background(), code)
	if err == nil {
		return 0
	}
	var p interp.Panic
	if errors.As(err, &p) {
		if code, ok := p.Value.(exitCode); ok {
			return int(code)
		}
		fmt.Fprintf(os.Stderr, "panic: %v\n", p.Value)
		for _, f := range s.trace.take() {
			fmt.Fprintln(os.Stderr, "\t"+f)
		}
		return 2
	}
	fmt.Fprintln(os.Stderr, err)
	return 1
}
