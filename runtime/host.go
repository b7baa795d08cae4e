package runtime

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/igo-kernel/igo/session"
)

// Options configure the kernel-side Session.
type Options struct {
	// Command starts a worker (default: this executable with "worker").
	Command []string
	// InterruptGrace is how long an interrupted cell may take to stop
	// before the worker is killed and restarted (default 3 s).
	InterruptGrace time.Duration
	// Log receives diagnostics (default: stderr).
	Log io.Writer
}

// Session runs cells in a worker process and satisfies session.Session.
type Session struct {
	opts Options

	mu   sync.Mutex // guards w and out
	w    *workerProc
	out  session.Output // where stray output goes (the last cell's)
	busy bool

	interrupts chan struct{}
}

var _ session.Session = (*Session)(nil)

// NewSession starts a worker and returns the session.
func NewSession(opts Options) (*Session, error) {
	if len(opts.Command) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return nil, err
		}
		opts.Command = []string{exe, "worker"}
	}
	if opts.InterruptGrace == 0 {
		opts.InterruptGrace = 3 * time.Second
	}
	if opts.Log == nil {
		opts.Log = os.Stderr
	}
	s := &Session{opts: opts, interrupts: make(chan struct{}, 1)}
	// The worker loads its symbol tables while the kernel answers its
	// first messages: a client sees the kernel ready sooner, and the first
	// request that needs the worker waits for it (worker holds s.mu).
	go func() {
		if _, err := s.worker(); err != nil {
			fmt.Fprintf(s.opts.Log, "igo: %v\n", err)
		}
	}()
	return s, nil
}

// workerProc is one running worker.
type workerProc struct {
	cmd    *exec.Cmd
	req    *lineWriter
	reqW   *os.File
	events chan event
	exited chan struct{} // closed when the process has ended
	err    error         // its exit status, after exited
	syncs  chan string   // sync markers seen on fds 1 and 2

	tailMu sync.Mutex
	tail   []byte // the last stderr bytes, for crash reports
}

func (s *Session) start() (*workerProc, error) {
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	evR, evW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	stdoutR, stdoutW, _ := os.Pipe()
	stderrR, stderrW, _ := os.Pipe()
	cmd := exec.Command(s.opts.Command[0], s.opts.Command[1:]...)
	cmd.Stdin = nil
	cmd.Stdout, cmd.Stderr = stdoutW, stderrW
	cmd.ExtraFiles = []*os.File{reqR, evW} // fds 3 and 4
	cmd.SysProcAttr = workerProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the Go worker: %w", err)
	}
	for _, f := range []*os.File{reqR, evW, stdoutW, stderrW} {
		f.Close()
	}
	w := &workerProc{cmd: cmd, req: newLineWriter(reqW), reqW: reqW, events: make(chan event, 64),
		exited: make(chan struct{}), syncs: make(chan string, 8)}
	go func() {
		dec := newLineReader(evR)
		for {
			var ev event
			if err := dec.Decode(&ev); err != nil {
				break
			}
			w.events <- ev
		}
		w.err = cmd.Wait()
		close(w.exited)
	}()
	go s.pump(w, stdoutR, "stdout")
	go s.pump(w, stderrR, "stderr")
	select {
	case ev := <-w.events:
		if ev.Ev != "ready" {
			return nil, fmt.Errorf("the Go worker did not start: got %q", ev.Ev)
		}
	case <-w.exited:
		return nil, fmt.Errorf("the Go worker exited at start (%v): %s", w.err, w.stderrTail())
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		return nil, errors.New("the Go worker did not start within 30 s")
	}
	return w, nil
}

// pump forwards what the worker writes to fd 1 or 2 to the current cell,
// and reports the sync markers it finds.
func (s *Session) pump(w *workerProc, r io.Reader, name string) {
	buf := make([]byte, 32<<10)
	var pending []byte
	for {
		n, err := r.Read(buf)
		if n > 0 {
			pending = append(pending, buf[:n]...)
			if name == "stderr" {
				w.keepTail(buf[:n])
			}
			for {
				i := bytes.Index(pending, syncPrefix)
				if i < 0 {
					break
				}
				j := bytes.IndexByte(pending[i+len(syncPrefix):], syncEnd)
				if j < 0 {
					break
				}
				s.forward(name, pending[:i])
				w.syncs <- string(pending[i : i+len(syncPrefix)+j+1])
				pending = pending[i+len(syncPrefix)+j+1:]
			}
			// Hold back a possible partial marker.
			keep := 0
			if k := bytes.LastIndexByte(pending, syncPrefix[0]); k >= 0 && bytes.HasPrefix(syncPrefix, pending[k:min(len(pending), k+len(syncPrefix))]) {
				keep = len(pending) - k
			}
			s.forward(name, pending[:len(pending)-keep])
			pending = pending[len(pending)-keep:]
		}
		if err != nil {
			s.forward(name, pending)
			return
		}
	}
}

var (
	syncPrefix = []byte("\x00igo-sync-")
	syncEnd    = byte('\x01')
)

func newSyncMarker() string {
	b := make([]byte, 8)
	rand.Read(b)
	return string(syncPrefix) + hex.EncodeToString(b) + string(syncEnd)
}

func (s *Session) forward(name string, p []byte) {
	if len(p) == 0 {
		return
	}
	s.mu.Lock()
	out := s.out
	s.mu.Unlock()
	if out != nil {
		out.Stream(name, string(p))
	}
}

func (w *workerProc) keepTail(p []byte) {
	w.tailMu.Lock()
	defer w.tailMu.Unlock()
	w.tail = append(w.tail, p...)
	if len(w.tail) > 8<<10 {
		w.tail = w.tail[len(w.tail)-8<<10:]
	}
}

func (w *workerProc) stderrTail() string {
	w.tailMu.Lock()
	defer w.tailMu.Unlock()
	return string(w.tail)
}

func (w *workerProc) kill() {
	if w.cmd.Process != nil {
		w.cmd.Process.Kill()
	}
	w.reqW.Close()
	select {
	case <-w.exited:
	case <-time.After(5 * time.Second):
	}
}

// worker returns the running worker, starting one if needed.
func (s *Session) worker() (*workerProc, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w != nil {
		select {
		case <-s.w.exited:
			s.w = nil
		default:
			return s.w, nil
		}
	}
	w, err := s.start()
	if err != nil {
		return nil, err
	}
	s.w = w
	return w, nil
}

// Execute runs a cell in the worker.
func (s *Session) Execute(ctx context.Context, req session.ExecuteRequest, out session.Output) session.ExecuteReply {
	w, err := s.worker()
	if err != nil {
		return session.ExecuteReply{Error: &session.Error{Name: "WorkerError", Value: err.Error(), Traceback: []string{err.Error()}}}
	}
	out = &cappedOutput{Output: out}
	s.mu.Lock()
	s.out, s.busy = out, true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.busy = false
		s.mu.Unlock()
	}()
	select { // forget an interrupt that arrived between cells
	case <-s.interrupts:
	default:
	}
	marker := newSyncMarker()
	if err := w.req.send(request{Op: "execute", Code: req.Code, AllowStdin: req.AllowStdin,
		ExecutionCount: req.ExecutionCount, UserExpressions: req.UserExpressions, Sync: marker}); err != nil {
		return s.crashed(w, "the Go worker could not be reached")
	}
	var grace <-chan time.Time
	limit, limitErr := memoryLimit()
	if limitErr != nil {
		out.Stream("stderr", "igo: "+limitErr.Error()+"; no memory limit applies\n")
	}
	var memTick <-chan time.Time
	if limit > 0 {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		memTick = t.C
	}
	for {
		select {
		case <-memTick:
			if rss := residentMemory(w.cmd.Process.Pid); rss > limit {
				w.kill()
				s.restartAfterKill()
				msg := fmt.Sprintf("the cell used %s of memory, over the limit of %s (IGO_MEMORY_LIMIT), so IGo stopped the Go worker and started a new one: the session's state (variables, definitions) was reset. Use smaller data or batches, or raise IGO_MEMORY_LIMIT", humanBytes(rss), humanBytes(limit))
				return session.ExecuteReply{Error: &session.Error{Name: "MemoryLimit", Value: msg, Traceback: []string{"\x1b[31mMemoryLimit\x1b[0m: " + msg}}}
			}
		case ev := <-w.events:
			switch ev.Ev {
			case "done":
				w.awaitSync(marker)
				return session.ExecuteReply{Error: ev.Error, UserExpressions: ev.UserExpressions, Payload: ev.Payload}
			case "input_request":
				go func() {
					text, err := out.Input(ev.Text, ev.Password)
					r := request{Op: "input_reply", Text: text}
					if err != nil {
						r.Error = err.Error()
					}
					w.req.send(r)
				}()
			default:
				deliver(out, ev)
			}
		case <-w.exited:
			return s.crashed(w, "")
		case <-s.interrupts:
			w.req.send(request{Op: "interrupt"})
			grace = time.After(s.opts.InterruptGrace)
		case <-grace:
			w.kill()
			s.restartAfterKill()
			msg := fmt.Sprintf("the cell did not stop within %s of the interrupt, so IGo restarted the Go worker: the session's state (variables, definitions) was lost", s.opts.InterruptGrace)
			return session.ExecuteReply{Error: &session.Error{Name: "Interrupted", Value: msg, Traceback: []string{"\x1b[31mInterrupted\x1b[0m: " + msg}}}
		case <-ctx.Done():
			w.req.send(request{Op: "interrupt"})
			return session.ExecuteReply{Error: &session.Error{Name: "Cancelled", Value: "the kernel is shutting down"}}
		}
	}
}

// awaitSync waits until both fd 1 and fd 2 have delivered the marker.
func (w *workerProc) awaitSync(marker string) {
	timeout := time.After(2 * time.Second)
	for seen := 0; seen < 2; {
		select {
		case m := <-w.syncs:
			if m == marker {
				seen++
			}
		case <-timeout:
			return
		case <-w.exited:
			return
		}
	}
}

// deliver passes one worker event to the cell's output.
func deliver(out session.Output, ev event) {
	switch ev.Ev {
	case "stream":
		out.Stream(ev.Name, ev.Text)
	case "display":
		out.Display(ev.Data, orEmpty(ev.Metadata), orEmpty(ev.Transient), ev.Update)
	case "result":
		out.Result(ev.Data, orEmpty(ev.Metadata))
	case "clear":
		out.Clear(ev.Wait)
	}
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// crashed reports a worker that died during a cell and starts a new one.
func (s *Session) crashed(w *workerProc, why string) session.ExecuteReply {
	select {
	case <-w.exited:
	case <-time.After(5 * time.Second):
		w.kill()
	}
	// Let the pumps deliver the worker's last words first.
	time.Sleep(50 * time.Millisecond)
	reason := why
	if reason == "" {
		reason = describeExit(w.err, w.stderrTail())
	}
	s.restartAfterKill()
	msg := reason + "; IGo started a new Go worker: the session's state (variables, definitions) was reset"
	return session.ExecuteReply{Error: &session.Error{Name: "WorkerDied", Value: msg, Traceback: []string{"\x1b[31mWorkerDied\x1b[0m: " + msg}}}
}

// describeExit says in a line why the worker ended.
func describeExit(err error, stderr string) string {
	if i := strings.LastIndex(stderr, "panic: "); i >= 0 {
		line := stderr[i:]
		if j := strings.IndexByte(line, '\n'); j >= 0 {
			line = line[:j]
		}
		if strings.Contains(stderr, "goroutine ") {
			return "the Go worker crashed: " + line + " (a panic in a goroutine ends the program; recover inside the goroutine to keep running)"
		}
		return "the Go worker crashed: " + line
	}
	if strings.Contains(stderr, "fatal error: all goroutines are asleep - deadlock!") {
		return "the Go worker stopped: all goroutines are asleep (deadlock)"
	}
	if i := strings.LastIndex(stderr, "fatal error: "); i >= 0 {
		line := stderr[i:]
		if j := strings.IndexByte(line, '\n'); j >= 0 {
			line = line[:j]
		}
		return "the Go worker crashed: " + line
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if st, ok := ee.Sys().(syscall.WaitStatus); ok && st.Signaled() {
			return fmt.Sprintf("the Go worker was killed by signal %s", st.Signal())
		}
		return fmt.Sprintf("the Go worker exited with status %d", ee.ExitCode())
	}
	return "the Go worker ended unexpectedly"
}

func (s *Session) restartAfterKill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.w = nil
	w, err := s.start()
	if err != nil {
		fmt.Fprintf(s.opts.Log, "igo: restarting the worker: %v\n", err)
		return
	}
	s.w = w
}

// Interrupt asks the running cell to stop.
func (s *Session) Interrupt() {
	s.mu.Lock()
	busy := s.busy
	s.mu.Unlock()
	if !busy {
		return
	}
	select {
	case s.interrupts <- struct{}{}:
	default:
	}
}

// ask sends a request and waits for the event answering it.
func (s *Session) ask(r request, want string) (event, error) {
	w, err := s.worker()
	if err != nil {
		return event{}, err
	}
	if err := w.req.send(r); err != nil {
		return event{}, err
	}
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev := <-w.events:
			if ev.Ev == want {
				return ev, nil
			}
			s.mu.Lock()
			out := s.out
			s.mu.Unlock()
			if out != nil {
				deliver(out, ev)
			}
		case <-w.exited:
			return event{}, errors.New("the Go worker ended")
		case <-timeout:
			return event{}, errors.New("the Go worker did not answer")
		}
	}
}

// Complete asks the worker for completions.
func (s *Session) Complete(code string, cursor int) session.Completion {
	ev, err := s.ask(request{Op: "complete", Code: code, Cursor: cursor}, "complete")
	if err != nil || ev.Completion == nil {
		return session.Completion{CursorStart: cursor, CursorEnd: cursor, Matches: []string{}, Metadata: map[string]any{}}
	}
	if ev.Completion.Matches == nil {
		ev.Completion.Matches = []string{}
	}
	return *ev.Completion
}

// Inspect asks the worker to describe the symbol at the cursor.
func (s *Session) Inspect(code string, cursor, detail int) session.Inspection {
	ev, err := s.ask(request{Op: "inspect", Code: code, Cursor: cursor, Detail: detail}, "inspect")
	if err != nil || ev.Inspection == nil {
		return session.Inspection{Data: map[string]any{}}
	}
	return *ev.Inspection
}

// IsComplete is answered here, without the worker: it is only syntax.
func (s *Session) IsComplete(code string) (string, string) { return isComplete(code) }

// Restart replaces the worker with a fresh one.
func (s *Session) Restart() error {
	s.mu.Lock()
	w := s.w
	s.w = nil
	s.mu.Unlock()
	if w != nil {
		w.kill()
	}
	_, err := s.worker()
	return err
}

// Close ends the worker.
func (s *Session) Close() error {
	s.mu.Lock()
	w := s.w
	s.w = nil
	s.mu.Unlock()
	if w != nil {
		w.reqW.Close() // the worker exits when its requests end
		select {
		case <-w.exited:
		case <-time.After(2 * time.Second):
			w.kill()
		}
	}
	return nil
}
