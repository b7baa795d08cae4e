package shims

import (
	"fmt"
	"reflect"
	"runtime"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

var (
	typeNode   = reflect.TypeOf((*graph.Node)(nil))
	typeNodes  = reflect.TypeOf([]*graph.Node(nil))
	typeGraph  = reflect.TypeOf((*graph.Graph)(nil))
	typeScope  = reflect.TypeOf((*model.Scope)(nil))
	typeAnyArg = reflect.TypeOf((*any)(nil)).Elem()
)

// fnShape describes a graph-building function in the forms GoMLX's Exec
// constraints accept: [prefix...] then *Graph, []*Node, *Graph+[]*Node or up
// to 6 *Node; results: *Node x N or []*Node.
type fnShape struct {
	fn            reflect.Value
	prefix        int // leading parameters before the graph inputs (*Scope, spec)
	numInputs     int // -1 for a []*Node input
	numOutputs    int // -1 for a []*Node result
	inputIsGraph  bool
	inputAsSlice  bool
	outputAsSlice bool
}

// analyzeFn checks graphFn against the accepted forms. prefix lists the
// leading parameter types (e.g. *model.Scope); minOut is 0 where functions
// without results are accepted.
func analyzeFn(shim string, graphFn any, prefix []reflect.Type, minOut int) fnShape {
	v := reflect.ValueOf(graphFn)
	t := v.Type()
	bad := func(why string) {
		panic(fmt.Errorf("%s: unsupported graph function type %s: %s", shim, t, why))
	}
	if graphFn == nil || t.Kind() != reflect.Func || v.IsNil() {
		panic(fmt.Errorf("%s: want a function building a graph, got %T", shim, graphFn))
	}
	s := fnShape{fn: v, prefix: len(prefix)}
	if t.IsVariadic() || t.NumIn() < len(prefix) {
		bad("wrong parameters")
	}
	for i, p := range prefix {
		if t.In(i) != p {
			bad(fmt.Sprintf("parameter %d must be %s", i+1, p))
		}
	}
	in := make([]reflect.Type, 0, t.NumIn())
	for i := len(prefix); i < t.NumIn(); i++ {
		in = append(in, t.In(i))
	}
	if len(in) > 0 && in[0] == typeGraph {
		s.inputIsGraph = true
		in = in[1:]
	}
	switch {
	case len(in) == 1 && in[0] == typeNodes:
		s.numInputs, s.inputAsSlice = -1, true
	case s.inputIsGraph && len(in) == 0:
		s.numInputs = 0
	case !s.inputIsGraph && len(in) >= 1 && len(in) <= 6:
		for _, p := range in {
			if p != typeNode {
				bad("inputs must be *Node, []*Node or a *Graph")
			}
		}
		s.numInputs = len(in)
	default:
		bad("inputs must be *Graph, []*Node, *Graph and []*Node, or 1 to 6 *Node")
	}
	switch {
	case t.NumOut() == 1 && t.Out(0) == typeNodes:
		s.numOutputs, s.outputAsSlice = -1, true
	case t.NumOut() >= minOut && t.NumOut() <= 3:
		for i := 0; i < t.NumOut(); i++ {
			if t.Out(i) != typeNode {
				bad("results must be *Node or []*Node")
			}
		}
		s.numOutputs = t.NumOut()
	default:
		bad(fmt.Sprintf("want %d to 3 *Node results or []*Node", minOut))
	}
	return s
}

// call runs the function with the leading args plus the graph inputs and
// returns its results as a slice.
func (s fnShape) call(lead []reflect.Value, g *graph.Graph, inputs []*graph.Node) []*graph.Node {
	args := lead
	if s.inputIsGraph {
		args = append(args, reflect.ValueOf(g))
	}
	if s.inputAsSlice {
		args = append(args, reflect.ValueOf(inputs))
	} else if !s.inputIsGraph {
		if len(inputs) < s.numInputs {
			panic(fmt.Errorf("graph function takes %d inputs, got %d", s.numInputs, len(inputs)))
		}
		for _, x := range inputs[:s.numInputs] {
			args = append(args, reflect.ValueOf(x))
		}
	}
	out := s.fn.Call(args)
	if s.outputAsSlice {
		return out[0].Interface().([]*graph.Node)
	}
	nodes := make([]*graph.Node, len(out))
	for i, o := range out {
		nodes[i] = o.Interface().(*graph.Node)
	}
	return nodes
}

func (s fnShape) name() string {
	if f := runtime.FuncForPC(s.fn.Pointer()); f != nil {
		return f.Name()
	}
	return "interpreted"
}

func (s fnShape) wantOutputs(shim string, n int) {
	if s.numOutputs != n {
		panic(fmt.Errorf("%s: graph function must return exactly %d *Node, its type is %s", shim, n, s.fn.Type()))
	}
}

func init() {
	register(pkgGraph, map[string]any{
		"NewExec":       NewExec,
		"MustNewExec":   MustNewExec,
		"NewExec1":      NewExec1,
		"NewExec2":      NewExec2,
		"NewExec3":      NewExec3,
		"MustNewExec1":  MustNewExec1,
		"MustNewExec2":  MustNewExec2,
		"MustNewExec3":  MustNewExec3,
		"CallOnce":      CallOnce,
		"ExecOnce":      CallOnce,
		"CallOnceN":     CallOnceN,
		"ExecOnceN":     CallOnceN,
		"MustExecOnce":  MustExecOnce,
		"MustExecOnceN": MustExecOnceN,
	})
}

// checkFn is analyzeFn (plus an output count check) returning errors
// instead of panicking, for the shims that return an error.
func checkFn(shim string, graphFn any, prefix []reflect.Type, minOut, outputs int) (s fnShape, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(error)
			if !ok {
				panic(r)
			}
			err = e
		}
	}()
	s = analyzeFn(shim, graphFn, prefix, minOut)
	if outputs > 0 {
		s.wantOutputs(shim, outputs)
	}
	return s, nil
}

func newGraphExec(shim string, backend compute.Backend, graphFn any, outputs int) (*graph.Exec, error) {
	s, err := checkFn(shim, graphFn, nil, 1, outputs)
	if err != nil {
		return nil, err
	}
	canonical := func(g *graph.Graph, inputs []*graph.Node) []*graph.Node { return s.call(nil, g, inputs) }
	e, err := graph.NewExecCanonical(backend, canonical, s.numInputs, s.numOutputs, s.inputIsGraph, s.inputAsSlice, s.outputAsSlice)
	if err != nil {
		return nil, err
	}
	return e.WithName("Exec:" + s.name()), nil
}

func must1[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// NewExec shims graph.NewExec: graphFn is any function graph.ExecGraphFn allows.
func NewExec(backend compute.Backend, graphFn any) (*graph.Exec, error) {
	return newGraphExec("graph.NewExec", backend, graphFn, 0)
}

// MustNewExec shims graph.MustNewExec.
func MustNewExec(backend compute.Backend, graphFn any) *graph.Exec {
	return must1(newGraphExec("graph.MustNewExec", backend, graphFn, 0))
}

// NewExec1 shims graph.NewExec1.
func NewExec1(backend compute.Backend, graphFn any) (*graph.ExecOneOutput, error) {
	e, err := newGraphExec("graph.NewExec1", backend, graphFn, 1)
	if err != nil {
		return nil, err
	}
	return &graph.ExecOneOutput{Exec: e}, nil
}

// NewExec2 shims graph.NewExec2.
func NewExec2(backend compute.Backend, graphFn any) (*graph.ExecTwoOutputs, error) {
	e, err := newGraphExec("graph.NewExec2", backend, graphFn, 2)
	if err != nil {
		return nil, err
	}
	return &graph.ExecTwoOutputs{Exec: e}, nil
}

// NewExec3 shims graph.NewExec3.
func NewExec3(backend compute.Backend, graphFn any) (*graph.ExecThreeOutputs, error) {
	e, err := newGraphExec("graph.NewExec3", backend, graphFn, 3)
	if err != nil {
		return nil, err
	}
	return &graph.ExecThreeOutputs{Exec: e}, nil
}

// MustNewExec1 shims graph.MustNewExec1.
func MustNewExec1(backend compute.Backend, graphFn any) *graph.ExecOneOutput {
	return must1(NewExec1(backend, graphFn))
}

// MustNewExec2 shims graph.MustNewExec2.
func MustNewExec2(backend compute.Backend, graphFn any) *graph.ExecTwoOutputs {
	return must1(NewExec2(backend, graphFn))
}

// MustNewExec3 shims graph.MustNewExec3.
func MustNewExec3(backend compute.Backend, graphFn any) *graph.ExecThreeOutputs {
	return must1(NewExec3(backend, graphFn))
}

// CallOnceN shims graph.CallOnceN (and its alias ExecOnceN).
func CallOnceN(backend compute.Backend, graphFn any, args ...any) ([]*tensors.Tensor, error) {
	e, err := newGraphExec("graph.CallOnceN", backend, graphFn, 0)
	if err != nil {
		return nil, err
	}
	defer e.Finalize()
	return e.Call(args...)
}

// CallOnce shims graph.CallOnce (and its alias ExecOnce).
func CallOnce(backend compute.Backend, graphFn any, args ...any) (*tensors.Tensor, error) {
	e, err := newGraphExec("graph.CallOnce", backend, graphFn, 1)
	if err != nil {
		return nil, err
	}
	defer e.Finalize()
	out, err := e.Call(args...)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// MustExecOnceN shims graph.MustExecOnceN.
func MustExecOnceN(backend compute.Backend, graphFn any, args ...any) []*tensors.Tensor {
	return must1(CallOnceN(backend, graphFn, args...))
}

// MustExecOnce shims graph.MustExecOnce.
func MustExecOnce(backend compute.Backend, graphFn any, args ...any) *tensors.Tensor {
	return must1(CallOnce(backend, graphFn, args...))
}
