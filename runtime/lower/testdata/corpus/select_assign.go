// Select cases that assign received values to existing variables,
// elements and fields: yaegi panicked ("reflect.Select: invalid Dir"); and
// blank variables in a case, which made yaegi put values in the wrong places.
package main

import "fmt"

type S struct {
	v  int
	ok bool
}

func main() {
	c := make(chan int, 3)
	xs := make([]int, 2)
	var s S
	var y int
	var ok bool
	c <- 7
	select {
	case xs[1] = <-c:
		fmt.Println("element", xs)
	}
	c <- 8
	select {
	case y = <-c:
		fmt.Println("variable", y)
	}
	c <- 9
	select {
	case s.v, s.ok = <-c:
		fmt.Println("fields", s)
	}
	c <- 10
	select {
	case _, ok = <-c:
		fmt.Println("blank and ok", ok)
	}
	close(c)
	select {
	case y, ok = <-c:
		fmt.Println("closed", y, ok)
	}
	c3 := make(chan int, 1)
	c3 <- 12
	select {
	case _, ok := <-c3:
		fmt.Println("define with blank", ok)
	}
	c3 <- 13
	select {
	case v, _ := <-c3:
		fmt.Println("define with blank 2", v)
	}
	for i := 0; i < 2; i++ {
		c2 := make(chan int, 1)
		c2 <- i * 10
		select {
		case xs[i] = <-c2:
		default:
			fmt.Println("not ready")
		}
	}
	fmt.Println(xs)
}
