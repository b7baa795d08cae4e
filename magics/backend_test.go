package magics

import (
	"os"
	"strings"
	"testing"

	_ "github.com/gomlx/compute/gobackend"
)

func TestBackendShowsAndSwitches(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	env := &recordingEnv{}
	m, _ := Lookup("backend")
	if err := m.Line(env, ""); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(env.out.String(), "device 0") {
		t.Errorf("no devices listed: %s", env.out.String())
	}
	err := m.Line(env, "nosuchbackend")
	if err == nil || !strings.Contains(err.Error(), "%backend go") {
		t.Fatalf("an unknown backend must fail with a hint: %v", err)
	}
	if os.Getenv("GOMLX_BACKEND") != "go" {
		t.Error("a failed switch must keep the old backend")
	}
}
