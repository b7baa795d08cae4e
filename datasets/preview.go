package datasets

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/igo-kernel/igo/datasets/prep"
)

// ImageGrid renders the first n images of a split as a PNG grid (10 per
// row, each scaled up to at least 56 pixels), for uint8 or float images in
// [0, 1].
func (d *Dataset) ImageGrid(split string, n int) ([]byte, error) {
	s, err := d.Split(split)
	if err != nil {
		return nil, err
	}
	return ImageGrid(s.X, n)
}

// ImageGrid renders the first n images of x [N, H, W, C] (C is 1 or 3) as a
// PNG grid.
func ImageGrid(x *tensors.Tensor, n int) ([]byte, error) {
	dims := x.Shape().Dimensions
	if len(dims) != 4 || (dims[3] != 1 && dims[3] != 3) {
		return nil, fmt.Errorf("ImageGrid wants images [N, H, W, 1 or 3], got %s", x.Shape())
	}
	n = min(n, dims[0])
	if n <= 0 {
		return nil, fmt.Errorf("ImageGrid: no images")
	}
	h, w, c := dims[1], dims[2], dims[3]
	if x.DType() != dtypes.Uint8 {
		scaled, err := prep.ToFloat32(x, 255)
		if err != nil {
			return nil, err
		}
		x = scaled
	}
	zoom := max(1, (56+h-1)/h)
	cols := min(n, 10)
	rows := (n + cols - 1) / cols
	const gap = 2
	cw, ch := w*zoom+gap, h*zoom+gap
	img := image.NewRGBA(image.Rect(0, 0, cols*cw+gap, rows*ch+gap))
	for i := range img.Pix {
		img.Pix[i] = 255 // white background and gaps
	}
	pixel := func(i, y, xx int, get func(k int) uint8) color.RGBA {
		base := ((i*h+y)*w + xx) * c
		if c == 1 {
			v := get(base)
			return color.RGBA{v, v, v, 255}
		}
		return color.RGBA{get(base), get(base + 1), get(base + 2), 255}
	}
	draw := func(get func(k int) uint8) {
		for i := range n {
			ox, oy := gap+(i%cols)*cw, gap+(i/cols)*ch
			for y := range h * zoom {
				for xx := range w * zoom {
					img.SetRGBA(ox+xx, oy+y, pixel(i, y/zoom, xx/zoom, get))
				}
			}
		}
	}
	x.MustConstFlatData(func(flat any) {
		switch v := flat.(type) {
		case []uint8:
			draw(func(k int) uint8 { return v[k] })
		case []float32:
			draw(func(k int) uint8 { return uint8(min(255, max(0, v[k]))) })
		}
	})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// TableHTML renders the first rows examples of a tabular split as an HTML
// table: features then the class name.
func (d *Dataset) TableHTML(split string, rows int) (string, error) {
	s, err := d.Split(split)
	if err != nil {
		return "", err
	}
	dims := s.X.Shape().Dimensions
	if len(dims) != 2 {
		return "", fmt.Errorf("%s is not tabular (X is %s)", d.Name, s.X.Shape())
	}
	rows = min(rows, dims[0])
	f := dims[1]
	x, err := prep.ToFloat32(s.X, 1)
	if err != nil {
		return "", err
	}
	var labels []int
	if s.Y != nil {
		labels, _ = prep.Labels(s.Y)
	}
	var b strings.Builder
	b.WriteString("<table><thead><tr>")
	for j := range f {
		name := fmt.Sprintf("f%d", j)
		if j < len(d.Features) {
			name = d.Features[j]
		}
		fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(name))
	}
	if labels != nil {
		b.WriteString("<th>class</th>")
	}
	b.WriteString("</tr></thead><tbody>")
	tensors.MustConstFlatData(x, func(v []float32) {
		for i := range rows {
			b.WriteString("<tr>")
			for j := range f {
				fmt.Fprintf(&b, "<td>%.4g</td>", v[i*f+j])
			}
			if labels != nil {
				name := fmt.Sprint(labels[i])
				if labels[i] >= 0 && labels[i] < len(d.Classes) {
					name = d.Classes[labels[i]]
				}
				fmt.Fprintf(&b, "<td>%s</td>", html.EscapeString(name))
			}
			b.WriteString("</tr>")
		}
	})
	fmt.Fprintf(&b, "</tbody></table><p>first %d of %d rows (%s split)</p>", rows, dims[0], s.Name)
	return b.String(), nil
}

// TextHead is the first n characters of a text split, decoded.
func (d *Dataset) TextHead(split string, n int) (string, error) {
	s, err := d.Split(split)
	if err != nil {
		return "", err
	}
	if d.Vocab == nil {
		return "", fmt.Errorf("%s is not a text dataset", d.Name)
	}
	ids := tensors.MustCopyFlatData[int32](s.X)
	return d.Vocab.Decode(ids[:min(n, len(ids))]), nil
}
