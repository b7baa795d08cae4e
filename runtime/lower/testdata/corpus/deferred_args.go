// A deferred call's arguments, and a go statement's, are evaluated where
// the statement is, not when the call runs.
package main

import (
	"fmt"
	"sync"
)

type counter struct{ n int }

func (c *counter) report(label string, n int) { fmt.Println(label, n, c.n) }

func f() {
	x := 1
	defer fmt.Println("deferred x =", x)
	c := &counter{}
	defer c.report("count at defer:", c.n)
	x = 2
	c.n = 5
	xs := []int{1}
	defer fmt.Println("slice then:", len(xs))
	xs = append(xs, 2, 3)
}

func main() {
	f()
	var wg sync.WaitGroup
	results := make([]int, 3)
	v := 10
	for i := range 3 {
		wg.Add(1)
		go func(slot, val int) {
			defer wg.Done()
			results[slot] = val
		}(i, v)
		v += 10
	}
	wg.Wait()
	fmt.Println(results)

	// A select case's variable is a new one each time the case runs.
	c := make(chan int)
	var ptrs []*int
	for i := range 3 {
		go func() { c <- i * 7 }()
		select {
		case v := <-c:
			ptrs = append(ptrs, &v)
		}
	}
	sum := 0
	for _, p := range ptrs {
		sum += *p
	}
	fmt.Println("sum of received:", sum)
	d := make(chan string, 1)
	d <- "x"
	close(d)
	for range 2 {
		select {
		case s, ok := <-d:
			fmt.Printf("%q %v\n", s, ok)
		}
	}
}
