package shims

import (
	"iter"
	"reflect"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/igo-kernel/igo/runtime/symbols"
)

// Interface wrappers for interpreted values passed where GoMLX wants an
// interface. yaegi builds a wrapper struct (IValue, then one W<Method> func
// field per method) around an interpreted value; its MapTypes lets it pick,
// per interface, the first of several wrappers whose methods the value has.
//
// Optional interfaces GoMLX probes for get combined wrappers too: a metric
// with UpdateGo, an optimizer with UpdateGraphWithGradients.
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

// optimizerWithGradientsWrapper wraps an interpreted optimizer that also
// implements train.OptimizeWithGradients (needed by AccumulateGradients).
type optimizerWithGradientsWrapper struct {
	IValue                    any
	WClear                    func(scope *model.Scope) error
	WUpdateGraph              func(scope *model.Scope, g *graph.Graph, theLoss *graph.Node)
	WUpdateGraphWithGradients func(scope *model.Scope, gradients []*graph.Node, lossDType dtypes.DType)
}

func (w optimizerWithGradientsWrapper) Clear(scope *model.Scope) error { return w.WClear(scope) }
func (w optimizerWithGradientsWrapper) UpdateGraph(scope *model.Scope, g *graph.Graph, theLoss *graph.Node) {
	w.WUpdateGraph(scope, g, theLoss)
}
func (w optimizerWithGradientsWrapper) UpdateGraphWithGradients(scope *model.Scope, gradients []*graph.Node, lossDType dtypes.DType) {
	w.WUpdateGraphWithGradients(scope, gradients, lossDType)
}

// Compile-time checks that the wrappers implement what they stand for.
var (
	_ train.Dataset               = datasetWrapper{}
	_ train.Dataset               = datasetShortNameWrapper{}
	_ train.HasShortName          = datasetShortNameWrapper{}
	_ optimizer.Interface         = optimizerWithGradientsWrapper{}
	_ train.OptimizeWithGradients = optimizerWithGradientsWrapper{}
)

// wrapperType is the type of yaegi's generated wrapper for an interface.
func wrapperType(pkgKey, name string) reflect.Type {
	return symbols.Symbols[pkgKey]["_"+name].Type().Elem()
}

const (
	metricKey    = "github.com/gomlx/gomlx/ml/train/metric/metric"
	optimizerKey = "github.com/gomlx/gomlx/ml/train/optimizer/optimizer"
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
		// A metric that also updates in Go (UpdateGo/ReadGo): the trainer
		// probes for metric.UpdateGo.
		symbols.Symbols[metricKey]["_Interface"]: {
			wrapperType(metricKey, "UpdateGo"),
			wrapperType(metricKey, "Interface"),
		},
		// An optimizer that can apply accumulated gradients.
		symbols.Symbols[optimizerKey]["_Interface"]: {
			reflect.TypeOf(optimizerWithGradientsWrapper{}),
			wrapperType(optimizerKey, "Interface"),
		},
	}
}

func init() {
	Symbols["."] = map[string]reflect.Value{"MapTypes": reflect.ValueOf(MapTypes())}
}
