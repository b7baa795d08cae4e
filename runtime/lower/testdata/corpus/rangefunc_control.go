package main

import "fmt"

func seq(n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				fmt.Println("  iterator saw stop at", i)
				return
			}
		}
	}
}

func pairs(m []string) func(func(int, string) bool) {
	return func(yield func(int, string) bool) {
		for i, s := range m {
			if !yield(i, s) {
				return
			}
		}
	}
}

// Generic iterator.
func Filter[T any](s []T, keep func(T) bool) func(func(T) bool) {
	return func(yield func(T) bool) {
		for _, v := range s {
			if keep(v) && !yield(v) {
				return
			}
		}
	}
}

func Map[T, U any](s []T, f func(T) U) []U {
	var out []U
	for _, v := range s {
		out = append(out, f(v))
	}
	return out
}

func firstOver(limit int) (idx int, val string, err error) {
	for i, s := range pairs([]string{"a", "bb", "ccc"}) {
		if len(s) > limit {
			return i, s, nil
		}
	}
	return -1, "", fmt.Errorf("none over %d", limit)
}

func named() (n int) {
	for i := range seq(10) {
		n = i
		if i == 3 {
			return
		}
	}
	return 100
}

func nestedReturn() int {
	for i := range seq(5) {
		for j := range seq(5) {
			if i*j == 6 {
				return i*10 + j
			}
		}
	}
	return -1
}

func main() {
	fmt.Println(firstOver(1))
	fmt.Println(firstOver(5))
	fmt.Println(named())
	fmt.Println(nestedReturn())
	// break and continue to labels of ordinary loops around the iterator
outer:
	for k := 0; k < 3; k++ {
		for i := range seq(4) {
			switch {
			case i == 1:
				continue
			case k == 1 && i == 2:
				continue outer
			case k == 2:
				break outer
			}
			fmt.Println("k", k, "i", i)
		}
	}
	// a select and a switch with break inside the body: they break themselves
	for i := range seq(2) {
		switch i {
		case 0:
			break
		}
		fmt.Println("after switch", i)
	}
	// assignment form
	var a int
	var b string
	for a, b = range pairs([]string{"x", "y"}) {
	}
	fmt.Println(a, b)
	for v := range Filter([]int{1, 2, 3, 4, 5, 6}, func(x int) bool { return x%2 == 0 }) {
		fmt.Println("even", v)
	}
	fmt.Println(Map([]int{1, 2}, func(i int) string { return fmt.Sprint(i, "!") }))
	// closures capture a new variable per iteration
	var fs []func() int
	for i := range seq(3) {
		fs = append(fs, func() int { return i })
	}
	for i := range 3 {
		fs = append(fs, func() int { return i * 10 })
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	fmt.Println()
	// an iterator that keeps calling yield after false panics
	defer func() { fmt.Println("recovered:", recover()) }()
	bad := func(yield func(int) bool) {
		yield(1)
		yield(2)
	}
	for x := range bad {
		fmt.Println("bad", x)
		break
	}
}
