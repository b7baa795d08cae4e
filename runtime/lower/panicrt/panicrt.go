// Package panicrt is what recover() goes through in lowered code. Go's
// runtime panics with runtime.Error values ("runtime error: index out of
// range"); the interpreter runs indexing, slicing and conversions through
// package reflect, whose panics are plain strings ("reflect: slice index
// out of range"), so a recovered value would not be an error. Recovered
// turns those strings back into runtime errors, and unwraps the
// reflect.Value the interpreter hands back for some panic values.
package panicrt

import (
	"fmt"
	"reflect"
	"strings"
)

// Error is a runtime error recovered from the interpreter.
type Error struct{ msg string }

func (e Error) Error() string { return "runtime error: " + e.msg }

// RuntimeError marks Error as a runtime.Error.
func (Error) RuntimeError() {}

// TypeAssertionError is a failed type assertion recovered from the
// interpreter (which reports it as a compile error with a position).
type TypeAssertionError struct{ msg string }

func (e TypeAssertionError) Error() string { return e.msg }

// RuntimeError marks TypeAssertionError as a runtime.Error.
func (TypeAssertionError) RuntimeError() {}

// Recovered returns v, the value of recover(), with the interpreter's
// reflect panics made runtime errors.
func Recovered(v any) any {
	// A program's own panic(err) comes back as a reflect.Value holding it.
	if rv, ok := v.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
		v = rv.Interface()
	}
	if err, ok := v.(error); ok && fmt.Sprintf("%T", v) == "*interp.cfgError" {
		// "12:5: interface conversion: interface {} is string, not int"
		msg := err.Error()
		if i := strings.Index(msg, "interface conversion: "); i >= 0 {
			return TypeAssertionError{msg[i:]}
		}
		return v
	}
	if ve, ok := v.(*reflect.ValueError); ok && strings.HasSuffix(ve.Error(), "on zero Value") {
		// The interpreter reached through a nil pointer (p[0] with p a
		// nil *[10]int): Go's message, as a runtime.Error.
		return Error{"invalid memory address or nil pointer dereference"}
	}
	s, ok := v.(string)
	if !ok {
		return v
	}
	for _, prefix := range []string{"reflect: ", "reflect.Value."} {
		if strings.HasPrefix(s, prefix) {
			msg := strings.TrimPrefix(s, prefix)
			if i := strings.Index(msg, ": "); prefix == "reflect.Value." && i >= 0 {
				msg = msg[i+2:] // "reflect.Value.Slice: slice index out of range"
			}
			return Error{msg}
		}
	}
	return v
}
