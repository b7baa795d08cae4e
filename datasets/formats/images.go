package formats

import (
	"fmt"
	"image"
	_ "image/gif" // decoders registered for image.Decode
	_ "image/jpeg"
	_ "image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
)

// ImageFolder is a decoded folder of images with one sub-folder per class.
type ImageFolder struct {
	Labeled
	Classes []string // sub-folder names, sorted; Y indexes them
	Files   []string // the file of each example, in order
}

var imageExts = []string{".png", ".jpg", ".jpeg", ".gif"}

// ReadImageFolder decodes dir/CLASS/*.{png,jpg,jpeg,gif} into uint8 RGB
// images [N, height, width, 3] and int32 labels [N, 1]. Images are resized
// (nearest neighbour) to width x height; when both are 0 the first image's
// size is used and every image must have it.
func ReadImageFolder(dir string, width, height int) (*ImageFolder, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := &ImageFolder{}
	var labels []int32
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		files, err := os.ReadDir(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		class := int32(len(out.Classes))
		out.Classes = append(out.Classes, e.Name())
		for _, f := range files {
			if slices.Contains(imageExts, strings.ToLower(filepath.Ext(f.Name()))) {
				out.Files = append(out.Files, filepath.Join(dir, e.Name(), f.Name()))
				labels = append(labels, class)
			}
		}
	}
	if len(out.Files) == 0 {
		return nil, fmt.Errorf("%s: no images found; want one sub-folder per class holding .png, .jpg or .gif files", dir)
	}
	auto := width == 0 && height == 0
	if (width == 0) != (height == 0) {
		return nil, fmt.Errorf("%s: give both width and height, or neither", dir)
	}
	var pixels []uint8
	for i, path := range out.Files {
		img, err := decodeImage(path)
		if err != nil {
			return nil, err
		}
		b := img.Bounds()
		if i == 0 && auto {
			width, height = b.Dx(), b.Dy()
		}
		if i == 0 {
			pixels = make([]uint8, 0, len(out.Files)*width*height*3)
		}
		if auto && (b.Dx() != width || b.Dy() != height) {
			return nil, fmt.Errorf("%s: image is %dx%d, the first was %dx%d; give a size to resize to", path, b.Dx(), b.Dy(), width, height)
		}
		pixels = appendRGB(pixels, img, width, height)
	}
	n := len(out.Files)
	out.X = tensors.FromShape(shapes.Make(dtypes.Uint8, n, height, width, 3))
	if err := out.X.MutableBytes(func(data []byte) { copy(data, pixels) }); err != nil {
		return nil, err
	}
	out.Y = tensors.FromFlatDataAndDimensions(labels, n, 1)
	return out, nil
}

func decodeImage(path string) (image.Image, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	img, _, err := image.Decode(fh)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot decode image: %w", path, err)
	}
	return img, nil
}

// appendRGB appends img's pixels, resized to w x h by nearest neighbour, as
// interleaved RGB bytes.
func appendRGB(dst []uint8, img image.Image, w, h int) []uint8 {
	b := img.Bounds()
	for y := range h {
		sy := b.Min.Y + y*b.Dy()/h
		for x := range w {
			sx := b.Min.X + x*b.Dx()/w
			r, g, bl, _ := img.At(sx, sy).RGBA()
			dst = append(dst, uint8(r>>8), uint8(g>>8), uint8(bl>>8))
		}
	}
	return dst
}
