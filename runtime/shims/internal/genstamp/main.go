// Command genstamp writes runtime/symbols' stamp file; it runs from
// runtime/symbols' go:generate, after the extract lines.
package main

import (
	"log"
	"os"

	"github.com/igo-kernel/igo/runtime/shims/internal/tablestamp"
)

func main() {
	stamp, err := tablestamp.Compute(".", "../../go.mod")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(tablestamp.FileName, []byte(tablestamp.Source(stamp)), 0o644); err != nil {
		log.Fatal(err)
	}
}
