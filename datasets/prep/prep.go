// Package prep prepares data for training in compiled Go, so notebook cells
// (which yaegi interprets about 300x slower than compiled loops) only make
// calls: seeded and stratified splits, shuffling, min-max scaling and
// standardisation fitted on the training split, one-hot labels, batching into
// GoMLX in-memory datasets, image augmentation and text vocabularies.
//
// Every function takes and returns *tensors.Tensor (non-generic, so yaegi can
// call it). Inputs are never modified.
package prep

import (
	"fmt"
	"math"
	mathrand "math/rand"
	"math/rand/v2"
	"sort"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/dataset"
)

func newRand(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x1905))
}

func numExamples(t *tensors.Tensor) int {
	d := t.Shape().Dimensions
	if len(d) == 0 {
		return 1
	}
	return d[0]
}

// Take returns the examples of t at indices (rows of the leading axis), in
// that order, as a new tensor of the same dtype.
func Take(t *tensors.Tensor, indices []int) (*tensors.Tensor, error) {
	dims := append([]int(nil), t.Shape().Dimensions...)
	if len(dims) == 0 {
		return nil, fmt.Errorf("Take: scalar tensor has no examples")
	}
	n := dims[0]
	rowBytes := 0
	if n > 0 {
		rowBytes = int(t.Shape().ByteSize()) / n
	}
	dims[0] = len(indices)
	out := tensors.FromShape(shapes.Make(t.DType(), dims...))
	var bad error
	err := t.ConstBytes(func(src []byte) {
		bad = out.MutableBytes(func(dst []byte) {
			for i, k := range indices {
				if k < 0 || k >= n {
					bad = fmt.Errorf("Take: index %d out of range [0, %d)", k, n)
					return
				}
				copy(dst[i*rowBytes:(i+1)*rowBytes], src[k*rowBytes:(k+1)*rowBytes])
			}
		})
	})
	if err != nil {
		return nil, err
	}
	return out, bad
}

// Permutation returns a seeded random permutation of 0..n-1.
func Permutation(n int, seed int64) []int {
	return newRand(seed).Perm(n)
}

// Shuffle returns x and y with their examples in the same seeded random
// order. y may be nil.
func Shuffle(x, y *tensors.Tensor, seed int64) (*tensors.Tensor, *tensors.Tensor, error) {
	perm := Permutation(numExamples(x), seed)
	return takeBoth(x, y, perm)
}

func takeBoth(x, y *tensors.Tensor, idx []int) (*tensors.Tensor, *tensors.Tensor, error) {
	xs, err := Take(x, idx)
	if err != nil || y == nil {
		return xs, nil, err
	}
	ys, err := Take(y, idx)
	return xs, ys, err
}

// Labels reads integer class labels ([N] or [N, 1], any integer dtype).
func Labels(y *tensors.Tensor) ([]int, error) {
	d := y.Shape().Dimensions
	if len(d) == 0 || len(d) > 2 || (len(d) == 2 && d[1] != 1) {
		return nil, fmt.Errorf("labels must be shaped [N] or [N, 1], got %s", y.Shape())
	}
	out := make([]int, d[0])
	var err error
	y.MustConstFlatData(func(flat any) {
		switch v := flat.(type) {
		case []int32:
			for i, x := range v {
				out[i] = int(x)
			}
		case []int64:
			for i, x := range v {
				out[i] = int(x)
			}
		case []uint8:
			for i, x := range v {
				out[i] = int(x)
			}
		case []int:
			copy(out, v)
		default:
			err = fmt.Errorf("labels must be integers, got %s", y.DType())
		}
	})
	return out, err
}

// SplitIndices returns seeded, shuffled train and test indices for n
// examples, with testFraction of them in test. When labels is not nil the
// split is stratified: each class keeps its share in both parts.
func SplitIndices(n int, labels []int, testFraction float64, seed int64) (train, test []int, err error) {
	if testFraction <= 0 || testFraction >= 1 {
		return nil, nil, fmt.Errorf("test fraction must be in (0, 1), got %g", testFraction)
	}
	rng := newRand(seed)
	groups := map[int][]int{}
	if labels == nil {
		groups[0] = rng.Perm(n)
	} else {
		if len(labels) != n {
			return nil, nil, fmt.Errorf("%d labels for %d examples", len(labels), n)
		}
		for i, l := range labels {
			groups[l] = append(groups[l], i)
		}
	}
	keys := make([]int, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, k := range keys {
		g := groups[k]
		rng.Shuffle(len(g), func(i, j int) { g[i], g[j] = g[j], g[i] })
		nTest := int(math.Round(float64(len(g)) * testFraction))
		test = append(test, g[:nTest]...)
		train = append(train, g[nTest:]...)
	}
	rng.Shuffle(len(train), func(i, j int) { train[i], train[j] = train[j], train[i] })
	rng.Shuffle(len(test), func(i, j int) { test[i], test[j] = test[j], test[i] })
	return train, test, nil
}

// TrainTestSplit splits x and y (y may be nil) into shuffled train and test
// parts, testFraction of the examples going to test. With stratify set, y
// holds integer class labels and each class keeps its proportion.
func TrainTestSplit(x, y *tensors.Tensor, testFraction float64, stratify bool, seed int64) (xTrain, yTrain, xTest, yTest *tensors.Tensor, err error) {
	var labels []int
	if stratify {
		if y == nil {
			return nil, nil, nil, nil, fmt.Errorf("a stratified split needs labels")
		}
		if labels, err = Labels(y); err != nil {
			return nil, nil, nil, nil, err
		}
	}
	train, test, err := SplitIndices(numExamples(x), labels, testFraction, seed)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if xTrain, yTrain, err = takeBoth(x, y, train); err != nil {
		return nil, nil, nil, nil, err
	}
	xTest, yTest, err = takeBoth(x, y, test)
	return xTrain, yTrain, xTest, yTest, err
}

// ToFloat32 converts any numeric tensor to float32, multiplying by scale
// (e.g. 1.0/255 for uint8 images).
func ToFloat32(x *tensors.Tensor, scale float64) (*tensors.Tensor, error) {
	out := tensors.FromShape(shapes.Make(dtypes.Float32, x.Shape().Dimensions...))
	var err error
	s := float32(scale)
	x.MustConstFlatData(func(flat any) {
		tensors.MustMutableFlatData(out, func(dst []float32) {
			switch v := flat.(type) {
			case []uint8:
				var lut [256]float32
				for i := range lut {
					lut[i] = float32(i) * s
				}
				for i, b := range v {
					dst[i] = lut[b]
				}
			case []float32:
				for i, f := range v {
					dst[i] = f * s
				}
			case []float64:
				for i, f := range v {
					dst[i] = float32(f) * s
				}
			case []int32:
				for i, f := range v {
					dst[i] = float32(f) * s
				}
			case []int64:
				for i, f := range v {
					dst[i] = float32(f) * s
				}
			default:
				err = fmt.Errorf("ToFloat32: unsupported dtype %s", x.DType())
			}
		})
	})
	return out, err
}

// OneHot turns integer labels ([N] or [N, 1]) into float32 [N, numClasses].
func OneHot(y *tensors.Tensor, numClasses int) (*tensors.Tensor, error) {
	labels, err := Labels(y)
	if err != nil {
		return nil, err
	}
	out := tensors.FromShape(shapes.Make(dtypes.Float32, len(labels), numClasses))
	tensors.MustMutableFlatData(out, func(dst []float32) {
		for i, l := range labels {
			if l < 0 || l >= numClasses {
				err = fmt.Errorf("OneHot: label %d of example %d is outside [0, %d)", l, i, numClasses)
				return
			}
			dst[i*numClasses+l] = 1
		}
	})
	return out, err
}

// ClassCounts counts examples per class for labels in [0, numClasses).
func ClassCounts(y *tensors.Tensor, numClasses int) ([]int, error) {
	labels, err := Labels(y)
	if err != nil {
		return nil, err
	}
	counts := make([]int, numClasses)
	for _, l := range labels {
		if l >= 0 && l < numClasses {
			counts[l]++
		}
	}
	return counts, nil
}

// InMemory wraps x and y (y may be nil) in a GoMLX in-memory dataset on
// backend, yielding batches of batchSize (the last, smaller batch is
// dropped when dropIncomplete), shuffled each epoch with a seeded
// generator when shuffle is set.
func InMemory(backend compute.Backend, name string, x, y *tensors.Tensor, batchSize int, shuffle, dropIncomplete bool, seed int64) (*dataset.InMemoryDataset, error) {
	name = fmt.Sprintf("%-3s", name) // GoMLX takes a 3-letter short name from it
	labels := []any{}
	if y != nil {
		labels = append(labels, y)
	}
	ds, err := dataset.InMemoryFromData(backend, name, []any{x}, labels)
	if err != nil {
		return nil, err
	}
	if batchSize > 0 {
		ds.BatchSize(batchSize, dropIncomplete)
	}
	if shuffle {
		ds.Shuffle().WithRand(legacyRand(seed))
	}
	return ds, nil
}

// legacyRand is the math/rand generator GoMLX's datasets take.
func legacyRand(seed int64) *mathrand.Rand {
	return mathrand.New(mathrand.NewSource(seed))
}
