package prep

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
)

// Augment describes random image transformations, applied independently to
// each image of a batch [N, H, W, C]. Values are in the image's own range:
// 0..255 for uint8 images, 0..1 assumed for float images.
type Augment struct {
	FlipHorizontal bool    // mirror left-right with probability 1/2
	PadCrop        int     // pad by this many zero pixels, crop back at a random offset
	MaxRotation    float64 // rotate by a uniform angle in [-MaxRotation, MaxRotation] degrees
	Brightness     float64 // add a uniform offset in [-Brightness, Brightness] (fraction of the range)
	Contrast       float64 // scale around the image mean by a uniform factor in [1-Contrast, 1+Contrast]
	Noise          float64 // add Gaussian noise with this standard deviation (fraction of the range)
	Seed           int64   // the same seed and input give the same output
}

// Apply returns an augmented copy of x, of the same dtype and shape.
func (a Augment) Apply(x *tensors.Tensor) (*tensors.Tensor, error) {
	dims := x.Shape().Dimensions
	if len(dims) != 4 {
		return nil, fmt.Errorf("Augment wants images [N, H, W, C], got %s", x.Shape())
	}
	n, h, w, c := dims[0], dims[1], dims[2], dims[3]
	fx, err := ToFloat32(x, 1)
	if err != nil {
		return nil, err
	}
	scale := float32(1)
	if x.DType() == dtypes.Uint8 {
		scale = 255
	}
	size := h * w * c
	tensors.MustMutableFlatData(fx, func(v []float32) {
		parallel(n, func(i int) {
			rng := newRand(a.Seed ^ int64(i)*0x9E3779B97F4A7C)
			a.one(v[i*size:(i+1)*size], h, w, c, scale, rng.Float64, rng.NormFloat64)
		})
	})
	if x.DType() != dtypes.Uint8 {
		return fx, nil
	}
	out := tensors.FromShape(shapes.Make(dtypes.Uint8, dims...))
	tensors.MustConstFlatData(fx, func(v []float32) {
		tensors.MustMutableFlatData(out, func(dst []uint8) {
			for i, f := range v {
				dst[i] = uint8(math.Round(float64(min(255, max(0, f)))))
			}
		})
	})
	return out, nil
}

// parallel runs fn(0..n-1) on all cores.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var wg sync.WaitGroup
	for k := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := k; i < n; i += workers {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

func (a Augment) one(img []float32, h, w, c int, scale float32, uniform, normal func() float64) {
	u := func(r float64) float64 { return (2*uniform() - 1) * r }
	if a.FlipHorizontal && uniform() < 0.5 {
		for y := range h {
			row := img[y*w*c : (y+1)*w*c]
			for x := range w / 2 {
				for k := range c {
					row[x*c+k], row[(w-1-x)*c+k] = row[(w-1-x)*c+k], row[x*c+k]
				}
			}
		}
	}
	if a.PadCrop > 0 || a.MaxRotation > 0 {
		dx, dy := 0, 0
		if a.PadCrop > 0 {
			dx, dy = int(uniform()*float64(2*a.PadCrop+1))-a.PadCrop, int(uniform()*float64(2*a.PadCrop+1))-a.PadCrop
		}
		angle := u(a.MaxRotation) * math.Pi / 180
		cos, sin := math.Cos(angle), math.Sin(angle)
		src := append([]float32(nil), img...)
		cx, cy := float64(w-1)/2, float64(h-1)/2
		for y := range h {
			for x := range w {
				// Where this output pixel comes from: inverse rotation, then shift.
				fx, fy := float64(x)-cx, float64(y)-cy
				sx := int(math.Round(cos*fx+sin*fy+cx)) + dx
				sy := int(math.Round(-sin*fx+cos*fy+cy)) + dy
				dst := img[(y*w+x)*c : (y*w+x+1)*c]
				if sx < 0 || sy < 0 || sx >= w || sy >= h {
					clear(dst)
					continue
				}
				copy(dst, src[(sy*w+sx)*c:(sy*w+sx+1)*c])
			}
		}
	}
	if a.Contrast > 0 {
		var mean float64
		for _, v := range img {
			mean += float64(v)
		}
		mean /= float64(len(img))
		f := 1 + u(a.Contrast)
		for i, v := range img {
			img[i] = float32((float64(v)-mean)*f + mean)
		}
	}
	if a.Brightness > 0 {
		off := float32(u(a.Brightness)) * scale
		for i := range img {
			img[i] += off
		}
	}
	if a.Noise > 0 {
		for i := range img {
			img[i] += float32(normal()*a.Noise) * scale
		}
	}
}
