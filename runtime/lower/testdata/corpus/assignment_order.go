// Tuple assignments happen in two phases, as the spec says: index
// operands, pointers and values first, then the assignments left to right.
package main

import "fmt"

type node struct{ val int }

var calls []int

func f(i int) int {
	calls = append(calls, i)
	return i + 1
}

func g() []int { return []int{1, 2} }

func main() {
	x := []int{1, 2, 3}
	i := 0
	i, x[i] = 1, 100
	fmt.Println(i, x)

	x = []int{1, 2, 3}
	y := x
	x[1], y[0] = y[0], x[1]
	fmt.Println(x)

	a, b := 1, 2
	pa, pb := &a, &b
	*pa, *pb = b, a
	fmt.Println(a, b)

	n1, n2 := &node{1}, &node{2}
	n1.val, n2.val = n2.val, n1.val
	fmt.Println(n1.val, n2.val)

	m := map[string]int{}
	k := "a"
	k, m[k] = "b", 7
	fmt.Println(k, m)

	var f32 float32
	var any1 any
	f32, x[0], any1 = 1.5, f(0), f(1)
	fmt.Println(f32, x[0], any1, calls)

	// A call and a composite literal in one tuple.
	s1, s2 := g(), []int{7}
	s3, s4 := []int{8}, g()
	fmt.Println(s1, s2, s3, s4)
	if u, v := g(), []int{9}; len(u) == len(v) {
		fmt.Println("in an if:", u, v)
	}
	s1, s2 = []int{6}, g()
	fmt.Println(s1, s2)

	a, b = b, a
	_, x[2] = f(5), 9
	fmt.Println(a, b, x, calls)
}
