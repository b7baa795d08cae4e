package kernel

import (
	"context"
	"encoding/json"
	"math"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/gofrs/uuid"

	"github.com/igo-kernel/igo/session"
)

// wait bounds every wait in these tests, so a broken kernel fails a test
// instead of hanging it. It is a guard, not a performance expectation.
const wait = 10 * time.Second

// fakeSession runs a tiny command language, enough to drive every kind of
// output: "print TEXT", "warn TEXT", "result", "display", "clear", "input",
// "fail", "block" (until interrupted), "gate" (until the kernel has
// received gateCount shell messages, then fail).
type fakeSession struct {
	mu         sync.Mutex
	executed   []string
	requests   []session.ExecuteRequest
	closed     int
	restarts   int
	interrupts int
	interrupt  chan struct{}
	gate       func() // used by "gate"
}

func newFakeSession() *fakeSession { return &fakeSession{interrupt: make(chan struct{}, 1)} }

func (f *fakeSession) Execute(ctx context.Context, req session.ExecuteRequest, out session.Output) session.ExecuteReply {
	f.mu.Lock()
	f.executed = append(f.executed, req.Code)
	f.requests = append(f.requests, req)
	gate := f.gate
	f.mu.Unlock()

	exprs := map[string]any{}
	for name, expr := range req.UserExpressions {
		exprs[name] = map[string]any{"status": "ok", "data": map[string]any{"text/plain": "value of " + expr}, "metadata": map[string]any{}}
	}
	rep := session.ExecuteReply{UserExpressions: exprs}
	fail := func(name, value string) session.ExecuteReply {
		rep.Error = &session.Error{Name: name, Value: value, Traceback: []string{name + ": " + value}}
		return rep
	}
	cmd, arg, _ := strings.Cut(req.Code, " ")
	switch cmd {
	case "print":
		out.Stream("stdout", arg)
	case "warn":
		out.Stream("stderr", arg)
	case "result":
		out.Result(map[string]any{"text/plain": "42"}, nil)
	case "display":
		out.Display(map[string]any{"text/html": "<b>hi</b>"}, nil, map[string]any{"display_id": "d1"}, false)
		out.Display(map[string]any{"text/html": "<b>bye</b>"}, nil, map[string]any{"display_id": "d1"}, true)
	case "clear":
		out.Clear(true)
	case "nan":
		out.Display(map[string]any{"text/plain": math.NaN()}, nil, nil, false)
	case "input":
		v, err := out.Input("name? ", false)
		if err != nil {
			return fail("InputError", err.Error())
		}
		out.Stream("stdout", "hello "+v)
	case "fail":
		out.Stream("stdout", "before the error")
		return fail("TestError", "it failed")
	case "block":
		select {
		case <-f.interrupt:
			return fail("Interrupted", "interrupted")
		case <-ctx.Done():
			return fail("Cancelled", "kernel shutting down")
		}
	case "gate":
		gate()
		return fail("TestError", "gate failed")
	}
	return rep
}

func (f *fakeSession) Complete(code string, cursor int) session.Completion {
	return session.Completion{Matches: []string{"Println", "Printf"}, CursorStart: cursor - 2, CursorEnd: cursor}
}

func (f *fakeSession) Inspect(code string, cursor, detail int) session.Inspection {
	return session.Inspection{Found: code != "", Data: map[string]any{"text/plain": "doc of " + code}}
}

func (f *fakeSession) IsComplete(code string) (string, string) {
	if strings.HasSuffix(code, "{") {
		return "incomplete", "\t"
	}
	return "complete", ""
}

func (f *fakeSession) Interrupt() {
	f.mu.Lock()
	f.interrupts++
	f.mu.Unlock()
	select {
	case f.interrupt <- struct{}{}:
	default:
	}
}

func (f *fakeSession) Restart() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.restarts++
	return nil
}

func (f *fakeSession) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed++
	return nil
}

// setGate makes the next "gate" cell wait until k has received the gate
// cell and n more shell messages.
func (f *fakeSession) setGate(k *kernel, n int64) {
	target := k.shellSeq.Load() + 1 + n
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gate = func() {
		deadline := time.Now().Add(wait)
		for k.shellSeq.Load() < target && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
	}
}

func (f *fakeSession) executedCodes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.executed...)
}

// freePorts finds n free TCP ports on loopback.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ls []net.Listener
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

func testConn(t *testing.T) ConnectionInfo {
	p := freePorts(t, 5)
	return ConnectionInfo{
		Transport: "tcp", IP: "127.0.0.1", SignatureScheme: "hmac-sha256", Key: "test-key",
		ShellPort: p[0], IOPubPort: p[1], StdinPort: p[2], ControlPort: p[3], HBPort: p[4],
	}
}

// running is a kernel served in the background.
type running struct {
	k      *kernel
	cancel context.CancelFunc
	result chan error
}

func startKernel(t *testing.T, sess session.Session) (*running, ConnectionInfo) {
	t.Helper()
	conn := testConn(t)
	info := Info{Implementation: "igo", ImplementationVersion: "0.0.1", LanguageVersion: "go1.26", Banner: "IGo test"}
	k, err := newKernel(conn, info, sess, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{k: k, cancel: cancel, result: make(chan error, 1)}
	go func() { r.result <- k.serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.result:
		case <-time.After(wait):
			t.Error("kernel did not stop")
		}
	})
	return r, conn
}

func (r *running) waitExit(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.result:
		r.result <- err // for Cleanup
		return err
	case <-time.After(wait):
		t.Fatal("kernel did not exit")
		return nil
	}
}

// client is a test frontend speaking the protocol with zmq4 sockets.
type client struct {
	t                     *testing.T
	signer                signer
	session               string
	shell, control, stdin zmq4.Socket
	iopub, hb             zmq4.Socket
	shellC, controlC      chan message
	stdinC, iopubC        chan message
}

func connect(t *testing.T, conn ConnectionInfo) *client {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	id := zmq4.WithID(zmq4.SocketIdentity("client-" + uuid.Must(uuid.NewV4()).String()))
	c := &client{
		t:       t,
		signer:  newSigner(conn.Key),
		session: uuid.Must(uuid.NewV4()).String(),
		shell:   zmq4.NewDealer(ctx, id),
		control: zmq4.NewDealer(ctx, id),
		stdin:   zmq4.NewDealer(ctx, id),
		iopub:   zmq4.NewSub(ctx),
		hb:      zmq4.NewReq(ctx),
	}
	dial := func(s zmq4.Socket, port int) {
		if err := s.Dial(conn.endpoint(port)); err != nil {
			t.Fatal(err)
		}
	}
	dial(c.shell, conn.ShellPort)
	dial(c.control, conn.ControlPort)
	dial(c.stdin, conn.StdinPort)
	dial(c.iopub, conn.IOPubPort)
	dial(c.hb, conn.HBPort)
	if err := c.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	c.shellC, c.controlC = c.pump(c.shell), c.pump(c.control)
	c.stdinC, c.iopubC = c.pump(c.stdin), c.pump(c.iopub)
	t.Cleanup(func() {
		cancel()
		for _, s := range []zmq4.Socket{c.shell, c.control, c.stdin, c.iopub, c.hb} {
			s.Close()
		}
	})
	return c
}

// pump decodes what s receives into a channel.
func (c *client) pump(s zmq4.Socket) chan message {
	ch := make(chan message, 256)
	go func() {
		for {
			zm, err := s.Recv()
			if err != nil {
				return
			}
			m, err := decode(zm.Frames, c.signer)
			if err != nil {
				c.t.Errorf("client got an invalid message: %v", err)
				continue
			}
			ch <- m
		}
	}()
	return ch
}

// sendSigned sends a request signed with signer s; it returns its msg_id.
func (c *client) sendSigned(sock zmq4.Socket, s signer, msgType string, content any, parent json.RawMessage) string {
	c.t.Helper()
	h := newHeader(msgType, c.session)
	b, err := json.Marshal(content)
	if err != nil {
		c.t.Fatal(err)
	}
	frames, err := encode(message{Header: h, ParentHeader: parent, Content: b}, s)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := sock.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		c.t.Fatal(err)
	}
	return h.MsgID
}

func (c *client) send(sock zmq4.Socket, msgType string, content any) string {
	c.t.Helper()
	return c.sendSigned(sock, c.signer, msgType, content, nil)
}

func (c *client) next(ch chan message, what string) message {
	c.t.Helper()
	select {
	case m := <-ch:
		return m
	case <-time.After(wait):
		c.t.Fatalf("no %s message within %v", what, wait)
		return message{}
	}
}

// reply waits for the next message on ch and checks it answers msgID.
func (c *client) reply(ch chan message, msgID, wantType string) map[string]any {
	c.t.Helper()
	m := c.next(ch, wantType)
	if m.Header.MsgType != wantType || parentID(m) != msgID {
		c.t.Fatalf("got %s for %s, want %s for %s", m.Header.MsgType, parentID(m), wantType, msgID)
	}
	return contentOf(c.t, m)
}

// untilIdle collects the iopub messages of request msgID up to its idle.
func (c *client) untilIdle(msgID string) []message {
	c.t.Helper()
	var got []message
	for {
		m := c.next(c.iopubC, "iopub")
		if parentID(m) != msgID {
			continue
		}
		got = append(got, m)
		if m.Header.MsgType == "status" && contentOf(c.t, m)["execution_state"] == "idle" {
			return got
		}
	}
}

// ready waits until iopub delivers, as jupyter_client does: PUB drops what
// it sends before the subscription reaches the kernel.
func (c *client) ready() {
	c.t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		id := c.send(c.shell, "kernel_info_request", map[string]any{})
		c.reply(c.shellC, id, "kernel_info_reply")
		select {
		case m := <-c.iopubC:
			if parentID(m) == id {
				c.untilIdleAfter(m, id)
				return
			}
		case <-time.After(100 * time.Millisecond):
		}
	}
	c.t.Fatal("iopub never delivered")
}

func (c *client) untilIdleAfter(first message, id string) {
	if first.Header.MsgType == "status" && contentOf(c.t, first)["execution_state"] == "idle" {
		return
	}
	c.untilIdle(id)
}

func parentID(m message) string {
	var p struct {
		MsgID string `json:"msg_id"`
	}
	_ = json.Unmarshal(m.ParentHeader, &p)
	return p.MsgID
}

func contentOf(t *testing.T, m message) map[string]any {
	t.Helper()
	var c map[string]any
	if err := json.Unmarshal(m.Content, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func types(ms []message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Header.MsgType)
	}
	return out
}

func execContent(code string) map[string]any {
	return map[string]any{"code": code, "silent": false, "store_history": true, "user_expressions": map[string]any{}, "allow_stdin": true, "stop_on_error": true}
}

func TestKernelInfo(t *testing.T) {
	_, conn := startKernel(t, newFakeSession())
	c := connect(t, conn)
	c.ready()

	for _, sock := range []struct {
		s  zmq4.Socket
		ch chan message
	}{{c.shell, c.shellC}, {c.control, c.controlC}} {
		id := c.send(sock.s, "kernel_info_request", map[string]any{})
		r := c.reply(sock.ch, id, "kernel_info_reply")
		li, _ := r["language_info"].(map[string]any)
		if r["status"] != "ok" || r["protocol_version"] != "5.4" || r["implementation"] != "igo" || r["banner"] != "IGo test" {
			t.Errorf("kernel_info_reply = %v", r)
		}
		if li["name"] != "go" || li["file_extension"] != ".go" || li["mimetype"] != "text/x-go" || li["version"] != "go1.26" {
			t.Errorf("language_info = %v", li)
		}
		got := types(c.untilIdle(id))
		if strings.Join(got, ",") != "status,status" {
			t.Errorf("iopub for kernel_info = %v, want busy and idle", got)
		}
	}
}

func TestExecute(t *testing.T) {
	fs := newFakeSession()
	_, conn := startKernel(t, fs)
	c := connect(t, conn)
	c.ready()

	// A cell with a stream output: busy, execute_input, stream, idle.
	content := execContent("print hello")
	content["user_expressions"] = map[string]any{"x": "1+1"}
	id := c.send(c.shell, "execute_request", content)
	r := c.reply(c.shellC, id, "execute_reply")
	if r["status"] != "ok" || r["execution_count"] != 1.0 {
		t.Errorf("execute_reply = %v", r)
	}
	ue, _ := r["user_expressions"].(map[string]any)
	if x, _ := ue["x"].(map[string]any); x["status"] != "ok" {
		t.Errorf("user_expressions = %v", r["user_expressions"])
	}
	msgs := c.untilIdle(id)
	if got := strings.Join(types(msgs), ","); got != "status,execute_input,stream,status" {
		t.Fatalf("iopub order = %s", got)
	}
	if in := contentOf(t, msgs[1]); in["code"] != "print hello" || in["execution_count"] != 1.0 {
		t.Errorf("execute_input = %v", in)
	}
	if s := contentOf(t, msgs[2]); s["name"] != "stdout" || s["text"] != "hello" {
		t.Errorf("stream = %v", s)
	}
	if s := contentOf(t, msgs[0]); s["execution_state"] != "busy" {
		t.Errorf("first status = %v", s)
	}

	// Results, displays and clear_output carry the new count.
	for _, cell := range []struct{ code, want string }{
		{"result", "execute_result"},
		{"display", "display_data,update_display_data"},
		{"clear", "clear_output"},
		{"warn oops", "stream"},
	} {
		id := c.send(c.shell, "execute_request", execContent(cell.code))
		c.reply(c.shellC, id, "execute_reply")
		msgs := c.untilIdle(id)
		got := strings.Join(types(msgs[2:len(msgs)-1]), ",")
		if got != cell.want {
			t.Errorf("%s: outputs %s, want %s", cell.code, got, cell.want)
		}
		if cell.code == "result" {
			if rc := contentOf(t, msgs[2]); rc["execution_count"] != 2.0 {
				t.Errorf("execute_result = %v", rc)
			}
		}
		if cell.code == "display" {
			tr, _ := contentOf(t, msgs[3])["transient"].(map[string]any)
			if tr["display_id"] != "d1" {
				t.Errorf("update_display_data transient = %v", tr)
			}
		}
	}

	// An error: one error output, and the reply repeats it.
	id = c.send(c.shell, "execute_request", execContent("fail"))
	r = c.reply(c.shellC, id, "execute_reply")
	if r["status"] != "error" || r["ename"] != "TestError" || r["evalue"] != "it failed" || r["execution_count"] != 6.0 {
		t.Errorf("error reply = %v", r)
	}
	msgs = c.untilIdle(id)
	if got := strings.Join(types(msgs), ","); got != "status,execute_input,stream,error,status" {
		t.Errorf("iopub for an error = %s", got)
	}
	if e := contentOf(t, msgs[3]); e["ename"] != "TestError" || len(e["traceback"].([]any)) != 1 {
		t.Errorf("error = %v", e)
	}

	// Silent: no outputs, no count; store_history=false: no count either.
	silent := execContent("print quiet")
	silent["silent"] = true
	id = c.send(c.shell, "execute_request", silent)
	if r := c.reply(c.shellC, id, "execute_reply"); r["execution_count"] != 6.0 {
		t.Errorf("silent reply = %v", r)
	}
	if got := strings.Join(types(c.untilIdle(id)), ","); got != "status,status" {
		t.Errorf("silent cell published %s", got)
	}
	nohist := execContent("result")
	nohist["store_history"] = false
	id = c.send(c.shell, "execute_request", nohist)
	if r := c.reply(c.shellC, id, "execute_reply"); r["execution_count"] != 6.0 {
		t.Errorf("store_history=false reply = %v", r)
	}
	c.untilIdle(id)
	id = c.send(c.shell, "execute_request", execContent("print again"))
	if r := c.reply(c.shellC, id, "execute_reply"); r["execution_count"] != 7.0 {
		t.Errorf("count after silent cells = %v", r["execution_count"])
	}
	c.untilIdle(id)

	// History holds only stored cells, with their results on request.
	id = c.send(c.shell, "history_request", map[string]any{"output": true, "raw": true, "hist_access_type": "tail", "n": 3})
	h := c.reply(c.shellC, id, "history_reply")
	want := `[[0,5,["warn oops",null]],[0,6,["fail",null]],[0,7,["print again",null]]]`
	if got, _ := json.Marshal(h["history"]); string(got) != want {
		t.Errorf("history = %s, want %s", got, want)
	}
	id = c.send(c.shell, "history_request", map[string]any{"output": true, "raw": true, "hist_access_type": "range", "session": 0, "start": 2, "stop": 3})
	if got, _ := json.Marshal(c.reply(c.shellC, id, "history_reply")["history"]); string(got) != `[[0,2,["result","42"]]]` {
		t.Errorf("history range = %s", got)
	}
	id = c.send(c.shell, "history_request", map[string]any{"output": false, "raw": true, "hist_access_type": "search", "pattern": "print*", "unique": true})
	if got, _ := json.Marshal(c.reply(c.shellC, id, "history_reply")["history"]); string(got) != `[[0,1,"print hello"],[0,7,"print again"]]` {
		t.Errorf("history search = %s", got)
	}

	if got := fs.executedCodes(); len(got) != 9 {
		t.Errorf("session ran %d cells: %q", len(got), got)
	}
}

func TestShellRequests(t *testing.T) {
	_, conn := startKernel(t, newFakeSession())
	c := connect(t, conn)
	c.ready()

	id := c.send(c.shell, "complete_request", map[string]any{"code": "fmt.Pr", "cursor_pos": 6})
	r := c.reply(c.shellC, id, "complete_reply")
	if r["status"] != "ok" || r["cursor_start"] != 4.0 || r["cursor_end"] != 6.0 || len(r["matches"].([]any)) != 2 {
		t.Errorf("complete_reply = %v", r)
	}
	id = c.send(c.shell, "inspect_request", map[string]any{"code": "fmt", "cursor_pos": 3, "detail_level": 0})
	r = c.reply(c.shellC, id, "inspect_reply")
	if data, _ := r["data"].(map[string]any); r["found"] != true || data["text/plain"] != "doc of fmt" {
		t.Errorf("inspect_reply = %v", r)
	}
	id = c.send(c.shell, "is_complete_request", map[string]any{"code": "func f() {"})
	if r := c.reply(c.shellC, id, "is_complete_reply"); r["status"] != "incomplete" || r["indent"] != "\t" {
		t.Errorf("is_complete_reply = %v", r)
	}
	id = c.send(c.shell, "comm_info_request", map[string]any{})
	if r := c.reply(c.shellC, id, "comm_info_reply"); r["status"] != "ok" || len(r["comms"].(map[string]any)) != 0 {
		t.Errorf("comm_info_reply = %v", r)
	}
	id = c.send(c.shell, "usage_request", map[string]any{})
	if r := c.reply(c.shellC, id, "usage_reply"); r["status"] != "error" || r["ename"] == "" {
		t.Errorf("reply to an unknown request = %v", r)
	}
	id = c.send(c.control, "debug_request", map[string]any{"command": "initialize"})
	if r := c.reply(c.controlC, id, "debug_reply"); r["status"] != "error" {
		t.Errorf("debug_reply = %v", r)
	}

	// comm_open for an unknown target is closed on iopub, with no reply.
	id = c.send(c.shell, "comm_open", map[string]any{"comm_id": "c1", "target_name": "jupyter.widget", "data": map[string]any{}})
	msgs := c.untilIdle(id)
	if got := strings.Join(types(msgs), ","); got != "status,comm_close,status" {
		t.Fatalf("comm_open iopub = %s", got)
	}
	if cc := contentOf(t, msgs[1]); cc["comm_id"] != "c1" {
		t.Errorf("comm_close = %v", cc)
	}
	// The next shell reply answers the next request: comm_open got none.
	id = c.send(c.shell, "kernel_info_request", map[string]any{})
	c.reply(c.shellC, id, "kernel_info_reply")
}

func TestUnencodableOutputBecomesStderr(t *testing.T) {
	_, conn := startKernel(t, newFakeSession())
	c := connect(t, conn)
	c.ready()
	id := c.send(c.shell, "execute_request", execContent("nan"))
	if r := c.reply(c.shellC, id, "execute_reply"); r["status"] != "ok" {
		t.Errorf("execute_reply = %v", r)
	}
	msgs := c.untilIdle(id)
	if got := strings.Join(types(msgs), ","); got != "status,execute_input,stream,status" {
		t.Fatalf("iopub = %s", got)
	}
	s := contentOf(t, msgs[2])
	if s["name"] != "stderr" || !strings.Contains(s["text"].(string), "cannot send display_data") {
		t.Errorf("stream = %v", s)
	}
}

func TestBadMessagesAreDropped(t *testing.T) {
	fs := newFakeSession()
	_, conn := startKernel(t, fs)
	c := connect(t, conn)
	c.ready()

	c.sendSigned(c.shell, newSigner("wrong-key"), "execute_request", execContent("print evil"), nil)
	c.sendSigned(c.shell, newSigner(""), "execute_request", execContent("print unsigned"), nil)
	for _, frames := range [][][]byte{
		{[]byte("garbage")},
		{[]byte(delimiter), []byte("sig")},
		{[]byte(delimiter), c.signer.sign([][]byte{[]byte("{"), []byte("{}"), []byte("{}"), []byte("{}")}), []byte("{"), []byte("{}"), []byte("{}"), []byte("{}")},
	} {
		if err := c.shell.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
			t.Fatal(err)
		}
	}
	id := c.send(c.shell, "execute_request", execContent("print good"))
	r := c.reply(c.shellC, id, "execute_reply")
	if r["status"] != "ok" || r["execution_count"] != 1.0 {
		t.Errorf("reply after bad messages = %v", r)
	}
	if got := fs.executedCodes(); len(got) != 1 || got[0] != "print good" {
		t.Errorf("session ran %q, want only the good cell", got)
	}
}

func TestStopOnErrorAbortsQueuedCells(t *testing.T) {
	fs := newFakeSession()
	r, conn := startKernel(t, fs)
	c := connect(t, conn)
	c.ready()
	// The failing cell holds until the kernel has received the two cells
	// queued behind it, so they are queued when it fails.
	fs.setGate(r.k, 2)
	first := c.send(c.shell, "execute_request", execContent("gate"))
	second := c.send(c.shell, "execute_request", execContent("print a"))
	third := c.send(c.shell, "execute_request", execContent("print b"))
	if rep := c.reply(c.shellC, first, "execute_reply"); rep["status"] != "error" {
		t.Errorf("failing cell = %v", rep)
	}
	for _, id := range []string{second, third} {
		if rep := c.reply(c.shellC, id, "execute_reply"); rep["status"] != "aborted" {
			t.Errorf("queued cell = %v, want aborted", rep)
		}
	}
	// A cell sent after the error reply runs.
	id := c.send(c.shell, "execute_request", execContent("print c"))
	if rep := c.reply(c.shellC, id, "execute_reply"); rep["status"] != "ok" {
		t.Errorf("cell after the error = %v", rep)
	}
	if got := strings.Join(fs.executedCodes(), ","); got != "gate,print c" {
		t.Errorf("session ran %s", got)
	}

	// stop_on_error=false: the next queued cell runs.
	noStop := execContent("gate")
	noStop["stop_on_error"] = false
	fs.setGate(r.k, 1)
	first = c.send(c.shell, "execute_request", noStop)
	second = c.send(c.shell, "execute_request", execContent("print d"))
	c.reply(c.shellC, first, "execute_reply")
	if rep := c.reply(c.shellC, second, "execute_reply"); rep["status"] != "ok" {
		t.Errorf("cell after a stop_on_error=false failure = %v", rep)
	}
}

func TestStdin(t *testing.T) {
	_, conn := startKernel(t, newFakeSession())
	c := connect(t, conn)
	c.ready()

	id := c.send(c.shell, "execute_request", execContent("input"))
	req := c.next(c.stdinC, "input_request")
	rc := contentOf(t, req)
	if req.Header.MsgType != "input_request" || parentID(req) != id || rc["prompt"] != "name? " || rc["password"] != false {
		t.Fatalf("got %s %v (parent %s)", req.Header.MsgType, rc, parentID(req))
	}
	c.sendSigned(c.stdin, c.signer, "input_reply", map[string]any{"value": "Go"}, req.RawHeader)
	if r := c.reply(c.shellC, id, "execute_reply"); r["status"] != "ok" {
		t.Errorf("execute_reply = %v", r)
	}
	msgs := c.untilIdle(id)
	if s := contentOf(t, msgs[2]); msgs[2].Header.MsgType != "stream" || s["text"] != "hello Go" {
		t.Errorf("output = %s %v", msgs[2].Header.MsgType, s)
	}

	noStdin := execContent("input")
	noStdin["allow_stdin"] = false
	id = c.send(c.shell, "execute_request", noStdin)
	r := c.reply(c.shellC, id, "execute_reply")
	if r["status"] != "error" || !strings.Contains(r["evalue"].(string), "allow_stdin is false") {
		t.Errorf("input without stdin = %v", r)
	}
}

func TestControlWhileCellRuns(t *testing.T) {
	fs := newFakeSession()
	_, conn := startKernel(t, fs)
	c := connect(t, conn)
	c.ready()

	id := c.send(c.shell, "execute_request", execContent("block"))
	// Control answers while the shell is busy with the blocked cell.
	info := c.send(c.control, "kernel_info_request", map[string]any{})
	c.reply(c.controlC, info, "kernel_info_reply")
	intr := c.send(c.control, "interrupt_request", map[string]any{})
	if r := c.reply(c.controlC, intr, "interrupt_reply"); r["status"] != "ok" {
		t.Errorf("interrupt_reply = %v", r)
	}
	if r := c.reply(c.shellC, id, "execute_reply"); r["status"] != "error" || r["ename"] != "Interrupted" {
		t.Errorf("interrupted cell = %v", r)
	}
}

func TestShutdown(t *testing.T) {
	for _, restart := range []bool{false, true} {
		fs := newFakeSession()
		r, conn := startKernel(t, fs)
		c := connect(t, conn)
		c.ready()
		id := c.send(c.control, "shutdown_request", map[string]any{"restart": restart})
		if rep := c.reply(c.controlC, id, "shutdown_reply"); rep["status"] != "ok" || rep["restart"] != restart {
			t.Errorf("shutdown_reply = %v", rep)
		}
		if err := r.waitExit(t); err != nil {
			t.Errorf("Run returned %v", err)
		}
		fs.mu.Lock()
		if fs.closed != 1 {
			t.Errorf("session closed %d times", fs.closed)
		}
		fs.mu.Unlock()
	}
}

func TestShutdownWhileCellRuns(t *testing.T) {
	fs := newFakeSession()
	r, conn := startKernel(t, fs)
	c := connect(t, conn)
	c.ready()
	c.send(c.shell, "execute_request", execContent("block"))
	id := c.send(c.control, "shutdown_request", map[string]any{"restart": false})
	c.reply(c.controlC, id, "shutdown_reply")
	if err := r.waitExit(t); err != nil {
		t.Errorf("Run returned %v", err)
	}
}

func TestContextCancelStopsRun(t *testing.T) {
	fs := newFakeSession()
	r, _ := startKernel(t, fs)
	r.cancel()
	if err := r.waitExit(t); err != nil {
		t.Errorf("Run returned %v", err)
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.closed != 1 {
		t.Errorf("session closed %d times", fs.closed)
	}
}

func TestHeartbeat(t *testing.T) {
	_, conn := startKernel(t, newFakeSession())
	c := connect(t, conn)
	got := make(chan []byte, 1)
	go func() {
		if err := c.hb.Send(zmq4.NewMsgString("ping")); err != nil {
			return
		}
		m, err := c.hb.Recv()
		if err == nil {
			got <- m.Frames[0]
		}
	}()
	select {
	case b := <-got:
		if string(b) != "ping" {
			t.Errorf("heartbeat echoed %q", b)
		}
	case <-time.After(wait):
		t.Fatal("no heartbeat echo")
	}
}

func TestPortInUse(t *testing.T) {
	conn := testConn(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	conn.ControlPort = l.Addr().(*net.TCPAddr).Port
	err = Run(context.Background(), conn, Info{}, newFakeSession(), nil)
	if err == nil || !strings.Contains(err.Error(), "control") {
		t.Fatalf("Run = %v, want a bind error naming the control socket", err)
	}
	// The sockets bound before the failure were released.
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(conn.ShellPort)))
	if err != nil {
		t.Errorf("shell port still bound: %v", err)
	} else {
		ln.Close()
	}
}
