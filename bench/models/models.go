// Package models holds the three models the training benchmark runs (an
// MLP, a small CNN and a small transformer) and a timed training run. The
// same source runs compiled (bench/train) and, with its package clause
// removed, as a notebook cell through the igo kernel, so both sides train
// exactly the same code. Keep it to what the interpreter handles: no
// generics, no top-level comma-ok forms.
package models

import (
	"fmt"
	"iter"
	"math"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// Shapes shared with the PyTorch and JAX versions (bench/py/train_*.py).
const (
	MLPBatch = 128 // MLP: 784 -> 256 -> 256 -> 10, ReLU
	CNNBatch = 64  // CNN: 28x28x1 images, three 3x3 convolutions, dense 64, 10

	TBatch  = 32 // transformer: batch, sequence length, vocabulary, width,
	TSeq    = 32 // heads, feed-forward width and blocks (pre-norm, causal)
	TVocab  = 64
	TDim    = 64
	THeads  = 4
	TFF     = 256
	TBlocks = 2
)

func mlp(scope *model.Scope, inputs []*graph.Node) []*graph.Node {
	x := inputs[0]
	x = activation.Relu(layers.DenseWithBias(scope.In("h1"), x, 256))
	x = activation.Relu(layers.DenseWithBias(scope.In("h2"), x, 256))
	return []*graph.Node{layers.DenseWithBias(scope.In("out"), x, 10)}
}

func cnn(scope *model.Scope, inputs []*graph.Node) []*graph.Node {
	x := inputs[0] // [batch, 28, 28, 1]
	x = activation.Relu(layers.Convolution(scope.In("conv1"), x).Channels(16).KernelSize(3).PadSame().Done())
	x = activation.Relu(layers.Convolution(scope.In("conv2"), x).Channels(32).KernelSize(3).Strides(2).PadSame().Done())
	x = activation.Relu(layers.Convolution(scope.In("conv3"), x).Channels(32).KernelSize(3).Strides(2).PadSame().Done())
	x = graph.Reshape(x, x.Shape().Dimensions[0], -1)
	x = activation.Relu(layers.DenseWithBias(scope.In("hidden"), x, 64))
	return []*graph.Node{layers.DenseWithBias(scope.In("logits"), x, 10)}
}

// layerNorm normalises the last axis, without learned scale or offset.
func layerNorm(x *graph.Node) *graph.Node {
	last := x.Rank() - 1
	centred := graph.Sub(x, graph.ReduceAndKeep(x, graph.ReduceMean, last))
	variance := graph.ReduceAndKeep(graph.Square(centred), graph.ReduceMean, last)
	return graph.Div(centred, graph.Sqrt(graph.AddScalar(variance, 1e-5)))
}

func transformer(scope *model.Scope, inputs []*graph.Node) []*graph.Node {
	tokens := inputs[0] // [batch, seq] int32
	g := tokens.Graph()
	x := layers.Embedding(scope.In("embed"), tokens, dtypes.Float32, TVocab, TDim)
	posTable := scope.In("position").VariableWithShape("table", shapes.Make(dtypes.Float32, 1, TSeq, TDim)).NodeValue(g)
	x = graph.Add(x, posTable)
	// Additive causal mask, [1, 1, seq, seq]: 0 where a token may look, -1e9 elsewhere.
	allowed := graph.LowerTriangular(g, TSeq)
	mask := graph.Where(allowed, graph.ZerosLike(graph.ConvertDType(allowed, dtypes.Float32)),
		graph.AddScalar(graph.ZerosLike(graph.ConvertDType(allowed, dtypes.Float32)), -1e9))
	mask = graph.Reshape(mask, 1, 1, TSeq, TSeq)
	headDim := TDim / THeads
	for b := 0; b < TBlocks; b++ {
		block := scope.In("block%d", b)
		h := layerNorm(x)
		q := graph.Reshape(layers.Dense(block.In("q"), h, false, TDim), -1, TSeq, THeads, headDim)
		k := graph.Reshape(layers.Dense(block.In("k"), h, false, TDim), -1, TSeq, THeads, headDim)
		v := graph.Reshape(layers.Dense(block.In("v"), h, false, TDim), -1, TSeq, THeads, headDim)
		scores := graph.MulScalar(graph.Einsum("bqhd,bkhd->bhqk", q, k), 1/math.Sqrt(float64(headDim)))
		attention := graph.Softmax(graph.Add(scores, mask), -1)
		mixed := graph.Reshape(graph.Einsum("bhqk,bkhd->bqhd", attention, v), -1, TSeq, TDim)
		x = graph.Add(x, layers.Dense(block.In("o"), mixed, false, TDim))
		h = layerNorm(x)
		h = activation.Relu(layers.DenseWithBias(block.In("ff1"), h, TFF))
		x = graph.Add(x, layers.DenseWithBias(block.In("ff2"), h, TDim))
	}
	return []*graph.Node{layers.DenseWithBias(scope.In("head"), layerNorm(x), TVocab)}
}

// fixedBatch is a dataset that yields copies of one batch forever (the loop
// frees what it is given, hence the copies).
type fixedBatch struct {
	x, y *tensors.Tensor
}

func (f *fixedBatch) Name() string { return "fixed" }

func (f *fixedBatch) Iter() iter.Seq2[train.Batch, error] {
	return func(yield func(train.Batch, error) bool) {
		for {
			x, err := f.x.Clone()
			if err != nil {
				yield(train.Batch{}, err)
				return
			}
			y, err := f.y.Clone()
			if err != nil {
				yield(train.Batch{}, err)
				return
			}
			if !yield(train.Batch{Inputs: []*tensors.Tensor{x}, Labels: []*tensors.Tensor{y}}, nil) {
				return
			}
		}
	}
}

// pseudoRandom fills n values from a fixed linear congruential sequence, so
// every run and every framework sees the same kind of data.
func pseudoRandom(n int, modulo uint32) []uint32 {
	out := make([]uint32, n)
	state := uint32(12345)
	for i := range out {
		state = state*1664525 + 1013904223
		out[i] = (state >> 8) % modulo
	}
	return out
}

func floats(n int) []float32 {
	raw := pseudoRandom(n, 1000)
	out := make([]float32, n)
	for i, r := range raw {
		out[i] = float32(r) / 1000
	}
	return out
}

func ints(n int, modulo uint32) []int32 {
	raw := pseudoRandom(n, modulo)
	out := make([]int32, n)
	for i, r := range raw {
		out[i] = int32(r)
	}
	return out
}

// batchFor builds the fixed batch of a benchmark model.
func batchFor(name string) (*fixedBatch, error) {
	switch name {
	case "mlp":
		x := tensors.FromFlatDataAndDimensions(floats(MLPBatch*784), MLPBatch, 784)
		y := tensors.FromFlatDataAndDimensions(ints(MLPBatch, 10), MLPBatch, 1)
		return &fixedBatch{x: x, y: y}, nil
	case "cnn":
		x := tensors.FromFlatDataAndDimensions(floats(CNNBatch*28*28), CNNBatch, 28, 28, 1)
		y := tensors.FromFlatDataAndDimensions(ints(CNNBatch, 10), CNNBatch, 1)
		return &fixedBatch{x: x, y: y}, nil
	case "transformer":
		x := tensors.FromFlatDataAndDimensions(ints(TBatch*TSeq, TVocab), TBatch, TSeq)
		y := tensors.FromFlatDataAndDimensions(ints(TBatch*TSeq, TVocab), TBatch, TSeq, 1)
		return &fixedBatch{x: x, y: y}, nil
	}
	return nil, fmt.Errorf("unknown model %q (mlp, cnn, transformer)", name)
}

// newTrainer names each model function in a call of its own: the
// interpreter cannot hand an interpreted function around as a value of a
// function type (reflect.Set fails), only pass it straight to compiled code.
func newTrainer(backend compute.Backend, store *model.Store, name string) *train.Trainer {
	adam := optimizer.Adam().Done()
	switch name {
	case "mlp":
		return train.NewTrainer(backend, store, mlp, loss.SparseCategoricalCrossEntropyLogits, adam, nil, nil)
	case "cnn":
		return train.NewTrainer(backend, store, cnn, loss.SparseCategoricalCrossEntropyLogits, adam, nil, nil)
	}
	return train.NewTrainer(backend, store, transformer, loss.SparseCategoricalCrossEntropyLogits, adam, nil, nil)
}

// Run trains model name (mlp, cnn or transformer) with Adam on backend:
// warmup steps first (they include compilation), then steps timed ones. It
// returns the timed steps per second and the last loss (as printed).
func Run(backend compute.Backend, name string, warmup, steps int) (stepsPerSecond float64, lastLoss string, err error) {
	data, err := batchFor(name)
	if err != nil {
		return 0, "", err
	}
	store := model.NewStore()
	store.SetParam(optimizer.ParamLearningRate, 0.001)
	trainer := newTrainer(backend, store, name)
	loop := train.NewLoop(trainer)
	if _, err := loop.RunSteps(data, warmup); err != nil {
		return 0, "", err
	}
	start := time.Now()
	metrics, err := loop.RunSteps(data, steps)
	if err != nil {
		return 0, "", err
	}
	elapsed := time.Since(start).Seconds()
	if len(metrics) > 0 {
		lastLoss = fmt.Sprint(metrics[0].Value())
	}
	return float64(steps) / elapsed, lastLoss, nil
}
