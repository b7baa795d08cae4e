package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/gofrs/uuid"

	"github.com/igo-kernel/igo/session"
)

// echoSession answers every call at once: the request fuzzer exercises the
// kernel's parsing of message contents, not a language.
type echoSession struct{}

func (echoSession) Execute(_ context.Context, req session.ExecuteRequest, out session.Output) session.ExecuteReply {
	out.Stream("stdout", req.Code)
	exprs := map[string]any{}
	for name := range req.UserExpressions {
		exprs[name] = map[string]any{"status": "ok", "data": map[string]any{}, "metadata": map[string]any{}}
	}
	rep := session.ExecuteReply{UserExpressions: exprs}
	if strings.HasPrefix(req.Code, "fail") {
		rep.Error = &session.Error{Name: "E", Value: req.Code}
	}
	return rep
}

func (echoSession) Complete(code string, cursor int) session.Completion {
	return session.Completion{CursorStart: cursor, CursorEnd: cursor}
}

func (echoSession) Inspect(code string, cursor, detail int) session.Inspection {
	return session.Inspection{Found: cursor > 0, Data: map[string]any{"text/plain": code}}
}

func (echoSession) IsComplete(code string) (string, string) {
	if strings.HasSuffix(code, "{") {
		return "incomplete", "    "
	}
	return "complete", ""
}

func (echoSession) Interrupt()     {}
func (echoSession) Restart() error { return nil }
func (echoSession) Close() error   { return nil }

// errorCounter is a slog handler counting error records: the kernel logs
// every panic it recovers from at error level.
type errorCounter struct {
	n    atomic.Int64
	last atomic.Value // string
}

func (h *errorCounter) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelError }
func (h *errorCounter) Handle(_ context.Context, r slog.Record) error {
	h.n.Add(1)
	h.last.Store(r.Message)
	return nil
}
func (h *errorCounter) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *errorCounter) WithGroup(string) slog.Handler      { return h }

// fuzzPeer is one kernel served on loopback with a shell client, shared by
// every input of a fuzzing process (starting one per input is too slow).
type fuzzPeer struct {
	conn   ConnectionInfo
	errs   *errorCounter
	shell  zmq4.Socket
	shellC chan message
	signer signer
}

var (
	peerOnce sync.Once
	peer     *fuzzPeer
	peerErr  error
)

func startFuzzPeer() (*fuzzPeer, error) {
	// Ports from the OS; the small race with other processes is accepted.
	var ports []int
	for range 5 {
		p, err := freePort()
		if err != nil {
			return nil, err
		}
		ports = append(ports, p)
	}
	conn := ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", SignatureScheme: "hmac-sha256", Key: "fuzz-key",
		ShellPort: ports[0], IOPubPort: ports[1], StdinPort: ports[2], ControlPort: ports[3], HBPort: ports[4]}
	errs := &errorCounter{}
	k, err := newKernel(conn, Info{Implementation: "igo"}, echoSession{}, slog.New(errs))
	if err != nil {
		return nil, err
	}
	go k.serve(context.Background()) // lives as long as the fuzzing process
	ctx := context.Background()
	p := &fuzzPeer{conn: conn, errs: errs, signer: newSigner(conn.Key),
		shell: zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity("fuzz-"+uuid.Must(uuid.NewV4()).String())))}
	if err := p.shell.Dial(conn.endpoint(conn.ShellPort)); err != nil {
		return nil, err
	}
	// A subscriber drains iopub so that the kernel's publishing never waits.
	iopub := zmq4.NewSub(ctx)
	if err := iopub.Dial(conn.endpoint(conn.IOPubPort)); err != nil {
		return nil, err
	}
	iopub.SetOption(zmq4.OptionSubscribe, "")
	go func() {
		for {
			if _, err := iopub.Recv(); err != nil {
				return
			}
		}
	}()
	p.shellC = make(chan message, 64)
	go func() {
		for {
			zm, err := p.shell.Recv()
			if err != nil {
				return
			}
			if m, err := decode(zm.Frames, p.signer); err == nil {
				p.shellC <- m
			}
		}
	}()
	return p, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// send signs and sends one request with raw content; it returns its id.
func (p *fuzzPeer) send(msgType string, content []byte) (string, error) {
	h := newHeader(msgType, "fuzz")
	frames, err := encode(message{Header: h, Content: content}, p.signer)
	if err != nil {
		return "", err
	}
	return h.MsgID, p.shell.SendMulti(zmq4.NewMsgFrom(frames...))
}

// replyTo waits for the reply to msgID, returning the replies to other
// requests that came first.
func (p *fuzzPeer) replyTo(msgID string) (reply message, before []message, err error) {
	timeout := time.After(wait)
	for {
		select {
		case m := <-p.shellC:
			if parentID(m) == msgID {
				return m, before, nil
			}
			before = append(before, m)
		case <-timeout:
			return message{}, before, errors.New("no reply within the wait")
		}
	}
}

// fuzzTypes are the requests the fuzzer picks from; shutdown is left out
// because it ends the shared kernel.
var fuzzTypes = []string{
	"execute_request", "complete_request", "inspect_request", "is_complete_request",
	"history_request", "kernel_info_request", "comm_info_request", "comm_open",
	"comm_msg", "connect_request", "interrupt_request", "no_such_request",
}

// FuzzRequest sends signed requests with arbitrary contents to a kernel
// through a real socket. Every request (a *_request with a JSON object as
// content) gets exactly one reply, no request makes the kernel panic, and
// the kernel keeps answering.
func FuzzRequest(f *testing.F) {
	f.Add(uint8(0), "", []byte(`{"code":"print(1)","silent":false,"user_expressions":{"a":"b"}}`))
	f.Add(uint8(0), "", []byte(`{"code":"fail","stop_on_error":true}`))
	f.Add(uint8(0), "", []byte(`{"code":1}`))
	f.Add(uint8(1), "", []byte(`{"code":"fmt.Pr","cursor_pos":-5}`))
	f.Add(uint8(1), "", []byte(`{"code":"x","cursor_pos":1e300}`))
	f.Add(uint8(2), "", []byte(`{"code":"fmt","cursor_pos":99999,"detail_level":7}`))
	f.Add(uint8(3), "", []byte(`{"code":"func f() {"}`))
	f.Add(uint8(4), "", []byte(`{"hist_access_type":"tail","n":1e18}`))
	f.Add(uint8(4), "", []byte(`{"hist_access_type":"range","session":-1,"start":-1e18,"stop":-3}`))
	f.Add(uint8(4), "", []byte(`{"hist_access_type":"search","pattern":"*a*a*a*a*a*a*b","n":-1,"unique":true}`))
	f.Add(uint8(7), "", []byte(`{"comm_id":[],"target_name":{}}`))
	f.Add(uint8(255), "x_request", []byte(`{}`))
	f.Add(uint8(255), "_request", []byte(`{}`))
	f.Add(uint8(0), "", []byte(`[1,2]`))
	f.Add(uint8(0), "", []byte(`{"code":"\u0000\ud800"}`))
	f.Fuzz(func(t *testing.T, pick uint8, name string, content []byte) {
		peerOnce.Do(func() { peer, peerErr = startFuzzPeer() })
		if peerErr != nil {
			t.Fatal(peerErr)
		}
		msgType := name
		if int(pick) < len(fuzzTypes) || name == "" || name == "shutdown_request" {
			msgType = fuzzTypes[int(pick)%len(fuzzTypes)]
		}
		before := peer.errs.n.Load()
		id, err := peer.send(msgType, content)
		if err != nil {
			t.Fatalf("send: %v", err)
		}
		probe, err := peer.send("kernel_info_request", []byte("{}"))
		if err != nil {
			t.Fatalf("send: %v", err)
		}
		_, earlier, err := peer.replyTo(probe)
		if err != nil {
			t.Fatalf("%s with content %q: the kernel stopped answering: %v", msgType, content, err)
		}
		_, isRequest := replyType(msgType)
		want := 0
		if isRequest && isJSONObject(orEmpty(content)) { // encode sends no content as {}
			want = 1
		}
		got := 0
		for _, m := range earlier {
			if parentID(m) == id {
				got++
			}
		}
		if got != want {
			t.Fatalf("%s with content %q: %d replies, want %d", msgType, content, got, want)
		}
		if n := peer.errs.n.Load(); n != before {
			t.Fatalf("%s with content %q: the kernel logged an error: %v", msgType, content, peer.errs.last.Load())
		}
	})
}

// FuzzConnectionInfo checks the connection file parser: no panic, and a
// file it accepts names a known transport, valid ports and endpoints.
func FuzzConnectionInfo(f *testing.F) {
	f.Add([]byte(`{"transport":"tcp","ip":"127.0.0.1","signature_scheme":"hmac-sha256","key":"k","shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5}`))
	f.Add([]byte(`{"transport":"ipc","ip":"/tmp/k","shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5}`))
	f.Add([]byte(`{"transport":"udp","ip":"::1","shell_port":70000}`))
	f.Add([]byte(`{"ip":"*","key":"k","signature_scheme":"hmac-md5"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var ci ConnectionInfo
		if json.Unmarshal(data, &ci) != nil {
			return
		}
		if ci.validate() != nil {
			return
		}
		if ci.Transport != "tcp" && ci.Transport != "ipc" {
			t.Fatalf("accepted transport %q", ci.Transport)
		}
		if ci.Key != "" && ci.SignatureScheme != "hmac-sha256" {
			t.Fatalf("accepted signature scheme %q", ci.SignatureScheme)
		}
		for _, p := range ci.ports() {
			if p.port < 1 || p.port > 65535 {
				t.Fatalf("accepted %s %d", p.name, p.port)
			}
			ep, bind := ci.endpoint(p.port), ci.bindEndpoint(p.port)
			if !strings.HasPrefix(ep, ci.Transport+"://") || !strings.HasSuffix(bind, ep[len(ci.Transport):]) {
				t.Fatalf("endpoint %q, bind endpoint %q", ep, bind)
			}
		}
	})
}

// FuzzGuardScan feeds arbitrary bytes, cut into reads of any size, to the
// ZMTP frame guard: it must not panic, must keep at most one frame header
// in memory, and must reach the same verdict however the bytes arrive.
func FuzzGuardScan(f *testing.F) {
	f.Add(append(greeting(), 0x01, 3, 'a', 'b', 'c'), uint8(1))
	f.Add(append(greeting(), longHeader(0, 1<<62)...), uint8(3))
	f.Add(append(greeting(), longHeader(0x01, 300)...), uint8(64))
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		whole := &guardConn{skip: zmtpGreeting}
		wholeErr := whole.scan(data)
		pieces := &guardConn{skip: zmtpGreeting}
		var piecesErr error
		n := int(step%32) + 1
		for i := 0; i < len(data) && piecesErr == nil; i += n {
			piecesErr = pieces.scan(data[i:min(i+n, len(data))])
			if len(pieces.hdr) > len(pieces.lenBuf) {
				t.Fatalf("frame header grew to %d bytes", len(pieces.hdr))
			}
		}
		if (wholeErr == nil) != (piecesErr == nil) {
			t.Fatalf("verdict depends on read sizes: whole %v, by %d: %v", wholeErr, n, piecesErr)
		}
		if wholeErr != nil && !errors.Is(wholeErr, errFrameLimit) {
			t.Fatalf("unexpected error %v", wholeErr)
		}
	})
}
