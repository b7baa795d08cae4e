package display

import (
	"encoding/json"
	"math/rand"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/dataset"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	gomlxplot "github.com/gomlx/gomlx/ui/plot"
)

// newLoop builds a small MLP (2 -> 64 -> 64 -> 1, batch 128) on GoMLX's
// pure-Go backend, with an infinite training dataset.
func newLoop(tb testing.TB) (*train.Loop, train.Dataset) {
	tb.Helper()
	backend, err := gobackend.New("")
	if err != nil {
		tb.Fatal(err)
	}
	return newLoopOn(tb, backend)
}

func newLoopOn(tb testing.TB, backend compute.Backend) (*train.Loop, train.Dataset) {
	const n = 1024
	rng := rand.New(rand.NewSource(1))
	xs, ys := make([][]float32, n), make([][]float32, n)
	for i := range xs {
		a, b := rng.Float32()*2-1, rng.Float32()*2-1
		xs[i], ys[i] = []float32{a, b}, []float32{a*b + 0.5*a}
	}
	ds, err := dataset.InMemoryFromData(backend, "train", []any{xs}, []any{ys})
	if err != nil {
		tb.Fatal(err)
	}
	ds.BatchSize(128, true).Infinite(true)
	modelFn := func(scope *model.Scope, x *graph.Node) *graph.Node {
		x = graph.Tanh(layers.DenseWithBias(scope.In("h1"), x, 64))
		x = graph.Tanh(layers.DenseWithBias(scope.In("h2"), x, 64))
		return layers.DenseWithBias(scope.In("out"), x, 1)
	}
	store := model.NewStore()
	trainer := train.NewTrainer(backend, store, modelFn, loss.MeanSquaredError,
		optimizer.StochasticGradientDescent().WithLearningRate(0.05).Done(), nil, nil)
	return train.NewLoop(trainer), ds
}

func TestTrainingPlotLive(t *testing.T) {
	r := record(t)
	loop, ds := newLoop(t)
	lp := TrainingPlot().MinInterval(0).Attach(loop, 20)
	if _, err := loop.RunSteps(ds, 60); err != nil {
		t.Fatal(err)
	}
	msgs := r.all()
	if len(msgs) < 2 {
		t.Fatalf("got %d messages, want a live display and a final update", len(msgs))
	}
	id := msgs[0].transient["display_id"]
	if msgs[0].update || id == nil {
		t.Fatalf("first message should be a new display with an id: %+v", msgs[0])
	}
	for i, m := range msgs[1:] {
		if !m.update || m.transient["display_id"] != id {
			t.Fatalf("message %d is not an update of the same display", i+1)
		}
	}
	t.Logf("%d live updates", len(msgs)-2)
	final := msgs[len(msgs)-1].data
	checkXML(t, final["image/svg+xml"].(string))
	spec := final[VegaLiteMIME].(map[string]any)
	if spec["$schema"] != VegaLiteSchema {
		t.Errorf("$schema: %v", spec["$schema"])
	}
	values := spec["data"].(map[string]any)["values"].([]any)
	points := lp.Points()
	if len(values) != len(points) || len(points) < 20 {
		t.Errorf("final spec has %d values, plot has %d points", len(values), len(points))
	}
	if last := points[len(points)-1]; last.Step != 60 || !strings.Contains(last.MetricName, "Moving Average Loss") {
		t.Errorf("last point %+v, want the last step's moving-average loss", last)
	}
	if _, err := json.Marshal(final); err != nil {
		t.Errorf("bundle is not JSON: %v", err)
	}
	if !strings.Contains(final["text/plain"].(string), "Train: Moving Average Loss") {
		t.Errorf("text: %v", final["text/plain"])
	}

	// A second run starts a new display.
	if _, err := loop.RunSteps(ds, 10); err != nil {
		t.Fatal(err)
	}
	if second := r.all()[len(msgs)]; second.update || second.transient["display_id"] == id {
		t.Errorf("second run did not start a new display: %+v", second.transient)
	}
}

func TestTrainingPlotByHand(t *testing.T) {
	r := record(t)
	lp := TrainingPlot().MinInterval(0)
	for step := range 4 {
		lp.AddPoint(gomlxplot.Point{MetricName: "loss", MetricType: "loss", Step: float64(step), Value: 1 / float64(step+1)})
		lp.AddPoint(gomlxplot.Point{MetricName: "acc", MetricType: "accuracy", Step: float64(step), Value: float64(step) / 4})
		lp.DynamicSampleDone(false)
		lp.renders.Wait() // each sample is drawn before the next one
	}
	lp.Finish()
	msgs := r.all()
	if len(msgs) != 5 {
		t.Fatalf("got %d messages, want 4 live + 1 final", len(msgs))
	}
	spec := msgs[4].data[VegaLiteMIME].(map[string]any)
	if panels := spec["vconcat"].([]any); len(panels) != 2 {
		t.Errorf("want one panel per metric type, got %d", len(panels))
	}
	if n := len(spec["data"].(map[string]any)["values"].([]any)); n != 8 {
		t.Errorf("final plot has %d values, want 8", n)
	}
}

func TestTrainingPlotThrottles(t *testing.T) {
	r := record(t)
	lp := TrainingPlot().MinInterval(time.Hour)
	for step := range 50 {
		lp.AddPoint(gomlxplot.Point{MetricName: "loss", MetricType: "loss", Step: float64(step), Value: 1})
		lp.DynamicSampleDone(false)
	}
	lp.Finish()
	// One immediate draw, the rest waits for the interval; Finish draws the end.
	if msgs := r.all(); len(msgs) != 2 {
		t.Fatalf("got %d messages for 50 samples, want 2", len(msgs))
	}
}

func TestTrainingPlotWithoutPublisher(t *testing.T) {
	SetPublisher(nil)
	var out strings.Builder
	textOut = &out
	defer func() { textOut = stdout() }()
	lp := TrainingPlot()
	lp.AddPoint(gomlxplot.Point{MetricName: "loss", MetricType: "loss", Step: 3, Value: 0.25})
	lp.DynamicSampleDone(false)
	lp.Finish()
	if !strings.Contains(out.String(), "loss: 0.25 (step 3)") {
		t.Fatalf("printed %q", out.String())
	}
}

// countingPublisher encodes each bundle as the worker would, and counts.
type countingPublisher struct{ n atomic.Int64 }

func (c *countingPublisher) Display(data, metadata, transient map[string]any, update bool) {
	_, _ = json.Marshal(data)
	c.n.Add(1)
}
func (c *countingPublisher) Clear(bool) {}

// benchmarkTraining runs b.N training steps with the live plot on or off
// and reports steps/s.
func benchmarkTraining(b *testing.B, withPlot bool) {
	pub := &countingPublisher{}
	SetPublisher(pub)
	defer SetPublisher(nil)
	loop, ds := newLoop(b)
	if withPlot {
		AttachTrainingPlot(loop)
	}
	if _, err := loop.RunSteps(ds, 20); err != nil { // compile outside the timing
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	if _, err := loop.RunSteps(ds, b.N); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "steps/s")
	b.ReportMetric(float64(pub.n.Load()), "displays")
}

func BenchmarkTrainingPlotOff(b *testing.B) { benchmarkTraining(b, false) }
func BenchmarkTrainingPlotOn(b *testing.B)  { benchmarkTraining(b, true) }
