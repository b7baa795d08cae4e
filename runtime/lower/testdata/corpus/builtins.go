package main

import (
	"fmt"
	"math"
)

type Celsius float64

type Grid [3]int

func main() {
	const c = min(3, 1.5, 2)
	fmt.Println(c, max(1, 2, 3), min("b", "a", "c"))
	x, y := 2.5, -1.0
	fmt.Println(min(x, y), max(x, y, 7))
	fmt.Println(min(math.NaN(), 1), max(1, math.NaN()))
	t := Celsius(20)
	fmt.Println(max(t, 25) == Celsius(25), max(t, 25))
	var u8 uint8 = 200
	fmt.Println(min(u8, 100), max(u8, 255))
	m := map[string]int{"a": 1, "b": 2}
	clear(m)
	m["c"] = 3
	fmt.Println(m, len(m))
	s := []int{1, 2, 3}
	clear(s[1:])
	fmt.Println(s, len(s))
	for i := range uint8(3) {
		fmt.Printf("%T %d ", i, i)
	}
	fmt.Println()
	var n int64
	for n = range 4 {
	}
	fmt.Println(n)
	for range 2 {
		fmt.Println("twice")
	}
	k := 3
	for i := range k {
		k = 10 // does not change the count
		fmt.Print(i)
	}
	fmt.Println()

	// Go 1.26: new of an expression.
	p := new(123)
	name := new("igo")
	pair := new([2]int{1, 2})
	*p++
	fmt.Println(*p, *name, *pair, *new(k > 2), *new(Celsius(1.5)))
}
