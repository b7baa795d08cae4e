package runtime

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"k8s.io/klog/v2"

	"github.com/igo-kernel/igo/display"
	"github.com/igo-kernel/igo/display/gonbpipe"
	"github.com/igo-kernel/igo/session"
)

// defaultBackend is the GoMLX backend of a worker started without
// GOMLX_BACKEND.
const defaultBackend = "go:ops_sequential"

// Worker file descriptors, as the kernel side lays them out.
const (
	requestFD = 3
	eventFD   = 4
)

// klogExit replaces klog's os.Exit in the worker: klog has written its
// message (and, for Fatal, the goroutines' stacks) to stderr already.
func klogExit(code int) {
	panic(fmt.Sprintf("klog ended the program (exit status %d; klog.Fatal or klog.Exit in compiled code): IGo keeps the session", code))
}

// RunWorker is the body of `igo worker`: it serves requests from the kernel
// side until its request pipe closes.
func RunWorker() error {
	reqs := os.NewFile(requestFD, "igo-requests")
	evs := os.NewFile(eventFD, "igo-events")
	if reqs == nil || evs == nil {
		return errors.New("igo worker is started by the kernel, not by hand")
	}
	if limit, err := memoryLimit(); err == nil && limit > 0 {
		// The garbage collector works harder as the limit nears; the
		// kernel side stops the worker past it.
		debug.SetMemoryLimit(limit / 10 * 9)
	}
	// A bad flag in a GoNB "%% --flag" line is the cell's error, not the
	// worker's exit.
	flag.CommandLine.Init(flag.CommandLine.Name(), flag.ContinueOnError)
	flag.CommandLine.SetOutput(io.Discard) // the cell's error says what is wrong
	// klog.Fatal and klog.Exit in compiled code (GoMLX's example packages
	// use them) would end the worker and the session with it: they fail
	// the cell instead, as log.Fatal in cells does.
	klog.OsExit = klogExit
	if os.Getenv("GOMLX_BACKEND") == "" {
		// GoMLX's pure-Go backend works everywhere; %backend switches.
		// Its ops run one after another: with ops in parallel (compute
		// v0.1.2) training steps hung now and then at 0 % CPU, waiting in
		// the backend's executor (seen in a transformer, several times).
		os.Setenv("GOMLX_BACKEND", defaultBackend)
	}
	w := newWorker(newEmitter(newLineWriter(evs)))
	return w.serve(reqs)
}

// worker hosts the interpreter and runs one cell at a time.
type worker struct {
	emit *emitter
	sess *goSession

	mu         sync.Mutex
	cancel     context.CancelFunc // of the running cell
	inputs     chan request       // input replies for the running cell
	allowStdin bool

	gonb *gonbpipe.Server // GoNB's display pipes, served in process

	// The prompt of the next stdin read, set by gonbui.RequestInput.
	nextPrompt   string
	nextPassword bool
}

func newWorker(e *emitter) *worker {
	w := &worker{emit: e, inputs: make(chan request, 1)}
	display.SetPublisher(publisher{e})
	w.serveGoNB(publisher{e})
	SetResultFormatter(func(v any) (map[string]any, map[string]any, bool) {
		if _, shown := v.(*display.Handle); shown {
			// display.HTML(...) as a cell's last line has shown itself.
			return nil, nil, true
		}
		data, md := display.Bundle(v)
		return data, md, data != nil
	})
	w.sess = newGoSession(sessionIO{
		stdout: e.writer("stdout"),
		stderr: e.writer("stderr"),
		stdin:  &inputReader{w: w},
		emit:   e,
	})
	return w
}

func (w *worker) serve(r io.Reader) error {
	dec := newLineReader(r)
	work := make(chan request, 16)
	go func() {
		for req := range work {
			w.handle(req)
		}
	}()
	w.emit.send(event{Ev: "ready"})
	for {
		var req request
		if err := dec.Decode(&req); err != nil {
			close(work)
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("reading requests: %w", err)
		}
		switch req.Op {
		case "interrupt":
			interruptFlag.Store(true)
			w.mu.Lock()
			if w.cancel != nil {
				w.cancel()
			}
			w.mu.Unlock()
		case "input_reply":
			select {
			case w.inputs <- req:
			default: // nobody is waiting: drop
			}
		default:
			work <- req
		}
	}
}

func (w *worker) handle(req request) {
	defer func() {
		// yaegi can panic on code it does not support; the worker and
		// the session's state survive that.
		if r := recover(); r != nil {
			msg := fmt.Sprintf("the Go interpreter failed on this cell (%v); this is a limitation of the interpreter, not of your code. The session is kept, but this cell's definitions may be incomplete", r)
			w.finish(req, event{Ev: "done", Error: &session.Error{Name: "InternalError", Value: msg, Traceback: []string{"\x1b[31mInternalError\x1b[0m: " + msg}}})
		}
	}()
	switch req.Op {
	case "execute":
		interruptFlag.Store(false)
		ctx, cancel := context.WithCancel(context.Background())
		w.mu.Lock()
		w.cancel = cancel
		w.allowStdin = req.AllowStdin
		w.mu.Unlock()
		if page, ok := w.sess.pager(req.Code); ok {
			cancel()
			w.mu.Lock()
			w.cancel = nil
			w.mu.Unlock()
			w.finish(req, event{Ev: "done", Payload: []map[string]any{page}})
			return
		}
		res := w.sess.execute(ctx, req.Code, req.ExecutionCount)
		w.mu.Lock()
		w.cancel = nil
		w.mu.Unlock()
		cancel()
		w.finish(req, event{Ev: "done", Error: res})
	case "complete":
		c := w.sess.complete(req.Code, req.Cursor)
		w.emit.send(event{Ev: "complete", Completion: &c})
	case "inspect":
		in := w.sess.inspect(req.Code, req.Cursor, req.Detail)
		w.emit.send(event{Ev: "inspect", Inspection: &in})
	default:
		w.emit.send(event{Ev: "done", Error: &session.Error{Name: "ProtocolError", Value: "unknown worker request " + req.Op}})
	}
}

// serveGoNB lets cells written for GoNB (gonbui, GoMLX's ui/gonb
// packages) display through IGo: gonbui talks to a server in this process
// over GoNB's pipes.
func (w *worker) serveGoNB(pub display.Publisher) {
	srv, err := gonbpipe.Start(pub, gonbpipe.Options{
		// gonbui.RequestInput announces a read of os.Stdin, which IGo
		// answers by prompting anyway: keep its prompt for that read.
		Input: func(prompt string, password bool) (string, error) {
			w.mu.Lock()
			w.nextPrompt, w.nextPassword = prompt, password
			w.mu.Unlock()
			return "", nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "igo: GoNB display pipes are unavailable: %v\n", err)
		return
	}
	srv.SetStdin(io.Discard)
	w.gonb = srv
	if err := srv.InstallInProcess(); err != nil {
		fmt.Fprintf(os.Stderr, "igo: GoNB display pipes are unavailable: %v\n", err)
	}
}

// syncGoNB waits (briefly) until what the cell sent through gonbui has
// been displayed, so it lands in the cell that made it.
func syncGoNB() {
	done := make(chan struct{})
	go func() {
		gonbui.Sync()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
}

// finish ends an execute request: user expressions, the sync markers, and
// the done event.
func (w *worker) finish(req request, ev event) {
	if w.gonb != nil && w.gonb.Connected() {
		syncGoNB()
	}
	if len(req.UserExpressions) > 0 {
		ev.UserExpressions = w.sess.userExpressions(req.UserExpressions)
	}
	w.emit.flush()
	if req.Sync != "" {
		// Everything compiled code wrote to fds 1 and 2 before this marker
		// belongs to this cell: the kernel side waits for it.
		os.Stdout.WriteString(req.Sync)
		os.Stderr.WriteString(req.Sync)
	}
	w.emit.send(ev)
}

// publisher carries the display package's messages to the kernel side.
type publisher struct{ e *emitter }

func (p publisher) Display(data, metadata, transient map[string]any, update bool) {
	p.e.send(event{Ev: "display", Data: data, Metadata: metadata, Transient: transient, Update: update})
}

func (p publisher) Clear(wait bool) { p.e.send(event{Ev: "clear", Wait: wait}) }

// inputReader is the interpreted program's os.Stdin: each read with an
// empty buffer asks the user for a line through the kernel.
type inputReader struct {
	w   *worker
	buf []byte
}

var errNoStdin = errors.New("this notebook client does not accept input (allow_stdin is false): reading from os.Stdin is not possible here")

func (r *inputReader) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		r.w.mu.Lock()
		allowed, cancel := r.w.allowStdin, r.w.cancel
		r.w.mu.Unlock()
		if !allowed || cancel == nil {
			return 0, errNoStdin
		}
		r.w.mu.Lock()
		prompt, password := r.w.nextPrompt, r.w.nextPassword
		r.w.nextPrompt, r.w.nextPassword = "", false
		r.w.mu.Unlock()
		r.w.emit.send(event{Ev: "input_request", Text: prompt, Password: password})
		reply := <-r.w.inputs
		if reply.Error != "" {
			return 0, errors.New(reply.Error)
		}
		r.buf = append(r.buf, reply.Text...)
		r.buf = append(r.buf, '\n')
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// valueOf guards reflect.Value.Interface against unexported values.
func valueOf(v reflect.Value) (out any, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	if !v.IsValid() || !v.CanInterface() {
		return nil, false
	}
	return v.Interface(), true
}
