package shims

import (
	"reflect"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/metric"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

func init() {
	register(pkgTrain, map[string]any{"NewTrainer": NewTrainer})
}

// NewTrainer shims train.NewTrainer: modelFn is a train.ModelFn or any form
// train.ModelFnCompatible allows, e.g. func(*model.Scope, *graph.Node) *graph.Node
// or func(*model.Scope, any, []*graph.Node) []*graph.Node.
func NewTrainer(backend compute.Backend, store *model.Store, modelFn any, lossFn train.LossFn,
	theOptimizer optimizer.Interface, trainMetrics, evalMetrics []metric.Interface) *train.Trainer {
	return train.NewTrainer(backend, store, toModelFn(modelFn), lossFn, theOptimizer, trainMetrics, evalMetrics)
}

func toModelFn(modelFn any) train.ModelFn {
	if f, ok := modelFn.(train.ModelFn); ok {
		return f
	}
	if f, ok := modelFn.(func(*model.Scope, any, []*graph.Node) []*graph.Node); ok {
		return f
	}
	prefix := []reflect.Type{typeScope}
	if t := reflect.TypeOf(modelFn); t != nil && t.Kind() == reflect.Func && t.NumIn() > 1 && t.In(1) == typeAnyArg {
		prefix = append(prefix, typeAnyArg)
	}
	s := analyzeFn("train.NewTrainer", modelFn, prefix, 0)
	return func(scope *model.Scope, spec any, inputs []*graph.Node) []*graph.Node {
		lead := []reflect.Value{reflect.ValueOf(scope)}
		if s.prefix == 2 {
			lead = append(lead, reflect.ValueOf(&spec).Elem())
		}
		var g *graph.Graph
		if len(inputs) > 0 {
			g = inputs[0].Graph()
		}
		return s.call(lead, g, inputs)
	}
}
