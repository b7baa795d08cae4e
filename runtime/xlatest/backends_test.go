package xlatest

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/igo-kernel/igo/magics"
)

// newBackend creates a backend, turning GoMLX's panics into errors.
func newBackend(config string) (b compute.Backend, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return compute.NewWithConfig(config)
}

// TestBackendsAgree computes the same graph (matrix product, softmax,
// reduction, gradient) on the pure-Go backend and on XLA.
func TestBackendsAgree(t *testing.T) {
	config := needXLA(t)
	xb, err := newBackend(config)
	if err != nil {
		t.Fatalf("%s does not load: %v", config, err)
	}
	defer xb.Finalize()
	if xb.Name() != "xla" {
		t.Fatalf("%s made backend %q", config, xb.Name())
	}
	gb, err := newBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	defer gb.Finalize()

	fn := func(x, w *Node) (*Node, *Node) {
		y := Softmax(Tanh(MatMul(x, w)), -1)
		loss := ReduceAllSum(Mul(y, y))
		return y, Gradient(loss, w)[0]
	}
	x := [][]float32{{0.5, -1, 2}, {1.5, 0.25, -0.75}}
	w := [][]float32{{0.1, 0.2, -0.3, 0.4}, {-0.5, 0.6, 0.7, -0.8}, {0.9, -1.0, 0.05, 0.15}}
	run := func(b compute.Backend) []float32 {
		y, grad := MustNewExec2(b, fn).MustCall(x, w)
		return append(tensors.MustCopyFlatData[float32](y), tensors.MustCopyFlatData[float32](grad)...)
	}
	want, got := run(gb), run(xb)
	if len(want) != len(got) || len(want) != 2*4+3*4 {
		t.Fatalf("sizes differ: go %d values, xla %d", len(want), len(got))
	}
	for i := range want {
		if math.Abs(float64(want[i]-got[i])) > 1e-5 {
			t.Errorf("value %d: go %v, xla %v", i, want[i], got[i])
		}
	}
}

// TestMissingPluginFile: naming a plugin file that is not there fails with
// the file in the message and the %backend magic's hint, and needs no plugin.
func TestMissingPluginFile(t *testing.T) {
	_, err := newBackend("xla:/nonexistent/plugin.so")
	if err == nil {
		t.Fatal("a missing plugin file loaded")
	}
	msg := err.Error()
	if !strings.Contains(msg, "/nonexistent/plugin.so") || !strings.Contains(msg, "no such file") {
		t.Errorf("error does not name the missing file: %s", msg)
	}
	if hint := magics.BackendHint(msg); !strings.Contains(hint, "%backend go") {
		t.Errorf("no hint for %q: %q", msg, hint)
	}
}

// TestUnknownPluginOption: a typo in the backend options is an error, not
// silently ignored.
func TestUnknownPluginOption(t *testing.T) {
	config := needXLA(t)
	_, err := newBackend(config + ",nosuchoption=1")
	if err == nil || !strings.Contains(err.Error(), "nosuchoption") {
		t.Fatalf("unknown option accepted or not named: %v", err)
	}
}
