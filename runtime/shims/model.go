package shims

import (
	"fmt"
	"reflect"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

func init() {
	register(pkgModel, map[string]any{
		"NewExec":          ModelNewExec,
		"MustNewExec":      ModelMustNewExec,
		"NewExec1":         ModelNewExec1,
		"NewExec2":         ModelNewExec2,
		"NewExec3":         ModelNewExec3,
		"MustNewExec1":     ModelMustNewExec1,
		"MustNewExec2":     ModelMustNewExec2,
		"MustNewExec3":     ModelMustNewExec3,
		"CallOnceN":        ModelCallOnceN,
		"ExecOnceN":        ModelCallOnceN,
		"MustCallOnceN":    ModelMustCallOnceN,
		"MustExecOnceN":    ModelMustCallOnceN,
		"CallOnce":         ModelCallOnce,
		"ExecOnce":         ModelCallOnce,
		"MustCallOnce":     ModelMustCallOnce,
		"MustExecOnce":     ModelMustCallOnce,
		"GetParamOr":       GetParamOr,
		"GetGraphParamOr":  GetGraphParamOr,
		"GetRootParamOr":   GetRootParamOr,
		"MustGetParam":     MustGetParam,
		"MustGetRootParam": MustGetRootParam,
	})
	addParamType[int]("int")
	addParamType[int64]("int64")
	addParamType[float32]("float32")
	addParamType[float64]("float64")
	addParamType[bool]("bool")
	addParamType[string]("string")
	addParamType[[]int]("SliceOf_int")
	addParamType[[]float64]("SliceOf_float64")
	addParamType[[]string]("SliceOf_string")
	typeArgs["SliceOf_int"] = "[]int"
	typeArgs["SliceOf_float64"] = "[]float64"
	typeArgs["SliceOf_string"] = "[]string"
}

// addParamType registers the hyperparameter getters instantiated for T, for
// the common types of hyperparameters.
func addParamType[T any](suffix string) {
	if _, ok := typeArgs[suffix]; !ok {
		typeArgs[suffix] = suffix
	}
	s := InstantiationSep + suffix
	register(pkgModel, map[string]any{
		"GetParamOr" + s:       model.GetParamOr[T],
		"GetGraphParamOr" + s:  model.GetGraphParamOr[T],
		"GetRootParamOr" + s:   model.GetRootParamOr[T],
		"MustGetParam" + s:     model.MustGetParam[T],
		"MustGetRootParam" + s: model.MustGetRootParam[T],
	})
}

// GetParamOr shims model.GetParamOr: it returns the parameter's value as set
// (whatever its type), or defaultValue when unset. With a type argument, use
// the GetParamOr__T instantiations, which convert like GoMLX does.
func GetParamOr(s *model.Scope, key string, defaultValue any) any {
	return model.GetParamOr[any](s, key, defaultValue)
}

// GetGraphParamOr shims model.GetGraphParamOr like GetParamOr.
func GetGraphParamOr(s *model.Scope, g *graph.Graph, key string, defaultValue any) any {
	return model.GetGraphParamOr[any](s, g, key, defaultValue)
}

// GetRootParamOr shims model.GetRootParamOr like GetParamOr.
func GetRootParamOr(s *model.Store, key string, defaultValue any) any {
	return model.GetRootParamOr[any](s, key, defaultValue)
}

// MustGetParam shims model.MustGetParam without a type argument: it returns
// the value as set and panics if it is not set. (GoMLX's MustGetParam[any]
// itself panics: it converts to reflect.TypeOf(T), nil for any.)
func MustGetParam(s *model.Scope, key string) any {
	v, found := s.GetParam(key)
	if !found {
		panic(fmt.Errorf("parameter %q not found in scope %q (and its parents)", key, s.Scope()))
	}
	return v
}

// MustGetRootParam shims model.MustGetRootParam like MustGetParam.
func MustGetRootParam(s *model.Store, key string) any { return MustGetParam(s.RootScope(), key) }

func newModelExec(shim string, backend compute.Backend, store *model.Store, graphFn any, outputs int) (*model.Exec, error) {
	s, err := checkFn(shim, graphFn, []reflect.Type{typeScope}, 0, outputs)
	if err != nil {
		return nil, err
	}
	canonical := func(scope *model.Scope, g *graph.Graph, inputs []*graph.Node) []*graph.Node {
		return s.call([]reflect.Value{reflect.ValueOf(scope)}, g, inputs)
	}
	e, err := model.NewExecCanonical(backend, store, canonical, s.numInputs, s.numOutputs, s.inputIsGraph, s.inputAsSlice, s.outputAsSlice)
	if err != nil {
		return nil, err
	}
	return e.WithName("ModelExec:" + s.name()), nil
}

// ModelNewExec shims model.NewExec: graphFn takes a *model.Scope first, then
// what model.ExecGraphFn allows.
func ModelNewExec(backend compute.Backend, store *model.Store, graphFn any) (*model.Exec, error) {
	return newModelExec("model.NewExec", backend, store, graphFn, 0)
}

// ModelMustNewExec shims model.MustNewExec.
func ModelMustNewExec(backend compute.Backend, store *model.Store, graphFn any) *model.Exec {
	return must1(newModelExec("model.MustNewExec", backend, store, graphFn, 0))
}

// ModelNewExec1 shims model.NewExec1.
func ModelNewExec1(backend compute.Backend, store *model.Store, graphFn any) (*model.ExecOneOutput, error) {
	e, err := newModelExec("model.NewExec1", backend, store, graphFn, 1)
	if err != nil {
		return nil, err
	}
	return &model.ExecOneOutput{Exec: e}, nil
}

// ModelNewExec2 shims model.NewExec2.
func ModelNewExec2(backend compute.Backend, store *model.Store, graphFn any) (*model.ExecTwoOutputs, error) {
	e, err := newModelExec("model.NewExec2", backend, store, graphFn, 2)
	if err != nil {
		return nil, err
	}
	return &model.ExecTwoOutputs{Exec: e}, nil
}

// ModelNewExec3 shims model.NewExec3.
func ModelNewExec3(backend compute.Backend, store *model.Store, graphFn any) (*model.ExecThreeOutputs, error) {
	e, err := newModelExec("model.NewExec3", backend, store, graphFn, 3)
	if err != nil {
		return nil, err
	}
	return &model.ExecThreeOutputs{Exec: e}, nil
}

// ModelMustNewExec1 shims model.MustNewExec1.
func ModelMustNewExec1(backend compute.Backend, store *model.Store, graphFn any) *model.ExecOneOutput {
	return must1(ModelNewExec1(backend, store, graphFn))
}

// ModelMustNewExec2 shims model.MustNewExec2.
func ModelMustNewExec2(backend compute.Backend, store *model.Store, graphFn any) *model.ExecTwoOutputs {
	return must1(ModelNewExec2(backend, store, graphFn))
}

// ModelMustNewExec3 shims model.MustNewExec3.
func ModelMustNewExec3(backend compute.Backend, store *model.Store, graphFn any) *model.ExecThreeOutputs {
	return must1(ModelNewExec3(backend, store, graphFn))
}

// ModelCallOnceN shims model.CallOnceN (and its alias ExecOnceN).
func ModelCallOnceN(backend compute.Backend, store *model.Store, graphFn any, args ...any) ([]*tensors.Tensor, error) {
	e, err := newModelExec("model.CallOnceN", backend, store, graphFn, 0)
	if err != nil {
		return nil, err
	}
	defer e.Finalize()
	return e.Call(args...)
}

// ModelMustCallOnceN shims model.MustCallOnceN (and MustExecOnceN).
func ModelMustCallOnceN(backend compute.Backend, store *model.Store, graphFn any, args ...any) []*tensors.Tensor {
	return must1(ModelCallOnceN(backend, store, graphFn, args...))
}

// ModelCallOnce shims model.CallOnce (and its alias ExecOnce).
func ModelCallOnce(backend compute.Backend, store *model.Store, graphFn any, args ...any) (*tensors.Tensor, error) {
	e, err := newModelExec("model.CallOnce", backend, store, graphFn, 1)
	if err != nil {
		return nil, err
	}
	defer e.Finalize()
	return e.Call1(args...)
}

// ModelMustCallOnce shims model.MustCallOnce (and MustExecOnce).
func ModelMustCallOnce(backend compute.Backend, store *model.Store, graphFn any, args ...any) *tensors.Tensor {
	return must1(ModelCallOnce(backend, store, graphFn, args...))
}
