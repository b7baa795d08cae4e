package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/traefik/yaegi/interp"
)

// RunFile runs a Go program (package main) through the interpreter, as
// `igo run FILE.go ARGS...`, and returns its exit status.
func RunFile(path string, args []string) int {
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "igo run:", err)
		return 1
	}
	s := newGoSession(sessionIO{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, emit: newEmitter(newLineWriter(os.Stdout)), args: append([]string{path}, args...)})
	_, err = s.it.EvalWithContext(context.Background(), string(src))
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
