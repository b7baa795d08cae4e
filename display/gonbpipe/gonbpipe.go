// Package gonbpipe serves GoNB's display protocol, so code written for
// GoNB notebooks (github.com/janpfeifer/gonb/gonbui, GoMLX's
// ui/gonb/margaid and ui/gonb/plotly plots, its notebook progress bar)
// shows its output in IGo.
//
// GoNB programs talk gob over two named pipes whose paths come from the
// environment: GONB_PIPE (program -> kernel: protocol.DisplayData) and
// GONB_PIPE_BACK (kernel -> program: protocol.CommValue). A Server creates
// both FIFOs in a temporary folder, decodes what programs send and forwards
// it to a display.Publisher: display data, updates of earlier displays by
// display id, input requests (when an input handler is given) and the
// acknowledgements gonbui.Sync waits for. Widgets (comms) are not served.
//
// gonbui decides whether it runs in a notebook once, in its package init
// (gonbui.IsNotebook = GONB_PIPE is set), and opens the pipes lazily on its
// first display. So set Env on a process before it starts, or, to serve the
// current process, call InstallInProcess, which also sets
// gonbui.IsNotebook. GoMLX's own checks (ui/notebooks.IsGoNB) read the
// environment on every call.
package gonbpipe

import (
	"encoding/base64"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/igo-kernel/igo/display"
	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// Options tune a Server.
type Options struct {
	// Dir is where the temporary folder with the FIFOs is made
	// ("" = the system's temporary folder).
	Dir string
	// Input answers gonbui.RequestInput; the answer and a newline are
	// written to the writer given to SetStdin, the program's stdin, as
	// GoNB does. Nil: input requests are reported as unsupported.
	Input func(prompt string, password bool) (string, error)
}

// Server serves the GoNB pipes of one program at a time; when a program
// exits, the next one to open the pipes is served.
type Server struct {
	pub              display.Publisher
	opts             Options
	dir              string
	toKernel, toProg string // FIFO paths: GONB_PIPE, GONB_PIPE_BACK

	mu     sync.Mutex
	closed bool
	stdin  io.Writer
	files  []*os.File // open FIFO ends, closed by Close
	known  map[string]bool
	warned bool
	loops  sync.WaitGroup
}

// Start creates the FIFOs and serves them, forwarding displays to pub.
func Start(pub display.Publisher, opts Options) (*Server, error) {
	dir, err := os.MkdirTemp(opts.Dir, "igo-gonb-")
	if err != nil {
		return nil, err
	}
	s := &Server{
		pub: pub, opts: opts, dir: dir,
		toKernel: filepath.Join(dir, "gonb_pipe"),
		toProg:   filepath.Join(dir, "gonb_pipe_back"),
		known:    map[string]bool{},
	}
	for _, p := range []string{s.toKernel, s.toProg} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			_ = os.RemoveAll(dir)
			return nil, fmt.Errorf("creating FIFO %s: %w", p, err)
		}
	}
	s.loops.Add(1)
	go s.readLoop()
	return s, nil
}

// Env lists the variables that make a process started with them talk to
// this server ("NAME=value").
func (s *Server) Env() []string {
	return []string{protocol.GONB_PIPE_ENV + "=" + s.toKernel, protocol.GONB_PIPE_BACK_ENV + "=" + s.toProg}
}

// InstallInProcess makes gonbui in this process talk to the server: it
// sets the environment variables and gonbui.IsNotebook, which gonbui reads
// only at init. Call it before the first gonbui display, and keep the server
// for the life of the process: gonbui opens its pipes once and never
// reconnects (an error on them is permanent).
func (s *Server) InstallInProcess() error {
	for k, v := range map[string]string{protocol.GONB_PIPE_ENV: s.toKernel, protocol.GONB_PIPE_BACK_ENV: s.toProg} {
		if err := os.Setenv(k, v); err != nil {
			return err
		}
	}
	gonbui.IsNotebook = true
	return nil
}

// SetStdin sets where answers to input requests are written: the stdin of
// the program being served.
func (s *Server) SetStdin(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stdin = w
}

// Connected reports whether a program has opened the pipes: until then
// there is nothing to wait for (gonbui.Sync would open them for nothing).
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.files) > 0
}

// isClosed reports whether Close was called.
func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// track remembers an open FIFO end so Close can interrupt it; it returns
// false (and closes f) when the server is already closed.
func (s *Server) track(f *os.File) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		_ = f.Close()
		return false
	}
	s.files = append(s.files, f)
	return true
}

// readLoop serves one program after another: a session starts when a
// program opens GONB_PIPE and ends when it closes it (exits).
func (s *Server) readLoop() {
	defer s.loops.Done()
	for !s.isClosed() {
		f, err := os.OpenFile(s.toKernel, os.O_RDONLY, 0) // waits for a program
		if err != nil || !s.track(f) {
			return
		}
		back := make(chan *protocol.CommValue, 128)
		written := make(chan struct{})
		go s.writeSession(back, written)
		dec := gob.NewDecoder(f)
		for {
			msg := &protocol.DisplayData{}
			if err := dec.Decode(msg); err != nil {
				if !errors.Is(err, io.EOF) && !s.isClosed() {
					s.notice(fmt.Sprintf("GoNB display pipe: %v", err))
				}
				break
			}
			s.handle(msg, back)
		}
		_ = f.Close()
		close(back)
		// The writer may still wait for the program to open GONB_PIPE_BACK:
		// open it ourselves until the writer is gone.
		for waiting := true; waiting; {
			select {
			case <-written:
				waiting = false
			case <-time.After(10 * time.Millisecond):
				if r, err := os.OpenFile(s.toProg, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
					_ = r.Close()
				}
			}
		}
	}
}

// writeSession sends the messages of one session to its program on
// GONB_PIPE_BACK, with a fresh gob stream.
func (s *Server) writeSession(back <-chan *protocol.CommValue, written chan<- struct{}) {
	defer close(written)
	f, err := os.OpenFile(s.toProg, os.O_WRONLY, 0) // waits for the program
	if err != nil {
		return
	}
	defer f.Close()
	enc := gob.NewEncoder(f)
	for msg := range back {
		if err := enc.Encode(msg); err != nil {
			for range back { // program gone: drop the rest
			}
			return
		}
	}
}

// handle dispatches one message from a program.
func (s *Server) handle(msg *protocol.DisplayData, back chan<- *protocol.CommValue) {
	if req, ok := msg.Data[protocol.MIMEJupyterInput]; ok {
		s.input(req)
		return
	}
	if v, ok := msg.Data[protocol.MIMECommValue]; ok {
		if cv, ok := v.(protocol.CommValue); ok && cv.Address == protocol.GonbuiSyncAddress {
			// gonbui.Sync waits for this; everything sent before it has
			// been published by now, since messages are handled in order.
			select {
			case back <- &protocol.CommValue{Address: protocol.GonbuiSyncAckAddress, Value: cv.Value}:
			default: // nobody reads acks: drop rather than stall displays
			}
			return
		}
		s.unsupportedWidgets()
		return
	}
	if _, ok := msg.Data[protocol.MIMECommSubscribe]; ok {
		s.unsupportedWidgets()
		return
	}
	data := make(map[string]any, len(msg.Data))
	for mime, content := range msg.Data {
		if b, ok := content.([]byte); ok {
			content = base64.StdEncoding.EncodeToString(b) // binary travels as base64 in Jupyter
		}
		data[string(mime)] = content
	}
	metadata := map[string]any{}
	for k, v := range msg.Metadata {
		metadata[k] = v
	}
	transient := map[string]any{}
	update := false
	if id := msg.DisplayID; id != "" {
		transient["display_id"] = id
		s.mu.Lock()
		update = s.known[id] // the first use of an id creates the display
		s.known[id] = true
		s.mu.Unlock()
	}
	s.pub.Display(data, metadata, transient, update)
}

// input answers gonbui.RequestInput through the Input option.
func (s *Server) input(v any) {
	req, ok := v.(protocol.InputRequest)
	s.mu.Lock()
	stdin := s.stdin
	s.mu.Unlock()
	if !ok || s.opts.Input == nil || stdin == nil {
		s.notice("gonbui.RequestInput is not supported here")
		return
	}
	go func() { // the program may never read its stdin: do not block the pipe
		answer, err := s.opts.Input(req.Prompt, req.Password)
		if err != nil {
			s.notice(fmt.Sprintf("input request failed: %v", err))
			return
		}
		_, _ = io.WriteString(stdin, answer+"\n")
	}()
}

// unsupportedWidgets says once that gonbui widgets do not work here.
func (s *Server) unsupportedWidgets() {
	s.mu.Lock()
	warned := s.warned
	s.warned = true
	s.mu.Unlock()
	if !warned {
		s.notice("gonbui widgets (comms) are not supported by IGo; their values are ignored")
	}
}

// notice shows a short text message in the notebook.
func (s *Server) notice(text string) {
	s.pub.Display(map[string]any{"text/plain": text}, map[string]any{}, map[string]any{}, false)
}

// Close stops serving, interrupts a program's open pipes and removes the
// FIFOs.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	files := s.files
	s.mu.Unlock()
	for _, f := range files {
		_ = f.Close()
	}
	done := make(chan struct{})
	go func() { s.loops.Wait(); close(done) }()
	for {
		// A read loop blocked in open waits for a program: open it ourselves.
		if f, err := os.OpenFile(s.toKernel, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			_ = f.Close()
		}
		select {
		case <-done:
			return os.RemoveAll(s.dir)
		case <-time.After(10 * time.Millisecond):
		}
	}
}
