package prep

// Evaluation and random-data helpers: compiled so a cell measuring accuracy
// or drawing synthetic data makes one call instead of an interpreted loop.

import (
	"fmt"
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
)

// flatFloat64 reads any real numeric tensor (or bool) as float64s.
func flatFloat64(t *tensors.Tensor) ([]float64, error) {
	if t == nil {
		return nil, fmt.Errorf("nil tensor")
	}
	out := make([]float64, t.Shape().Size())
	var err error
	t.MustConstFlatData(func(flat any) {
		switch v := flat.(type) {
		case []float32:
			for i, x := range v {
				out[i] = float64(x)
			}
		case []float64:
			copy(out, v)
		case []int8:
			for i, x := range v {
				out[i] = float64(x)
			}
		case []int16:
			for i, x := range v {
				out[i] = float64(x)
			}
		case []int32:
			for i, x := range v {
				out[i] = float64(x)
			}
		case []int64:
			for i, x := range v {
				out[i] = float64(x)
			}
		case []int:
			for i, x := range v {
				out[i] = float64(x)
			}
		case []uint8:
			for i, x := range v {
				out[i] = float64(x)
			}
		case []uint16:
			for i, x := range v {
				out[i] = float64(x)
			}
		case []uint32:
			for i, x := range v {
				out[i] = float64(x)
			}
		case []uint64:
			for i, x := range v {
				out[i] = float64(x)
			}
		case []bool:
			for i, x := range v {
				if x {
					out[i] = 1
				}
			}
		default:
			err = fmt.Errorf("unsupported dtype %s", t.DType())
		}
	})
	return out, err
}

// argmaxRows returns, for each row of width c in flat, the index of its
// largest value (the first one on ties; NaNs never win).
func argmaxRows(flat []float64, c int) []int {
	n := len(flat) / c
	out := make([]int, n)
	for r := range n {
		row := flat[r*c : (r+1)*c]
		best := 0
		for j, v := range row {
			if v > row[best] || row[best] != row[best] {
				best = j
			}
		}
		out[r] = best
	}
	return out
}

// Argmax returns the index of the largest value along the last axis of
// logits, one per row: [N, C] gives N indices, [A, B, C] gives A*B (row-major),
// [C] gives one. Ties go to the first index.
func Argmax(logits *tensors.Tensor) ([]int, error) {
	if logits == nil {
		return nil, fmt.Errorf("Argmax: nil tensor")
	}
	dims := logits.Shape().Dimensions
	if len(dims) == 0 {
		return nil, fmt.Errorf("Argmax: scalar tensor has no axis")
	}
	c := dims[len(dims)-1]
	if c == 0 {
		return nil, fmt.Errorf("Argmax: last axis of %s is empty", logits.Shape())
	}
	flat, err := flatFloat64(logits)
	if err != nil {
		return nil, fmt.Errorf("Argmax: %w", err)
	}
	return argmaxRows(flat, c), nil
}

// Predictions turns model outputs into class predictions, the way Accuracy
// reads them: float [N, C] (C > 1) logits or probabilities give their argmax;
// float [N] or [N, 1] values are binary logits (class 1 where > 0); integer
// [N] or [N, 1] tensors are already class indices.
func Predictions(logitsOrPredictions *tensors.Tensor) ([]int, error) {
	t := logitsOrPredictions
	if t == nil {
		return nil, fmt.Errorf("nil predictions")
	}
	dims := t.Shape().Dimensions
	if len(dims) == 0 || len(dims) > 2 {
		return nil, fmt.Errorf("predictions must be shaped [N], [N, 1] or [N, C], got %s", t.Shape())
	}
	flat, err := flatFloat64(t)
	if err != nil {
		return nil, err
	}
	if len(dims) == 2 && dims[1] > 1 {
		return argmaxRows(flat, dims[1]), nil
	}
	if len(dims) == 2 && dims[1] == 0 {
		return nil, fmt.Errorf("predictions shaped %s have no classes", t.Shape())
	}
	out := make([]int, len(flat))
	isFloat := t.DType().IsFloat()
	for i, v := range flat {
		switch {
		case isFloat && v > 0:
			out[i] = 1
		case isFloat:
			out[i] = 0
		default:
			out[i] = int(v)
		}
	}
	return out, nil
}

// classLabels reads labels as class indices: integer or float [N] / [N, 1]
// (float labels such as 0/1 targets of a binary loss must hold whole
// numbers), or one-hot [N, C] (its argmax).
func classLabels(t *tensors.Tensor) ([]int, error) {
	if t == nil {
		return nil, fmt.Errorf("nil labels")
	}
	dims := t.Shape().Dimensions
	if len(dims) == 0 || len(dims) > 2 {
		return nil, fmt.Errorf("labels must be shaped [N], [N, 1] or one-hot [N, C], got %s", t.Shape())
	}
	flat, err := flatFloat64(t)
	if err != nil {
		return nil, fmt.Errorf("labels: %w", err)
	}
	if len(dims) == 2 && dims[1] > 1 {
		return argmaxRows(flat, dims[1]), nil
	}
	out := make([]int, len(flat))
	for i, v := range flat {
		if v != float64(int(v)) {
			return nil, fmt.Errorf("label %g of example %d is not a class index", v, i)
		}
		out[i] = int(v)
	}
	return out, nil
}

// Accuracy returns the fraction of examples whose prediction matches its
// label. Predictions are read as Predictions does ([N, C] logits, [N, 1]
// binary logits, or integer classes); labels are integer (or whole-valued
// float) [N] or [N, 1], or one-hot [N, C].
func Accuracy(logitsOrPredictions, labels *tensors.Tensor) (float64, error) {
	pred, err := Predictions(logitsOrPredictions)
	if err != nil {
		return 0, fmt.Errorf("Accuracy: %w", err)
	}
	want, err := classLabels(labels)
	if err != nil {
		return 0, fmt.Errorf("Accuracy: %w", err)
	}
	if len(pred) != len(want) {
		return 0, fmt.Errorf("Accuracy: %d predictions for %d labels", len(pred), len(want))
	}
	if len(pred) == 0 {
		return 0, fmt.Errorf("Accuracy: no examples")
	}
	right := 0
	for i, p := range pred {
		if p == want[i] {
			right++
		}
	}
	return float64(right) / float64(len(pred)), nil
}

// ConfusionMatrix counts examples by true label (row) and prediction
// (column), numClasses x numClasses. Pairs beyond the shorter slice, and
// classes outside [0, numClasses), are not counted.
func ConfusionMatrix(pred, labels []int, numClasses int) [][]int {
	if numClasses < 0 {
		numClasses = 0
	}
	m := make([][]int, numClasses)
	for i := range m {
		m[i] = make([]int, numClasses)
	}
	n := min(len(pred), len(labels))
	for i := range n {
		p, l := pred[i], labels[i]
		if p >= 0 && p < numClasses && l >= 0 && l < numClasses {
			m[l][p]++
		}
	}
	return m
}

// PrecisionRecall returns each class's precision (right among those
// predicted as the class: column) and recall (found among those truly of the
// class: row) from a ConfusionMatrix. A class never predicted, or never
// present, gets 0 for the undefined ratio.
func PrecisionRecall(confusion [][]int) (precision, recall []float64) {
	k := len(confusion)
	precision = make([]float64, k)
	recall = make([]float64, k)
	for c := range k {
		var rowSum, colSum int
		for j := range k {
			if j < len(confusion[c]) {
				rowSum += confusion[c][j]
			}
			if c < len(confusion[j]) {
				colSum += confusion[j][c]
			}
		}
		var diag int
		if c < len(confusion[c]) {
			diag = confusion[c][c]
		}
		if colSum > 0 {
			precision[c] = float64(diag) / float64(colSum)
		}
		if rowSum > 0 {
			recall[c] = float64(diag) / float64(rowSum)
		}
	}
	return precision, recall
}

// RandomUniform returns a float32 tensor shaped dims, drawn uniformly from
// [lo, hi) by a generator seeded with seed (same seed, same tensor).
func RandomUniform(seed int64, lo, hi float64, dims ...int) *tensors.Tensor {
	rng := newRand(seed)
	out := tensors.FromShape(shapes.Make(dtypes.Float32, dims...))
	lo32, hi32 := float32(lo), float32(hi)
	tensors.MustMutableFlatData(out, func(dst []float32) {
		for i := range dst {
			v := float32(lo + (hi-lo)*rng.Float64())
			if v >= hi32 && hi32 > lo32 {
				// Rounding to float32 may reach hi; keep the range half-open.
				v = math.Nextafter32(hi32, lo32)
			}
			dst[i] = v
		}
	})
	return out
}

// RandomNormal returns a float32 tensor shaped dims, drawn from a normal
// distribution with the given mean and standard deviation by a generator
// seeded with seed.
func RandomNormal(seed int64, mean, std float64, dims ...int) *tensors.Tensor {
	rng := newRand(seed)
	out := tensors.FromShape(shapes.Make(dtypes.Float32, dims...))
	tensors.MustMutableFlatData(out, func(dst []float32) {
		for i := range dst {
			dst[i] = float32(mean + std*rng.NormFloat64())
		}
	})
	return out
}
