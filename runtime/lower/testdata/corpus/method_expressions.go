// Method expressions (T.m, (*T).m, I.m, interface literals): yaegi passes
// the receiver as one argument too many; the lowering wraps them.
package main

import (
	"fmt"
	"strings"
)

type Counter struct{ n int }

func (c Counter) Get() int            { return c.n }
func (c *Counter) Add(d int)          { c.n += d }
func (c Counter) Sum(xs ...int) int   { return c.n + len(xs) }
func (c Counter) Pair() (int, string) { return c.n, "n" }

type Getter interface{ Get() int }

func main() {
	c := Counter{1}
	add := (*Counter).Add
	add(&c, 41)
	fmt.Println(Counter.Get(c), Getter.Get(c))
	fmt.Println(Counter.Sum(c, 1, 2, 3), Counter.Sum(c))
	fmt.Println(Counter.Pair(c))
	get := interface{ Get() int }.Get
	fmt.Println(get(c))
	fmt.Println(strings.ToUpper(fmt.Sprint(Counter.Get(Counter{7}))))
	fs := []func(Counter) int{Counter.Get, func(c Counter) int { return Getter.Get(c) }}
	for _, f := range fs {
		fmt.Print(f(c), " ")
	}
	fmt.Println()
}
