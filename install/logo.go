package install

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
)

// The logo is drawn from one small geometric description, in a 64×64 unit
// square, so the PNGs and the SVG show the same picture: a gopher-blue
// rounded square with "IGo" in white.
const (
	logoUnits   = 64.0
	cornerR     = 12.0
	stroke      = 5.0
	iLeft       = 6.0
	iTop        = 20.0
	iBottom     = 46.0
	gCX, gCY    = 27.0, 33.0
	gR          = 10.5 // radius of the middle of G's stroke
	gGapDeg     = 50.0 // G's opening, measured from 3 o'clock towards 12
	barLeft     = 28.0
	barRight    = 39.0
	barTop      = 32.5
	oCX, oCY    = 50.0, 37.75
	oR          = 6.25 // radius of the middle of o's stroke
	oStroke     = 4.5
	supersample = 4
)

var (
	gopherBlue = color.RGBA{0x00, 0xAD, 0xD8, 0xFF}
	white      = color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}
)

// inRoundedSquare reports whether (x, y) lies inside the background.
func inRoundedSquare(x, y float64) bool {
	if x < 0 || y < 0 || x > logoUnits || y > logoUnits {
		return false
	}
	// Distance to the nearest corner centre, only in the corner regions.
	cx := math.Min(math.Max(x, cornerR), logoUnits-cornerR)
	cy := math.Min(math.Max(y, cornerR), logoUnits-cornerR)
	return math.Hypot(x-cx, y-cy) <= cornerR
}

// inText reports whether (x, y) lies on one of the letters "IGo".
func inText(x, y float64) bool {
	// I: a vertical bar.
	if x >= iLeft && x <= iLeft+stroke+1 && y >= iTop && y <= iBottom {
		return true
	}
	// G: a ring with an opening at the upper right, plus a bar.
	if d := math.Hypot(x-gCX, y-gCY); math.Abs(d-gR) <= stroke/2 {
		// Screen angle: 0 at 3 o'clock, negative towards 12 o'clock.
		a := math.Atan2(y-gCY, x-gCX) * 180 / math.Pi
		if a >= 0 || a <= -gGapDeg {
			return true
		}
	}
	if x >= barLeft && x <= barRight && y >= barTop && y <= barTop+stroke {
		return true
	}
	// o: a smaller ring.
	if d := math.Hypot(x-oCX, y-oCY); math.Abs(d-oR) <= oStroke/2 {
		return true
	}
	return false
}

// LogoPNG renders the logo as a size×size PNG.
func LogoPNG(size int) ([]byte, error) {
	if size <= 0 {
		return nil, fmt.Errorf("install: logo size must be positive, got %d", size)
	}
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	scale := logoUnits / float64(size)
	n := float64(supersample * supersample)
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			// Average premultiplied colours over a grid of samples, for
			// smooth edges at small sizes.
			var r, g, b, a float64
			for sy := 0; sy < supersample; sy++ {
				for sx := 0; sx < supersample; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/supersample) * scale
					y := (float64(py) + (float64(sy)+0.5)/supersample) * scale
					if !inRoundedSquare(x, y) {
						continue
					}
					c := gopherBlue
					if inText(x, y) {
						c = white
					}
					r += float64(c.R)
					g += float64(c.G)
					b += float64(c.B)
					a += 255
				}
			}
			img.SetRGBA(px, py, color.RGBA{
				R: uint8(math.Round(r / n)),
				G: uint8(math.Round(g / n)),
				B: uint8(math.Round(b / n)),
				A: uint8(math.Round(a / n)),
			})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("install: encoding %d×%d logo: %w", size, size, err)
	}
	return buf.Bytes(), nil
}

// LogoSVG returns the logo as an SVG document.
func LogoSVG() []byte {
	rad := func(deg float64) float64 { return deg * math.Pi / 180 }
	// G's arc runs clockwise from 3 o'clock round to the opening's edge.
	gx0, gy0 := gCX+gR, gCY
	gx1 := gCX + gR*math.Cos(rad(-gGapDeg))
	gy1 := gCY + gR*math.Sin(rad(-gGapDeg))
	return []byte(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
  <title>IGo</title>
  <rect width="64" height="64" rx="%[1]g" fill="#00ADD8"/>
  <g fill="#FFFFFF">
    <rect x="%[2]g" y="%[3]g" width="%[4]g" height="%[5]g"/>
    <rect x="%[6]g" y="%[7]g" width="%[8]g" height="%[9]g"/>
  </g>
  <g fill="none" stroke="#FFFFFF">
    <path d="M %.3[10]f %.3[11]f A %[12]g %[12]g 0 1 1 %.3[13]f %.3[14]f" stroke-width="%[15]g"/>
    <circle cx="%[16]g" cy="%[17]g" r="%[18]g" stroke-width="%[19]g"/>
  </g>
</svg>
`,
		cornerR,
		iLeft, iTop, stroke+1, iBottom-iTop,
		barLeft, barTop, barRight-barLeft, stroke,
		gx0, gy0, gR, gx1, gy1, stroke,
		oCX, oCY, oR, oStroke))
}
