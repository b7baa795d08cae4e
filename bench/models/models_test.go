package models

import (
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
)

// TestModelsMatchThePythonVersions trains each model for one step and checks
// that it has exactly the parameters its PyTorch twin in bench/py has (the
// counts torch reports for train_torch.build), so the frameworks are
// compared on the same model, and that the loss is a finite number.
func TestModelsMatchThePythonVersions(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go:ops_sequential")
	backend := compute.MustNew()
	for name, want := range map[string]int{"mlp": 269322, "cnn": 115114, "transformer": 109248} {
		t.Run(name, func(t *testing.T) {
			data, err := batchFor(name)
			if err != nil {
				t.Fatal(err)
			}
			store := model.NewStore()
			loop := train.NewLoop(newTrainer(backend, store, name))
			metrics, err := loop.RunSteps(data, 1)
			if err != nil {
				t.Fatal(err)
			}
			if got := trainable(store); got != want {
				t.Errorf("%s has %d parameters, its PyTorch version %d", name, got, want)
			}
			loss, err := strconv.ParseFloat(fmtValue(metrics[0].Value()), 64)
			if err != nil || math.IsNaN(loss) || math.IsInf(loss, 0) {
				t.Errorf("%s: loss %v (%v)", name, metrics[0].Value(), err)
			}
		})
	}
}

func TestUnknownModel(t *testing.T) {
	if _, err := batchFor("resnet"); err == nil {
		t.Fatal("batchFor accepted an unknown model")
	}
}

// trainable counts the values of the store's trainable variables (not the
// optimiser's moments nor the step counter).
func trainable(store *model.Store) int {
	total := 0
	for v := range store.IterVariables() {
		if v.Trainable {
			total += v.Shape().Size()
		}
	}
	return total
}

func fmtValue(v any) string { return fmt.Sprint(v) }
