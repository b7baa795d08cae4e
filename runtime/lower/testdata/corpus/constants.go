// Constants as the type checker evaluates them: implicit repetition in
// const blocks, untyped values beyond 64 bits, typed constants of named
// types, constant shift counts written as floats or complex numbers, and
// untyped constants shifted by a variable.
package main

import (
	"fmt"
	"math"
	"time"
)

type Weekday int

const (
	Sunday Weekday = iota
	Monday
	Tuesday
)

const (
	isFirst = iota == 0
	isSecond
)

const (
	p = float32(iota) / 2
	q
	r
)

const (
	KB = 1 << (10 * (iota + 1))
	MB
	GB
)

const huge = 1 << 100
const ratio = huge >> 98 // back within int

const (
	a, b = iota, iota * 10
	c, d
)

func (d Weekday) String() string { return [...]string{"Sun", "Mon", "Tue"}[d] }

func main() {
	fmt.Println(Sunday, Monday, Tuesday, int(Tuesday))
	fmt.Println(isFirst, isSecond)
	fmt.Printf("%v %v %v %T\n", p, q, r, r)
	fmt.Println(KB, MB, GB)
	fmt.Println(ratio, huge/(1<<90), float64(huge))
	fmt.Println(a, b, c, d)
	fmt.Println(math.MaxUint64/3, uint64(math.MaxUint64), math.Pi*2)
	fmt.Println(2*time.Second, time.Duration(1.5*float64(time.Second)))

	x := 1
	fmt.Println(x<<1., x<<(1+0i), x<<(1<<x), x<<(1.<<x))
	var u uint8 = 1
	u <<= 2.0
	fmt.Println(u)
	const local = 'a' + 1
	fmt.Printf("%c %T\n", local, local)
	s := 'x'
	fmt.Printf("%T\n", s)
	f := 1 / 3.0
	fmt.Println(f, len("héllo"), complex(1, 2)*2)
}
