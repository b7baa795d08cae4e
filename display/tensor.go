package display

import (
	"fmt"
	"html"
	"reflect"
	"strings"

	"github.com/gomlx/gomlx/core/tensors"
)

// SmallTensorSize is the largest number of elements a tensor may have to
// be shown in full as an HTML table; larger ones are summarized.
const SmallTensorSize = 1000

// tensorBundle renders a GoMLX tensor: a table when small, a summary
// otherwise.
func tensorBundle(t *tensors.Tensor) map[string]any {
	if t == nil {
		return map[string]any{"text/plain": "<nil tensor>"}
	}
	if err := t.CheckValid(); err != nil {
		return map[string]any{"text/plain": fmt.Sprintf("[invalid tensor: %v]", err)}
	}
	shape := t.Shape()
	if t.Size() <= SmallTensorSize && !t.DType().IsPacked() {
		var table string
		err := t.ConstFlatData(func(flat any) { table = tensorTable(reflect.ValueOf(flat), shape.Dimensions) })
		if err == nil {
			return map[string]any{
				"text/plain": plainText(t),
				"text/html":  fmt.Sprintf("<div class=\"igo-tensor\"><b>%s</b>%s</div>", html.EscapeString(shape.String()), table),
			}
		}
	}
	return tensorSummary(t)
}

// tensorSummary describes a large tensor by its shape and statistics.
func tensorSummary(t *tensors.Tensor) map[string]any {
	shape := t.Shape().String()
	values, err := tensorFloats(t)
	if err != nil {
		return map[string]any{"text/plain": fmt.Sprintf("Tensor %s (%d elements; %v)", shape, t.Size(), err)}
	}
	s := statsOf(values)
	text := fmt.Sprintf("Tensor %s: %d elements, min=%.4g max=%.4g mean=%.4g", shape, s.Count, s.Min, s.Max, s.Mean)
	rows := [][2]string{
		{"shape", shape}, {"dtype", t.DType().String()}, {"elements", fmt.Sprint(s.Count)},
		{"min", fmt.Sprintf("%.6g", s.Min)}, {"max", fmt.Sprintf("%.6g", s.Max)}, {"mean", fmt.Sprintf("%.6g", s.Mean)},
	}
	if s.NaNs > 0 {
		text += fmt.Sprintf(" NaN=%d", s.NaNs)
		rows = append(rows, [2]string{"NaN", fmt.Sprint(s.NaNs)})
	}
	var b strings.Builder
	b.WriteString("<table class=\"igo-tensor-summary\">")
	for _, r := range rows {
		fmt.Fprintf(&b, "<tr><th style=\"text-align:left\">%s</th><td style=\"text-align:left\">%s</td></tr>", r[0], html.EscapeString(r[1]))
	}
	b.WriteString("</table>")
	return map[string]any{"text/plain": text, "text/html": b.String()}
}

// tensorTable renders flat values of the given dimensions as HTML tables:
// one table for rank <= 2, one per leading index for higher ranks.
func tensorTable(flat reflect.Value, dims []int) string {
	var b strings.Builder
	switch len(dims) {
	case 0:
		fmt.Fprintf(&b, "<table><tr><td>%s</td></tr></table>", html.EscapeString(formatElem(flat.Index(0))))
	case 1:
		matrixTable(&b, flat, 0, 1, dims[0], true)
	case 2:
		matrixTable(&b, flat, 0, dims[0], dims[1], false)
	default:
		rows, cols := dims[len(dims)-2], dims[len(dims)-1]
		lead := dims[:len(dims)-2]
		blocks := flat.Len() / max(rows*cols, 1)
		idx := make([]int, len(lead))
		for blk := 0; blk < blocks; blk++ {
			parts := make([]string, len(idx))
			for i, v := range idx {
				parts[i] = fmt.Sprint(v)
			}
			fmt.Fprintf(&b, "<div><i>[%s, :, :]</i></div>", strings.Join(parts, ", "))
			matrixTable(&b, flat, blk*rows*cols, rows, cols, false)
			for i := len(idx) - 1; i >= 0; i-- { // next leading index
				idx[i]++
				if idx[i] < lead[i] {
					break
				}
				idx[i] = 0
			}
		}
	}
	return b.String()
}

// matrixTable writes a rows x cols table starting at offset, with index
// headers (no row header for vectors).
func matrixTable(b *strings.Builder, flat reflect.Value, offset, rows, cols int, vector bool) {
	b.WriteString("<table style=\"font-family:monospace\"><tr>")
	if !vector {
		b.WriteString("<th></th>")
	}
	for c := 0; c < cols; c++ {
		fmt.Fprintf(b, "<th>%d</th>", c)
	}
	b.WriteString("</tr>")
	for r := 0; r < rows; r++ {
		b.WriteString("<tr>")
		if !vector {
			fmt.Fprintf(b, "<th>%d</th>", r)
		}
		for c := 0; c < cols; c++ {
			fmt.Fprintf(b, "<td>%s</td>", html.EscapeString(formatElem(flat.Index(offset+r*cols+c))))
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</table>")
}
