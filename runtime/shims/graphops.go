package shims

import (
	"fmt"
	"reflect"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
)

func init() {
	register(pkgGraph, map[string]any{
		"Scalar":                            Scalar,
		"AddScalar":                         AddScalar,
		"SubScalar":                         SubScalar,
		"MulScalar":                         MulScalar,
		"DivScalar":                         DivScalar,
		"PowScalar":                         PowScalar,
		"ModScalar":                         ModScalar,
		"MaxScalar":                         MaxScalar,
		"MinScalar":                         MinScalar,
		"BitwiseShiftLeftScalar":            BitwiseShiftLeftScalar,
		"BitwiseShiftRightArithmeticScalar": BitwiseShiftRightArithmeticScalar,
		"BitwiseShiftRightLogicalScalar":    BitwiseShiftRightLogicalScalar,
		"RandomIntN":                        RandomIntN,
	})
}

// scalarOp calls the instantiation of a graph *Scalar function matching the
// kind of value: int64 for signed, uint64 for unsigned, float64 for floats, so
// no value is rounded before GoMLX converts it to the node's dtype.
func scalarOp(shim string, value any,
	i func(int64) *graph.Node, u func(uint64) *graph.Node, f func(float64) *graph.Node) *graph.Node {
	v := reflect.ValueOf(value)
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return i(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return u(v.Uint())
	case reflect.Float32, reflect.Float64:
		return f(v.Float())
	}
	panic(fmt.Errorf("%s: want a Go number (not complex), got %T", shim, value))
}

// Scalar shims graph.Scalar.
func Scalar(g *graph.Graph, dtype dtypes.DType, value any) *graph.Node {
	return scalarOp("graph.Scalar", value,
		func(v int64) *graph.Node { return graph.Scalar(g, dtype, v) },
		func(v uint64) *graph.Node { return graph.Scalar(g, dtype, v) },
		func(v float64) *graph.Node { return graph.Scalar(g, dtype, v) })
}

// binaryScalar builds a shim for graph functions of the form F[N](x, N) *Node.
func binaryScalar(name string,
	i func(*graph.Node, int64) *graph.Node, u func(*graph.Node, uint64) *graph.Node, f func(*graph.Node, float64) *graph.Node,
) func(x *graph.Node, scalar any) *graph.Node {
	return func(x *graph.Node, scalar any) *graph.Node {
		return scalarOp("graph."+name, scalar,
			func(v int64) *graph.Node { return i(x, v) },
			func(v uint64) *graph.Node { return u(x, v) },
			func(v float64) *graph.Node { return f(x, v) })
	}
}

// The *Scalar shims: x op scalar, scalar any Go number.
var (
	AddScalar = binaryScalar("AddScalar", graph.AddScalar[int64], graph.AddScalar[uint64], graph.AddScalar[float64])
	SubScalar = binaryScalar("SubScalar", graph.SubScalar[int64], graph.SubScalar[uint64], graph.SubScalar[float64])
	MulScalar = binaryScalar("MulScalar", graph.MulScalar[int64], graph.MulScalar[uint64], graph.MulScalar[float64])
	DivScalar = binaryScalar("DivScalar", graph.DivScalar[int64], graph.DivScalar[uint64], graph.DivScalar[float64])
	PowScalar = binaryScalar("PowScalar", graph.PowScalar[int64], graph.PowScalar[uint64], graph.PowScalar[float64])
	ModScalar = binaryScalar("ModScalar", graph.ModScalar[int64], graph.ModScalar[uint64], graph.ModScalar[float64])
	MaxScalar = binaryScalar("MaxScalar", graph.MaxScalar[int64], graph.MaxScalar[uint64], graph.MaxScalar[float64])
	MinScalar = binaryScalar("MinScalar", graph.MinScalar[int64], graph.MinScalar[uint64], graph.MinScalar[float64])

	BitwiseShiftLeftScalar = binaryScalar("BitwiseShiftLeftScalar",
		graph.BitwiseShiftLeftScalar[int64], graph.BitwiseShiftLeftScalar[uint64], graph.BitwiseShiftLeftScalar[float64])
	BitwiseShiftRightArithmeticScalar = binaryScalar("BitwiseShiftRightArithmeticScalar",
		graph.BitwiseShiftRightArithmeticScalar[int64], graph.BitwiseShiftRightArithmeticScalar[uint64], graph.BitwiseShiftRightArithmeticScalar[float64])
	BitwiseShiftRightLogicalScalar = binaryScalar("BitwiseShiftRightLogicalScalar",
		graph.BitwiseShiftRightLogicalScalar[int64], graph.BitwiseShiftRightLogicalScalar[uint64], graph.BitwiseShiftRightLogicalScalar[float64])
)

// RandomIntN shims graph.RandomIntN: n is a *Node or a Go integer.
func RandomIntN(rngState *graph.Node, n any, shape shapes.Shape) (newRNGState, values *graph.Node) {
	if node, ok := n.(*graph.Node); ok {
		return graph.RandomIntN(rngState, node, shape)
	}
	v := reflect.ValueOf(n)
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return graph.RandomIntN(rngState, v.Int(), shape)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return graph.RandomIntN(rngState, v.Uint(), shape)
	}
	panic(fmt.Errorf("graph.RandomIntN: want a *Node or a Go integer, got %T", n))
}
