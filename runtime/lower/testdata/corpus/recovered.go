// What recover returns for panics the interpreter raises: runtime errors
// (an index out of range, a failed type assertion) recover as
// runtime.Error values, as in Go; a program's own panic values as they are.
package main

import (
	"fmt"
	"runtime"
	"strings"
)

func try(name string, f func()) {
	defer func() {
		r := recover()
		err, isErr := r.(error)
		_, isRuntime := r.(runtime.Error)
		msg := fmt.Sprint(r)
		if isErr {
			msg = err.Error()
		}
		fmt.Println(name, isErr, isRuntime, strings.Contains(msg, "out of range") || strings.Contains(msg, "interface conversion"))
	}()
	f()
}

func main() {
	xs := []int{1}
	i := 3
	try("index", func() { _ = xs[i] })
	var a any = "s"
	try("assertion", func() { _ = a.(int) })
	try("own string", func() { panic("out of range of my own") })
	try("own error", func() { panic(fmt.Errorf("mine")) })
}
