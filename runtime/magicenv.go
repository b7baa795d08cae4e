package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/traefik/yaegi/interp"

	"github.com/igo-kernel/igo/magics"
	"github.com/igo-kernel/igo/session"
)

// magicEnv is what magics see of the session.
type magicEnv struct {
	s   *goSession
	ctx context.Context
}

func (e *magicEnv) Stdout() io.Writer { return e.s.io.stdout }
func (e *magicEnv) Stderr() io.Writer { return e.s.io.stderr }

func (e *magicEnv) Display(data, metadata map[string]any) {
	if metadata == nil {
		metadata = map[string]any{}
	}
	e.s.io.emit.send(event{Ev: "display", Data: data, Metadata: metadata, Transient: map[string]any{}})
}

// bindPackage is the import path through which Bind hands values to the
// interpreter.
const bindPackage = "igo/bind"

// Bind defines a session variable holding value, with value's own type.
func (e *magicEnv) Bind(name string, value any) error {
	if !isIdent(name) {
		return fmt.Errorf("%q is not a Go identifier", name)
	}
	s := e.s
	s.bindSeq++
	sym := fmt.Sprintf("V%d", s.bindSeq)
	if err := s.it.Use(interp.Exports{bindPackage + "/bind": {sym: reflect.ValueOf(value)}}); err != nil {
		return err
	}
	if err := s.importPackage("_igobind", bindPackage); err != nil {
		return err
	}
	if _, err := s.it.Eval(fmt.Sprintf("%s := _igobind.%s", name, sym)); err != nil {
		return err
	}
	s.known[name] = true
	s.low.DeclareVar(name, reflect.TypeOf(value))
	return nil
}

// cellError carries a cell's own error through a magic that ran code.
type cellError struct{ err *session.Error }

func (c *cellError) Error() string { return c.err.Value }

// Run runs Go source (with magics) as part of the current cell.
func (e *magicEnv) Run(code string) error {
	if err := e.s.executePieces(e.ctx, code); err != nil {
		return &cellError{err}
	}
	return nil
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// sessionOf gives magics registered here access to the session behind an
// Env.
func sessionOf(env magics.Env) (*goSession, error) {
	if e, ok := env.(*magicEnv); ok {
		return e.s, nil
	}
	return nil, errors.New("this magic needs a Go session")
}

func init() {
	magics.Register(magics.Magic{
		Name: "who", Usage: "%who", Summary: "list the session's variables and their types",
		Line: func(env magics.Env, args string) error {
			s, err := sessionOf(env)
			if err != nil {
				return err
			}
			vars := s.variables()
			if len(vars) == 0 {
				fmt.Fprintln(env.Stdout(), "no variables yet")
			}
			for _, v := range vars {
				fmt.Fprintln(env.Stdout(), v)
			}
			return nil
		},
	})
	magics.Register(magics.Magic{
		Name: "reset", Usage: "%reset", Summary: "forget every definition and variable (a fresh interpreter)",
		Line: func(env magics.Env, args string) error {
			s, err := sessionOf(env)
			if err != nil {
				return err
			}
			s.resetAfter = true
			fmt.Fprintln(env.Stdout(), "session reset: all definitions and variables are gone")
			return nil
		},
	})
	timeRun := func(env magics.Env, code string) error {
		start := time.Now()
		err := env.Run(code)
		fmt.Fprintf(env.Stdout(), "Wall time: %s\n", roundDuration(time.Since(start)))
		return err
	}
	magics.Register(magics.Magic{
		Name: "time", Usage: "%time STATEMENT  or  %%time + cell", Summary: "run code once and print its wall time",
		Line: timeRun,
		Cell: func(env magics.Env, args, body string) error { return timeRun(env, body) },
	})
	magics.Register(magics.Magic{
		Name: "timeit", Usage: "%timeit [-n N] STATEMENT  or  %%timeit [-n N] + cell",
		Summary: "run code many times and print the mean and spread of its run time",
		Help:    "Without -n, the loop count grows until a batch takes at least 0.2 s. Each run re-compiles the code, as it is interpreted.",
		Line: func(env magics.Env, args string) error {
			n, code := timeitArgs(args)
			return timeit(env, n, code)
		},
		Cell: func(env magics.Env, args, body string) error {
			n, _ := timeitArgs(args)
			return timeit(env, n, body)
		},
	})
}

func timeitArgs(args string) (int, string) {
	f := strings.Fields(args)
	if len(f) >= 2 && f[0] == "-n" {
		if n, err := strconv.Atoi(f[1]); err == nil {
			rest := strings.TrimSpace(strings.TrimSpace(args)[2:])
			return n, strings.TrimSpace(rest[len(f[1]):])
		}
	}
	return 0, args
}

func timeit(env magics.Env, n int, code string) error {
	if strings.TrimSpace(code) == "" {
		return errors.New("nothing to time: give a statement, e.g. %timeit f(10)")
	}
	if s, err := sessionOf(env); err == nil {
		// A result per loop would flood the cell.
		s.quiet++
		defer func() { s.quiet-- }()
	}
	run := func(loops int) (time.Duration, error) {
		start := time.Now()
		for i := 0; i < loops; i++ {
			if err := env.Run(code); err != nil {
				return 0, err
			}
		}
		return time.Since(start), nil
	}
	if n <= 0 {
		for n = 1; ; n *= 10 {
			d, err := run(n)
			if err != nil {
				return err
			}
			if d >= 200*time.Millisecond || n >= 1_000_000 {
				break
			}
		}
	}
	const repeats = 5
	var per []float64
	for r := 0; r < repeats; r++ {
		d, err := run(n)
		if err != nil {
			return err
		}
		per = append(per, float64(d)/float64(n))
	}
	mean, sd := meanStd(per)
	fmt.Fprintf(env.Stdout(), "%s ± %s per loop (mean ± std. dev. of %d runs, %d loops each)\n",
		roundDuration(time.Duration(mean)), roundDuration(time.Duration(sd)), repeats, n)
	return nil
}

func meanStd(xs []float64) (float64, float64) {
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)))
}

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d > time.Second:
		return d.Round(time.Millisecond)
	case d > time.Millisecond:
		return d.Round(time.Microsecond)
	default:
		return d
	}
}
