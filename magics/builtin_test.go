package magics

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recordingEnv is an Env that keeps what magics write.
type recordingEnv struct{ out, err bytes.Buffer }

func (e *recordingEnv) Stdout() io.Writer                 { return &e.out }
func (e *recordingEnv) Stderr() io.Writer                 { return &e.err }
func (e *recordingEnv) Display(data, md map[string]any)   {}
func (e *recordingEnv) Bind(name string, value any) error { return nil }
func (e *recordingEnv) Run(code string) error             { return nil }

func TestHelpListsEveryMagic(t *testing.T) {
	env := &recordingEnv{}
	m, _ := Lookup("help")
	if err := m.Line(env, ""); err != nil {
		t.Fatal(err)
	}
	for _, magic := range All() {
		if !strings.Contains(env.out.String(), magic.Usage) {
			t.Errorf("%%help misses %s", magic.Name)
		}
	}
	if err := m.Line(env, "nosuch"); err == nil || !strings.Contains(err.Error(), "unknown magic") {
		t.Errorf("unknown name: %v", err)
	}
}

func TestEnvSetsAndShows(t *testing.T) {
	env := &recordingEnv{}
	m, _ := Lookup("env")
	if err := m.Line(env, "IGO_TEST_X=42"); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("IGO_TEST_X") != "42" {
		t.Fatal("not set")
	}
	env.out.Reset()
	if err := m.Line(env, "IGO_TEST_X"); err != nil || strings.TrimSpace(env.out.String()) != "42" {
		t.Fatalf("show: %q %v", env.out.String(), err)
	}
	if err := m.Line(env, "IGO_TEST_UNSET_Y"); err == nil {
		t.Error("an unset variable must be an error")
	}
}

func TestWritefile(t *testing.T) {
	env := &recordingEnv{}
	m, _ := Lookup("writefile")
	path := filepath.Join(t.TempDir(), "a.txt")
	if err := m.Cell(env, path, "one\n"); err != nil {
		t.Fatal(err)
	}
	if err := m.Cell(env, "-a "+path, "two\n"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "one\ntwo\n" {
		t.Fatalf("file = %q", got)
	}
	if err := m.Cell(env, "", "x"); err == nil {
		t.Error("missing file name must be an error")
	}
}
