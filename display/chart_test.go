package display

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
)

func TestCharts(t *testing.T) {
	charts := map[string]*Chart{
		"line":    Line([]float32{1, 3, 2}).Title("loss").Names("train"),
		"lines":   Line([][]float64{{1, 2}, {2, 1}}),
		"tensor":  Line(tensors.FromValue([][]float32{{1, 2, 3}, {3, 2, 1}})),
		"xy":      LineXY([]int{1, 2, 4}, []float64{1, 4, 16}),
		"scatter": Scatter([]float64{1, 2, 3}, []int{3, 1, 2}).XLabel("x").YLabel("y"),
		"hist":    Histogram([]float64{1, 1, 2, 3, 3, 3, 9}, 0),
	}
	for name, c := range charts {
		if c.Err() != nil {
			t.Fatalf("%s: %v", name, c.Err())
		}
		data, _ := Bundle(c)
		checkXML(t, data["image/svg+xml"].(string))
		if png := decodeBase64(t, data["image/png"]); !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Errorf("%s: PNG magic missing", name)
		}
		if !strings.Contains(data["text/plain"].(string), "chart") {
			t.Errorf("%s: text/plain %v", name, data["text/plain"])
		}
	}
	if svg := charts["line"].SVG(); !strings.Contains(svg, "loss") || !strings.Contains(svg, "train") {
		t.Error("title or legend missing from SVG")
	}
	if c := charts["tensor"]; len(c.ys) != 2 || c.ys[1][0] != 3 {
		t.Errorf("rank-2 tensor series: %v", c.ys)
	}
	if c := charts["hist"]; c.bins != 3 {
		t.Errorf("default bins = %d, want 3", c.bins)
	}
}

func TestChartErrors(t *testing.T) {
	bad := LineXY([]float64{1, 2}, []float64{1})
	if bad.Err() == nil {
		t.Fatal("mismatched lengths accepted")
	}
	data, _ := Bundle(bad)
	if _, ok := data["image/svg+xml"]; ok || !strings.Contains(data["text/plain"].(string), "2 values") {
		t.Errorf("bundle of bad chart: %v", data)
	}
	if Line("text").Err() == nil {
		t.Error("string accepted as data")
	}
}

func TestImageGrid(t *testing.T) {
	flat := make([]float32, 5*4*3)
	for i := range flat {
		flat[i] = float32(i) / float32(len(flat))
	}
	g := ImageGrid(tensors.FromFlatDataAndDimensions(flat, 5, 4, 3), 0)
	if g.Err() != nil {
		t.Fatal(g.Err())
	}
	// 5 images of 3x4 in a 3-column grid: 2 rows.
	b := g.Image().Bounds()
	if b.Dx() != 3*(3+gridPad)+gridPad || b.Dy() != 2*(4+gridPad)+gridPad {
		t.Errorf("grid size %v", b)
	}
	data, _ := Bundle(g)
	if png := decodeBase64(t, data["image/png"]); !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Error("PNG magic missing")
	}
	rgb := ImageGrid(tensors.FromFlatDataAndDimensions(make([]uint8, 2*2*2*3), 2, 2, 2, 3), 1)
	if rgb.Err() != nil || rgb.Image().Bounds().Dy() != 2*(2+gridPad)+gridPad {
		t.Errorf("rgb grid: %v", rgb)
	}
	if ImageGrid(tensors.FromValue([]float32{1}), 1).Err() == nil {
		t.Error("rank-1 tensor accepted")
	}
}
