package shims

import (
	"fmt"
	"reflect"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/dtypes/bfloat16"
	"github.com/gomlx/compute/dtypes/float16"
	"github.com/gomlx/compute/dtypes/gotype"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
)

// elemOps holds one compiled instantiation per generic function whose type
// parameter ranges over GoMLX's supported Go types; shims pick one by the
// dynamic type of their argument.
type elemOps struct {
	suffix       string // "float32", "float16_Float16"
	fromFlat     func(data any, dims ...int) *tensors.Tensor
	fromScalar   func(value any, dims ...int) *tensors.Tensor
	assignFlat   func(t *tensors.Tensor, flat any) error
	constFlat    func(t *tensors.Tensor, fn any) error
	mutableFlat  func(t *tensors.Tensor, fn any) error
	unsafeBytes  func(flat any) []byte
	copyFlat     func(t *tensors.Tensor) (any, error)
	toScalar     func(t *tensors.Tensor) any
	instantiated map[string]map[string]any // package key -> Name__T -> func
}

// byType: Go type of an element (T) -> its ops.
var byType = map[reflect.Type]*elemOps{}

// byDType: GoMLX dtype -> ops of its Go type.
var byDType = map[dtypes.DType]*elemOps{}

func addElemType[T gotype.Supported](suffix, typeArg string) {
	op := &elemOps{
		suffix: suffix,
		fromFlat: func(data any, dims ...int) *tensors.Tensor {
			return tensors.FromFlatDataAndDimensions(data.([]T), dims...)
		},
		fromScalar: func(value any, dims ...int) *tensors.Tensor {
			return tensors.FromScalarAndDimensions(value.(T), dims...)
		},
		assignFlat:  func(t *tensors.Tensor, flat any) error { return tensors.AssignFlatData(t, flat.([]T)) },
		constFlat:   func(t *tensors.Tensor, fn any) error { return tensors.ConstFlatData(t, fn.(func([]T))) },
		mutableFlat: func(t *tensors.Tensor, fn any) error { return tensors.MutableFlatData(t, fn.(func([]T))) },
		unsafeBytes: func(flat any) []byte { return dtypes.UnsafeByteSlice(flat.([]T)) },
		copyFlat:    func(t *tensors.Tensor) (any, error) { return tensors.CopyFlatData[T](t) },
		toScalar:    func(t *tensors.Tensor) any { return tensors.ToScalar[T](t) },
	}
	var zero T
	byType[reflect.TypeOf(zero)] = op
	byDType[dtypes.FromGenericsType[T]()] = op
	typeArgs[suffix] = typeArg
	s := InstantiationSep + suffix
	register(pkgTensors, map[string]any{
		"CopyFlatData" + s:              tensors.CopyFlatData[T],
		"MustCopyFlatData" + s:          tensors.MustCopyFlatData[T],
		"ToScalar" + s:                  tensors.ToScalar[T],
		"ConstFlatData" + s:             tensors.ConstFlatData[T],
		"MustConstFlatData" + s:         tensors.MustConstFlatData[T],
		"MutableFlatData" + s:           tensors.MutableFlatData[T],
		"MustMutableFlatData" + s:       tensors.MustMutableFlatData[T],
		"AssignFlatData" + s:            tensors.AssignFlatData[T],
		"FromFlatDataAndDimensions" + s: tensors.FromFlatDataAndDimensions[T],
		"FromScalar" + s:                tensors.FromScalar[T],
		"FromScalarAndDimensions" + s:   tensors.FromScalarAndDimensions[T],
	})
	register(pkgDTypes, map[string]any{
		"FromGenericsType" + s:     dtypes.FromGenericsType[T],
		"UnsafeSliceFromBytes" + s: dtypes.UnsafeSliceFromBytes[T],
	})
}

func addNumericType[T gotype.Numeric](suffix string) {
	register(pkgShapes, map[string]any{"Scalar" + InstantiationSep + suffix: shapes.Scalar[T]})
}

func addNotComplexType[T gotype.NumericNotComplex](suffix string) {
	register(pkgShapes, map[string]any{"ConvertTo" + InstantiationSep + suffix: shapes.ConvertTo[T]})
}

func init() {
	addElemType[bool]("bool", "bool")
	addElemType[float16.Float16]("float16_Float16", pkgFloat16Path+".Float16")
	addElemType[bfloat16.BFloat16]("bfloat16_BFloat16", pkgBFloat16Path+".BFloat16")
	addElemType[complex64]("complex64", "complex64")
	addElemType[complex128]("complex128", "complex128")
	addNumericType[complex64]("complex64")
	addNumericType[complex128]("complex128")
	addNotComplex[int]("int")
	addNotComplex[int8]("int8")
	addNotComplex[int16]("int16")
	addNotComplex[int32]("int32")
	addNotComplex[int64]("int64")
	addNotComplex[uint8]("uint8")
	addNotComplex[uint16]("uint16")
	addNotComplex[uint32]("uint32")
	addNotComplex[uint64]("uint64")
	addNotComplex[float32]("float32")
	addNotComplex[float64]("float64")
}

func addNotComplex[T gotype.NumericNotComplex](suffix string) {
	addElemType[T](suffix, suffix)
	addNumericType[T](suffix)
	addNotComplexType[T](suffix)
}

// opsOfSlice returns the ops for a []T value.
func opsOfSlice(shim string, flat any) *elemOps {
	t := reflect.TypeOf(flat)
	if t != nil && t.Kind() == reflect.Slice {
		if op := byType[t.Elem()]; op != nil {
			return op
		}
	}
	panic(fmt.Errorf("%s: want a slice of a GoMLX-supported Go type, got %T", shim, flat))
}

// opsOfFunc returns the ops for a func([]T) value.
func opsOfFunc(shim string, fn any) *elemOps {
	t := reflect.TypeOf(fn)
	if t != nil && t.Kind() == reflect.Func && t.NumIn() == 1 && t.NumOut() == 0 && t.In(0).Kind() == reflect.Slice {
		if op := byType[t.In(0).Elem()]; op != nil {
			return op
		}
	}
	panic(fmt.Errorf("%s: want a func(flat []T) with T a GoMLX-supported Go type, got %T", shim, fn))
}

// opsOfValue returns the ops for a T value.
func opsOfValue(shim string, v any) *elemOps {
	if op := byType[reflect.TypeOf(v)]; op != nil {
		return op
	}
	panic(fmt.Errorf("%s: want a value of a GoMLX-supported Go type, got %T", shim, v))
}
