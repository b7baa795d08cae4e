"""GoMLX through the kernel: cells a user writes to build graphs, train an
MLP, a small CNN and an attention model on the Go backend, save and reload a
checkpoint, feed training from a dataset written in interpreted Go, and
interrupt a long training loop.

Data is synthetic (drawn by prep.RandomUniform / prep.RandomNormal and
labelled by small graphs), so nothing is downloaded; the compiled
prep.Accuracy measures held-out accuracy. Models are tiny so the file runs
in a couple of minutes on two busy cores."""

from __future__ import annotations

import re
import time

import pytest

from igo_client import CELL_TIMEOUT, iopub_until_idle, ok, run, shell_reply

TRAIN_TIMEOUT = 240  # seconds for a training cell; a bound for a hung kernel


def number(cell, name: str) -> float:
    """The value printed by the cell on a line `name VALUE`."""
    m = re.search(rf"^{re.escape(name)} (\S+)", cell.stdout, re.M)
    assert m, f"no {name!r} printed:\n{cell.describe()}"
    return float(m.group(1))


def test_tiny_graph_with_an_interpreted_function(kernel):
    _, kc = kernel
    ok(
        kc,
        """
// poly is interpreted Go building a graph: 3x² + 1, summed.
func poly(x *graph.Node) *graph.Node {
	return graph.ReduceAllSum(graph.AddScalar(graph.MulScalar(graph.Mul(x, x), 3), 1))
}
""",
    )
    cell = ok(kc, 'exec := graph.MustNewExec(compute.MustNew(), poly)\nfmt.Println("sum", exec.MustCall([]float32{1, 2, 3})[0].Value())')
    assert number(cell, "sum") == 3 * (1 + 4 + 9) + 3
    # The compiled graph is reused for another input of the same shape.
    cell = ok(kc, 'fmt.Println("again", exec.MustCall([]float32{0, 0, 2})[0].Value())')
    assert number(cell, "again") == 12 + 3


# Rings: points of [-1, 1]² labelled by their distance to the centre (0 inside
# 0.4, 1 up to 0.75, 2 beyond), and an MLP classifying them.
RINGS_CELLS = [
    """
// rings draws n points and labels them by a graph: int32 labels [n, 1].
func rings(backend compute.Backend, seed int64, n int) (*tensors.Tensor, *tensors.Tensor) {
	x := prep.RandomUniform(seed, -1, 1, n, 2)
	label := graph.MustNewExec(backend, func(p *graph.Node) *graph.Node {
		r2 := graph.ReduceSum(graph.Mul(p, p), -1)
		past := func(r float32) *graph.Node {
			return graph.ConvertDType(graph.GreaterThan(r2, graph.Const(p.Graph(), r*r)), dtypes.Int32)
		}
		return graph.ExpandAxes(graph.Add(past(0.4), past(0.75)), -1)
	})
	return x, label.MustCall(x)[0]
}

func mlp(scope *model.Scope, x *graph.Node) *graph.Node {
	return fnn.New(scope, x, 3).NumHiddenLayers(2, 32).Activation(activation.TypeSwish).Done()
}
""",
    """
backend := compute.MustNew()
xTrain, yTrain := rings(backend, 1, 2048)
xTest, yTest := rings(backend, 2, 1024)
trainData, _ := prep.InMemory(backend, "train", xTrain, yTrain, 128, true, false, 7)
trainData.Infinite(true)
store := model.NewStore()
store.SetParam(optimizer.ParamLearningRate, 0.01)
trainer := train.NewTrainer(backend, store, mlp, loss.SparseCategoricalCrossEntropyLogits,
	optimizer.Adam().Done(), nil, nil)
""",
]

RINGS_TRAIN = """
_, err := train.NewLoop(trainer).RunSteps(trainData, 800)
if err != nil {
	panic(err)
}
"""

# Indexing a compiled call's result in a cell reruns the cell's earlier
# statements (test_indexing_a_call_result_runs_earlier_statements_once), so
# the logits get a cell of their own.
RINGS_LOGITS = "logits := model.MustNewExec(backend, store, mlp).MustCall(xTest)[0]"


def test_mlp_reaches_95_percent_held_out(kernel):
    _, kc = kernel
    for code in RINGS_CELLS:
        ok(kc, code)
    ok(kc, RINGS_TRAIN, timeout=TRAIN_TIMEOUT)
    ok(kc, RINGS_LOGITS)
    cell = ok(kc, 'acc, err := prep.Accuracy(logits, yTest)\nfmt.Println("accuracy", acc, err)')
    assert "<nil>" in cell.stdout, cell.describe()
    assert number(cell, "accuracy") >= 0.95, cell.describe()
    # Chance (always the most frequent ring) is far below.
    cell = ok(kc, 'counts, err := prep.ClassCounts(yTest, 3)\nfmt.Println("counts", strings.Trim(fmt.Sprint(counts), "[]"), err)')
    counts = [int(c) for c in re.search(r"^counts ([\d ]+) <nil>", cell.stdout, re.M).group(1).split()]
    assert sum(counts) == 1024 and max(counts) / 1024 < 0.7, cell.describe()


CNN_CELLS = [
    """
// stripes draws noisy 8x8 images of horizontal (label 0) or vertical
// (label 1) stripes.
func stripes(backend compute.Backend, seed int64, n int) (*tensors.Tensor, *tensors.Tensor) {
	noise := prep.RandomNormal(seed, 0, 1, n, 8, 8, 1)
	coin := prep.RandomUniform(seed+1, 0, 1, n, 1, 1, 1)
	e := graph.MustNewExec2(backend, func(noise, coin *graph.Node) (*graph.Node, *graph.Node) {
		g := noise.Graph()
		shape := shapes.Make(dtypes.Float32, 1, 8, 8, 1)
		rows := graph.Cos(graph.MulScalar(graph.Iota(g, shape, 1), math.Pi))
		cols := graph.Cos(graph.MulScalar(graph.Iota(g, shape, 2), math.Pi))
		vertical := graph.ConvertDType(graph.GreaterThan(coin, graph.Const(g, float32(0.5))), dtypes.Float32)
		pattern := graph.Add(graph.Mul(vertical, cols), graph.Mul(graph.OneMinus(vertical), rows))
		return graph.Add(noise, pattern), graph.Reshape(vertical, n, 1)
	})
	return e.MustCall(noise, coin)
}

// cnn: a convolution, mean pooling (the Go backend has no MaxPool
// gradient), a strided convolution and a dense logit.
func cnn(scope *model.Scope, x *graph.Node) *graph.Node {
	x = activation.Relu(layers.Convolution(scope.In("conv1"), x).Channels(4).KernelSize(3).PadSame().Done())
	x = graph.MeanPool(x).Window(2).Done()
	x = activation.Relu(layers.Convolution(scope.In("conv2"), x).Channels(4).KernelSize(3).Strides(2).PadSame().Done())
	x = graph.Reshape(x, x.Shape().Dimensions[0], -1)
	return layers.DenseWithBias(scope.In("logits"), x, 1)
}
""",
    """
backend := compute.MustNew()
xTrain, yTrain := stripes(backend, 1, 256)
xTest, yTest := stripes(backend, 2, 128)
trainData, _ := prep.InMemory(backend, "train", xTrain, yTrain, 32, true, false, 3)
trainData.Infinite(true)
testData, _ := prep.InMemory(backend, "test", xTest, yTest, 128, false, false, 0)
store := model.NewStore()
store.SetParam(optimizer.ParamLearningRate, 0.01)
trainer := train.NewTrainer(backend, store, cnn, loss.BinaryCrossentropyLogits, optimizer.Adam().Done(), nil, nil)
before, err := trainer.Eval(testData)
if err != nil {
	panic(err)
}
fmt.Println("before", before[0].Value())
""",
]


def test_small_cnn_loss_falls(kernel):
    _, kc = kernel
    ok(kc, CNN_CELLS[0])
    before = number(ok(kc, CNN_CELLS[1], timeout=TRAIN_TIMEOUT), "before")
    cell = ok(
        kc,
        """
_, err = train.NewLoop(trainer).RunSteps(trainData, 40)
if err != nil {
	panic(err)
}
after, err := trainer.Eval(testData)
fmt.Println("after", after[0].Value(), err)
""",
        timeout=TRAIN_TIMEOUT,
    )
    after = number(cell, "after")
    assert after < 0.5 * before, f"held-out loss {before} -> {after}\n{cell.describe()}"


ATTENTION_CELLS = [
    """
const seqLen, vocab = 6, 8

// tokenData draws n token sequences; a label is 1 when the first token
// appears again later in its sequence (about half of them).
func tokenData(backend compute.Backend, seed int64, n int) (*tensors.Tensor, *tensors.Tensor) {
	u := prep.RandomUniform(seed, 0, vocab, n, seqLen)
	e := graph.MustNewExec2(backend, func(u *graph.Node) (*graph.Node, *graph.Node) {
		tokens := graph.ConvertDType(graph.Floor(u), dtypes.Int32)
		first := graph.Slice(tokens, graph.AxisRange(), graph.AxisRange(0, 1))
		rest := graph.Slice(tokens, graph.AxisRange(), graph.AxisRangeToEnd(1))
		repeated := graph.ReduceMax(graph.ConvertDType(graph.Equal(rest, first), dtypes.Float32), -1)
		return tokens, graph.ExpandAxes(repeated, -1)
	})
	return e.MustCall(u)
}

// seqModel: token and position embeddings, one self-attention block, and a
// logit read at the first position (which must look at the others).
func seqModel(scope *model.Scope, tokens *graph.Node) *graph.Node {
	g := tokens.Graph()
	x := layers.Embedding(scope.In("tokens"), tokens, dtypes.Float32, vocab, 16)
	positions := graph.Iota(g, shapes.Make(dtypes.Int32, seqLen), 0)
	x = graph.Add(x, graph.ExpandAxes(layers.Embedding(scope.In("positions"), positions, dtypes.Float32, seqLen, 16), 0))
	x = graph.Add(x, attention.MultiHeadAttention(scope.In("attention"), x, x, x, 2, 8).Done())
	first := graph.Reshape(graph.Slice(x, graph.AxisRange(), graph.AxisRange(0, 1)), -1, 16)
	h := activation.Relu(layers.DenseWithBias(scope.In("hidden"), first, 32))
	return layers.DenseWithBias(scope.In("logits"), h, 1)
}
""",
    """
backend := compute.MustNew()
xTrain, yTrain := tokenData(backend, 1, 4096)
xTest, yTest := tokenData(backend, 2, 1024)
trainData, _ := prep.InMemory(backend, "train", xTrain, yTrain, 128, true, false, 5)
trainData.Infinite(true)
store := model.NewStore()
store.SetParam(optimizer.ParamLearningRate, 0.005)
trainer := train.NewTrainer(backend, store, seqModel, loss.BinaryCrossentropyLogits, optimizer.Adam().Done(), nil, nil)
_, err := train.NewLoop(trainer).RunSteps(trainData, 400)
if err != nil {
	panic(err)
}
""",
    # Its own cell: see RINGS_LOGITS.
    "logits := model.MustNewExec(backend, store, seqModel).MustCall(xTest)[0]",
]


def test_attention_learns_a_sequence_task(kernel):
    _, kc = kernel
    for code in ATTENTION_CELLS:
        ok(kc, code, timeout=TRAIN_TIMEOUT)
    cell = ok(
        kc,
        """
acc, err := prep.Accuracy(logits, yTest)
// Chance: always answering the more frequent label.
never, _ := prep.Accuracy(tensors.FromValue(make([]int32, 1024)), yTest)
chance := math.Max(never, 1-never)
fmt.Println("accuracy", acc, err)
fmt.Println("chance", chance)
""",
    )
    acc, chance = number(cell, "accuracy"), number(cell, "chance")
    assert chance < 0.6, cell.describe()
    assert acc >= chance + 0.25, cell.describe()


def test_checkpoint_reloads_with_the_same_predictions(kernel, tmp_path):
    _, kc = kernel
    ckpt = tmp_path / "rings-model"
    for code in RINGS_CELLS:
        ok(kc, code)
    ok(kc, RINGS_TRAIN.replace("800", "200"), timeout=TRAIN_TIMEOUT)
    ok(kc, f'saver, err := checkpoint.Build(store).Dir("{ckpt}").Done()\nif err != nil {{\n\tpanic(err)\n}}\nerr = saver.Save()\nerr')
    assert any(ckpt.iterdir()), "the checkpoint directory is empty"
    ok(kc, RINGS_LOGITS)
    cell = ok(kc, 'fmt.Printf("probe %v\\n", logits.Value())')
    original = re.search(r"^probe (.*)$", cell.stdout, re.M).group(1)
    assert original.count(" ") > 100, cell.describe()

    reset = run(kc, "%reset")
    assert reset.status == "ok", reset.describe()
    gone = run(kc, "store")
    assert gone.status == "error", f"the store survived %reset:\n{gone.describe()}"

    # A fresh session: the same model function and data, a new store filled
    # from the checkpoint.
    ok(kc, RINGS_CELLS[0])
    ok(
        kc,
        f"""
backend := compute.MustNew()
xTest, _ := rings(backend, 2, 1024)
reloaded := model.NewStore()
_, err := checkpoint.Build(reloaded).Dir("{ckpt}").Done()
if err != nil {{
	panic(err)
}}
""",
    )
    ok(kc, "logits := model.MustNewExec(backend, reloaded, mlp).MustCall(xTest)[0]")
    cell = ok(kc, 'fmt.Printf("probe %v\\n", logits.Value())')
    again = re.search(r"^probe (.*)$", cell.stdout, re.M).group(1)
    assert again == original


INTERPRETED_DATASET = """
// batches is a train.Dataset written in interpreted Go: it walks the
// examples in order, batchSize at a time, counting what it yields.
type batches struct {
	x, y      *tensors.Tensor
	batchSize int
	repeat    bool
	yielded   int
}

func (b *batches) Name() string { return "interpreted batches" }

func (b *batches) Iter() iter.Seq2[train.Batch, error] {
	return func(yield func(train.Batch, error) bool) {
		n := b.x.Shape().Dimensions[0]
		for start := 0; ; start += b.batchSize {
			if start+b.batchSize > n {
				if !b.repeat {
					return
				}
				start = 0
			}
			idx := make([]int, b.batchSize)
			for i := range idx {
				idx[i] = start + i
			}
			x, err := prep.Take(b.x, idx)
			if err != nil {
				yield(train.Batch{}, err)
				return
			}
			y, err := prep.Take(b.y, idx)
			if err != nil {
				yield(train.Batch{}, err)
				return
			}
			b.yielded++
			if !yield(train.Batch{Inputs: []*tensors.Tensor{x}, Labels: []*tensors.Tensor{y}}, nil) {
				return
			}
		}
	}
}
"""


def test_training_from_a_dataset_written_in_interpreted_go(kernel):
    _, kc = kernel
    ok(kc, RINGS_CELLS[0])
    ok(kc, INTERPRETED_DATASET)
    first = ok(
        kc,
        """
backend := compute.MustNew()
xTrain, yTrain := rings(backend, 1, 2048)
xTest, yTest := rings(backend, 2, 1000)
trainBatches := &batches{x: xTrain, y: yTrain, batchSize: 64, repeat: true}
testBatches := &batches{x: xTest, y: yTest, batchSize: 100}
store := model.NewStore()
store.SetParam(optimizer.ParamLearningRate, 0.01)
trainer := train.NewTrainer(backend, store, mlp, loss.SparseCategoricalCrossEntropyLogits,
	optimizer.Adam().Done(), nil, []metric.Interface{metric.NewSparseCategoricalAccuracy("Accuracy", "#acc")})
before, err := trainer.Eval(testBatches)
if err != nil {
	panic(err)
}
fmt.Println("before", before[0].Value())
fmt.Println("evalBatches", testBatches.yielded)
""",
    )
    # Evaluation read the finite dataset once to its end: 1000 / 100 batches.
    assert number(first, "evalBatches") == 10, first.describe()
    cell = ok(
        kc,
        """
loop := train.NewLoop(trainer)
_, err = loop.RunSteps(trainBatches, 300)
fmt.Println("trained", err)
fmt.Println("steps", loop.LoopStep)
fmt.Println("yielded", trainBatches.yielded)
after, err := trainer.Eval(testBatches)
fmt.Println("after", after[0].Value(), err)
fmt.Println("accuracy", after[1].Value())
""",
        timeout=TRAIN_TIMEOUT,
    )
    assert "trained <nil>" in cell.stdout, cell.describe()
    # Every step took one batch from the interpreted iterator.
    assert number(cell, "yielded") >= number(cell, "steps") >= 299, cell.describe()
    assert number(cell, "after") < 0.5 * number(first, "before"), cell.describe()
    assert number(cell, "accuracy") >= 0.85, cell.describe()


def wait_for_execute_input(kc, msg_id: str) -> None:
    deadline = time.monotonic() + CELL_TIMEOUT
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
            return


def test_interrupt_stops_a_long_training_loop(kernel):
    km, kc = kernel
    for code in RINGS_CELLS:
        ok(kc, code)
    ok(kc, "loop := train.NewLoop(trainer)")
    msg_id = kc.execute("_, err := loop.RunSteps(trainData, 1_000_000_000)")
    wait_for_execute_input(kc, msg_id)
    time.sleep(2)  # let it train a while
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id, timeout=CELL_TIMEOUT)
    errors = [m for m in iopub_until_idle(kc, msg_id) if m["msg_type"] == "error"]
    assert reply["content"]["status"] == "error", reply["content"]
    assert len(errors) == 1, errors
    assert "interrupted" in errors[0]["content"]["evalue"], errors

    # The loop stopped: its step counter no longer grows.
    first = number(ok(kc, 'fmt.Println("step", loop.LoopStep)'), "step")
    assert 0 < first < 1_000_000_000
    time.sleep(1)
    second = number(ok(kc, 'fmt.Println("step", loop.LoopStep)'), "step")
    assert second == first, f"the loop kept running after the interrupt: {first} -> {second}"

    # The variables are intact: the model still predicts, and trains on.
    ok(kc, RINGS_LOGITS)
    cell = ok(kc, 'acc, err := prep.Accuracy(logits, yTest)\nfmt.Println("accuracy", acc, err)')
    assert "<nil>" in cell.stdout and number(cell, "accuracy") > 0.5, cell.describe()
    cell = ok(kc, '_, err = loop.RunSteps(trainData, 10)\nfmt.Println("err", err)\nfmt.Println("step", loop.LoopStep)', timeout=TRAIN_TIMEOUT)
    assert "err <nil>" in cell.stdout, cell.describe()
    assert number(cell, "step") > second, cell.describe()


# --- kernel bugs found writing these tests (smallest cells; strict xfails) --


def test_indexing_a_call_result_runs_earlier_statements_once(kernel):
    _, kc = kernel
    cell = ok(kc, 'fmt.Println("once")\ns := strings.Fields("a b")[0]\ns')
    assert cell.stdout.count("once") == 1, cell.describe()


def test_argmax_of_a_tensor_whose_package_was_not_imported(kernel):
    _, kc = kernel
    ok(kc, "x := prep.RandomUniform(1, 0, 1, 4, 3)")
    cell = ok(kc, 'pred, err := prep.Argmax(x)\nfmt.Println(len(pred), err)')
    assert cell.stdout == "4 <nil>\n", cell.describe()


def test_generic_call_after_a_dataset_variable(kernel):
    _, kc = kernel
    ok(kc, 'd, _ := prep.InMemory(compute.MustNew(), "d", prep.RandomUniform(1, 0, 1, 4, 2), nil, 2, false, false, 0)')
    cell = ok(kc, 's := slices.Repeat([]int{1}, 3)\nfmt.Println(s)')
    assert cell.stdout == "[1 1 1]\n", cell.describe()
