// Values received from a channel and assigned to an element, a field or
// through a pointer: yaegi dropped them (and after y = <-c from a named
// channel type, y += <-c panicked).
package main

import "fmt"

type T chan uint64

type S struct{ v uint64 }

func main() {
	c := make(chan uint64, 1)
	xs := make([]uint64, 2)
	c <- 7
	xs[0] = <-c
	d := make(T, 1)
	d <- 8
	var y uint64
	y = <-d
	d <- 9
	xs[1] = <-d
	var s S
	c <- 10
	s.v = <-c
	m := map[int]uint64{}
	c <- 11
	m[1] = <-c
	p := new(uint64)
	c <- 12
	*p = <-c
	c <- 13
	y += <-c
	fmt.Println(xs, y, s.v, m[1], *p)
	outs := []T{d}
	for i := 0; i < 1; i++ {
		d <- 14
		if xs[i] == 7 {
			xs[i] = <-outs[i]
		}
	}
	fmt.Println(xs)
}
