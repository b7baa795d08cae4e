package main

import (
	"fmt"
	"strconv"
)

func Map[T, U any](s []T, f func(T) U) []U {
	out := make([]U, 0, len(s))
	for _, v := range s {
		out = append(out, f(v))
	}
	return out
}

func Reduce[T, A any](s []T, init A, f func(A, T) A) A {
	acc := init
	for _, v := range s {
		acc = f(acc, v)
	}
	return acc
}

type Number interface{ ~int | ~float64 }

func Sum[N Number](xs ...N) N {
	var s N
	for _, x := range xs {
		s += x
	}
	return s
}

type Pair[K comparable, V any] struct {
	Key K
	Val V
}

func MakePair[K comparable, V any](k K, v V) Pair[K, V] { return Pair[K, V]{k, v} }

func Keys[M ~map[K]V, K comparable, V any](m M) int { return len(m) }

type MyInt int

func main() {
	fmt.Println(Map([]int{1, 2}, func(i int) string { return strconv.Itoa(i) + "!" }))
	fmt.Println(Reduce([]string{"a", "bb"}, 0, func(n int, s string) int { return n + len(s) }))
	fmt.Println(Sum(1, 2, 3), Sum(1.5, 2), Sum[MyInt](4, 5))
	p := MakePair("k", 3.5)
	fmt.Printf("%v %T\n", p, p.Val)
	type dict map[string]bool
	fmt.Println(Keys(dict{"x": true}))
	fmt.Println(Map[int, int]([]int{3}, func(i int) int { return -i }))
}
