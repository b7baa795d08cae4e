package display

import (
	"encoding/base64"
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Chart is a line, scatter or histogram chart drawn with gonum/plot. It is
// a displayable value: as a cell's result it shows as SVG (with a PNG
// alternative); Show displays it at once. Setters return the chart, so
// calls chain: display.Line(ys).Title("loss").Show().
type Chart struct {
	kind                  string // "line", "scatter" or "histogram"
	title, xLabel, yLabel string
	width, height         int // pixels
	names                 []string
	xs, ys                [][]float64
	bins                  int
	err                   error
}

// Line charts one or more series against their index: ys is a numeric
// slice, a slice of numeric slices (one line each), or a *tensors.Tensor
// (rank 1: one line; rank 2: one line per row).
func Line(ys any) *Chart {
	c := &Chart{kind: "line"}
	c.ys, c.err = SeriesList(ys)
	c.xs = indexXs(c.ys)
	return c
}

// LineXY charts ys against xs; both take what Series takes.
func LineXY(xs, ys any) *Chart { return xyChart("line", xs, ys) }

// Scatter draws the points (xs[i], ys[i]); both take what Series takes.
func Scatter(xs, ys any) *Chart { return xyChart("scatter", xs, ys) }

// Histogram counts values (anything Series takes) in bins equal-width
// bins; bins <= 0 picks the square root of the number of values.
func Histogram(values any, bins int) *Chart {
	c := &Chart{kind: "histogram", bins: bins}
	var v []float64
	v, c.err = Series(values)
	c.ys = [][]float64{v}
	if c.bins <= 0 {
		c.bins = max(1, int(math.Ceil(math.Sqrt(float64(len(v))))))
	}
	return c
}

func xyChart(kind string, xs, ys any) *Chart {
	c := &Chart{kind: kind}
	x, err := Series(xs)
	if err != nil {
		c.err = fmt.Errorf("xs: %w", err)
		return c
	}
	y, err := Series(ys)
	if err != nil {
		c.err = fmt.Errorf("ys: %w", err)
		return c
	}
	if len(x) != len(y) {
		c.err = fmt.Errorf("xs has %d values but ys has %d", len(x), len(y))
	}
	c.xs, c.ys = [][]float64{x}, [][]float64{y}
	return c
}

func indexXs(ys [][]float64) [][]float64 {
	xs := make([][]float64, len(ys))
	for i, s := range ys {
		xs[i] = make([]float64, len(s))
		for j := range s {
			xs[i][j] = float64(j)
		}
	}
	return xs
}

// Title sets the chart's title.
func (c *Chart) Title(s string) *Chart { c.title = s; return c }

// XLabel sets the label of the horizontal axis.
func (c *Chart) XLabel(s string) *Chart { c.xLabel = s; return c }

// YLabel sets the label of the vertical axis.
func (c *Chart) YLabel(s string) *Chart { c.yLabel = s; return c }

// Names names the series, shown in a legend.
func (c *Chart) Names(names ...string) *Chart { c.names = names; return c }

// Size sets the chart's size in pixels (default 640x360).
func (c *Chart) Size(width, height int) *Chart { c.width, c.height = width, height; return c }

func (c *Chart) size() (int, int) {
	w, h := c.width, c.height
	if w <= 0 {
		w = 640
	}
	if h <= 0 {
		h = 360
	}
	return w, h
}

// Err reports why the chart cannot be drawn (bad input data), or nil.
func (c *Chart) Err() error { return c.err }

// build makes the gonum plot.
func (c *Chart) build() (*plot.Plot, error) {
	if c.err != nil {
		return nil, c.err
	}
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = c.title, c.xLabel, c.yLabel
	p.Add(plotter.NewGrid())
	for i, ys := range c.ys {
		name := ""
		if i < len(c.names) {
			name = c.names[i]
		}
		var thing plot.Thumbnailer
		switch c.kind {
		case "histogram":
			h, err := plotter.NewHist(plotter.Values(ys), c.bins)
			if err != nil {
				return nil, err
			}
			h.FillColor = plotutil.Color(0)
			p.Add(h)
			thing = h
		case "scatter":
			s, err := plotter.NewScatter(xyPoints(c.xs[i], ys))
			if err != nil {
				return nil, err
			}
			s.Color = plotutil.Color(i)
			s.Radius = vg.Points(2)
			p.Add(s)
			thing = s
		default:
			l, err := plotter.NewLine(xyPoints(c.xs[i], ys))
			if err != nil {
				return nil, err
			}
			l.Color = plotutil.Color(i)
			l.Width = vg.Points(1.5)
			p.Add(l)
			thing = l
		}
		if name != "" {
			p.Legend.Add(name, thing)
		}
	}
	p.Legend.Top = true
	return p, nil
}

// xyPoints pairs xs and ys, leaving out points that are NaN or infinite
// (gonum refuses them).
func xyPoints(xs, ys []float64) plotter.XYs {
	pts := make(plotter.XYs, 0, len(ys))
	for i := range ys {
		if bad(xs[i]) || bad(ys[i]) {
			continue
		}
		pts = append(pts, plotter.XY{X: xs[i], Y: ys[i]})
	}
	return pts
}

func bad(f float64) bool { return math.IsNaN(f) || math.IsInf(f, 0) }

func (c *Chart) render(format string) ([]byte, error) {
	p, err := c.build()
	if err != nil {
		return nil, err
	}
	w, h := c.size()
	return renderStack([]*plot.Plot{p}, w, h, format)
}

// SVG renders the chart as an SVG document ("" on error; see Err).
func (c *Chart) SVG() string {
	b, err := c.render("svg")
	if err != nil {
		c.err = err
		return ""
	}
	return string(b)
}

// PNG renders the chart as PNG bytes (nil on error; see Err).
func (c *Chart) PNG() []byte {
	b, err := c.render("png")
	if err != nil {
		c.err = err
		return nil
	}
	return b
}

// String describes the chart in one line.
func (c *Chart) String() string {
	if c.err != nil {
		return fmt.Sprintf("[%s chart: %v]", c.kind, c.err)
	}
	n := 0
	for _, s := range c.ys {
		n += len(s)
	}
	desc := fmt.Sprintf("[%s chart: %d series, %d values", c.kind, len(c.ys), n)
	if c.title != "" {
		desc += ", " + c.title
	}
	return desc + "]"
}

// MIMEBundle renders the chart as SVG, with a PNG for front ends that do
// not draw SVG, and a one-line text/plain.
func (c *Chart) MIMEBundle() map[string]any {
	svg := c.SVG()
	if c.err != nil {
		return map[string]any{"text/plain": c.String()}
	}
	return map[string]any{
		"image/svg+xml": svg,
		"image/png":     base64.StdEncoding.EncodeToString(c.PNG()),
		"text/plain":    c.String(),
	}
}

// Show displays the chart now and returns its handle; Update on the
// handle accepts another chart.
func (c *Chart) Show() *Handle {
	return Display(c)
}
