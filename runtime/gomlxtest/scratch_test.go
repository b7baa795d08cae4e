package gomlxtest

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

func TestScratch(t *testing.T) {
	i := interp.New(interp.Options{})
	i.Use(stdlib.Symbols)
	i.Use(interp.Exports{"x/x": {
		"Take": reflect.ValueOf(func(f any) string { return fmt.Sprintf("%T", f) }),
		"Call": reflect.ValueOf(func(f any) any {
			switch f := f.(type) {
			case func([]float32):
				f([]float32{1, 2})
				return "f32"
			case func(int) int:
				return f(3)
			}
			return nil
		}),
	}})
	_, err := i.Eval(`package main
import ("x"; "fmt")
func double(a int) int { return 2*a }
func main() {
	fmt.Println(x.Take(func(s []float32){}), x.Take(double))
	fmt.Println(x.Call(func(s []float32){ fmt.Println("got", s) }), x.Call(double))
	var sum float32
	x.Call(func(s []float32){ for _, v := range s { sum += v } })
	fmt.Println(sum)
}`)
	if err != nil {
		t.Fatal(err)
	}
}
