// Package-level variables initialize in Go's dependency order, also when
// the dependency goes through a function's body; and len of a pointer to
// an array calls what it must and needs no array.
package main

import "fmt"

var a = b + 1
var b = f()

var called = false
var log []string

func f() int {
	called = true
	log = append(log, "f")
	return 2
}

var n = len(g())

func g() *[40]int {
	log = append(log, "g")
	return nil
}

func main() {
	fmt.Println(a, b, called, n, log)
	var p *[8]byte
	fmt.Println(len(p), cap(p))
}
