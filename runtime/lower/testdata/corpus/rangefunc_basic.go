package main

import (
	"fmt"
	"maps"
	"slices"
)

func count(n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

func find(n, target int) (int, string) {
	for i := range count(n) {
		if i == target {
			return i * 10, "found"
		}
	}
	return -1, "none"
}

func main() {
	for i := range count(5) {
		if i == 1 {
			continue
		}
		if i == 3 {
			break
		}
		fmt.Println("i", i)
	}
	fmt.Println(find(10, 4))
	fmt.Println(find(3, 4))
outer:
	for i := range count(3) {
		for j := range count(3) {
			if j == 2 {
				continue outer
			}
			if i == 2 {
				break outer
			}
			fmt.Println(i, j)
		}
	}
	for i := range 3 {
		fmt.Println("int", i)
	}
	m := map[string]int{"b": 2, "a": 1, "c": 3}
	keys := slices.Sorted(maps.Keys(m))
	fmt.Println(keys, min(3, 1, 2), max(2.5, 1), min("b", "a"))
	x, y := 4, 7
	fmt.Println(min(x, y), max(x, y, 9))
	s := []int{3, 1, 2}
	slices.Sort(s)
	fmt.Println(s, slices.Index(s, 2), slices.Contains(s, 5))
	clear(m)
	fmt.Println(len(m))
}
