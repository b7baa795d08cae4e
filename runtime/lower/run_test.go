package lower

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// runLowered lowers a program and runs it in a fresh interpreter,
// returning what it printed on stdout (yaegi traces recovered panics on
// stderr, which Go does not).
func runLowered(name, src string) (string, error) {
	out, err := Program(name, src)
	if err != nil {
		return "", fmt.Errorf("lowering: %w", err)
	}
	var buf, stderr bytes.Buffer
	it := interp.New(interp.Options{Stdout: &buf, Stderr: &stderr})
	if err := it.Use(stdlib.Symbols); err != nil {
		return "", err
	}
	if err := it.Use(ExtraTablesMerged()); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = it.EvalWithContext(ctx, out)
	if err != nil {
		return buf.String(), fmt.Errorf("%w\nlowered source:\n%s", err, out)
	}
	return buf.String(), nil
}
