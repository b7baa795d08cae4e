package gomlxtest

import (
	"strings"
	"testing"
)

// TestOptionalMetricInterface checks that compiled GoMLX sees metric.UpdateGo
// on a metric written in interpreted Go: the trainer calls UpdateGo once per
// evaluation batch.
func TestOptionalMetricInterface(t *testing.T) {
	out := run(t, `package main

import (
	"fmt"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/metric"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// counting is a metric that also updates in Go.
type counting struct{ calls int }

func (c *counting) Name() string      { return "counting" }
func (c *counting) ShortName() string { return "cnt" }
func (c *counting) ScopeName() string { return "counting" }
func (c *counting) MetricType() string { return "counting" }
func (c *counting) UpdateGraph(scope *model.Scope, labels, predictions []*graph.Node) *graph.Node {
	return graph.ReduceAllMean(predictions[0])
}
func (c *counting) PrettyPrint(value *tensors.Tensor) string { return fmt.Sprint(c.calls) }
func (c *counting) Reset(scope *model.Scope)                { c.calls = 0 }
func (c *counting) UpdateGo(value *tensors.Tensor)          { c.calls++ }
func (c *counting) ReadGo() *tensors.Tensor                 { return tensors.FromValue(float32(c.calls)) }

type batches struct{ x, y *tensors.Tensor; n int }

func (b *batches) Name() string { return "batches" }
func (b *batches) Iter() func(yield func(train.Batch, error) bool) {
	return func(yield func(train.Batch, error) bool) {
		for i := 0; i < b.n; i++ {
			if !yield(train.Batch{Inputs: []*tensors.Tensor{b.x}, Labels: []*tensors.Tensor{b.y}}, nil) {
				return
			}
		}
	}
}

func main() {
	backend := compute.MustNew()
	x := tensors.FromShape(shapes.Make(dtypes.Float32, 4, 2))
	y := tensors.FromShape(shapes.Make(dtypes.Float32, 4, 1))
	store := model.NewStore()
	m := &counting{}
	trainer := train.NewTrainer(backend, store, func(scope *model.Scope, x *graph.Node) *graph.Node {
		return layers.Dense(scope, x, true, 1)
	}, loss.MeanSquaredError, optimizer.StochasticGradientDescent(), nil, []metric.Interface{m})
	if _, err := trainer.Eval(&batches{x: x, y: y, n: 3}); err != nil {
		fmt.Println("eval error:", err)
		return
	}
	fmt.Printf("UpdateGo calls: %d\n", m.calls)
}
`)
	if !strings.Contains(out, "UpdateGo calls: 3") {
		t.Fatalf("compiled GoMLX did not call the interpreted UpdateGo once per batch:\n%s", out)
	}
}

// TestOptionalOptimizerInterface checks that an optimizer written in
// interpreted Go with UpdateGraphWithGradients can accumulate gradients:
// GoMLX refuses optimizers without train.OptimizeWithGradients.
func TestOptionalOptimizerInterface(t *testing.T) {
	out := run(t, `package main

import (
	"fmt"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
)

type plain struct{}

func (plain) Clear(scope *model.Scope) error                                 { return nil }
func (plain) UpdateGraph(scope *model.Scope, g *graph.Graph, theLoss *graph.Node) {}

type withGradients struct{ plain }

func (withGradients) UpdateGraphWithGradients(scope *model.Scope, gradients []*graph.Node, lossDType dtypes.DType) {}

func main() {
	backend := compute.MustNew()
	mf := func(scope *model.Scope, x *graph.Node) *graph.Node { return layers.Dense(scope, x, true, 1) }
	t1 := train.NewTrainer(backend, model.NewStore(), mf, loss.MeanSquaredError, plain{}, nil, nil)
	fmt.Println("plain:", t1.AccumulateGradients(2) != nil)
	t2 := train.NewTrainer(backend, model.NewStore(), mf, loss.MeanSquaredError, withGradients{}, nil, nil)
	fmt.Println("with gradients:", t2.AccumulateGradients(2))
}
`)
	if !strings.Contains(out, "plain: true") || !strings.Contains(out, "with gradients: <nil>") {
		t.Fatalf("compiled GoMLX does not see UpdateGraphWithGradients on an interpreted optimizer:\n%s", out)
	}
}
