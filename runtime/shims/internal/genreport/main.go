// Command genreport writes GENERICS.md: every generic declaration of the
// packages in runtime/symbols and how runtime/shims covers it; and
// zz_stubs.go, the generic signatures behind the shims.
package main

import (
	"flag"
	"go/format"
	"log"
	"os"

	"github.com/igo-kernel/igo/runtime/shims"
	"github.com/igo-kernel/igo/runtime/shims/internal/generics"
	"github.com/igo-kernel/igo/runtime/symbols"
)

func main() {
	out := flag.String("o", "GENERICS.md", "output file")
	flag.Parse()
	decls, err := generics.List(".", generics.TablePaths(symbols.Symbols))
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, []byte(shims.Report(decls)), 0o644); err != nil {
		log.Fatal(err)
	}
	src, err := format.Source([]byte(shims.StubsSource(decls)))
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(shims.StubsFile, src, 0o644); err != nil {
		log.Fatal(err)
	}
}
