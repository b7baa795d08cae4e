package xlatest

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/layers/fnn"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// A workload is a model with one fixed batch of synthetic data: enough to
// time training steps and to see a model fit.
type workload struct {
	name   string
	model  func(scope *model.Scope, x *Node) *Node
	loss   train.LossFn
	inputs func() (x, y any)
	// fitSteps is how many steps TestModelsFitOnBothBackends takes: few
	// for the CNN, whose steps take most of a second on the Go backend.
	fitSteps int
}

var workloads = []workload{
	{
		// The MLP of the design notes: 2→64→64→1, batch 128.
		name: "mlp",
		model: func(scope *model.Scope, x *Node) *Node {
			return fnn.New(scope, x, 1).NumHiddenLayers(2, 64).Activation(activation.TypeRelu).Done()
		},
		loss:     loss.BinaryCrossentropyLogits,
		fitSteps: 40,
		inputs: func() (any, any) {
			r := rand.New(rand.NewPCG(1, 2))
			x, y := make([][]float32, 128), make([][]float32, 128)
			for i := range x {
				x[i] = []float32{2*r.Float32() - 1, 2*r.Float32() - 1}
				y[i] = []float32{0}
				if x[i][0]*x[i][1] > 0 {
					y[i][0] = 1
				}
			}
			return x, y
		},
	},
	{
		// A small CNN on 28×28 gray images, batch 32: two strided 3×3
		// convolutions (no MaxPool: the Go backend has no gradient for it)
		// and a dense head over 10 classes.
		name: "cnn",
		model: func(scope *model.Scope, x *Node) *Node {
			x = activation.Relu(layers.Convolution(scope.In("conv1"), x).Filters(16).KernelSize(3).Strides(2).PadSame().Done())
			x = activation.Relu(layers.Convolution(scope.In("conv2"), x).Filters(32).KernelSize(3).Strides(2).PadSame().Done())
			x = Reshape(x, x.Shape().Dimensions[0], -1)
			return layers.DenseWithBias(scope.In("head"), x, 10)
		},
		loss:     loss.SparseCategoricalCrossEntropyLogits,
		fitSteps: 6,
		inputs: func() (any, any) {
			r := rand.New(rand.NewPCG(3, 4))
			x := make([][][][]float32, 32)
			y := make([][]int32, 32)
			for i := range x {
				class := int32(i % 10)
				y[i] = []int32{class}
				x[i] = make([][][]float32, 28)
				for row := range x[i] {
					x[i][row] = make([][]float32, 28)
					for col := range x[i][row] {
						// A class-dependent stripe plus noise.
						v := 0.3 * r.Float32()
						if (row+col)%10 == int(class) {
							v += 1
						}
						x[i][row][col] = []float32{v}
					}
				}
			}
			return x, y
		},
	},
}

// stepper returns a function running one training step of w on backend and
// returning the batch loss. Each step gets fresh copies of the batch, since
// TrainStep takes ownership of it.
func (w workload) stepper(tb testing.TB, backend compute.Backend) func() float32 {
	store := model.NewStore()
	store.SetParam(optimizer.ParamLearningRate, 0.003)
	trainer := train.NewTrainer(backend, store, w.model, w.loss, optimizer.Adam().Done(), nil, nil)
	xs, ys := w.inputs()
	x, err := tensors.FromAnyValue(xs)
	if err != nil {
		tb.Fatal(err)
	}
	y, err := tensors.FromAnyValue(ys)
	if err != nil {
		tb.Fatal(err)
	}
	return func() float32 {
		bx, err := x.Clone()
		if err != nil {
			tb.Fatal(err)
		}
		by, err := y.Clone()
		if err != nil {
			tb.Fatal(err)
		}
		metrics, err := trainer.TrainStep(train.Batch{Inputs: []*tensors.Tensor{bx}, Labels: []*tensors.Tensor{by}})
		if err != nil {
			tb.Fatal(err)
		}
		// Reading the loss waits for the step, as a training loop does.
		l := tensors.ToScalar[float32](metrics[0])
		for _, m := range metrics {
			m.MustFinalizeAll()
		}
		return l
	}
}

// backends caches one backend per config across benchmark runs.
var backends sync.Map

func cachedBackend(tb testing.TB, config string) compute.Backend {
	if b, ok := backends.Load(config); ok {
		return b.(compute.Backend)
	}
	b, err := newBackend(config)
	if err != nil {
		tb.Fatalf("%s does not load: %v", config, err)
	}
	backends.Store(config, b)
	return b
}

// TestModelsFitOnBothBackends trains each workload for a few steps on its
// one batch, on the Go backend and on XLA: the loss must fall on both.
func TestModelsFitOnBothBackends(t *testing.T) {
	configs := []string{"go"}
	if c := xlaConfig(); c != "" {
		configs = append(configs, c)
	} else if testing.Verbose() {
		t.Log("no XLA CPU plugin: Go backend only")
	}
	for _, w := range workloads {
		for _, config := range configs {
			t.Run(w.name+"/"+config, func(t *testing.T) {
				step := w.stepper(t, cachedBackend(t, config))
				first := step()
				last := first
				for range w.fitSteps {
					last = step()
				}
				t.Logf("loss %.4f -> %.4f", first, last)
				if !(last < 0.7*first) {
					t.Fatalf("loss did not fall: %.4f -> %.4f", first, last)
				}
			})
		}
	}
}

// BenchmarkTrainStep times training steps of each workload on the Go
// backend and on XLA (the CPU plugin when present, IGO_XLA_CONFIG when
// set), in steps/s:
//
//	go test ./runtime/xlatest -run '^$' -bench TrainStep
func BenchmarkTrainStep(b *testing.B) {
	for _, w := range workloads {
		for _, config := range benchConfigs() {
			name := config
			if len(name) > 8 && name[:5] == "xla:/" {
				name = "xla:file"
			}
			b.Run(w.name+"/"+name, func(b *testing.B) {
				step := w.stepper(b, cachedBackend(b, config))
				step() // compiles the graph
				b.ResetTimer()
				for range b.N {
					step()
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
			})
		}
	}
}
