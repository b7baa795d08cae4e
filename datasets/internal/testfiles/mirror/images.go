package main

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
)

type pt struct{ x, y float64 }

// arc samples an ellipse from angle a0 to a1 (degrees; y points down, so
// -90 is the top).
func arc(cx, cy, rx, ry, a0, a1 float64) []pt {
	const n = 16
	out := make([]pt, n+1)
	for i := range out {
		a := (a0 + (a1-a0)*float64(i)/n) * math.Pi / 180
		out[i] = pt{cx + rx*math.Cos(a), cy + ry*math.Sin(a)}
	}
	return out
}

func line(p ...float64) []pt {
	out := make([]pt, len(p)/2)
	for i := range out {
		out[i] = pt{p[2*i], p[2*i+1]}
	}
	return out
}

func join(parts ...[]pt) []pt {
	var out []pt
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// digitStrokes are pen paths of the digits 0-9 in a unit box.
var digitStrokes = [10][][]pt{
	{arc(0.5, 0.5, 0.2, 0.33, 0, 360)},
	{line(0.5, 0.17, 0.5, 0.83), line(0.38, 0.28, 0.5, 0.17)},
	{join(arc(0.5, 0.34, 0.2, 0.17, -160, 25), line(0.3, 0.83, 0.73, 0.83))},
	{arc(0.5, 0.33, 0.18, 0.16, -150, 90), arc(0.5, 0.66, 0.21, 0.18, -90, 150)},
	{line(0.62, 0.83, 0.62, 0.17, 0.28, 0.62, 0.76, 0.62)},
	{join(line(0.7, 0.17, 0.36, 0.17, 0.33, 0.46), arc(0.5, 0.63, 0.2, 0.2, -125, 150))},
	{join(line(0.66, 0.17), arc(0.56, 0.6, 0.24, 0.43, -110, -180)), arc(0.5, 0.66, 0.18, 0.17, 0, 360)},
	{line(0.27, 0.17, 0.73, 0.17, 0.42, 0.83)},
	{arc(0.5, 0.32, 0.16, 0.15, 0, 360), arc(0.5, 0.67, 0.2, 0.17, 0, 360)},
	{arc(0.5, 0.34, 0.18, 0.17, 0, 360), line(0.68, 0.34, 0.6, 0.83)},
}

// shape is what an image is drawn from: filled polygons and pen strokes,
// each with a grey level (0 draws dark lines over a filled shape).
type shape struct {
	fills   [][]pt
	fillInk []float64
	strokes [][]pt
	ink     []float64
	width   float64 // stroke width, in unit-box units
}

// transform jitters every point and applies a random affine map.
func transform(s shape, rng *rand.Rand, rot, scale, shift, jitter float64) shape {
	a := (rng.Float64()*2 - 1) * rot * math.Pi / 180
	sx := 1 + (rng.Float64()*2-1)*scale
	sy := 1 + (rng.Float64()*2-1)*scale
	shear := (rng.Float64()*2 - 1) * scale
	tx, ty := (rng.Float64()*2-1)*shift, (rng.Float64()*2-1)*shift
	cos, sin := math.Cos(a), math.Sin(a)
	mapAll := func(paths [][]pt) [][]pt {
		out := make([][]pt, len(paths))
		for i, path := range paths {
			out[i] = make([]pt, len(path))
			for j, p := range path {
				x := (p.x-0.5)*sx + (p.y-0.5)*shear + rng.NormFloat64()*jitter
				y := (p.y-0.5)*sy + rng.NormFloat64()*jitter
				out[i][j] = pt{0.5 + tx + x*cos - y*sin, 0.5 + ty + x*sin + y*cos}
			}
		}
		return out
	}
	s.fills, s.strokes = mapAll(s.fills), mapAll(s.strokes)
	return s
}

func inside(poly []pt, x, y float64) bool {
	in := false
	for i, j := 0, len(poly)-1; i < len(poly); j, i = i, i+1 {
		a, b := poly[i], poly[j]
		if (a.y > y) != (b.y > y) && x < (b.x-a.x)*(y-a.y)/(b.y-a.y)+a.x {
			in = !in
		}
	}
	return in
}

func segDist(p, a, b pt) float64 {
	dx, dy := b.x-a.x, b.y-a.y
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, ((p.x-a.x)*dx+(p.y-a.y)*dy)/l))
	}
	ex, ey := p.x-a.x-t*dx, p.y-a.y-t*dy
	return math.Sqrt(ex*ex + ey*ey)
}

// render draws s into a 28x28 grey image; noise adds texture to fills.
func render(s shape, rng *rand.Rand, noise float64, dst []byte) {
	const size = 28
	for py := range size {
		for px := range size {
			p := pt{(float64(px) + 0.5) / size, (float64(py) + 0.5) / size}
			v := 0.0
			for i, poly := range s.fills {
				// 2x2 supersampling smooths the edges.
				cover := 0.0
				for _, o := range [4]pt{{-0.25, -0.25}, {0.25, -0.25}, {-0.25, 0.25}, {0.25, 0.25}} {
					if inside(poly, p.x+o.x/size, p.y+o.y/size) {
						cover += 0.25
					}
				}
				if cover > 0 {
					v = v*(1-cover) + cover*(s.fillInk[i]+rng.NormFloat64()*noise)
				}
			}
			for i, path := range s.strokes {
				d := math.Inf(1)
				for j := 1; j < len(path); j++ {
					d = math.Min(d, segDist(p, path[j-1], path[j]))
				}
				// Coverage falls off over one pixel past half the width.
				cover := math.Max(0, math.Min(1, (s.width/2-d)*size+0.5))
				v = v*(1-cover) + cover*s.ink[i]
			}
			dst[py*size+px] = byte(math.Max(0, math.Min(255, v)))
		}
	}
}

// drawAll draws n images with labels i%10 shuffled by seed, in parallel;
// each image has its own seeded generator, so output is deterministic.
func drawAll(seed uint64, n int, draw func(label int, rng *rand.Rand, dst []byte)) (px, labels []byte) {
	px = make([]byte, n*784)
	labels = make([]byte, n)
	order := rand.New(rand.NewPCG(seed, 0)).Perm(n)
	for i, j := range order {
		labels[i] = byte(j % 10)
	}
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				rng := rand.New(rand.NewPCG(seed, uint64(i)+1))
				draw(int(labels[i]), rng, px[i*784:(i+1)*784])
			}
		}()
	}
	wg.Wait()
	return px, labels
}

// Digits draws n handwriting-like digits: pen strokes with jittered points,
// random slant, rotation, size, position and pen width.
func Digits(seed uint64, n int) (px, labels []byte) {
	return drawAll(seed, n, func(label int, rng *rand.Rand, dst []byte) {
		strokes := digitStrokes[label]
		ink := make([]float64, len(strokes))
		for i := range ink {
			ink[i] = 255
		}
		s := shape{strokes: strokes, ink: ink, width: 0.05 + rng.Float64()*0.04}
		render(transform(s, rng, 12, 0.12, 0.07, 0.018), rng, 0, dst)
	})
}

// clothes are the Fashion-MNIST classes as silhouettes; the tops (T-shirt,
// pullover, coat, shirt) differ in details, as in the real set.
var clothes = [10]func() shape{
	func() shape { // T-shirt/top
		return shape{fills: [][]pt{line(0.3, 0.2, 0.42, 0.15, 0.5, 0.2, 0.58, 0.15, 0.7, 0.2, 0.88, 0.36, 0.8, 0.46, 0.72, 0.38, 0.72, 0.88, 0.28, 0.88, 0.28, 0.38, 0.2, 0.46, 0.12, 0.36)}}
	},
	func() shape { // Trouser
		return shape{fills: [][]pt{line(0.33, 0.08, 0.67, 0.08, 0.71, 0.93, 0.56, 0.93, 0.5, 0.33, 0.44, 0.93, 0.29, 0.93)}}
	},
	func() shape { // Pullover
		return shape{fills: [][]pt{line(0.3, 0.15, 0.42, 0.12, 0.58, 0.12, 0.7, 0.15, 0.85, 0.4, 0.9, 0.85, 0.78, 0.85, 0.72, 0.45, 0.72, 0.88, 0.28, 0.88, 0.28, 0.45, 0.22, 0.85, 0.1, 0.85, 0.15, 0.4)}}
	},
	func() shape { // Dress
		return shape{fills: [][]pt{line(0.4, 0.08, 0.6, 0.08, 0.62, 0.35, 0.78, 0.93, 0.22, 0.93, 0.38, 0.35)}}
	},
	func() shape { // Coat
		return shape{fills: [][]pt{line(0.28, 0.1, 0.42, 0.08, 0.58, 0.08, 0.72, 0.1, 0.88, 0.4, 0.92, 0.9, 0.8, 0.9, 0.74, 0.45, 0.75, 0.95, 0.25, 0.95, 0.26, 0.45, 0.2, 0.9, 0.08, 0.9, 0.12, 0.4)},
			strokes: [][]pt{line(0.5, 0.12, 0.5, 0.95)}, ink: []float64{30}, width: 0.04}
	},
	func() shape { // Sandal
		return shape{fills: [][]pt{line(0.08, 0.7, 0.9, 0.62, 0.93, 0.72, 0.08, 0.78)},
			strokes: [][]pt{line(0.18, 0.72, 0.32, 0.45, 0.5, 0.56, 0.68, 0.46, 0.84, 0.64)}, ink: []float64{200}, width: 0.05}
	},
	func() shape { // Shirt
		return shape{fills: [][]pt{line(0.3, 0.15, 0.42, 0.12, 0.58, 0.12, 0.7, 0.15, 0.85, 0.4, 0.88, 0.85, 0.78, 0.85, 0.72, 0.45, 0.72, 0.88, 0.28, 0.88, 0.28, 0.45, 0.22, 0.85, 0.12, 0.85, 0.15, 0.4)},
			strokes: [][]pt{line(0.42, 0.12, 0.5, 0.25, 0.58, 0.12), line(0.5, 0.25, 0.5, 0.88)}, ink: []float64{40, 90}, width: 0.03}
	},
	func() shape { // Sneaker
		return shape{fills: [][]pt{line(0.06, 0.55, 0.45, 0.5, 0.6, 0.35, 0.85, 0.4, 0.94, 0.64, 0.93, 0.76, 0.06, 0.76)},
			strokes: [][]pt{line(0.06, 0.7, 0.93, 0.7)}, ink: []float64{250}, width: 0.04}
	},
	func() shape { // Bag
		return shape{fills: [][]pt{line(0.16, 0.38, 0.84, 0.38, 0.84, 0.88, 0.16, 0.88)},
			strokes: [][]pt{arc(0.5, 0.38, 0.2, 0.22, 180, 360)}, ink: []float64{180}, width: 0.05}
	},
	func() shape { // Ankle boot
		return shape{fills: [][]pt{line(0.16, 0.12, 0.5, 0.12, 0.52, 0.5, 0.9, 0.62, 0.93, 0.84, 0.12, 0.84)},
			strokes: [][]pt{line(0.12, 0.8, 0.93, 0.8)}, ink: []float64{60}, width: 0.04}
	},
}

// Clothes draws n clothing silhouettes with random size, position, tilt,
// brightness and fabric texture.
func Clothes(seed uint64, n int) (px, labels []byte) {
	return drawAll(seed, n, func(label int, rng *rand.Rand, dst []byte) {
		s := clothes[label]()
		base := 90 + rng.Float64()*150
		s.fillInk = make([]float64, len(s.fills))
		for i := range s.fillInk {
			s.fillInk[i] = base
		}
		render(transform(s, rng, 6, 0.1, 0.05, 0.012), rng, 18, dst)
	})
}
