package gonbpipe

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/janpfeifer/gonb/gonbui"
)

// childEnv marks the test binary started as a GoNB program.
const childEnv = "IGO_GONBPIPE_TEST_CHILD"

// TestMain doubles as the child program: real gonbui calls that talk to
// the server of the parent test through the pipes named in its environment.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		if !gonbui.IsNotebook {
			fmt.Fprintln(os.Stderr, "gonbui does not see a notebook")
			os.Exit(2)
		}
		gonbui.Debug = os.Getenv("DEBUG_GONBUI") != ""
		gonbui.DisplayHTML("<b>hello</b>")
		gonbui.UpdateHTML("live", "one")
		gonbui.UpdateHTML("live", "two")
		gonbui.DisplayPng([]byte("\x89PNG\r\n\x1a\n"))
		if os.Getenv(childEnv) == "input" {
			gonbui.RequestInput("name?", false)
			line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
			gonbui.DisplayMarkdown("hi " + strings.TrimSpace(line))
		}
		gonbui.Sync() // returns once the server acknowledged all the above
		os.Exit(0)
	}
	os.Exit(m.Run())
}

type message struct {
	data, transient map[string]any
	update          bool
}

type recorder struct {
	mu   sync.Mutex
	msgs []message
}

func (r *recorder) Display(data, metadata, transient map[string]any, update bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, message{data, transient, update})
}
func (r *recorder) Clear(bool) {}

func (r *recorder) all() []message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]message(nil), r.msgs...)
}

// runChild runs the test binary as a GoNB program served by s.
func runChild(t *testing.T, s *Server, mode string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), s.Env()...), childEnv+"="+mode)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	s.SetStdin(stdin)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if os.Getenv("DEBUG_GONBUI") != "" {
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	}
	if err := cmd.Run(); err != nil {
		t.Fatalf("child failed: %v\n%s", err, out.String())
	}
}

func checkRun(t *testing.T, msgs []message) {
	t.Helper()
	if len(msgs) != 4 {
		t.Fatalf("got %d messages, want 4: %+v", len(msgs), msgs)
	}
	if msgs[0].data["text/html"] != "<b>hello</b>" || msgs[0].update {
		t.Errorf("DisplayHTML: %+v", msgs[0])
	}
	if msgs[1].data["text/html"] != "one" || msgs[1].update || msgs[1].transient["display_id"] != "live" {
		t.Errorf("first UpdateHTML should create the display: %+v", msgs[1])
	}
	if msgs[2].data["text/html"] != "two" || !msgs[2].update || msgs[2].transient["display_id"] != "live" {
		t.Errorf("second UpdateHTML should update it: %+v", msgs[2])
	}
	if msgs[3].data["image/png"] != "iVBORw0KGgo=" {
		t.Errorf("PNG not base64: %+v", msgs[3].data)
	}
}

func TestChildProgramDisplays(t *testing.T) {
	r := &recorder{}
	s, err := Start(r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	runChild(t, s, "plain")
	checkRun(t, r.all())

	// A restarted program (a new worker) is served too.
	runChild(t, s, "plain")
	if msgs := r.all(); len(msgs) != 8 || !msgs[6].update {
		t.Fatalf("second program: %d messages", len(msgs))
	}
	dir := s.dir
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("FIFO folder left behind: %v", err)
	}
}

func TestInputRequest(t *testing.T) {
	r := &recorder{}
	var prompts []string
	s, err := Start(r, Options{Input: func(prompt string, password bool) (string, error) {
		prompts = append(prompts, prompt)
		return "gopher", nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runChild(t, s, "input")
	msgs := r.all()
	if len(msgs) != 5 || msgs[4].data["text/markdown"] != "hi gopher" {
		t.Fatalf("messages: %+v", msgs)
	}
	if len(prompts) != 1 || prompts[0] != "name?" {
		t.Errorf("prompts: %v", prompts)
	}
}

func TestCloseWithoutProgram(t *testing.T) {
	s, err := Start(&recorder{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Env()) != 2 || !strings.HasPrefix(s.Env()[0], "GONB_PIPE=") {
		t.Errorf("env: %v", s.Env())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
}

// inProcessRan: gonbui connects once per process and keeps its pipes (or
// its error) for good, so the in-process test can only run once.
var inProcessRan bool

func TestInProcess(t *testing.T) {
	if inProcessRan {
		t.Skip("gonbui connects once per process")
	}
	inProcessRan = true
	t.Setenv("GONB_PIPE", "") // restored after the test
	t.Setenv("GONB_PIPE_BACK", "")
	r := &recorder{}
	s, err := Start(r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.InstallInProcess(); err != nil {
		t.Fatal(err)
	}
	defer func() { gonbui.IsNotebook = false }()
	gonbui.DisplayMarkdown("*in process*")
	gonbui.Sync()
	if msgs := r.all(); len(msgs) != 1 || msgs[0].data["text/markdown"] != "*in process*" {
		t.Fatalf("messages: %+v", msgs)
	}
}
