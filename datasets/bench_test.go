package datasets

import (
	"bytes"
	"compress/gzip"
	"math/rand/v2"
	"reflect"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/igo-kernel/igo/datasets/formats"
	"github.com/igo-kernel/igo/datasets/internal/testfiles"
	"github.com/igo-kernel/igo/datasets/prep"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// Full-size synthetic files, built once per benchmark run.
var (
	mnistOnce             sync.Once
	mnistImgGz, mnistLbGz []byte
	cifarOnce             sync.Once
	cifarArchive          []byte
)

func mnistFiles() ([]byte, []byte) {
	mnistOnce.Do(func() { mnistImgGz, mnistLbGz = testfiles.MNISTLike(60000, 3) })
	return mnistImgGz, mnistLbGz
}

// cifarFull is a 50,000 + 10,000 image archive; random pixels compress as
// poorly as real CIFAR-10 does.
func cifarFull() []byte {
	cifarOnce.Do(func() {
		rng := rand.New(rand.NewPCG(1, 2))
		recs := testfiles.CIFARRecords(10000, 0)
		for i := range recs {
			if i%formats.CIFARRecordSize != 0 {
				recs[i] = byte(rng.IntN(256))
			}
		}
		cifarArchive = testfiles.CIFARArchiveFrom(recs)
	})
	return cifarArchive
}

func BenchmarkDecodeMNISTImages(b *testing.B) {
	img, _ := mnistFiles()
	b.SetBytes(60000 * 784) // throughput of decoded pixels
	b.ReportMetric(float64(len(img))/1e6, "gz_MB")
	for b.Loop() {
		zr, _ := gzip.NewReader(bytes.NewReader(img))
		if _, err := formats.DecodeIDXImages(zr, "train-images", 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeMNISTRawIDX(b *testing.B) {
	img, _ := mnistFiles()
	zr, _ := gzip.NewReader(bytes.NewReader(img))
	var raw bytes.Buffer
	raw.ReadFrom(zr)
	b.SetBytes(int64(raw.Len()))
	for b.Loop() {
		if _, err := formats.DecodeIDXImages(bytes.NewReader(raw.Bytes()), "train-images", 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeCIFAR10(b *testing.B) {
	arch := cifarFull()
	b.SetBytes(60000 * formats.CIFARRecordSize)
	b.ReportMetric(float64(len(arch))/1e6, "gz_MB")
	for b.Loop() {
		if _, err := formats.DecodeCIFAR10(bytes.NewReader(arch), "cifar", true, true, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMNISTMemory reports the memory a loaded MNIST training set
// holds against its raw (uncompressed IDX) size.
func BenchmarkMNISTMemory(b *testing.B) {
	img, lb := mnistFiles()
	raw := float64(16 + 60000*784 + 8 + 60000)
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		zr, _ := gzip.NewReader(bytes.NewReader(img))
		x, err := formats.DecodeIDXImages(zr, "images", 0)
		if err != nil {
			b.Fatal(err)
		}
		zr, _ = gzip.NewReader(bytes.NewReader(lb))
		y, err := formats.DecodeIDXLabels(zr, "labels", 0)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		d := &Dataset{Train: &Split{X: x, Y: y}}
		b.ReportMetric(float64(d.ByteSize())/1e6, "tensor_MB")
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/1e6, "heap_MB")
		b.ReportMetric(raw/1e6, "raw_MB")
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/raw, "heap/raw")
		runtime.KeepAlive(x)
		runtime.KeepAlive(y)
	}
}

// The same preparation work written as a notebook user would, run by yaegi.
const interpreted = `package prepi

import "math/rand"

func ToFloat(px []uint8) []float32 {
	out := make([]float32, len(px))
	for i, v := range px {
		out[i] = float32(v) / 255
	}
	return out
}

func MinMax(x []float32, f int) []float32 {
	lo := make([]float32, f)
	hi := make([]float32, f)
	for j := 0; j < f; j++ {
		lo[j], hi[j] = x[j], x[j]
	}
	for i, v := range x {
		j := i % f
		if v < lo[j] {
			lo[j] = v
		}
		if v > hi[j] {
			hi[j] = v
		}
	}
	out := make([]float32, len(x))
	for i, v := range x {
		j := i % f
		if r := hi[j] - lo[j]; r > 0 {
			out[i] = (v - lo[j]) / r
		}
	}
	return out
}

func Shuffle(x []float32, f int, seed int64) []float32 {
	n := len(x) / f
	perm := rand.New(rand.NewSource(seed)).Perm(n)
	out := make([]float32, len(x))
	for i, k := range perm {
		for j := 0; j < f; j++ {
			out[i*f+j] = x[k*f+j]
		}
	}
	return out
}

func OneHot(y []int32, c int) []float32 {
	out := make([]float32, len(y)*c)
	for i, l := range y {
		out[i*c+int(l)] = 1
	}
	return out
}

func Flip(x []float32, n, h, w int) []float32 {
	out := make([]float32, len(x))
	for i := 0; i < n; i++ {
		for r := 0; r < h; r++ {
			for c := 0; c < w; c++ {
				out[(i*h+r)*w+c] = x[(i*h+r)*w+w-1-c]
			}
		}
	}
	return out
}

func Encode(text string, vocab map[rune]int32) []int32 {
	out := make([]int32, 0, len(text))
	for _, r := range text {
		out = append(out, vocab[r])
	}
	return out
}
`

var (
	yaegiOnce sync.Once
	yaegiFns  map[string]reflect.Value
)

func yaegiFunc(b *testing.B, name string) reflect.Value {
	yaegiOnce.Do(func() {
		i := interp.New(interp.Options{})
		i.Use(stdlib.Symbols)
		if _, err := i.Eval(interpreted); err != nil {
			panic(err)
		}
		yaegiFns = map[string]reflect.Value{}
		for _, n := range []string{"ToFloat", "MinMax", "Shuffle", "OneHot", "Flip", "Encode"} {
			v, err := i.Eval("prepi." + n)
			if err != nil {
				panic(err)
			}
			yaegiFns[n] = v
		}
	})
	return yaegiFns[name]
}

// timeYaegi runs an interpreted function once and returns its duration.
func timeYaegi(b *testing.B, name string, args ...any) time.Duration {
	fn := yaegiFunc(b, name)
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		in[i] = reflect.ValueOf(a)
	}
	start := time.Now()
	fn.Call(in)
	return time.Since(start)
}

const benchN, benchF = 2000, 784 // 2,000 MNIST-sized images

func benchImages() ([]uint8, []float32) {
	rng := rand.New(rand.NewPCG(5, 6))
	px := make([]uint8, benchN*benchF)
	fl := make([]float32, len(px))
	for i := range px {
		px[i] = uint8(rng.IntN(256))
		fl[i] = float32(px[i]) / 255
	}
	return px, fl
}

// compareYaegi times the compiled helper in the benchmark loop and reports
// how many times slower the interpreted loop was.
func compareYaegi(b *testing.B, yaegi time.Duration, compiled func()) {
	b.ResetTimer()
	for b.Loop() {
		compiled()
	}
	perOp := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(yaegi.Microseconds()), "yaegi_µs")
	b.ReportMetric(float64(yaegi)/float64(perOp), "x_faster")
}

func BenchmarkPrepVsYaegi(b *testing.B) {
	px, fl := benchImages()
	pxT := tensors.FromFlatDataAndDimensions(px, benchN, 28, 28, 1)
	flT := tensors.FromFlatDataAndDimensions(fl, benchN, benchF)
	labels := make([]int32, 60000)
	for i := range labels {
		labels[i] = int32(i % 10)
	}
	labelsT := tensors.FromFlatDataAndDimensions(labels, 60000, 1)
	text := string(bytes.Repeat([]byte("To be, or not to be, that is the question:\n"), 250))
	vocab := prep.CharVocab(text)
	runeVocab := map[rune]int32{}
	for id, tok := range vocab.Tokens {
		runeVocab[[]rune(tok)[0]] = int32(id)
	}

	b.Run("ToFloat32", func(b *testing.B) {
		y := timeYaegi(b, "ToFloat", px)
		compareYaegi(b, y, func() { prep.ToFloat32(pxT, 1.0/255) })
	})
	b.Run("MinMax", func(b *testing.B) {
		y := timeYaegi(b, "MinMax", fl, benchF)
		compareYaegi(b, y, func() { prep.MinMax(flT, nil) })
	})
	b.Run("Standardize", func(b *testing.B) {
		y := timeYaegi(b, "MinMax", fl, benchF) // same two passes over the data
		compareYaegi(b, y, func() { prep.Standardize(flT, nil) })
	})
	b.Run("Shuffle", func(b *testing.B) {
		y := timeYaegi(b, "Shuffle", fl, benchF, int64(1))
		compareYaegi(b, y, func() { prep.Shuffle(flT, nil, 1) })
	})
	b.Run("OneHot60k", func(b *testing.B) {
		y := timeYaegi(b, "OneHot", labels, 10)
		compareYaegi(b, y, func() { prep.OneHot(labelsT, 10) })
	})
	b.Run("FlipImages", func(b *testing.B) {
		y := timeYaegi(b, "Flip", fl, benchN, 28, 28)
		// Flips about half the images, so the interpreted side does more work;
		// augmentation also converts and clamps.
		compareYaegi(b, y, func() { prep.Augment{FlipHorizontal: true}.Apply(pxT) })
	})
	b.Run("EncodeChars11k", func(b *testing.B) {
		y := timeYaegi(b, "Encode", text, runeVocab)
		compareYaegi(b, y, func() { vocab.Encode(text) })
	})
}
