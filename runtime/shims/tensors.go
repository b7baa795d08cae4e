package shims

import (
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
)

// Symbols keys ("importpath/pkgname") and import paths of shimmed packages.
const (
	pkgTensors    = "github.com/gomlx/gomlx/core/tensors/tensors"
	pkgGraph      = "github.com/gomlx/gomlx/core/graph/graph"
	pkgModel      = "github.com/gomlx/gomlx/ml/model/model"
	pkgTrain      = "github.com/gomlx/gomlx/ml/train/train"
	pkgLayers     = "github.com/gomlx/gomlx/ml/layers/layers"
	pkgDTypes     = "github.com/gomlx/compute/dtypes/dtypes"
	pkgShapes     = "github.com/gomlx/compute/shapes/shapes"
	pkgXSlices    = "github.com/gomlx/compute/support/xslices/xslices"
	pkgHumanize   = "github.com/gomlx/compute/support/humanize/humanize"
	pkgExceptions = "github.com/gomlx/gomlx/support/exceptions/exceptions"
	// The same package in its own module, as GoMLX's older notebooks import it.
	pkgOldExceptions = "github.com/gomlx/exceptions/exceptions"
	pkgFSUtil        = "github.com/gomlx/gomlx/support/fsutil/fsutil"
	pkgMust          = "github.com/janpfeifer/must/must"
	pkgCache         = "github.com/janpfeifer/gonb/cache/cache"
	pkgFloat16Path   = "github.com/gomlx/compute/dtypes/float16"
	pkgBFloat16Path  = "github.com/gomlx/compute/dtypes/bfloat16"
	pkgFloat16       = pkgFloat16Path + "/float16"
	pkgBFloat16      = pkgBFloat16Path + "/bfloat16"
)

func init() {
	register(pkgTensors, map[string]any{
		"FromValue":                 FromValue,
		"FromScalar":                FromScalar,
		"FromScalarAndDimensions":   FromScalarAndDimensions,
		"FromFlatDataAndDimensions": FromFlatDataAndDimensions,
		"AssignFlatData":            AssignFlatData,
		"ConstFlatData":             ConstFlatData,
		"MustConstFlatData":         MustConstFlatData,
		"MutableFlatData":           MutableFlatData,
		"MustMutableFlatData":       MustMutableFlatData,
		"CopyFlatData":              CopyFlatData,
		"MustCopyFlatData":          MustCopyFlatData,
		"ToScalar":                  ToScalar,
	})
	register(pkgDTypes, map[string]any{"UnsafeByteSlice": UnsafeByteSlice})
}

// FromValue shims tensors.FromValue: value is a scalar or a (multi-dimensional)
// slice of a supported Go type.
func FromValue(value any) *tensors.Tensor { return tensors.MustFromAnyValue(value) }

// FromScalar shims tensors.FromScalar.
func FromScalar(value any) *tensors.Tensor {
	return opsOfValue("tensors.FromScalar", value).fromScalar(value)
}

// FromScalarAndDimensions shims tensors.FromScalarAndDimensions.
func FromScalarAndDimensions(value any, dimensions ...int) *tensors.Tensor {
	return opsOfValue("tensors.FromScalarAndDimensions", value).fromScalar(value, dimensions...)
}

// FromFlatDataAndDimensions shims tensors.FromFlatDataAndDimensions: data is a []T.
func FromFlatDataAndDimensions(data any, dimensions ...int) *tensors.Tensor {
	return opsOfSlice("tensors.FromFlatDataAndDimensions", data).fromFlat(data, dimensions...)
}

// AssignFlatData shims tensors.AssignFlatData: fromFlat is a []T.
func AssignFlatData(toTensor *tensors.Tensor, fromFlat any) error {
	return opsOfSlice("tensors.AssignFlatData", fromFlat).assignFlat(toTensor, fromFlat)
}

// ConstFlatData shims tensors.ConstFlatData: accessFn is a func(flat []T).
func ConstFlatData(t *tensors.Tensor, accessFn any) error {
	return opsOfFunc("tensors.ConstFlatData", accessFn).constFlat(t, accessFn)
}

// MustConstFlatData shims tensors.MustConstFlatData.
func MustConstFlatData(t *tensors.Tensor, accessFn any) {
	if err := ConstFlatData(t, accessFn); err != nil {
		panic(err)
	}
}

// MutableFlatData shims tensors.MutableFlatData: accessFn is a func(flat []T).
func MutableFlatData(t *tensors.Tensor, accessFn any) error {
	return opsOfFunc("tensors.MutableFlatData", accessFn).mutableFlat(t, accessFn)
}

// MustMutableFlatData shims tensors.MustMutableFlatData.
func MustMutableFlatData(t *tensors.Tensor, accessFn any) {
	if err := MutableFlatData(t, accessFn); err != nil {
		panic(err)
	}
}

// CopyFlatData shims tensors.CopyFlatData without a type argument: it returns
// a copy of the flat data as the []T matching the tensor's dtype.
// CopyFlatData[T] is registered as CopyFlatData__T.
func CopyFlatData(t *tensors.Tensor) (any, error) {
	return opsOfDType("tensors.CopyFlatData", t.DType()).copyFlat(t)
}

// MustCopyFlatData is CopyFlatData that panics on error.
func MustCopyFlatData(t *tensors.Tensor) any {
	flat, err := CopyFlatData(t)
	if err != nil {
		panic(err)
	}
	return flat
}

// ToScalar shims tensors.ToScalar without a type argument: it returns the
// scalar as the Go type matching the tensor's dtype. ToScalar[T] is
// registered as ToScalar__T.
func ToScalar(t *tensors.Tensor) any {
	return opsOfDType("tensors.ToScalar", t.DType()).toScalar(t)
}

// UnsafeByteSlice shims dtypes.UnsafeByteSlice: flat is a []T.
func UnsafeByteSlice(flat any) []byte {
	return opsOfSlice("dtypes.UnsafeByteSlice", flat).unsafeBytes(flat)
}

func opsOfDType(shim string, dtype dtypes.DType) *elemOps {
	if op := byDType[dtype]; op != nil {
		return op
	}
	panic(shim + ": no Go type for dtype " + dtype.String())
}
