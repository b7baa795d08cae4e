package shims

import (
	"cmp"
	"fmt"
	"reflect"
	"sort"
	"sync"

	"github.com/gomlx/compute/dtypes/bfloat16"
	"github.com/gomlx/compute/dtypes/float16"
	"github.com/gomlx/compute/support/humanize"
	"github.com/gomlx/compute/support/xslices"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/gomlx/gomlx/support/fsutil"
)

func init() {
	register(pkgMust, map[string]any{
		"M1": func(v1 any, err error) any { mustOK(err); return v1 },
		"M2": func(v1, v2 any, err error) (any, any) { mustOK(err); return v1, v2 },
		"M3": func(v1, v2, v3 any, err error) (any, any, any) { mustOK(err); return v1, v2, v3 },
		"M4": func(v1, v2, v3, v4 any, err error) (any, any, any, any) { mustOK(err); return v1, v2, v3, v4 },
		"M5": func(v1, v2, v3, v4, v5 any, err error) (any, any, any, any, any) {
			mustOK(err)
			return v1, v2, v3, v4, v5
		},
		"M6": func(v1, v2, v3, v4, v5, v6 any, err error) (any, any, any, any, any, any) {
			mustOK(err)
			return v1, v2, v3, v4, v5, v6
		},
		"M7": func(v1, v2, v3, v4, v5, v6, v7 any, err error) (any, any, any, any, any, any, any) {
			mustOK(err)
			return v1, v2, v3, v4, v5, v6, v7
		},
		"M8": func(v1, v2, v3, v4, v5, v6, v7, v8 any, err error) (any, any, any, any, any, any, any, any) {
			mustOK(err)
			return v1, v2, v3, v4, v5, v6, v7, v8
		},
		"M9": func(v1, v2, v3, v4, v5, v6, v7, v8, v9 any, err error) (any, any, any, any, any, any, any, any, any) {
			mustOK(err)
			return v1, v2, v3, v4, v5, v6, v7, v8, v9
		},
	})
	for _, pkg := range []string{pkgExceptions, pkgOldExceptions} {
		register(pkg, map[string]any{
			// TryCatch[E] with E inferred from nothing: the shim catches anything.
			"TryCatch":                              TryCatch,
			"TryCatch" + InstantiationSep + "error": TryCatchError,
		})
	}
	typeArgs["error"] = "error"
	register(pkgFSUtil, map[string]any{
		"ByteCountIEC": func(count any) string { return fsutil.ByteCountIEC(toInt64("fsutil.ByteCountIEC", count)) },
	})
	register(pkgHumanize, map[string]any{
		"Bytes":       func(n any) string { return humanize.Bytes(toInt64("humanize.Bytes", n)) },
		"Count":       func(n any) string { return humanize.Count(toInt64("humanize.Count", n)) },
		"Underscores": func(n any) string { return humanize.Underscores(toInt64("humanize.Underscores", n)) },
		"Speed":       func(ratio any, unit string) string { return humanize.Speed(toFloat64("humanize.Speed", ratio), unit) },
	})
	register(pkgFloat16, map[string]any{
		"From": func(v any) float16.Float16 { return float16.From(toFloat64("float16.From", v)) },
		"FromNumbers": func(values ...any) []float16.Float16 {
			out := make([]float16.Float16, len(values))
			for i, v := range values {
				out[i] = float16.From(toFloat64("float16.FromNumbers", v))
			}
			return out
		},
	})
	register(pkgBFloat16, map[string]any{
		"From": func(v any) bfloat16.BFloat16 { return bfloat16.From(toFloat64("bfloat16.From", v)) },
		"FromNumbers": func(values ...any) []bfloat16.BFloat16 {
			out := make([]bfloat16.BFloat16, len(values))
			for i, v := range values {
				out[i] = bfloat16.From(toFloat64("bfloat16.FromNumbers", v))
			}
			return out
		},
	})
	register(pkgLayers, map[string]any{
		"AssertQuantilesForPWLCalibrationValid": func(values any) {
			switch v := values.(type) {
			case []float32:
				layers.AssertQuantilesForPWLCalibrationValid(v)
			case []float64:
				layers.AssertQuantilesForPWLCalibrationValid(v)
			case []int:
				layers.AssertQuantilesForPWLCalibrationValid(v)
			default:
				panic(fmt.Errorf("layers.AssertQuantilesForPWLCalibrationValid: want []float32, []float64 or []int, got %T", values))
			}
		},
	})
	registerXSlices()
}

// TryCatch shims exceptions.TryCatch: it returns what fn panicked with, or nil.
// A panic raised by interpreted code reaches compiled code wrapped in a
// reflect.Value (yaegi's doing); it is unwrapped so the user gets their value.
func TryCatch(fn func()) any {
	e := exceptions.TryCatch[any](fn)
	if v, ok := e.(reflect.Value); ok && v.IsValid() && v.CanInterface() {
		return v.Interface()
	}
	return e
}

// TryCatchError is exceptions.TryCatch[error]: it returns the error fn
// panicked with, or nil, and re-panics with anything else.
func TryCatchError(fn func()) error {
	e := TryCatch(fn)
	if e == nil {
		return nil
	}
	if err, ok := e.(error); ok {
		return err
	}
	panic(e)
}

func mustOK(err error) {
	if err != nil {
		panic(err)
	}
}

func toInt64(shim string, v any) int64 {
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return r.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return int64(r.Uint())
	}
	panic(fmt.Errorf("%s: want a Go integer, got %T", shim, v))
}

func toFloat64(shim string, v any) float64 {
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Float32, reflect.Float64:
		return r.Float()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(r.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return float64(r.Uint())
	}
	panic(fmt.Errorf("%s: want a Go number, got %T", shim, v))
}

func sliceValue(shim string, s any) reflect.Value {
	v := reflect.ValueOf(s)
	if v.Kind() != reflect.Slice {
		panic(fmt.Errorf("%s: want a slice, got %T", shim, s))
	}
	return v
}

// compareValues orders two values of the same ordered kind, as cmp.Compare.
func compareValues(a, b reflect.Value) int {
	switch a.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp.Compare(a.Int(), b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmp.Compare(a.Uint(), b.Uint())
	case reflect.Float32, reflect.Float64:
		return cmp.Compare(a.Float(), b.Float())
	case reflect.String:
		return cmp.Compare(a.String(), b.String())
	}
	panic(fmt.Errorf("values of type %s are not ordered", a.Type()))
}

// registerXSlices registers reflect-based shims of xslices: same behaviour,
// element types taken from the arguments, T-typed results returned as any.
func registerXSlices() {
	m := map[string]any{
		"At": func(slice any, index int) any {
			v := sliceValue("xslices.At", slice)
			if index < 0 {
				index += v.Len()
			}
			return v.Index(index).Interface()
		},
		"Last": func(slice any) any {
			v := sliceValue("xslices.Last", slice)
			return v.Index(v.Len() - 1).Interface()
		},
		"SetAt": func(slice any, index int, value any) {
			v := sliceValue("xslices.SetAt", slice)
			if index < 0 {
				index += v.Len()
			}
			v.Index(index).Set(convertTo(reflect.ValueOf(value), v.Type().Elem()))
		},
		"SetLast": func(slice any, value any) {
			v := sliceValue("xslices.SetLast", slice)
			v.Index(v.Len() - 1).Set(convertTo(reflect.ValueOf(value), v.Type().Elem()))
		},
		"Copy": func(slice any) any {
			v := sliceValue("xslices.Copy", slice)
			out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
			reflect.Copy(out, v)
			return out.Interface()
		},
		"FillSlice": func(slice any, value any) {
			v := sliceValue("xslices.FillSlice", slice)
			x := convertTo(reflect.ValueOf(value), v.Type().Elem())
			for i := 0; i < v.Len(); i++ {
				v.Index(i).Set(x)
			}
		},
		"Gather": func(values any, indices []int) any {
			v := sliceValue("xslices.Gather", values)
			out := reflect.MakeSlice(v.Type(), len(indices), len(indices))
			for i, idx := range indices {
				out.Index(i).Set(v.Index(idx))
			}
			return out.Interface()
		},
		"Pop": func(slice any) (any, any) {
			v := sliceValue("xslices.Pop", slice)
			n := v.Len() - 1
			return v.Index(n).Interface(), v.Slice(0, n).Interface()
		},
		"SliceWithValue": func(size int, value any) any {
			return filled(reflect.ValueOf(value), size).Interface()
		},
		"Slice2DWithValue": func(value any, dim0, dim1 int) any {
			x := reflect.ValueOf(value)
			out := reflect.MakeSlice(reflect.SliceOf(reflect.SliceOf(x.Type())), dim0, dim0)
			for i := 0; i < dim0; i++ {
				out.Index(i).Set(filled(x, dim1))
			}
			return out.Interface()
		},
		"Slice3DWithValue": func(value any, dim0, dim1, dim2 int) any {
			x := reflect.ValueOf(value)
			t2 := reflect.SliceOf(reflect.SliceOf(x.Type()))
			out := reflect.MakeSlice(reflect.SliceOf(t2), dim0, dim0)
			for i := 0; i < dim0; i++ {
				row := reflect.MakeSlice(t2, dim1, dim1)
				for j := 0; j < dim1; j++ {
					row.Index(j).Set(filled(x, dim2))
				}
				out.Index(i).Set(row)
			}
			return out.Interface()
		},
		"MultidimensionalSliceWithValue": func(value any, dims ...int) any {
			if len(dims) == 0 {
				return value
			}
			x := reflect.ValueOf(value)
			var build func(d int) reflect.Value
			build = func(d int) reflect.Value {
				if d == len(dims)-1 {
					return filled(x, dims[d])
				}
				first := build(d + 1)
				out := reflect.MakeSlice(reflect.SliceOf(first.Type()), dims[d], dims[d])
				for i := 0; i < dims[d]; i++ {
					if i == 0 {
						out.Index(i).Set(first)
					} else {
						out.Index(i).Set(build(d + 1))
					}
				}
				return out
			}
			for _, d := range dims {
				if d == 0 {
					return nil
				}
			}
			return build(0).Interface()
		},
		"Iota": func(start any, n int) any {
			x := reflect.ValueOf(start)
			out := reflect.MakeSlice(reflect.SliceOf(x.Type()), n, n)
			for i := 0; i < n; i++ {
				e := out.Index(i)
				switch x.Kind() {
				case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
					e.SetInt(x.Int() + int64(i))
				case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
					e.SetUint(x.Uint() + uint64(i))
				case reflect.Float32, reflect.Float64:
					e.SetFloat(x.Float() + float64(i))
				default:
					panic(fmt.Errorf("xslices.Iota: want a Go integer or float, got %T", start))
				}
			}
			return out.Interface()
		},
		"Max": func(slice any) any { return extreme("xslices.Max", slice, 1) },
		"Min": func(slice any) any { return extreme("xslices.Min", slice, -1) },
		"Keys": func(m any) any {
			v := reflect.ValueOf(m)
			if v.Kind() != reflect.Map {
				panic(fmt.Errorf("xslices.Keys: want a map, got %T", m))
			}
			out := reflect.MakeSlice(reflect.SliceOf(v.Type().Key()), 0, v.Len())
			return reflect.Append(out, v.MapKeys()...).Interface()
		},
		"SortedKeys": func(m any) any {
			v := reflect.ValueOf(m)
			if v.Kind() != reflect.Map {
				panic(fmt.Errorf("xslices.SortedKeys: want a map, got %T", m))
			}
			keys := v.MapKeys()
			sort.Slice(keys, func(i, j int) bool { return compareValues(keys[i], keys[j]) < 0 })
			out := reflect.MakeSlice(reflect.SliceOf(v.Type().Key()), 0, len(keys))
			return reflect.Append(out, keys...).Interface()
		},
		"Map":         func(in any, fn any) any { return mapSlice("xslices.Map", in, fn, false) },
		"MapParallel": func(in any, fn any) any { return mapSlice("xslices.MapParallel", in, fn, true) },
		"MustSlicesInRelData": func(s0, s1 any, relDelta float64) error {
			switch a := s0.(type) {
			case []float32:
				return xslices.MustSlicesInRelData(a, s1.([]float32), relDelta)
			case []float64:
				return xslices.MustSlicesInRelData(a, s1.([]float64), relDelta)
			}
			panic(fmt.Errorf("xslices.MustSlicesInRelData: want []float32 or []float64, got %T", s0))
		},
	}
	register(pkgXSlices, m)
	register(pkgXSlices, map[string]any{
		"Close" + InstantiationSep + "float32": xslices.Close[float32],
		"Close" + InstantiationSep + "float64": xslices.Close[float64],
	})
	addEqualAny[bool]("bool")
	addEqualAny[int]("int")
	addEqualAny[int32]("int32")
	addEqualAny[int64]("int64")
	addEqualAny[float32]("float32")
	addEqualAny[float64]("float64")
	addEqualAny[string]("string")
	typeArgs["string"] = "string"
}

func addEqualAny[T comparable](suffix string) {
	register(pkgXSlices, map[string]any{"EqualAny" + InstantiationSep + suffix: xslices.EqualAny[T]})
}

// convertTo converts x to t where Go would have converted an untyped
// constant argument of the generic original (FillSlice(floats32, 1.5)).
func convertTo(x reflect.Value, t reflect.Type) reflect.Value {
	if x.Type() != t && x.CanConvert(t) {
		return x.Convert(t)
	}
	return x
}

func filled(x reflect.Value, n int) reflect.Value {
	out := reflect.MakeSlice(reflect.SliceOf(x.Type()), n, n)
	for i := 0; i < n; i++ {
		out.Index(i).Set(x)
	}
	return out
}

func extreme(shim string, slice any, sign int) any {
	v := sliceValue(shim, slice)
	if v.Len() == 0 {
		return reflect.Zero(v.Type().Elem()).Interface()
	}
	best := v.Index(0)
	for i := 1; i < v.Len(); i++ {
		if compareValues(v.Index(i), best)*sign > 0 {
			best = v.Index(i)
		}
	}
	return best.Interface()
}

// mapSlice applies fn (a func(In) Out) to every element of in ([]In).
func mapSlice(shim string, in, fn any, parallel bool) any {
	v := sliceValue(shim, in)
	f := reflect.ValueOf(fn)
	if f.Kind() != reflect.Func || f.Type().NumIn() != 1 || f.Type().NumOut() != 1 {
		panic(fmt.Errorf("%s: want a func(In) Out, got %T", shim, fn))
	}
	out := reflect.MakeSlice(reflect.SliceOf(f.Type().Out(0)), v.Len(), v.Len())
	if !parallel {
		for i := 0; i < v.Len(); i++ {
			out.Index(i).Set(f.Call([]reflect.Value{v.Index(i)})[0])
		}
		return out.Interface()
	}
	var wg sync.WaitGroup
	for i := 0; i < v.Len(); i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			out.Index(i).Set(f.Call([]reflect.Value{v.Index(i)})[0])
		}(i)
	}
	wg.Wait()
	return out.Interface()
}
