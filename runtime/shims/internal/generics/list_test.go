package generics

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestDump(t *testing.T) {
	if os.Getenv("DUMP") == "" {
		t.Skip()
	}
	ds, err := List(".", strings.Fields(os.Getenv("DUMP")))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		fmt.Println(d.Kind, d.Key(), "|", d.Signature, d.ResultOnly)
	}
}
