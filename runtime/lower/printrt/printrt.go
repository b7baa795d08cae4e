// Package printrt is what the builtins print and println become in
// lowered code: yaegi prints through fmt (spaces between every argument,
// <nil> and [] for nil values), while Go's runtime writes each argument
// its own way (0x0 for nil pointers, [len/cap]0xaddr for slices,
// (type,data) for interfaces, shortest floats) to standard error.
package printrt

import (
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"sync"
)

// Iface marks an argument whose static type is an interface: the runtime
// prints its type and data words, not its value.
type Iface struct{ V any }

// IfaceArg marks v, an argument of interface type.
func IfaceArg(v any) any { return Iface{v} }

// Out is where print writes (standard error, as in Go).
var Out io.Writer = os.Stderr

var mu sync.Mutex

// Print is the builtin print.
func Print(args ...any) { write(false, args) }

// Println is the builtin println.
func Println(args ...any) { write(true, args) }

func write(ln bool, args []any) {
	var b []byte
	for i, a := range args {
		if ln && i > 0 {
			b = append(b, ' ')
		}
		b = appendArg(b, a)
	}
	if ln {
		b = append(b, '\n')
	}
	mu.Lock()
	defer mu.Unlock()
	Out.Write(b)
}

func appendArg(b []byte, a any) []byte {
	if f, ok := a.(Iface); ok {
		if f.V == nil {
			return append(b, "(0x0,0x0)"...)
		}
		// The words' values are addresses, meaningless across runs;
		// what can be told apart is nil from non-nil.
		b = append(b, "(0x1,"...)
		b = appendHex(b, dataWord(reflect.ValueOf(f.V)))
		return append(b, ')')
	}
	v := reflect.ValueOf(a)
	switch v.Kind() {
	case reflect.Invalid:
		return append(b, "(0x0,0x0)"...)
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.AppendUint(b, v.Uint(), 10)
	case reflect.Float32:
		return strconv.AppendFloat(b, v.Float(), 'g', -1, 32)
	case reflect.Float64:
		return strconv.AppendFloat(b, v.Float(), 'g', -1, 64)
	case reflect.Complex64:
		return append(b, strconv.FormatComplex(v.Complex(), 'g', -1, 64)...)
	case reflect.Complex128:
		return append(b, strconv.FormatComplex(v.Complex(), 'g', -1, 128)...)
	case reflect.String:
		return append(b, v.String()...)
	case reflect.Slice:
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(v.Len()), 10)
		b = append(b, '/')
		b = strconv.AppendInt(b, int64(v.Cap()), 10)
		b = append(b, ']')
		return appendHex(b, uintptr(v.UnsafePointer()))
	case reflect.Pointer, reflect.Chan, reflect.Map, reflect.Func, reflect.UnsafePointer:
		return appendHex(b, v.Pointer())
	}
	// Go refuses other types at compile time; the interpreter's own
	// values (an interpreted interface) print as fmt would.
	return append(b, fmt.Sprint(a)...)
}

// dataWord is what an interface's data word would hold: the pointer
// for pointer-shaped values, a non-zero stand-in for the others.
func dataWord(v reflect.Value) uintptr {
	switch v.Kind() {
	case reflect.Pointer, reflect.Chan, reflect.Map, reflect.Func, reflect.UnsafePointer:
		return v.Pointer()
	}
	return 1
}

func appendHex(b []byte, p uintptr) []byte {
	b = append(b, "0x"...)
	return strconv.AppendUint(b, uint64(p), 16)
}
