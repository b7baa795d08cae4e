package prep

import (
	"reflect"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// TestCallableFromYaegi checks that the helpers can be called from an
// interpreted cell, the way notebooks use them.
func TestCallableFromYaegi(t *testing.T) {
	i := interp.New(interp.Options{})
	i.Use(stdlib.Symbols)
	i.Use(interp.Exports{
		"github.com/igo-kernel/igo/datasets/prep/prep": {
			"CharVocab": reflect.ValueOf(CharVocab),
			"OneHot":    reflect.ValueOf(OneHot),
			"Augment":   reflect.ValueOf((*Augment)(nil)),
			"Vocab":     reflect.ValueOf((*Vocab)(nil)),
		},
		"github.com/gomlx/gomlx/core/tensors/tensors": {
			"Tensor": reflect.ValueOf((*tensors.Tensor)(nil)),
		},
	})
	if _, err := i.Eval(`import "github.com/igo-kernel/igo/datasets/prep"`); err != nil {
		t.Fatal(err)
	}
	v, err := i.Eval(`v := prep.CharVocab("hello world"); v.Decode(v.Encode("lower"))`)
	if err != nil || v.String() != "lower" {
		t.Fatalf("%v %v", v, err)
	}
	v, err = i.Eval(`prep.Augment{FlipHorizontal: true, Seed: 3}.Seed`)
	if err != nil || v.Int() != 3 {
		t.Fatalf("%v %v", v, err)
	}
}
