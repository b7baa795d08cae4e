package gomlxtest

import (
	"strings"
	"testing"
)

func TestTinyGraph(t *testing.T) {
	out := run(t, `package main

import (
	"fmt"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

func euclidean(x, y *Node) *Node {
	return Sqrt(ReduceAllSum(Square(Sub(x, y))))
}

func main() {
	backend := compute.MustNew()
	exec := MustNewExec(backend, euclidean)
	d := exec.MustExec([]float32{0, 0}, []float32{3, 4})[0]
	fmt.Println("dist", tensors.ToScalar__float32(d))

	double := MustNewExec1(backend, func(x *Node) *Node { return MulScalar(AddScalar(x, 1), 2) })
	fmt.Println("double", double.MustCall([]float64{1, 2}).Value())
}
`)
	if !strings.Contains(out, "dist 5\n") || !strings.Contains(out, "double [4 6]\n") {
		t.Fatalf("unexpected output:\n%s", out)
	}
}
