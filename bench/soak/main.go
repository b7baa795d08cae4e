// Command soak runs a long notebook session against IGo and reports what
// grew: 10,000 cells by default (definitions, prints, displays and small
// GoMLX graphs) through the Jupyter protocol, with the kernel's and the
// worker's resident memory and goroutine counts at the start and at the
// end, and how long a worker restart takes.
//
//	go run ./bench/soak [-cells 10000] [-igo path/to/igo]
//
// The kernel runs inside this process (the same kernel.Run the igo binary
// serves), so its goroutines can be counted; the worker is a real igo
// worker process, started from the igo binary (built into a temporary
// directory when -igo is not given). The client is a small ZMQ client.
package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/gofrs/uuid"

	"github.com/igo-kernel/igo/kernel"
	"github.com/igo-kernel/igo/runtime"
)

func main() {
	cells := flag.Int("cells", 10000, "number of cells to run")
	igo := flag.String("igo", "", "igo binary whose worker runs the cells (default: build one)")
	restarts := flag.Int("restarts", 5, "worker restarts to time at the end")
	kind := flag.Int("kind", -1, "run only cells of one kind, to find what grows: 0 definitions, 2 displays, 3 graphs, 4 expressions (-1: the mix)")
	flag.Parse()
	if err := soak(*cells, *igo, *restarts, *kind); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func soak(cells int, igo string, restarts, kind int) error {
	if igo == "" {
		dir, err := os.MkdirTemp("", "igo-soak")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		igo = filepath.Join(dir, "igo")
		fmt.Println("building igo...")
		build := exec.Command("go", "build", "-o", igo, "github.com/igo-kernel/igo")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("go build: %w", err)
		}
	}
	conn, err := loopbackConn()
	if err != nil {
		return err
	}
	sess, err := runtime.NewSession(runtime.Options{Command: []string{igo, "worker"}})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	go func() { served <- kernel.Run(ctx, conn, kernel.Info{Implementation: "igo-soak"}, sess, quiet) }()

	c, err := dial(conn)
	if err != nil {
		return err
	}
	defer c.close()
	if err := c.ready(); err != nil {
		return err
	}
	// Warm up what every later cell uses, so "start" is a steady state.
	for _, code := range []string{`fmt.Println("warm")`, `backend := compute.MustNew()`, graphCell(0)} {
		if r := c.execute(code); r.err != nil {
			return fmt.Errorf("warm-up cell %q: %w", code, r.err)
		}
	}
	start, err := c.measure()
	if err != nil {
		return err
	}
	fmt.Printf("start: %s\n", start)

	began := time.Now()
	failures := 0
	for n := range cells {
		i := n
		if kind >= 0 {
			i = n*5 + kind%5
		}
		code := soakCell(i)
		r := c.execute(code)
		if r.err == nil {
			r.err = checkOutput(i, r)
		}
		if r.err != nil {
			failures++
			if failures <= 5 {
				fmt.Printf("cell %d failed: %v\n%s\n", i, r.err, code)
			}
		}
		if (n+1)%1000 == 0 {
			m, _ := c.measure()
			fmt.Printf("%6d cells, %s elapsed: %s\n", n+1, time.Since(began).Round(time.Second), m)
		}
	}
	elapsed := time.Since(began)
	goruntime.GC()
	end, err := c.measure()
	if err != nil {
		return err
	}
	fmt.Printf("end:   %s\n", end)
	fmt.Printf("%d cells in %s (%.1f cells/s), %d failed\n", cells, elapsed.Round(time.Millisecond), float64(cells)/elapsed.Seconds(), failures)

	// Worker restart: kill it and time the next cell (kill, report, start
	// a new worker, run the cell).
	var times []time.Duration
	for range restarts {
		pid, err := workerPID()
		if err != nil {
			return err
		}
		t0 := time.Now()
		if err := syscallKill(pid); err != nil {
			return err
		}
		c.execute(`1`) // reports the dead worker and starts a new one
		if r := c.execute(`fmt.Println("back")`); r.err != nil {
			return fmt.Errorf("after a restart: %w", r.err)
		}
		times = append(times, time.Since(t0))
	}
	if len(times) > 0 {
		fmt.Printf("worker restart (kill to the next cell's reply): %s\n", durations(times))
	}
	// The restart alone, as Session.Restart does it between cells.
	times = times[:0]
	for range restarts {
		t0 := time.Now()
		if err := sess.Restart(); err != nil {
			return fmt.Errorf("restart: %w", err)
		}
		times = append(times, time.Since(t0))
	}
	if len(times) > 0 {
		fmt.Printf("worker restart (Session.Restart: stop, start, ready): %s\n", durations(times))
	}
	c.shutdown()
	select {
	case err := <-served:
		if err != nil {
			return err
		}
	case <-time.After(10 * time.Second):
		return errors.New("the kernel did not stop after shutdown")
	}
	if failures > 0 {
		return fmt.Errorf("%d of %d cells failed", failures, cells)
	}
	return nil
}

// soakCell is cell i of the session: a mix of what notebooks do.
func soakCell(i int) string {
	switch i % 5 {
	case 0:
		return fmt.Sprintf("func scale%d(x int) int { return x * %d }", i%50, i)
	case 1:
		return fmt.Sprintf("v%d := scale%d(%d)\nfmt.Println(\"cell\", %d, v%d)", i%200, (i-1)%50, i, i, i%200)
	case 2:
		return fmt.Sprintf(`display.HTML("<b>cell %d</b>")`, i)
	case 3:
		return graphCell(i)
	default:
		return fmt.Sprintf("s := strings.Repeat(\"x\", %d)\nlen(s)", i%100)
	}
}

// checkOutput checks that a cell showed what it computes, so a session
// that silently stops running cells does not pass for a fast one.
func checkOutput(i int, r result) error {
	switch i % 5 {
	case 1:
		if want := fmt.Sprintf("cell %d %d\n", i, i*(i-1)); r.stdout != want {
			return fmt.Errorf("printed %q, want %q", r.stdout, want)
		}
	case 3:
		if want := fmt.Sprintf("[%d %d %d]", 2*(1+i%7), 2*(2+i%7), 2*(3+i%7)); r.result != want {
			return fmt.Errorf("graph gave %q, want %q", r.result, want)
		}
	case 4:
		if want := strconv.Itoa(i % 100); r.result != want {
			return fmt.Errorf("result %q, want %q", r.result, want)
		}
	}
	return nil
}

// graphCell builds and runs a tiny GoMLX graph on the Go backend.
func graphCell(i int) string {
	return fmt.Sprintf("graph.MustNewExec1(backend, func(x *graph.Node) *graph.Node { return graph.MulScalar(graph.AddScalar(x, %d), 2) }).MustCall([]float32{1, 2, 3}).Value()", i%7)
}

// stats is one measurement of the two processes.
type stats struct {
	kernelRSS, workerRSS       int64
	kernelGoroutines, workerGo int
	kernelThreads              int
}

func (s stats) String() string {
	return fmt.Sprintf("kernel RSS %s, %d goroutines (%d threads); worker RSS %s, %d goroutines",
		mib(s.kernelRSS), s.kernelGoroutines, s.kernelThreads, mib(s.workerRSS), s.workerGo)
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// measure reads both processes' memory from /proc and their goroutines:
// the kernel's directly (it runs here), the worker's from a cell.
func (c *client) measure() (stats, error) {
	var s stats
	s.kernelRSS = rss(os.Getpid())
	s.kernelGoroutines = goruntime.NumGoroutine()
	s.kernelThreads = threads(os.Getpid())
	pid, err := workerPID()
	if err != nil {
		return s, err
	}
	s.workerRSS = rss(pid)
	r := c.execute(`runtime.NumGoroutine()`)
	if r.err != nil {
		return s, fmt.Errorf("counting the worker's goroutines: %w", r.err)
	}
	s.workerGo, _ = strconv.Atoi(strings.TrimSpace(r.result))
	return s, nil
}

func rss(pid int) int64 {
	b, err := os.ReadFile(statmPath(pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

func threads(pid int) int {
	entries, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	return len(entries)
}

// workerPID finds the worker: this process's live child.
func workerPID() (int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	me := strconv.Itoa(os.Getpid())
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		if len(f) > 1 && f[1] == me && f[0] != "Z" {
			return strconv.Atoi(e.Name())
		}
	}
	return 0, errors.New("no worker process found")
}

func durations(ds []time.Duration) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, d.Round(time.Millisecond).String())
	}
	return strings.Join(parts, ", ")
}

// loopbackConn picks five free loopback ports and a random key.
func loopbackConn() (kernel.ConnectionInfo, error) {
	var ports []int
	var ls []net.Listener
	for range 5 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return kernel.ConnectionInfo{}, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return kernel.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", SignatureScheme: "hmac-sha256",
		Key: uuid.Must(uuid.NewV4()).String(), ShellPort: ports[0], IOPubPort: ports[1],
		StdinPort: ports[2], ControlPort: ports[3], HBPort: ports[4]}, nil
}

// client is the smallest Jupyter client the soak needs: shell, control and
// iopub, signed with HMAC-SHA256.
type client struct {
	key            []byte
	session        string
	shell, control zmq4.Socket
	iopub          zmq4.Socket
	iopubC         chan msg
}

type msg struct {
	Header  map[string]any
	Parent  map[string]any
	Content map[string]any
}

func (m msg) typ() string      { s, _ := m.Header["msg_type"].(string); return s }
func (m msg) parentID() string { s, _ := m.Parent["msg_id"].(string); return s }

func dial(conn kernel.ConnectionInfo) (*client, error) {
	ctx := context.Background()
	c := &client{key: []byte(conn.Key), session: uuid.Must(uuid.NewV4()).String(),
		shell: zmq4.NewDealer(ctx), control: zmq4.NewDealer(ctx), iopub: zmq4.NewSub(ctx),
		iopubC: make(chan msg, 4096)}
	ep := func(p int) string { return "tcp://127.0.0.1:" + strconv.Itoa(p) }
	for _, d := range []struct {
		s    zmq4.Socket
		port int
	}{{c.shell, conn.ShellPort}, {c.control, conn.ControlPort}, {c.iopub, conn.IOPubPort}} {
		if err := d.s.Dial(ep(d.port)); err != nil {
			return nil, err
		}
	}
	if err := c.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		return nil, err
	}
	go func() {
		for {
			zm, err := c.iopub.Recv()
			if err != nil {
				close(c.iopubC)
				return
			}
			if m, err := c.decode(zm.Frames); err == nil {
				c.iopubC <- m
			}
		}
	}()
	return c, nil
}

func (c *client) close() {
	for _, s := range []zmq4.Socket{c.shell, c.control, c.iopub} {
		s.Close()
	}
}

func (c *client) sign(parts [][]byte) []byte {
	h := hmac.New(sha256.New, c.key)
	for _, p := range parts {
		h.Write(p)
	}
	return []byte(hex.EncodeToString(h.Sum(nil)))
}

func (c *client) send(s zmq4.Socket, msgType string, content any) (string, error) {
	id := uuid.Must(uuid.NewV4()).String()
	hdr, _ := json.Marshal(map[string]any{"msg_id": id, "session": c.session, "username": "soak",
		"date": time.Now().UTC().Format(time.RFC3339Nano), "msg_type": msgType, "version": "5.4"})
	body, err := json.Marshal(content)
	if err != nil {
		return "", err
	}
	parts := [][]byte{hdr, []byte("{}"), []byte("{}"), body}
	frames := append([][]byte{[]byte("<IDS|MSG>"), c.sign(parts)}, parts...)
	return id, s.SendMulti(zmq4.NewMsgFrom(frames...))
}

func (c *client) decode(frames [][]byte) (msg, error) {
	var m msg
	for i, f := range frames {
		if string(f) != "<IDS|MSG>" {
			continue
		}
		if len(frames) < i+6 {
			break
		}
		parts := frames[i+2 : i+6]
		if !hmac.Equal(c.sign(parts), frames[i+1]) {
			return m, errors.New("bad signature")
		}
		err := errors.Join(json.Unmarshal(parts[0], &m.Header), json.Unmarshal(parts[1], &m.Parent),
			json.Unmarshal(parts[3], &m.Content))
		return m, err
	}
	return m, errors.New("not a Jupyter message")
}

// reply waits for the reply to id on s.
func (c *client) reply(s zmq4.Socket, id string) (msg, error) {
	type got struct {
		m   msg
		err error
	}
	for {
		ch := make(chan got, 1)
		go func() {
			zm, err := s.Recv()
			if err != nil {
				ch <- got{err: err}
				return
			}
			m, err := c.decode(zm.Frames)
			ch <- got{m, err}
		}()
		select {
		case g := <-ch:
			if g.err != nil {
				return msg{}, g.err
			}
			if g.m.parentID() == id {
				return g.m, nil
			}
		case <-time.After(2 * time.Minute):
			return msg{}, errors.New("no reply within 2 minutes")
		}
	}
}

// ready waits until a request's status reaches iopub: PUB drops what it
// sends before the subscription arrives.
func (c *client) ready() error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		id, err := c.send(c.shell, "kernel_info_request", map[string]any{})
		if err != nil {
			return err
		}
		if _, err := c.reply(c.shell, id); err != nil {
			return err
		}
		timeout := time.After(200 * time.Millisecond)
	drain:
		for {
			select {
			case m := <-c.iopubC:
				if m.parentID() == id && m.typ() == "status" && m.Content["execution_state"] == "idle" {
					return nil
				}
			case <-timeout:
				break drain
			}
		}
	}
	return errors.New("iopub never delivered")
}

// result is what a cell produced.
type result struct {
	err    error
	stdout string
	result string // text/plain of the execute_result
}

// execute runs a cell and waits for its reply and its idle status.
func (c *client) execute(code string) result {
	var r result
	id, err := c.send(c.shell, "execute_request", map[string]any{"code": code, "silent": false,
		"store_history": true, "user_expressions": map[string]any{}, "allow_stdin": false, "stop_on_error": false})
	if err != nil {
		return result{err: err}
	}
	rep, err := c.reply(c.shell, id)
	if err != nil {
		return result{err: err}
	}
	if rep.Content["status"] != "ok" {
		r.err = fmt.Errorf("%v: %v", rep.Content["ename"], rep.Content["evalue"])
	}
	var out strings.Builder
	timeout := time.After(2 * time.Minute)
	for {
		select {
		case m, ok := <-c.iopubC:
			if !ok {
				r.err = errors.Join(r.err, errors.New("iopub closed"))
				return r
			}
			if m.parentID() != id {
				continue
			}
			switch m.typ() {
			case "stream":
				s, _ := m.Content["text"].(string)
				out.WriteString(s)
			case "execute_result":
				if d, ok := m.Content["data"].(map[string]any); ok {
					r.result, _ = d["text/plain"].(string)
				}
			case "status":
				if m.Content["execution_state"] == "idle" {
					r.stdout = out.String()
					return r
				}
			}
		case <-timeout:
			r.err = errors.Join(r.err, errors.New("no idle status within 2 minutes"))
			return r
		}
	}
}

func (c *client) shutdown() {
	if id, err := c.send(c.control, "shutdown_request", map[string]any{"restart": false}); err == nil {
		c.reply(c.control, id)
	}
}

func syscallKill(pid int) error { return syscall.Kill(pid, syscall.SIGKILL) }

func statmPath(pid int) string {
	if pid == 0 {
		return "/proc/self/statm"
	}
	return fmt.Sprintf("/proc/%d/statm", pid)
}
