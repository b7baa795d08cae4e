package main

import (
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
)

// Standard-library APIs added since Go 1.21, generic and not.
func main() {
	for part := range strings.SplitSeq("a,b,c", ",") {
		fmt.Print(part, " ")
	}
	fmt.Println()
	for line := range strings.Lines("one\ntwo\n") {
		fmt.Printf("%q ", line)
	}
	fmt.Println()
	fmt.Println(slices.Collect(strings.FieldsSeq(" x  y z ")))
	m := map[string]int{"x": 1, "y": 2}
	c := maps.Clone(m)
	c["z"] = 3
	fmt.Println(len(m), len(c), slices.Sorted(maps.Values(c)))
	var seq iter.Seq[int] = slices.Values([]int{5, 6, 7})
	next, stop := iter.Pull(seq)
	a, ok1 := next()
	b, ok2 := next()
	stop()
	_, ok3 := next()
	fmt.Println(a, ok1, b, ok2, ok3)
	for i, v := range slices.Backward([]string{"p", "q"}) {
		fmt.Println(i, v)
	}
	for ch := range slices.Chunk([]int{1, 2, 3, 4, 5}, 2) {
		fmt.Print(ch, ";")
	}
	fmt.Println()
	fmt.Println(slices.Repeat([]int{1, 2}, 2), slices.Concat([]int{1}, []int{2, 3}))
	words := []string{"pear", "fig", "apple"}
	slices.SortFunc(words, func(a, b string) int { return len(a) - len(b) })
	fmt.Println(words, slices.IsSortedFunc(words, strings.Compare))
	ws := slices.SortedFunc(slices.Values(words), strings.Compare)
	i, found := slices.BinarySearch(ws, "fig")
	fmt.Println(ws, i, found, slices.Max(ws), slices.Min([]float64{2, 1.5}))
	keys := slices.Collect(maps.Keys(map[int]bool{3: true, 1: true, 2: false}))
	slices.Sort(keys)
	fmt.Println(keys, slices.Equal(keys, []int{1, 2, 3}))
}
