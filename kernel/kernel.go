// Package kernel speaks the Jupyter messaging protocol 5.4 over ZeroMQ: it
// reads the connection file, binds the shell, control, stdin, iopub and
// heartbeat sockets, signs and verifies messages, and turns requests into
// calls on a session.Session. It knows Jupyter, not the language it runs.
package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/gofrs/uuid"

	"github.com/igo-kernel/igo/session"
)

// HelpLink is one entry of the help menu a frontend shows for the kernel.
type HelpLink struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// Info describes the kernel in kernel_info_reply. The language fields that
// do not change (name go, mimetype text/x-go, ...) are fixed by the package.
type Info struct {
	Implementation        string
	ImplementationVersion string
	LanguageVersion       string
	Banner                string
	HelpLinks             []HelpLink
}

// Timeouts of the shutdown sequence; they bound how long Run waits for
// parts that may not cooperate, they do not pace normal work.
const (
	shellDrainWait = 3 * time.Second        // for a running cell after sess.Close
	iopubFlushWait = 100 * time.Millisecond // zmq4's PUB sends asynchronously
)

// Run serves the Jupyter protocol for sess on the sockets of conn until a
// shutdown_request arrives or ctx is cancelled, then closes sess. A shutdown
// request with restart=true also ends Run: Jupyter clients wait for the
// kernel process to exit and start a fresh one.
func Run(ctx context.Context, conn ConnectionInfo, info Info, sess session.Session, log *slog.Logger) error {
	k, err := newKernel(conn, info, sess, log)
	if err != nil {
		return err
	}
	return k.serve(ctx)
}

// socket is a zmq4 socket with a lock: zmq4 sockets are not safe for
// concurrent sends.
type socket struct {
	name string
	mu   sync.Mutex
	zs   zmq4.Socket
}

func (s *socket) send(frames [][]byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.zs.SendMulti(zmq4.NewMsgFrom(frames...))
}

// received is a message with its arrival order on the shell socket.
type received struct {
	message
	seq int64
}

type kernel struct {
	conn    ConnectionInfo
	info    Info
	sess    session.Session
	log     *slog.Logger
	signer  signer
	session string // this kernel's session id, in every header it sends

	shell, control, stdin, iopub, hb *socket

	shellQueue chan received
	shellSeq   atomic.Int64 // shell messages received so far
	// abortUpTo: execute requests with seq <= abortUpTo arrived before a
	// failed cell's reply was sent and are aborted (stop_on_error).
	abortUpTo int64
	count     int // execution count; touched only by the shell worker
	hist      history

	inputReplies chan message
	inputMu      sync.Mutex
	inputCancel  chan struct{} // closed by an interrupt while Input waits

	execCtx    context.Context // given to Execute, cancelled at shutdown
	execCancel context.CancelFunc
	done       chan struct{} // closed when a shutdown request was served
	stopOnce   sync.Once
	closing    atomic.Bool
	shellDone  chan struct{}
	wg         sync.WaitGroup
}

func newKernel(conn ConnectionInfo, info Info, sess session.Session, log *slog.Logger) (*kernel, error) {
	if err := conn.validate(); err != nil {
		return nil, err
	}
	if sess == nil {
		return nil, errors.New("kernel: nil session")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	k := &kernel{
		conn:         conn,
		info:         info,
		sess:         sess,
		log:          log,
		signer:       newSigner(conn.Key),
		session:      uuid.Must(uuid.NewV4()).String(),
		shellQueue:   make(chan received, 1024),
		inputReplies: make(chan message, 8),
		done:         make(chan struct{}),
		shellDone:    make(chan struct{}),
	}
	k.execCtx, k.execCancel = context.WithCancel(context.Background())
	if err := k.bind(); err != nil {
		k.execCancel()
		return nil, err
	}
	return k, nil
}

// bind creates and binds the five sockets, closing them all if one fails.
func (k *kernel) bind() error {
	bg := context.Background()
	specs := []struct {
		dst  **socket
		name string
		port int
		zs   zmq4.Socket
	}{
		{&k.shell, "shell", k.conn.ShellPort, zmq4.NewRouter(bg)},
		{&k.control, "control", k.conn.ControlPort, zmq4.NewRouter(bg)},
		{&k.stdin, "stdin", k.conn.StdinPort, zmq4.NewRouter(bg)},
		{&k.iopub, "iopub", k.conn.IOPubPort, zmq4.NewPub(bg)},
		{&k.hb, "heartbeat", k.conn.HBPort, zmq4.NewRep(bg)},
	}
	var bound []zmq4.Socket
	for _, s := range specs {
		ep := k.conn.bindEndpoint(s.port)
		if err := s.zs.Listen(ep); err != nil {
			s.zs.Close()
			for _, b := range bound {
				b.Close()
			}
			return fmt.Errorf("kernel: cannot bind the %s socket to %s (is the port in use?): %w", s.name, k.conn.endpoint(s.port), err)
		}
		bound = append(bound, s.zs)
		*s.dst = &socket{name: s.name, zs: s.zs}
	}
	return nil
}

// serve runs the socket loops until shutdown, then tears everything down.
func (k *kernel) serve(ctx context.Context) error {
	k.log.Info("kernel started", "ip", k.conn.IP, "shell_port", k.conn.ShellPort, "session", k.session)
	k.goLoop(k.heartbeatLoop)
	k.goLoop(k.shellReader)
	k.goLoop(k.controlLoop)
	k.goLoop(k.stdinReader)
	go k.shellWorker()

	select {
	case <-ctx.Done():
		k.log.Info("kernel stopping: context cancelled")
		k.stop()
	case <-k.done:
		k.log.Info("kernel stopping: shutdown requested")
	}
	k.execCancel()
	err := k.sess.Close()
	select {
	case <-k.shellDone:
	case <-time.After(shellDrainWait):
		k.log.Warn("a running cell did not stop after the session closed")
	}
	time.Sleep(iopubFlushWait)
	k.closing.Store(true)
	for _, s := range []*socket{k.shell, k.control, k.stdin, k.iopub, k.hb} {
		s.zs.Close()
	}
	k.wg.Wait()
	if err != nil {
		return fmt.Errorf("kernel: closing the session: %w", err)
	}
	return nil
}

func (k *kernel) goLoop(f func()) {
	k.wg.Add(1)
	go func() {
		defer k.wg.Done()
		f()
	}()
}

// stop ends serving; safe to call more than once.
func (k *kernel) stop() {
	k.stopOnce.Do(func() { close(k.done) })
}

// stopped reports whether the kernel is shutting down.
func (k *kernel) stopped() bool {
	select {
	case <-k.done:
		return true
	default:
		return false
	}
}

// recv reads the next valid message from s; ok is false once s is closed.
// Invalid messages are logged and skipped.
func (k *kernel) recv(s *socket) (message, bool) {
	for {
		zm, err := s.zs.Recv()
		if err != nil {
			if k.closing.Load() || errors.Is(err, context.Canceled) {
				return message{}, false
			}
			k.log.Warn("receive failed", "socket", s.name, "err", err)
			continue
		}
		m, err := decode(zm.Frames, k.signer)
		if err != nil {
			k.log.Warn("dropped an invalid message", "socket", s.name, "err", err)
			continue
		}
		k.log.Debug("received", "socket", s.name, "msg_type", m.Header.MsgType, "msg_id", m.Header.MsgID)
		return m, true
	}
}

func (k *kernel) heartbeatLoop() {
	for {
		zm, err := k.hb.zs.Recv()
		if err != nil {
			if k.closing.Load() || errors.Is(err, context.Canceled) {
				return
			}
			continue
		}
		if err := k.hb.send(zm.Frames); err != nil && !k.closing.Load() {
			k.log.Warn("heartbeat echo failed", "err", err)
		}
	}
}

// shellReader queues shell requests so that the worker runs them in order
// while the reader keeps counting arrivals (for stop_on_error).
func (k *kernel) shellReader() {
	for {
		m, ok := k.recv(k.shell)
		if !ok {
			return
		}
		select {
		case k.shellQueue <- received{message: m, seq: k.shellSeq.Add(1)}:
		case <-k.done:
			return
		}
	}
}

func (k *kernel) shellWorker() {
	defer close(k.shellDone)
	for {
		select {
		case <-k.done:
			return
		case r := <-k.shellQueue:
			if k.stopped() {
				return
			}
			k.handleShell(r)
		}
	}
}

func (k *kernel) controlLoop() {
	for {
		m, ok := k.recv(k.control)
		if !ok {
			return
		}
		k.handleControl(m)
	}
}

func (k *kernel) stdinReader() {
	for {
		m, ok := k.recv(k.stdin)
		if !ok {
			return
		}
		if m.Header.MsgType != "input_reply" {
			k.log.Warn("ignored a message on stdin", "msg_type", m.Header.MsgType)
			continue
		}
		select {
		case k.inputReplies <- m:
		default:
			k.log.Warn("dropped an input_reply nobody waits for")
		}
	}
}

// reply sends a reply to the peer that sent parent, on socket s.
func (k *kernel) reply(s *socket, parent message, msgType string, content any) {
	k.sendTo(s, parent.Identities, parent, msgType, content)
}

// publish broadcasts a message on iopub with parent as its parent header.
func (k *kernel) publish(parent message, msgType string, content any) {
	topic := []byte("kernel." + k.session + "." + msgType)
	k.sendTo(k.iopub, [][]byte{topic}, parent, msgType, content)
}

// sendTo builds, signs and sends one message; it returns its header.
func (k *kernel) sendTo(s *socket, ids [][]byte, parent message, msgType string, content any) header {
	h := newHeader(msgType, k.session)
	c, err := json.Marshal(content)
	if err != nil {
		// Outputs may hold values JSON cannot carry (NaN, channels): tell
		// the user on stderr; a reply still goes, as an error.
		k.log.Error("cannot encode message content", "msg_type", msgType, "err", err)
		if strings.HasSuffix(msgType, "_reply") {
			c, _ = json.Marshal(errorContent("EncodingError", err.Error(), nil))
		} else {
			h.MsgType = "stream"
			c, _ = json.Marshal(map[string]any{"name": "stderr", "text": "kernel: cannot send " + msgType + ": " + err.Error() + "\n"})
		}
	}
	frames, err := encode(message{
		Identities:   ids,
		Header:       h,
		ParentHeader: parent.RawHeader,
		Metadata:     json.RawMessage("{}"),
		Content:      c,
	}, k.signer)
	if err == nil {
		err = s.send(frames)
	}
	if err != nil && !k.closing.Load() {
		k.log.Warn("send failed", "socket", s.name, "msg_type", msgType, "err", err)
	}
	k.log.Debug("sent", "socket", s.name, "msg_type", msgType)
	return h
}

// replyType names the reply of a request type: foo_request -> foo_reply.
func replyType(reqType string) (string, bool) {
	base, ok := strings.CutSuffix(reqType, "_request")
	if !ok || base == "" {
		return "", false
	}
	return base + "_reply", true
}
