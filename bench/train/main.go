// Command train times the benchmark models (package bench/models) compiled
// natively on the backend GOMLX_BACKEND selects (the pure-Go one by
// default) and prints one JSON line per model:
//
//	go run ./bench/train -models mlp,cnn,transformer -warmup 5 -steps 100
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend"  // the pure-Go backend
	_ "github.com/gomlx/go-xla/compute/xla" // XLA through a PJRT plugin (GOMLX_BACKEND=xla:...)
	"github.com/igo-kernel/igo/bench/models"
)

func main() {
	names := flag.String("models", "mlp,cnn,transformer", "NAME or NAME:WARMUP:STEPS, comma-separated")
	warmup := flag.Int("warmup", 5, "untimed steps first (they include compilation)")
	steps := flag.Int("steps", 100, "timed steps")
	flag.Parse()
	if os.Getenv("GOMLX_BACKEND") == "" {
		os.Setenv("GOMLX_BACKEND", "go")
	}
	backend := compute.MustNew()
	for _, entry := range strings.Split(*names, ",") {
		name, w, s := entry, *warmup, *steps
		if parts := strings.Split(entry, ":"); len(parts) == 3 {
			name = parts[0]
			fmt.Sscan(parts[1], &w)
			fmt.Sscan(parts[2], &s)
		}
		rate, lastLoss, err := models.Run(backend, name, w, s)
		if err != nil {
			fmt.Fprintf(os.Stderr, "train %s: %v\n", name, err)
			os.Exit(1)
		}
		line, _ := json.Marshal(map[string]any{"model": name, "steps_per_s": rate, "loss": lastLoss, "backend": backend.Name()})
		fmt.Println(string(line))
	}
}
