package display

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"

	"github.com/gomlx/gomlx/core/tensors"
)

// Grid is a set of images tiled into one picture. It is a displayable
// value (PNG); Show displays it at once.
type Grid struct {
	img *image.RGBA
	n   int
	err error
}

// gridPad is the gap between tiles, in pixels.
const gridPad = 2

// ImageGrid tiles images into rows of cols (cols <= 0: about square).
// images is a []image.Image or a *tensors.Tensor shaped [N, H, W] or
// [N, H, W, C] with C = 1 (gray), 3 (RGB) or 4 (RGBA). Tensor values in
// [0, 1] are scaled to [0, 255]; values in [0, 255] are kept; others are
// stretched from their min..max.
func ImageGrid(images any, cols int) *Grid {
	var imgs []image.Image
	var err error
	switch x := images.(type) {
	case []image.Image:
		imgs = x
	case *tensors.Tensor:
		imgs, err = tensorImages(x)
	default:
		err = fmt.Errorf("ImageGrid takes []image.Image or *tensors.Tensor, got %T", images)
	}
	if err != nil {
		return &Grid{err: err}
	}
	if len(imgs) == 0 {
		return &Grid{err: fmt.Errorf("no images")}
	}
	if cols <= 0 {
		for cols = 1; cols*cols < len(imgs); cols++ {
		}
	}
	cols = min(cols, len(imgs))
	rows := (len(imgs) + cols - 1) / cols
	cw, ch := 0, 0
	for _, im := range imgs {
		cw, ch = max(cw, im.Bounds().Dx()), max(ch, im.Bounds().Dy())
	}
	out := image.NewRGBA(image.Rect(0, 0, cols*(cw+gridPad)+gridPad, rows*(ch+gridPad)+gridPad))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	for i, im := range imgs {
		at := image.Pt(gridPad+(i%cols)*(cw+gridPad), gridPad+(i/cols)*(ch+gridPad))
		draw.Draw(out, image.Rectangle{Min: at, Max: at.Add(im.Bounds().Size())}, im, im.Bounds().Min, draw.Src)
	}
	return &Grid{img: out, n: len(imgs)}
}

// tensorImages slices a [N,H,W] or [N,H,W,C] tensor into images.
func tensorImages(t *tensors.Tensor) ([]image.Image, error) {
	dims := t.Shape().Dimensions
	channels := 1
	switch {
	case len(dims) == 3:
	case len(dims) == 4 && (dims[3] == 1 || dims[3] == 3 || dims[3] == 4):
		channels = dims[3]
	default:
		return nil, fmt.Errorf("image tensor must be [N, H, W] or [N, H, W, C] with C in {1, 3, 4}, got %s", t.Shape())
	}
	values, err := tensorFloats(t)
	if err != nil {
		return nil, err
	}
	s := statsOf(values)
	lo, scale := 0.0, 1.0 // value -> byte: (v - lo) * scale
	switch {
	case s.Min >= 0 && s.Max <= 1:
		scale = 255
	case s.Min >= 0 && s.Max <= 255:
	case s.Max > s.Min:
		lo, scale = s.Min, 255/(s.Max-s.Min)
	}
	toByte := func(v float64) uint8 {
		return uint8(min(255, max(0, (v-lo)*scale+0.5)))
	}
	n, h, w := dims[0], dims[1], dims[2]
	imgs := make([]image.Image, n)
	for i := range imgs {
		base := i * h * w * channels
		if channels == 1 {
			g := image.NewGray(image.Rect(0, 0, w, h))
			for p := range g.Pix {
				g.Pix[p] = toByte(values[base+p])
			}
			imgs[i] = g
			continue
		}
		rgba := image.NewRGBA(image.Rect(0, 0, w, h))
		for p := 0; p < h*w; p++ {
			px := values[base+p*channels : base+(p+1)*channels]
			rgba.Pix[4*p], rgba.Pix[4*p+1], rgba.Pix[4*p+2], rgba.Pix[4*p+3] = toByte(px[0]), toByte(px[1]), toByte(px[2]), 255
			if channels == 4 {
				rgba.Pix[4*p+3] = toByte(px[3])
			}
		}
		imgs[i] = rgba
	}
	return imgs, nil
}

// Image returns the tiled picture (nil on error; see Err).
func (g *Grid) Image() image.Image {
	if g.img == nil {
		return nil
	}
	return g.img
}

// Err reports why the grid could not be made, or nil.
func (g *Grid) Err() error { return g.err }

// String describes the grid in one line.
func (g *Grid) String() string {
	if g.err != nil {
		return fmt.Sprintf("[image grid: %v]", g.err)
	}
	return fmt.Sprintf("[image grid: %d images, %dx%d]", g.n, g.img.Bounds().Dx(), g.img.Bounds().Dy())
}

// MIMEBundle renders the grid as PNG.
func (g *Grid) MIMEBundle() map[string]any {
	if g.err != nil {
		return map[string]any{"text/plain": g.String()}
	}
	data, _ := imageValueData(g.img)
	data["text/plain"] = g.String()
	return data
}

// Show displays the grid now and returns its handle.
func (g *Grid) Show() *Handle { return Display(g) }
