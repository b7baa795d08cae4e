package runtime

import (
	"os"
	"strings"
	"testing"
)

// TestMain marks the environment so that processes started from the test
// binary become workers; fuzzing workers are such processes too, but must
// fuzz. Clearing the mark in them (init runs before TestMain) lets them.
func init() {
	for _, a := range os.Args {
		if strings.HasPrefix(a, "-test.fuzzworker") {
			os.Unsetenv("IGO_TEST_WORKER")
		}
	}
}

// FuzzIsComplete checks that is_complete, which the kernel answers itself
// while typing goes on, never panics and only gives the statuses Jupyter
// knows, with an indent exactly when the code is incomplete.
func FuzzIsComplete(f *testing.F) {
	for _, s := range []string{
		"", "x := 1", "func f() {", "s := `open", "/* open", "}", "%%writefile a\nbody {",
		"%time f(\n", "!ls (", "x := [\n1,\n", "if x {\n} else {", "'\\", "\x00\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		if len(code) > 4<<10 { // cell.Split rescans per line: keep inputs small
			return
		}
		status, indent := isComplete(code)
		switch status {
		case "complete", "invalid":
			if indent != "" {
				t.Fatalf("%s with indent %q", status, indent)
			}
		case "incomplete":
			if indent == "" || strings.Trim(indent, " ") != "" {
				t.Fatalf("incomplete with indent %q", indent)
			}
		default:
			t.Fatalf("status %q", status)
		}
	})
}
