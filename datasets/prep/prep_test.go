package prep

import (
	"math"
	"slices"
	"testing"

	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/gomlx/core/tensors"
)

// rows returns x [N, 2] with row i = (i, 10*i) and y [N, 1] = i % 3.
func rows(n int) (*tensors.Tensor, *tensors.Tensor) {
	xs := make([]float32, 2*n)
	ys := make([]int32, n)
	for i := range n {
		xs[2*i], xs[2*i+1] = float32(i), float32(10*i)
		ys[i] = int32(i % 3)
	}
	return tensors.FromFlatDataAndDimensions(xs, n, 2), tensors.FromFlatDataAndDimensions(ys, n, 1)
}

func TestShuffleKeepsPairsAndIsSeeded(t *testing.T) {
	x, y := rows(50)
	xs, ys, err := Shuffle(x, y, 7)
	if err != nil {
		t.Fatal(err)
	}
	fx, fy := tensors.MustCopyFlatData[float32](xs), tensors.MustCopyFlatData[int32](ys)
	moved := 0
	for i := range 50 {
		orig := int(fx[2*i])
		if fx[2*i+1] != float32(10*orig) || fy[i] != int32(orig%3) {
			t.Fatalf("row %d lost its pair: %v %v", i, fx[2*i:2*i+2], fy[i])
		}
		if orig != i {
			moved++
		}
	}
	if moved < 25 {
		t.Fatalf("only %d rows moved", moved)
	}
	xs2, _, _ := Shuffle(x, y, 7)
	if !slices.Equal(tensors.MustCopyFlatData[float32](xs2), fx) {
		t.Fatal("same seed gave another order")
	}
	if x.Shape().Dimensions[0] != 50 || tensors.MustCopyFlatData[float32](x)[2] != 1 {
		t.Fatal("input modified")
	}
}

func TestStratifiedSplit(t *testing.T) {
	x, y := rows(90)
	xTr, yTr, xTe, yTe, err := TrainTestSplit(x, y, 0.2, true, 3)
	if err != nil {
		t.Fatal(err)
	}
	if xTr.Shape().Dimensions[0] != 72 || xTe.Shape().Dimensions[0] != 18 {
		t.Fatalf("sizes %v %v", xTr.Shape(), xTe.Shape())
	}
	counts, _ := ClassCounts(yTe, 3)
	if !slices.Equal(counts, []int{6, 6, 6}) {
		t.Fatalf("test class counts %v", counts)
	}
	seen := map[float32]bool{}
	for _, part := range []*tensors.Tensor{xTr, xTe} {
		f := tensors.MustCopyFlatData[float32](part)
		for i := 0; i < len(f); i += 2 {
			if seen[f[i]] {
				t.Fatalf("row %v in both parts", f[i])
			}
			seen[f[i]] = true
		}
	}
	_ = yTr
	if _, _, _, _, err := TrainTestSplit(x, y, 1.5, false, 0); err == nil {
		t.Fatal("accepted a fraction of 1.5")
	}
}

func TestScalersUseTrainStatistics(t *testing.T) {
	train := tensors.FromFlatDataAndDimensions([]float32{0, 10, 2, 20, 4, 30}, 3, 2)
	test := tensors.FromFlatDataAndDimensions([]float32{8, 40}, 1, 2)
	a, b, s, err := MinMax(train, test)
	if err != nil {
		t.Fatal(err)
	}
	fa, fb := tensors.MustCopyFlatData[float32](a), tensors.MustCopyFlatData[float32](b)
	if fa[0] != 0 || fa[5] != 1 || fb[0] != 2 || fb[1] != 1.5 || s.Max[0] != 4 {
		t.Fatalf("minmax train %v test %v", fa, fb)
	}
	a, _, s, err = Standardize(train, test)
	if err != nil {
		t.Fatal(err)
	}
	fa = tensors.MustCopyFlatData[float32](a)
	var mean, sq float64
	for i := 0; i < 6; i += 2 {
		mean += float64(fa[i]) / 3
		sq += float64(fa[i]*fa[i]) / 3
	}
	if math.Abs(mean) > 1e-6 || math.Abs(sq-1) > 1e-5 || s.Mean[1] != 20 {
		t.Fatalf("standardised column: mean %g, var %g", mean, sq)
	}
	if _, err := s.Apply(tensors.FromFlatDataAndDimensions([]float32{1, 2, 3}, 1, 3)); err == nil {
		t.Fatal("accepted a tensor with 3 features")
	}
}

func TestOneHotAndToFloat(t *testing.T) {
	y := tensors.FromFlatDataAndDimensions([]int32{2, 0}, 2, 1)
	oh, err := OneHot(y, 3)
	if err != nil || !slices.Equal(tensors.MustCopyFlatData[float32](oh), []float32{0, 0, 1, 1, 0, 0}) {
		t.Fatalf("%v %v", oh, err)
	}
	if _, err := OneHot(y, 2); err == nil {
		t.Fatal("label 2 accepted for 2 classes")
	}
	img := tensors.FromFlatDataAndDimensions([]uint8{0, 255, 51}, 3)
	f, _ := ToFloat32(img, 1.0/255)
	if got := tensors.MustCopyFlatData[float32](f); got[1] != 1 || math.Abs(float64(got[2])-0.2) > 1e-6 {
		t.Fatalf("%v", got)
	}
}

func TestInMemoryBatches(t *testing.T) {
	x, y := rows(10)
	ds, err := InMemory(gobackend.GetBackend(), "t", x, y, 4, true, false, 1)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	total := 0.0
	for batch, err := range ds.Iter() {
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, batch.Inputs[0].Shape().Dimensions[0])
		for _, v := range tensors.MustCopyFlatData[float32](batch.Inputs[0]) {
			total += float64(v)
		}
	}
	// Every example exactly once: sum of i + 10*i over 0..9.
	if !slices.Equal(sizes, []int{4, 4, 2}) || total != 11*45 {
		t.Fatalf("batch sizes %v, total %g", sizes, total)
	}
}

func TestAugment(t *testing.T) {
	const h, w = 6, 6
	px := make([]uint8, 2*h*w)
	for i := range h * w {
		px[i] = uint8(i % w * 40) // a horizontal ramp
		px[h*w+i] = px[i]
	}
	x := tensors.FromFlatDataAndDimensions(px, 2, h, w, 1)
	flip, err := Augment{FlipHorizontal: true, Seed: 1}.Apply(x)
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.MustCopyFlatData[uint8](flip)
	flipped := 0
	for i := range 2 {
		img := got[i*h*w : (i+1)*h*w]
		switch {
		case img[0] == 200 && img[5] == 0:
			flipped++
		case img[0] == 0 && img[5] == 200:
		default:
			t.Fatalf("image %d is neither original nor mirrored: %v", i, img[:w])
		}
	}
	again, _ := Augment{FlipHorizontal: true, Seed: 1}.Apply(x)
	if !slices.Equal(tensors.MustCopyFlatData[uint8](again), got) {
		t.Fatal("same seed, different result")
	}
	bright, _ := Augment{Brightness: 0.5, Noise: 0.01, PadCrop: 1, MaxRotation: 10, Contrast: 0.2, Seed: 2}.Apply(x)
	if slices.Equal(tensors.MustCopyFlatData[uint8](bright), px) || bright.DType() != x.DType() {
		t.Fatal("augmentation changed nothing")
	}
	if _, err := (Augment{}).Apply(tensors.FromFlatDataAndDimensions([]float32{1}, 1)); err == nil {
		t.Fatal("accepted a rank-1 tensor")
	}
}

func TestVocabs(t *testing.T) {
	text := "to be, or not to be"
	cv := CharVocab(text)
	ids := cv.Encode(text)
	if cv.Decode(ids) != text || cv.Size() != 1+len(" ,benort") {
		t.Fatalf("chars: %q size %d", cv.Decode(ids), cv.Size())
	}
	if cv.Encode("z")[0] != 0 {
		t.Fatal("unknown char not mapped to 0")
	}
	wv := WordVocab(text, 3)
	if wv.Size() != 3 || wv.Tokens[1] != "be" || wv.Tokens[2] != "to" {
		t.Fatalf("words: %v", wv.Tokens)
	}
	if got := wv.Decode(wv.Encode("to be or")); got != "to be <unk>" {
		t.Fatalf("got %q", got)
	}
	av := CharVocab("abcdef")
	in, tg, err := Windows(av.EncodeTensor("abcdef"), 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	si, _ := av.DecodeTensor(in)
	st, _ := av.DecodeTensor(tg)
	if in.Shape().Dimensions[0] != 2 || si != "abccde" || st != "bcddef" {
		t.Fatalf("windows %q -> %q, shape %s", si, st, in.Shape())
	}
}
