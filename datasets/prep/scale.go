package prep

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/core/tensors"
)

// Scaler maps each feature (the last axis) to x*Scale + Shift. Fit it on the
// training split only, then Apply it to every split, so no statistic of the
// test data leaks into training.
type Scaler struct {
	Kind  string    // "minmax" or "standard"
	Scale []float32 // per feature
	Shift []float32 // per feature
	// Statistics of the training data, per feature.
	Min, Max, Mean, Std []float32
}

// featureStats computes per-feature min, max, mean and standard deviation
// over every axis but the last, in float64.
func featureStats(x *tensors.Tensor) (minV, maxV, mean, std []float64, err error) {
	dims := x.Shape().Dimensions
	if len(dims) == 0 || x.Size() == 0 {
		return nil, nil, nil, nil, fmt.Errorf("cannot fit a scaler on an empty tensor %s", x.Shape())
	}
	f := dims[len(dims)-1]
	minV, maxV = make([]float64, f), make([]float64, f)
	sum, sumSq := make([]float64, f), make([]float64, f)
	for j := range f {
		minV[j], maxV[j] = math.Inf(1), math.Inf(-1)
	}
	count := make([]float64, f)
	x32, err := ToFloat32(x, 1)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	tensors.MustConstFlatData(x32, func(v []float32) {
		for i := 0; i < len(v); i += f {
			for j, a := range v[i : i+f] {
				if a != a {
					continue // NaN: missing values do not count
				}
				d := float64(a)
				if d < minV[j] {
					minV[j] = d
				}
				if d > maxV[j] {
					maxV[j] = d
				}
				sum[j] += d
				sumSq[j] += d * d
				count[j]++
			}
		}
	})
	mean, std = make([]float64, f), make([]float64, f)
	for j := range f {
		if count[j] == 0 {
			minV[j], maxV[j] = 0, 0
			continue
		}
		mean[j] = sum[j] / count[j]
		std[j] = math.Sqrt(math.Max(0, sumSq[j]/count[j]-mean[j]*mean[j]))
	}
	return minV, maxV, mean, std, nil
}

func newScaler(kind string, minV, maxV, mean, std []float64) *Scaler {
	f := len(minV)
	s := &Scaler{Kind: kind, Scale: make([]float32, f), Shift: make([]float32, f),
		Min: make([]float32, f), Max: make([]float32, f), Mean: make([]float32, f), Std: make([]float32, f)}
	for j := range f {
		s.Min[j], s.Max[j], s.Mean[j], s.Std[j] = float32(minV[j]), float32(maxV[j]), float32(mean[j]), float32(std[j])
		switch kind {
		case "minmax":
			if r := maxV[j] - minV[j]; r > 0 {
				s.Scale[j], s.Shift[j] = float32(1/r), float32(-minV[j]/r)
			} else {
				s.Scale[j], s.Shift[j] = 0, 0 // a constant feature maps to 0
			}
		default:
			if std[j] > 0 {
				s.Scale[j], s.Shift[j] = float32(1/std[j]), float32(-mean[j]/std[j])
			} else {
				s.Scale[j], s.Shift[j] = 1, float32(-mean[j])
			}
		}
	}
	return s
}

// FitMinMax fits a scaler mapping each feature of train to [0, 1].
func FitMinMax(train *tensors.Tensor) (*Scaler, error) {
	minV, maxV, mean, std, err := featureStats(train)
	if err != nil {
		return nil, err
	}
	return newScaler("minmax", minV, maxV, mean, std), nil
}

// FitStandard fits a scaler giving each feature of train zero mean and unit
// standard deviation.
func FitStandard(train *tensors.Tensor) (*Scaler, error) {
	minV, maxV, mean, std, err := featureStats(train)
	if err != nil {
		return nil, err
	}
	return newScaler("standard", minV, maxV, mean, std), nil
}

// Apply scales x (any numeric dtype, same number of features as the fitted
// data) into a new float32 tensor.
func (s *Scaler) Apply(x *tensors.Tensor) (*tensors.Tensor, error) {
	dims := x.Shape().Dimensions
	if len(dims) == 0 || dims[len(dims)-1] != len(s.Scale) {
		return nil, fmt.Errorf("scaler was fitted on %d features, got shape %s", len(s.Scale), x.Shape())
	}
	out, err := ToFloat32(x, 1)
	if err != nil {
		return nil, err
	}
	f := len(s.Scale)
	tensors.MustMutableFlatData(out, func(v []float32) {
		for i := 0; i < len(v); i += f {
			row := v[i : i+f]
			for j := range row {
				row[j] = row[j]*s.Scale[j] + s.Shift[j]
			}
		}
	})
	return out, nil
}

// MinMax fits a min-max scaler on train and applies it to train and test
// (test may be nil).
func MinMax(train, test *tensors.Tensor) (trainOut, testOut *tensors.Tensor, s *Scaler, err error) {
	if s, err = FitMinMax(train); err != nil {
		return nil, nil, nil, err
	}
	return applyBoth(s, train, test)
}

// Standardize fits a standard scaler on train and applies it to train and
// test (test may be nil).
func Standardize(train, test *tensors.Tensor) (trainOut, testOut *tensors.Tensor, s *Scaler, err error) {
	if s, err = FitStandard(train); err != nil {
		return nil, nil, nil, err
	}
	return applyBoth(s, train, test)
}

func applyBoth(s *Scaler, train, test *tensors.Tensor) (*tensors.Tensor, *tensors.Tensor, *Scaler, error) {
	a, err := s.Apply(train)
	if err != nil || test == nil {
		return a, nil, s, err
	}
	b, err := s.Apply(test)
	return a, b, s, err
}
