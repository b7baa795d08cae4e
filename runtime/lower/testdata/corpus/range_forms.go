// Range forms yaegi gets wrong on its own: assigning to existing
// variables, blank iteration variables, and clear of a map with NaN keys.
package main

import (
	"fmt"
	"math"
)

func main() {
	k, v := 0, ""
	m := map[int]string{42: "x"}
	for k, v = range m {
	}
	fmt.Println("after range:", k, v)

	var idx int
	var r rune
	for idx, r = range "héllo" {
	}
	fmt.Println("last index and rune:", idx, string(r))

	arr := [3]int{}
	for arr[0] = range []int{7, 8, 9} {
	}
	fmt.Println("into an element:", arr)

	n := 0
	for _ = range "abc" {
		n++
	}
	for _, _ = range "abc" {
		n++
	}
	sum := 0
	for i, _ := range "abcd" {
		sum += i
	}
	fmt.Println("blanks:", n, sum)

	bad := "a\xffé\xca\xfez"
	for i, c := range bad {
		fmt.Print(i, ":", c, " ")
	}
	fmt.Println()
	for i := range bad {
		i := i * 10 // the body may redeclare the iteration variables
		fmt.Print(i, " ")
	}
	fmt.Println()
	type name string
	for _, c := range name("hé") {
		fmt.Print(string(c))
	}
	fmt.Println()

	grid := &[3]int{1, 2, 3}
	cell := &grid[1] // the address of an element through a pointer to an array
	*cell = 20
	grid[2]++
	fmt.Println("through a pointer:", *grid, len(grid))

	var nilArray *[4]int
	count := 0
	for i := range nilArray { // indices only: a nil pointer is fine
		count += i
	}
	fmt.Println("indices of a nil array pointer:", count, len(nilArray))

	nan := map[float64]int{math.NaN(): 1, math.NaN(): 2, 1.5: 3}
	alias := nan
	clear(nan)
	fmt.Println("cleared with NaN keys:", len(nan), len(alias))
	ints := map[int]int{1: 1}
	clear(ints)
	fmt.Println("cleared:", len(ints))
}
