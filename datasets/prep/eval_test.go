package prep

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
)

func TestArgmax(t *testing.T) {
	logits := tensors.FromValue([][]float32{{0.1, 3, -1}, {5, 5, 1}, {-2, -3, -1}})
	got, err := Argmax(logits)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 0, 2}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Argmax = %v, want %v (ties go to the first)", got, want)
	}
	// Rank 3: one index per [A, B] position; float64 works too.
	got, err = Argmax(tensors.FromValue([][][]float64{{{1, 2}, {4, 3}}, {{0, 0}, {-1, 7}}}))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 0, 0, 1}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Argmax rank 3 = %v, want %v", got, want)
	}
	nan := float32(math.NaN())
	got, _ = Argmax(tensors.FromValue([][]float32{{nan, 1, 2}}))
	if got[0] != 2 {
		t.Fatalf("NaN won the argmax: %v", got)
	}
	if _, err := Argmax(tensors.FromValue(float32(1))); err == nil {
		t.Fatal("Argmax of a scalar gave no error")
	}
}

func TestAccuracyMulticlass(t *testing.T) {
	logits := tensors.FromValue([][]float32{{2, 1, 0}, {0, 1, 2}, {0, 3, 1}, {1, 0, 0}})
	// Predictions 0, 2, 1, 0.
	cases := map[string]*tensors.Tensor{
		"[N] int32":     tensors.FromValue([]int32{0, 2, 2, 1}),
		"[N,1] int64":   tensors.FromValue([][]int64{{0}, {2}, {2}, {1}}),
		"one-hot [N,C]": tensors.FromValue([][]float32{{1, 0, 0}, {0, 0, 1}, {0, 0, 1}, {0, 1, 0}}),
	}
	for name, labels := range cases {
		acc, err := Accuracy(logits, labels)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if acc != 0.5 {
			t.Errorf("%s: accuracy %v, want 0.5", name, acc)
		}
	}
}

func TestAccuracyBinaryAndClasses(t *testing.T) {
	logits := tensors.FromValue([][]float32{{1.5}, {-0.2}, {0.3}, {-4}, {2}})
	// Predictions 1, 0, 1, 0, 1.
	acc, err := Accuracy(logits, tensors.FromValue([][]float32{{1}, {0}, {0}, {0}, {1}}))
	if err != nil || acc != 0.8 {
		t.Fatalf("binary logits vs float labels: %v, %v; want 0.8", acc, err)
	}
	acc, err = Accuracy(logits, tensors.FromValue([]int32{0, 0, 0, 0, 0}))
	if err != nil || acc != 0.4 {
		t.Fatalf("binary logits vs int labels: %v, %v; want 0.4", acc, err)
	}
	// Integer predictions are classes, not logits.
	acc, err = Accuracy(tensors.FromValue([]int32{3, 1, 2}), tensors.FromValue([]int64{3, 1, 0}))
	if err != nil || math.Abs(acc-2.0/3) > 1e-12 {
		t.Fatalf("class predictions: %v, %v; want 2/3", acc, err)
	}
}

func TestAccuracyErrors(t *testing.T) {
	logits := tensors.FromValue([][]float32{{1, 0}, {0, 1}})
	for name, labels := range map[string]*tensors.Tensor{
		"count":      tensors.FromValue([]int32{0, 1, 1}),
		"fractional": tensors.FromValue([]float32{0.5, 1}),
		"rank 3":     tensors.FromValue([][][]int32{{{0}}, {{1}}}),
	} {
		if _, err := Accuracy(logits, labels); err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.HasPrefix(err.Error(), "Accuracy:") {
			t.Errorf("%s: error %q does not name Accuracy", name, err)
		}
	}
	if _, err := Accuracy(nil, tensors.FromValue([]int32{0})); err == nil {
		t.Error("nil predictions: no error")
	}
}

func TestConfusionMatrixAndPrecisionRecall(t *testing.T) {
	labels := []int{0, 0, 0, 1, 1, 2, 2, 2, 2, 5}
	pred := []int{0, 1, 0, 1, 2, 2, 2, 0, 2, 0}
	cm := ConfusionMatrix(pred, labels, 3)
	want := [][]int{
		{2, 1, 0}, // true 0
		{0, 1, 1}, // true 1
		{1, 0, 3}, // true 2
	}
	if !reflect.DeepEqual(cm, want) {
		t.Fatalf("confusion %v, want %v (label 5 is out of range and skipped)", cm, want)
	}
	p, r := PrecisionRecall(cm)
	wantP := []float64{2.0 / 3, 1.0 / 2, 3.0 / 4}
	wantR := []float64{2.0 / 3, 1.0 / 2, 3.0 / 4}
	for c := range 3 {
		if math.Abs(p[c]-wantP[c]) > 1e-12 || math.Abs(r[c]-wantR[c]) > 1e-12 {
			t.Fatalf("class %d: precision %v recall %v, want %v %v", c, p[c], r[c], wantP[c], wantR[c])
		}
	}
	// Asymmetric case: class 1 is never predicted, class 2 never present.
	p, r = PrecisionRecall([][]int{{3, 0, 1}, {2, 0, 0}, {0, 0, 0}})
	if !reflect.DeepEqual(p, []float64{3.0 / 5, 0, 0}) || !reflect.DeepEqual(r, []float64{3.0 / 4, 0, 0}) {
		t.Fatalf("precision %v recall %v", p, r)
	}
}

func TestRandomTensors(t *testing.T) {
	u := RandomUniform(7, -2, 3, 200, 50)
	if got := u.Shape().Dimensions; !reflect.DeepEqual(got, []int{200, 50}) || u.DType().String() != "Float32" {
		t.Fatalf("uniform shape %s", u.Shape())
	}
	vals := tensors.MustCopyFlatData[float32](u)
	var sum float64
	for _, v := range vals {
		if v < -2 || v >= 3 {
			t.Fatalf("uniform value %v outside [-2, 3)", v)
		}
		sum += float64(v)
	}
	if mean := sum / float64(len(vals)); math.Abs(mean-0.5) > 0.1 {
		t.Fatalf("uniform mean %v, want about 0.5", mean)
	}
	if !reflect.DeepEqual(vals, tensors.MustCopyFlatData[float32](RandomUniform(7, -2, 3, 200, 50))) {
		t.Fatal("same seed gave different uniform tensors")
	}
	if reflect.DeepEqual(vals, tensors.MustCopyFlatData[float32](RandomUniform(8, -2, 3, 200, 50))) {
		t.Fatal("different seeds gave the same uniform tensor")
	}

	n := tensors.MustCopyFlatData[float32](RandomNormal(3, 10, 2, 20000))
	var s, s2 float64
	for _, v := range n {
		s += float64(v)
		s2 += float64(v) * float64(v)
	}
	mean := s / float64(len(n))
	std := math.Sqrt(s2/float64(len(n)) - mean*mean)
	if math.Abs(mean-10) > 0.1 || math.Abs(std-2) > 0.1 {
		t.Fatalf("normal mean %v std %v, want 10 and 2", mean, std)
	}
}
