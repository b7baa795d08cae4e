// Generic functions and types the program declares, which the lowering
// copies once per instance (yaegi's own generics crash on most of these).
package main

import (
	"fmt"
	"sort"
	"strings"
)

type Number interface{ ~int | ~int64 | ~float64 }

// A recursive generic type with methods, one receiver naming its type
// parameter differently.
type List[T any] struct {
	next *List[T]
	val  T
}

func (l *List[T]) Push(v T) *List[T] { return &List[T]{next: l, val: v} }

func (l *List[U]) Each(f func(U)) {
	for ; l != nil; l = l.next {
		f(l.val)
	}
}

// Generic functions calling each other from generic code.
func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func Sum[T Number](xs ...T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

func SumOfSquares[T Number](xs []T) T {
	return Sum(Map(xs, func(x T) T { return x * x })...)
}

func Ptr[T any](v T) *T { return &v }

// Two type parameters and a type switch on one of them.
type Pair[K comparable, V any] struct {
	Key K
	Val V
}

func (p Pair[K, V]) String() string { return fmt.Sprintf("%v=%v", p.Key, p.Val) }

func Describe[T any](v T) string {
	switch x := any(v).(type) {
	case int:
		return fmt.Sprint("int ", x)
	case string:
		return "string " + strings.ToUpper(x)
	case Pair[string, int]:
		return "pair " + x.String()
	}
	return "other"
}

// A generic container used through an interface.
type Set[T comparable] map[T]struct{}

func (s Set[T]) Add(v T)           { s[v] = struct{}{} }
func (s Set[T]) Has(v T) bool      { _, ok := s[v]; return ok }
func (s Set[T]) Len() int          { return len(s) }
func NewSet[T comparable]() Set[T] { return Set[T]{} }

type Sizer interface{ Len() int }

// An embedded generic field keeps working under its type's copy.
type Named[T any] struct {
	List[T]
	*Pair[string, T]
	name string
}

// Generic code may hold a type switch whose cases coincide for some type
// arguments (the first wins), and assertions that cannot hold for some.
func Kind[T any](v any) string {
	switch v.(type) {
	case T:
		return "T"
	case int, string:
		return "int or string"
	}
	return "other"
}

type Shape interface{ Area() float64 }

type Square struct{ s float64 }

func (q Square) Area() float64 { return q.s * q.s }

func Is[T any](s Shape) bool {
	_, ok := s.(T)
	return ok
}

type Celsius float64

func main() {
	var l *List[int]
	l = l.Push(1).Push(2).Push(3)
	l.Each(func(v int) { fmt.Print(v, " ") })
	fmt.Println()
	var words *List[string]
	words.Push("a").Push("b").Each(func(s string) { fmt.Print(s) })
	fmt.Println()

	fmt.Println(Map([]int{1, 2}, func(i int) string { return fmt.Sprint(i * 10) }))
	fmt.Println(Sum(1.5, 2), Sum[int](1, 2, 3), Sum(Celsius(1), Celsius(2.5)))
	fmt.Println(SumOfSquares([]int64{1, 2, 3}))
	p := Ptr(Ptr(3))
	fmt.Println(**p)
	fmt.Printf("%T\n", Map[int, float64])

	pairs := []Pair[string, int]{{"b", 2}, {"a", 1}}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i].Key < pairs[j].Key })
	fmt.Println(pairs[0], pairs[1].String())
	fmt.Println(Describe(7), Describe("go"), Describe(pairs[0]), Describe(1.5))

	s := NewSet[string]()
	s.Add("x")
	s.Add("y")
	s.Add("x")
	var sz Sizer = s
	fmt.Println(sz.Len(), s.Has("x"), s.Has("z"))

	n := Named[int]{name: "n", Pair: &Pair[string, int]{"k", 9}}
	n.List = List[int]{val: 5}
	n.Each(func(v int) { fmt.Print(v, " ") })
	fmt.Println(n.name, n.Key, n.Pair.Val, n.String())

	// A type declared in a function, as a type argument.
	type point struct{ x, y int }
	pts := Map([]int{1, 2}, func(i int) point { return point{i, i * i} })
	var lp *List[point]
	lp = lp.Push(pts[1])
	fmt.Println(pts, lp.val)

	fmt.Println(Kind[int](1), Kind[string](1), Kind[int]("s"), Kind[bool](1.5), Kind[float64](1.5))
	fmt.Println(Is[Square](Square{2}), Is[int](Square{2}))
}
