package xlatest

import (
	"fmt"
	"strings"
	"testing"
)

// mlpProgram trains an MLP on XOR-like quadrant data with train.Loop on the
// backend compute.MustNew() picks (GOMLX_BACKEND), in interpreted Go, and
// prints the backend, the held-out loss and accuracy.
const mlpProgram = `package main

import (
	"fmt"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/layers/fnn"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/metric"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// points yields copies of one batch, forever or once.
type points struct {
	x, y   *tensors.Tensor
	repeat bool
}

func (p *points) Name() string { return "points" }

func (p *points) Iter() func(yield func(train.Batch, error) bool) {
	return func(yield func(train.Batch, error) bool) {
		for {
			x, err := p.x.Clone()
			if err == nil {
				var y *tensors.Tensor
				if y, err = p.y.Clone(); err == nil {
					if !yield(train.Batch{Inputs: []*tensors.Tensor{x}, Labels: []*tensors.Tensor{y}}, nil) || !p.repeat {
						return
					}
					continue
				}
			}
			yield(train.Batch{}, err)
			return
		}
	}
}

// quadrants draws n points in [-1,1]^2, labelled 1 where x0*x1 > 0.
func quadrants(backend compute.Backend, seed int64, n int) (x, y *tensors.Tensor) {
	e := MustNewExec2(backend, func(g *Graph) (*Node, *Node) {
		rng := RNGStateFromSeedForGraph(g, seed)
		_, p := RandomUniform(rng, shapes.Make(dtypes.Float32, n, 2))
		p = SubScalar(MulScalar(p, 2), 1)
		prod := Mul(Slice(p, AxisRange(), AxisElem(0)), Slice(p, AxisRange(), AxisElem(1)))
		return p, ConvertDType(GreaterThan(prod, ScalarZero(g, dtypes.Float32)), dtypes.Float32)
	})
	return e.MustCall()
}

func mlp(scope *model.Scope, x *Node) *Node {
	return fnn.New(scope, x, 1).NumHiddenLayers(2, 32).Activation(activation.TypeSwish).Done()
}

func main() {
	backend := compute.MustNew()
	fmt.Println("backend", backend.Name())
	trainX, trainY := quadrants(backend, 1, 2048)
	testX, testY := quadrants(backend, 2, 1024)

	store := model.NewStore()
	store.SetParam(optimizer.ParamLearningRate, 0.01)
	trainer := train.NewTrainer(backend, store, mlp, loss.BinaryCrossentropyLogits,
		optimizer.Adam().Done(), nil,
		[]metric.Interface{metric.NewMeanBinaryLogitsAccuracy("Accuracy", "#acc")})
	if _, err := train.NewLoop(trainer).RunSteps(&points{x: trainX, y: trainY, repeat: true}, 600); err != nil {
		fmt.Println("train error:", err)
		return
	}
	results, err := trainer.Eval(&points{x: testX, y: testY})
	if err != nil {
		fmt.Println("eval error:", err)
		return
	}
	fmt.Printf("loss %.4f\naccuracy %.4f\n", tensors.ToScalar__float32(results[0]), tensors.ToScalar__float32(results[1]))
}
`

// trainMLP runs mlpProgram on config and returns its held-out accuracy.
func trainMLP(t *testing.T, config string) float64 {
	t.Setenv("GOMLX_BACKEND", config)
	out := interpret(t, mlpProgram)
	if !strings.Contains(out, "backend ") {
		t.Fatalf("no backend named in output:\n%s", out)
	}
	i := strings.Index(out, "loss ")
	if i < 0 {
		t.Fatalf("no results in output:\n%s", out)
	}
	var lossV, acc float64
	if _, err := fmt.Sscanf(out[i:], "loss %f\naccuracy %f", &lossV, &acc); err != nil {
		t.Fatalf("no results in output (%v):\n%s", err, out)
	}
	t.Logf("%s: %s held-out loss %.4f, accuracy %.4f", config, strings.TrimSpace(out[:strings.Index(out, "\n")]), lossV, acc)
	return acc
}

// TestTrainMLPOnXLA trains the MLP on XLA (the CPU plugin by default) through the
// interpreter, as a notebook cell would after %backend xla:cpu.
func TestTrainMLPOnXLA(t *testing.T) {
	config := needXLA(t)
	if acc := trainMLP(t, config); acc < 0.95 {
		t.Fatalf("held-out accuracy on %s: %.4f < 0.95", config, acc)
	}
}

// TestTrainMLPOnGo is the same program on the pure-Go backend: what the XLA
// run is compared with, and a check that needs no plugin.
func TestTrainMLPOnGo(t *testing.T) {
	if acc := trainMLP(t, "go"); acc < 0.95 {
		t.Fatalf("held-out accuracy on go: %.4f < 0.95", acc)
	}
}
