package display

import (
	"fmt"
	"math"
	"reflect"
	"strconv"

	"github.com/gomlx/gomlx/core/tensors"
)

// float32er matches half-precision element types (float16, bfloat16).
type float32er interface{ Float32() float32 }

// toFloat converts one element to float64; ok is false for types with no
// numeric reading (complex numbers, strings, structs).
func toFloat(v reflect.Value) (float64, bool) {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		return v.Float(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return float64(v.Uint()), true
	case reflect.Bool:
		if v.Bool() {
			return 1, true
		}
		return 0, true
	}
	if v.CanInterface() {
		if f, ok := v.Interface().(float32er); ok {
			return float64(f.Float32()), true
		}
	}
	return 0, false
}

// floatsOf converts a slice of any numeric element type to []float64.
func floatsOf(flat any) ([]float64, error) {
	if f, ok := flat.([]float64); ok {
		return f, nil
	}
	v := reflect.ValueOf(flat)
	if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
		return nil, fmt.Errorf("expected a slice of numbers, got %T", flat)
	}
	out := make([]float64, v.Len())
	for i := range out {
		f, ok := toFloat(v.Index(i))
		if !ok {
			return nil, fmt.Errorf("elements of %T are not numbers", flat)
		}
		out[i] = f
	}
	return out, nil
}

// formatElem formats one element for tables: 4 significant digits for
// floats, exact for integers.
func formatElem(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Float32:
		return strconv.FormatFloat(v.Float(), 'g', 4, 32)
	case reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', 4, 64)
	}
	if v.CanInterface() {
		if f, ok := v.Interface().(float32er); ok {
			return strconv.FormatFloat(float64(f.Float32()), 'g', 4, 32)
		}
		return fmt.Sprint(v.Interface())
	}
	return v.String()
}

// Stats are summary statistics of numeric data; NaN values are counted
// apart and left out of the others.
type Stats struct {
	Count, NaNs    int
	Min, Max, Mean float64
}

func statsOf(values []float64) Stats {
	s := Stats{Count: len(values), Min: math.Inf(1), Max: math.Inf(-1)}
	sum, n := 0.0, 0
	for _, v := range values {
		if math.IsNaN(v) {
			s.NaNs++
			continue
		}
		s.Min, s.Max = math.Min(s.Min, v), math.Max(s.Max, v)
		sum += v
		n++
	}
	if n == 0 {
		s.Min, s.Max, s.Mean = math.NaN(), math.NaN(), math.NaN()
	} else {
		s.Mean = sum / float64(n)
	}
	return s
}

// tensorFloats reads a tensor's values as float64s.
func tensorFloats(t *tensors.Tensor) ([]float64, error) {
	if t.DType().IsPacked() {
		return nil, fmt.Errorf("packed dtype %s is not supported", t.DType())
	}
	var out []float64
	var convErr error
	err := t.ConstFlatData(func(flat any) { out, convErr = floatsOf(flat) })
	if err != nil {
		return nil, err
	}
	return out, convErr
}

// Series converts data to a []float64: slices of any numeric type, a
// *tensors.Tensor (flattened) or a single number. Useful to feed charts
// from cells, since generic code cannot be called from the interpreter.
func Series(data any) ([]float64, error) {
	switch x := data.(type) {
	case nil:
		return nil, fmt.Errorf("no data (nil)")
	case *tensors.Tensor:
		return tensorFloats(x)
	}
	v := reflect.ValueOf(data)
	if v.Kind() == reflect.Slice || v.Kind() == reflect.Array {
		return floatsOf(data)
	}
	if f, ok := toFloat(v); ok {
		return []float64{f}, nil
	}
	return nil, fmt.Errorf("cannot read %T as numbers", data)
}

// SeriesList converts data to several series: [][]float64 (or of any
// numeric type), a rank-2 *tensors.Tensor (one series per row), or
// anything Series accepts (one series).
func SeriesList(data any) ([][]float64, error) {
	if t, ok := data.(*tensors.Tensor); ok && t.Rank() == 2 {
		flat, err := tensorFloats(t)
		if err != nil {
			return nil, err
		}
		rows, cols := t.Shape().Dimensions[0], t.Shape().Dimensions[1]
		out := make([][]float64, rows)
		for r := range out {
			out[r] = flat[r*cols : (r+1)*cols]
		}
		return out, nil
	}
	v := reflect.ValueOf(data)
	if v.Kind() == reflect.Slice && v.Len() > 0 {
		if k := v.Index(0).Kind(); k == reflect.Slice || k == reflect.Array || k == reflect.Interface || k == reflect.Pointer {
			out := make([][]float64, v.Len())
			for i := range out {
				s, err := Series(v.Index(i).Interface())
				if err != nil {
					return nil, fmt.Errorf("series %d: %w", i, err)
				}
				out[i] = s
			}
			return out, nil
		}
	}
	s, err := Series(data)
	if err != nil {
		return nil, err
	}
	return [][]float64{s}, nil
}
