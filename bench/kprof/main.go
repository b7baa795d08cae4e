// Command kprof is the igo kernel with CPU profiling, to find where the
// kernel path spends its time: it serves the same kernel.Run over the same
// runtime session as `igo kernel`, and is its own worker, so both processes
// can be profiled while a real Jupyter client drives them.
//
//	kprof install PREFIX               # kernelspec "igo-prof" under PREFIX
//	kprof kernel CONNECTION_FILE       # what Jupyter starts
//	kprof worker                       # what the kernel starts
//
// With IGO_PROF_EARLY_BIND set, the kernel binds its sockets while the
// worker starts (see lazySession), to measure what that saves at start-up.
//
// Profiles go to $IGO_PROF_DIR/kernel.pprof (written at shutdown) and
// worker-PID.pprof (written when the worker's request pipe closes or after
// $IGO_PROF_SECONDS, default 120); read them with `go tool pprof`.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	goruntime "runtime"
	"runtime/pprof"
	"strconv"
	"time"

	_ "github.com/gomlx/gomlx/backends/default"

	"github.com/igo-kernel/igo/kernel"
	"github.com/igo-kernel/igo/runtime"
	"github.com/igo-kernel/igo/runtime/igosymbols"
	"github.com/igo-kernel/igo/runtime/lower"
	"github.com/igo-kernel/igo/runtime/shims"
	"github.com/igo-kernel/igo/runtime/symbols"
	"github.com/igo-kernel/igo/runtime/trainhook"
	"github.com/igo-kernel/igo/session"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: kprof install PREFIX | kernel CONNECTION_FILE | worker")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "install":
		err = install(os.Args[2])
	case "kernel":
		err = serveKernel(os.Args[2])
	case "worker":
		runtime.RegisterSymbols(symbols.Symbols, shims.Symbols, igosymbols.Symbols, trainhook.Symbols)
		runtime.SetInstantiator(shims.InstantiationSymbol)
		lower.SetGenericStubs(shims.GenericStubs())
		stop := startProfile(fmt.Sprintf("worker-%d.pprof", os.Getpid()))
		seconds, _ := strconv.Atoi(os.Getenv("IGO_PROF_SECONDS"))
		if seconds <= 0 {
			seconds = 120
		}
		time.AfterFunc(time.Duration(seconds)*time.Second, stop)
		err = runtime.RunWorker()
		stop()
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "kprof:", err)
		os.Exit(1)
	}
}

// startProfile starts the CPU profile into IGO_PROF_DIR/name and returns
// the function that writes it (safe to call more than once).
func startProfile(name string) func() {
	f, err := os.Create(filepath.Join(os.Getenv("IGO_PROF_DIR"), name))
	if err != nil || pprof.StartCPUProfile(f) != nil {
		return func() {}
	}
	done := make(chan struct{})
	return func() {
		select {
		case <-done:
		default:
			close(done)
			pprof.StopCPUProfile()
			f.Close()
		}
	}
}

func serveKernel(connFile string) error {
	stop := startProfile("kernel.pprof")
	defer stop()
	conn, err := kernel.ReadConnectionFile(connFile)
	if err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	var sess session.Session
	if os.Getenv("IGO_PROF_EARLY_BIND") != "" {
		// The experiment: bind the sockets first, start the worker meanwhile.
		sess = startLazy(runtime.Options{Command: []string{exe, "worker"}})
	} else {
		real, err := runtime.NewSession(runtime.Options{Command: []string{exe, "worker"}})
		if err != nil {
			return err
		}
		sess = real
	}
	defer sess.Close()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	info := kernel.Info{Implementation: "igo-prof", ImplementationVersion: "0", LanguageVersion: goruntime.Version()[2:]}
	return kernel.Run(context.Background(), conn, info, sess, log)
}

func install(prefix string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	dir := filepath.Join(prefix, "share", "jupyter", "kernels", "igo-prof")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	spec, _ := json.MarshalIndent(map[string]any{
		"argv": []string{exe, "kernel", "{connection_file}"}, "display_name": "Go (igo, profiled)",
		"language": "go", "interrupt_mode": "message",
	}, "", "  ")
	return os.WriteFile(filepath.Join(dir, "kernel.json"), spec, 0o644)
}

// lazySession is a runtime session started in the background: the kernel
// can bind its sockets and answer kernel_info while the worker starts, and
// the first request that needs the worker waits for it.
type lazySession struct {
	ready chan struct{}
	sess  *runtime.Session
	err   error
}

func startLazy(opts runtime.Options) *lazySession {
	l := &lazySession{ready: make(chan struct{})}
	go func() {
		l.sess, l.err = runtime.NewSession(opts)
		close(l.ready)
	}()
	return l
}

func (l *lazySession) get() *runtime.Session {
	<-l.ready
	if l.err != nil {
		fmt.Fprintln(os.Stderr, "kprof: worker:", l.err)
		os.Exit(1)
	}
	return l.sess
}

func (l *lazySession) Execute(ctx context.Context, req session.ExecuteRequest, out session.Output) session.ExecuteReply {
	return l.get().Execute(ctx, req, out)
}
func (l *lazySession) Complete(code string, cursor int) session.Completion {
	return l.get().Complete(code, cursor)
}
func (l *lazySession) Inspect(code string, cursor, detail int) session.Inspection {
	return l.get().Inspect(code, cursor, detail)
}
func (l *lazySession) IsComplete(code string) (string, string) { return l.get().IsComplete(code) }
func (l *lazySession) Interrupt()                              { l.get().Interrupt() }
func (l *lazySession) Restart() error                          { return l.get().Restart() }
func (l *lazySession) Close() error                            { return l.get().Close() }
