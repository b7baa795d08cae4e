// Loops with empty bodies: yaegi lost the function's other locals after
// them (a following return y gave 0).
package main

import "fmt"

func classic() int {
	y := 6
	for i := 0; i < 3; i++ {
	}
	return y
}

func twoResults() (int, int) {
	y, z := 6, 7
	for i, n := 0, 2; i < n; i++ {
	}
	return y, z
}

func overInt() int {
	y := 6
	for range 3 {
	}
	return y
}

func overSliceAndMap() int {
	y := 6
	for range []int{1, 2} {
	}
	for _ = range map[int]int{1: 1} {
	}
	return y
}

func conditionOnly() int {
	y, x := 6, 0
	for ; x < 3; x++ {
	}
	return y + x
}

func main() {
	fmt.Println(classic())
	fmt.Println(twoResults())
	fmt.Println(overInt(), overSliceAndMap(), conditionOnly())
}
