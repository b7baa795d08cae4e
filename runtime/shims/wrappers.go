package shims

import (
	"iter"
	"reflect"

	"github.com/gomlx/gomlx/ml/train"
	"github.com/igo-kernel/igo/runtime/symbols"
)

// Interface wrappers for interpreted values passed where GoMLX wants an
// interface. yaegi builds a wrapper struct (IValue, then one W<Method> func
// field per method) around an interpreted value; its MapTypes lets it pick,
// per interface, the first of several wrappers whose methods the value has.
//
// Two problems are solved here for train.Dataset:
//   - Dataset.Iter returns iter.Seq2[train.Batch, error], a compiled generic
//     type interpreted code cannot name. Our wrappers take Iter as the plain
//     func() func(yield func(train.Batch, error) bool) an interpreted method
//     has, and convert.
//   - GoMLX probes datasets for train.HasShortName; the combined wrapper keeps
//     ShortName visible to compiled code.

type datasetIterFn = func() func(yield func(train.Batch, error) bool)

// datasetWrapper wraps an interpreted train.Dataset.
type datasetWrapper struct {
	IValue any
	WIter  datasetIterFn
	WName  func() string
}

func (w datasetWrapper) Iter() iter.Seq2[train.Batch, error] { return w.WIter() }
func (w datasetWrapper) Name() string                        { return w.WName() }

// datasetShortNameWrapper wraps an interpreted train.Dataset that also
// implements train.HasShortName.
type datasetShortNameWrapper struct {
	IValue     any
	WIter      datasetIterFn
	WName      func() string
	WShortName func() string
}

func (w datasetShortNameWrapper) Iter() iter.Seq2[train.Batch, error] { return w.WIter() }
func (w datasetShortNameWrapper) Name() string                        { return w.WName() }
func (w datasetShortNameWrapper) ShortName() string                   { return w.WShortName() }

// Compile-time checks that the wrappers implement what they stand for.
var (
	_ train.Dataset      = datasetWrapper{}
	_ train.Dataset      = datasetShortNameWrapper{}
	_ train.HasShortName = datasetShortNameWrapper{}
)

// MapTypes maps yaegi's generated wrapper of an interface (as registered in
// runtime/symbols, "_Name") to the wrappers to try instead, most methods first.
func MapTypes() map[reflect.Value][]reflect.Type {
	return map[reflect.Value][]reflect.Type{
		symbols.Symbols["github.com/gomlx/gomlx/ml/train/train"]["_Dataset"]: {
			reflect.TypeOf(datasetShortNameWrapper{}),
			reflect.TypeOf(datasetWrapper{}),
		},
		symbols.Symbols["github.com/gomlx/gomlx/ml/train/train"]["_HasShortName"]: {
			reflect.TypeOf(datasetShortNameWrapper{}),
		},
	}
}

func init() {
	Symbols["."] = map[string]reflect.Value{"MapTypes": reflect.ValueOf(MapTypes())}
}
