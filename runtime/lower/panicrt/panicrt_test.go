package panicrt

import (
	"reflect"
	"runtime"
	"testing"
)

func TestRecoveredReflectPanicIsARuntimeError(t *testing.T) {
	v := func() (v any) {
		defer func() { v = Recovered(recover()) }()
		reflect.ValueOf([]int{}).Index(3)
		return nil
	}()
	err, ok := v.(runtime.Error)
	if !ok {
		t.Fatalf("recovered %T %v, want a runtime.Error", v, v)
	}
	if err.Error() != "runtime error: slice index out of range" {
		t.Errorf("message %q", err.Error())
	}
	if got := Recovered("my panic"); got != "my panic" {
		t.Errorf("a user's string panic changed: %v", got)
	}
	if got := Recovered(42); got != 42 {
		t.Errorf("a non-string panic changed: %v", got)
	}
}

func TestRecoveredZeroValueIsANilDereference(t *testing.T) {
	v := func() (v any) {
		defer func() { v = Recovered(recover()) }()
		var zero reflect.Value
		zero.Index(0)
		return nil
	}()
	err, ok := v.(runtime.Error)
	if !ok || err.Error() != "runtime error: invalid memory address or nil pointer dereference" {
		t.Fatalf("got %T %v", v, v)
	}
}
