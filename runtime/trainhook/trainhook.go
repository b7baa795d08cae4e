// Package trainhook makes GoMLX training loops built in cells stop at the
// next step when the user interrupts the cell, with the model's variables
// intact. Interrupting only the interpreter would leave the compiled loop
// running in the background.
package trainhook

import (
	"errors"
	"reflect"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train"

	"github.com/igo-kernel/igo/runtime"
)

// ErrInterrupted is what an interrupted loop's RunSteps/RunToGlobalStep
// returns.
var ErrInterrupted = errors.New("training interrupted by the user; the model keeps the variables of the last completed step")

// Symbols replaces train.NewLoop for interpreted code; load it after the
// GoMLX tables.
var Symbols = map[string]map[string]reflect.Value{
	"github.com/gomlx/gomlx/ml/train/train": {"NewLoop": reflect.ValueOf(NewLoop)},
}

// NewLoop is train.NewLoop with a first-priority step hook that stops the
// loop once the running cell is interrupted.
func NewLoop(trainer *train.Trainer) *train.Loop {
	loop := train.NewLoop(trainer)
	loop.OnStep("igo-interrupt", train.Priority(-1<<30), func(*train.Loop, []*tensors.Tensor) error {
		if runtime.CellInterrupted() {
			return ErrInterrupted
		}
		return nil
	})
	return loop
}
