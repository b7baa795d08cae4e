package display

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train"
	gomlxplot "github.com/gomlx/gomlx/ui/plot"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// DefaultPlotPoints is how many samples AttachTrainingPlot takes during a
// run whose length is known.
const DefaultPlotPoints = 100

// defaultMinInterval keeps live redraws at about 3 per second at most.
const defaultMinInterval = time.Second / 3

// renderBudget bounds the share of time spent redrawing: the next redraw
// waits at least renderBudget times the last redraw's cost.
const renderBudget = 20

// LivePlot is a training plot that redraws in place while a GoMLX
// train.Loop runs and leaves a static plot when it ends. It implements
// GoMLX's ui/plot.Plotter, so plot.AddTrainAndEvalMetrics feeds it; Attach
// (or AttachTrainingPlot) wires it to a loop in one call.
//
// Each redraw is a bundle of Vega-Lite (drawn natively by JupyterLab), SVG
// (drawn with gonum/plot, for other front ends) and a text summary. Redraws
// run in the background, at most about 3 per second and never more often
// than keeps their cost near 5% of the time, so training barely slows.
// Without a publisher, nothing is drawn live; the text summary is printed
// when the loop ends.
type LivePlot struct {
	evalDatasets  []train.Dataset
	width, height int
	minInterval   time.Duration
	fixedInterval bool

	mu         sync.Mutex
	points     []gomlxplot.Point
	handle     *Handle
	rendering  bool
	dirty      bool
	timer      *time.Timer
	lastRender time.Time
	lastCost   time.Duration
	finished   bool
	renders    sync.WaitGroup

	// sampling state of Attach.
	nextSample, lastSampled int
}

// TrainingPlot creates a live plot; evalDatasets are evaluated at each
// sample taken by Attach, next to the training metrics.
func TrainingPlot(evalDatasets ...train.Dataset) *LivePlot {
	return &LivePlot{evalDatasets: evalDatasets, width: 720, height: 300, minInterval: defaultMinInterval}
}

// AttachTrainingPlot creates a live plot and attaches it to loop, sampling
// metrics DefaultPlotPoints times per run (see Attach).
func AttachTrainingPlot(loop *train.Loop, evalDatasets ...train.Dataset) *LivePlot {
	return TrainingPlot(evalDatasets...).Attach(loop, DefaultPlotPoints)
}

// Size sets the pixel size of each metric type's panel (default 720x300).
func (lp *LivePlot) Size(width, height int) *LivePlot {
	lp.width, lp.height = width, height
	return lp
}

// MinInterval sets the least time between live redraws, replacing the
// default (about 3 per second, slower when redraws are costly).
func (lp *LivePlot) MinInterval(d time.Duration) *LivePlot {
	lp.minInterval, lp.fixedInterval = d, true
	return lp
}

// Attach samples metrics numPoints times per run of loop (every 50 steps
// when the run's length is unknown), evaluating the plot's eval datasets at
// each sample, and draws the final plot when the run ends. Each run starts
// a new display in the cell that runs it.
func (lp *LivePlot) Attach(loop *train.Loop, numPoints int) *LivePlot {
	numPoints = max(numPoints, 1)
	loop.OnStart("igo display: training plot", 0, func(loop *train.Loop, _ train.Dataset) error {
		lp.mu.Lock()
		lp.handle, lp.finished, lp.nextSample, lp.lastSampled = nil, false, 0, -1
		lp.mu.Unlock()
		return nil
	})
	loop.OnStep("igo display: training plot", 0, func(loop *train.Loop, metrics []*tensors.Tensor) error {
		done := loop.LoopStep - loop.StartStep + 1
		if done < lp.nextSample {
			return nil
		}
		every := 50
		if loop.EndStep > 0 {
			every = max(1, (loop.EndStep-loop.StartStep)/numPoints)
		}
		lp.nextSample = done + every
		lp.lastSampled = loop.LoopStep
		return gomlxplot.AddTrainAndEvalMetrics(lp, loop, metrics, lp.evalDatasets, nil)
	})
	loop.OnEnd("igo display: training plot", 0, func(loop *train.Loop, metrics []*tensors.Tensor) error {
		var err error
		if last := loop.LoopStep - 1; last != lp.lastSampled && len(metrics) == len(loop.Trainer.TrainMetrics()) {
			err = gomlxplot.AddTrainAndEvalMetrics(lp, loop, metrics, lp.evalDatasets, nil)
		}
		lp.Finish()
		return err
	})
	return lp
}

// AddPoint records one metric value; it implements plot.Plotter.
func (lp *LivePlot) AddPoint(pt gomlxplot.Point) {
	if bad(pt.Step) || bad(pt.Value) {
		return
	}
	lp.mu.Lock()
	lp.points = append(lp.points, pt)
	lp.mu.Unlock()
}

// DynamicSampleDone marks the end of one sample and schedules a live
// redraw; it implements plot.Plotter.
func (lp *LivePlot) DynamicSampleDone(incomplete bool) {
	if current() == nil {
		return
	}
	lp.mu.Lock()
	defer lp.mu.Unlock()
	lp.requestLocked()
}

// interval is the least time between redraws.
func (lp *LivePlot) interval() time.Duration {
	if lp.fixedInterval {
		return lp.minInterval
	}
	return max(lp.minInterval, renderBudget*lp.lastCost)
}

// requestLocked starts a redraw now, or arms a timer for when the
// interval has passed; lp.mu is held.
func (lp *LivePlot) requestLocked() {
	lp.dirty = true
	if lp.rendering || lp.timer != nil || lp.finished {
		return
	}
	if wait := time.Until(lp.lastRender.Add(lp.interval())); wait > 0 {
		lp.timer = time.AfterFunc(wait, func() {
			lp.mu.Lock()
			defer lp.mu.Unlock()
			lp.timer = nil
			if lp.dirty {
				lp.requestLocked()
			}
		})
		return
	}
	lp.rendering, lp.dirty = true, false
	points := append([]gomlxplot.Point(nil), lp.points...)
	lp.renders.Add(1)
	go lp.redraw(points)
}

// redraw renders points and publishes them, off the training goroutine.
func (lp *LivePlot) redraw(points []gomlxplot.Point) {
	defer lp.renders.Done()
	start := time.Now()
	data := lp.bundle(points)
	lp.publish(data)
	lp.mu.Lock()
	defer lp.mu.Unlock()
	lp.lastCost, lp.lastRender, lp.rendering = time.Since(start), time.Now(), false
	if lp.dirty {
		lp.requestLocked()
	}
}

// publish shows data in the plot's display, creating it the first time.
func (lp *LivePlot) publish(data map[string]any) {
	lp.mu.Lock()
	h := lp.handle
	lp.mu.Unlock()
	if h == nil {
		h = show(data, nil, nil)
		lp.mu.Lock()
		lp.handle = h
		lp.mu.Unlock()
		return
	}
	publish(capBundle(data), nil, h.id, true)
}

// Finish waits for live redraws and draws the final plot, or prints its
// text summary without a publisher. Attach calls it when a run ends; call
// it yourself when feeding points by hand.
func (lp *LivePlot) Finish() {
	lp.mu.Lock()
	lp.finished = true
	if lp.timer != nil {
		lp.timer.Stop()
		lp.timer = nil
	}
	lp.mu.Unlock()
	lp.renders.Wait()
	points := lp.Points()
	if len(points) == 0 {
		return
	}
	if current() == nil {
		fmt.Fprintln(textOut, summarize(points))
		return
	}
	lp.publish(lp.bundle(points))
}

// Points returns a copy of the points recorded so far.
func (lp *LivePlot) Points() []gomlxplot.Point {
	lp.mu.Lock()
	defer lp.mu.Unlock()
	return append([]gomlxplot.Point(nil), lp.points...)
}

// MIMEBundle renders the plot as it stands; a *LivePlot is therefore a
// displayable value.
func (lp *LivePlot) MIMEBundle() map[string]any { return lp.bundle(lp.Points()) }

// String summarizes the last value of each metric.
func (lp *LivePlot) String() string { return summarize(lp.Points()) }

// bundle renders points as Vega-Lite, SVG and text.
func (lp *LivePlot) bundle(points []gomlxplot.Point) map[string]any {
	data := map[string]any{"text/plain": summarize(points)}
	if len(points) == 0 {
		return data
	}
	data[VegaLiteMIME] = vegaTrainingSpec(points, lp.width, lp.height)
	if svg, err := lp.draw(points, "svg"); err == nil {
		data["image/svg+xml"] = string(svg)
	}
	return data
}

// PNG renders the plot as it stands as PNG bytes.
func (lp *LivePlot) PNG() ([]byte, error) { return lp.draw(lp.Points(), "png") }

// metricTypes lists metric types in order of first appearance, with the
// metric names of each.
func metricTypes(points []gomlxplot.Point) (types []string, names map[string][]string) {
	names = map[string][]string{}
	seen := map[string]bool{}
	for _, p := range points {
		if _, ok := names[p.MetricType]; !ok {
			types = append(types, p.MetricType)
			names[p.MetricType] = nil
		}
		if !seen[p.MetricName] {
			seen[p.MetricName] = true
			names[p.MetricType] = append(names[p.MetricType], p.MetricName)
		}
	}
	return types, names
}

// draw renders one gonum panel per metric type, stacked.
func (lp *LivePlot) draw(points []gomlxplot.Point, format string) ([]byte, error) {
	types, names := metricTypes(points)
	series := map[string]plotter.XYs{}
	for _, p := range points {
		series[p.MetricName] = append(series[p.MetricName], plotter.XY{X: p.Step, Y: p.Value})
	}
	plots := make([]*plot.Plot, len(types))
	for i, typ := range types {
		p := plot.New()
		p.Title.Text = typ
		p.X.Label.Text = "step"
		p.Add(plotter.NewGrid())
		p.Legend.Top = true
		for j, name := range names[typ] {
			l, err := plotter.NewLine(series[name])
			if err != nil {
				return nil, err
			}
			l.Color = plotutil.Color(j)
			l.Width = vg.Points(1.5)
			p.Add(l)
			p.Legend.Add(name, l)
		}
		plots[i] = p
	}
	return renderStack(plots, lp.width, lp.height*len(plots), format)
}

// vegaTrainingSpec builds a Vega-Lite spec: one line chart per metric
// type, one line per metric.
func vegaTrainingSpec(points []gomlxplot.Point, width, height int) map[string]any {
	values := make([]any, len(points))
	for i, p := range points {
		values[i] = map[string]any{"step": p.Step, "value": p.Value, "metric": p.MetricName, "type": p.MetricType}
	}
	types, _ := metricTypes(points)
	panels := make([]any, len(types))
	for i, typ := range types {
		panels[i] = map[string]any{
			"title":     typ,
			"width":     width - 160, // room for the legend
			"height":    height - 60,
			"transform": []any{map[string]any{"filter": map[string]any{"field": "type", "equal": typ}}},
			"mark":      map[string]any{"type": "line", "point": len(points) < 60},
			"encoding": map[string]any{
				"x":       map[string]any{"field": "step", "type": "quantitative", "title": "step"},
				"y":       map[string]any{"field": "value", "type": "quantitative", "title": typ, "scale": map[string]any{"zero": false}},
				"color":   map[string]any{"field": "metric", "type": "nominal", "title": "metric"},
				"tooltip": []any{map[string]any{"field": "metric"}, map[string]any{"field": "step"}, map[string]any{"field": "value", "format": ".4g"}},
			},
		}
	}
	return map[string]any{
		"$schema": VegaLiteSchema,
		"data":    map[string]any{"values": values},
		"vconcat": panels,
	}
}

// summarize lists the last value of each metric.
func summarize(points []gomlxplot.Point) string {
	if len(points) == 0 {
		return "Training plot: no points yet"
	}
	last := map[string]gomlxplot.Point{}
	for _, p := range points {
		if q, ok := last[p.MetricName]; !ok || p.Step >= q.Step {
			last[p.MetricName] = p
		}
	}
	names := make([]string, 0, len(last))
	for n := range last {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "Training plot: %d points", len(points))
	for _, n := range names {
		fmt.Fprintf(&b, "\n  %s: %.6g (step %.0f)", n, last[n].Value, last[n].Step)
	}
	return b.String()
}

// LivePlot feeds on GoMLX's plot points.
var _ gomlxplot.Plotter = (*LivePlot)(nil)
