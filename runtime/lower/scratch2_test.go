package lower

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

func TestScratchRaw(t *testing.T) {
	src, _ := os.ReadFile(os.Getenv("F"))
	it := interp.New(interp.Options{Stdout: os.Stdout, Stderr: os.Stderr})
	it.Use(stdlib.Symbols)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_ = ctx
	_, err := it.Eval(string(src))
	t.Log(err)
}
