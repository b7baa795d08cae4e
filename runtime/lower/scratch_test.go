package lower

import (
	"os"
	"testing"
)

func TestScratch(t *testing.T) {
	src, _ := os.ReadFile(os.Getenv("F"))
	out, err := runLowered("x.go", string(src))
	t.Log(out, err)
}
