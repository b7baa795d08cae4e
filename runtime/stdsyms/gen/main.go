// Command gen writes the symbol tables of package stdsyms: for each
// standard package, the exported non-generic symbols that yaegi's tables
// lack, extracted with yaegi's own extractor.
package main

import (
	"bytes"
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"log"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/traefik/yaegi/extract"
	"github.com/traefik/yaegi/stdlib"
)

// newPackages are standard packages added since Go 1.22 that the
// interpreter can use (iter is lowered away; unique and weak are generic).
var newPackages = []string{"crypto/hkdf", "crypto/mlkem", "crypto/pbkdf2", "crypto/sha3", "structs"}

func main() {
	paths := map[string]bool{}
	for key := range stdlib.Symbols {
		if p := path.Dir(key); !strings.Contains(p, ".") && !strings.HasPrefix(p, "log/syslog") {
			paths[p] = true
		}
	}
	for _, p := range newPackages {
		paths[p] = true
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	sort.Strings(sorted)
	imp := importer.ForCompiler(token.NewFileSet(), "source", nil)
	old, _ := os.ReadDir(".")
	for _, e := range old {
		if strings.HasPrefix(e.Name(), "go1_") {
			os.Remove(e.Name())
		}
	}
	for _, p := range sorted {
		pkg, err := imp.Import(p)
		if err != nil {
			log.Printf("skip %s: %v", p, err)
			continue
		}
		have := stdlib.Symbols[p+"/"+pkg.Name()]
		var include []string
		for _, name := range pkg.Scope().Names() {
			obj := pkg.Scope().Lookup(name)
			if !obj.Exported() || have[name].IsValid() {
				continue
			}
			if f, ok := obj.(*types.Func); ok && f.Type().(*types.Signature).TypeParams() != nil {
				continue
			}
			if tn, ok := obj.(*types.TypeName); ok {
				if n, ok := tn.Type().(*types.Named); ok && n.TypeParams() != nil {
					continue
				}
				if a, ok := tn.Type().(*types.Alias); ok && a.TypeParams() != nil {
					continue
				}
			}
			include = append(include, "^"+regexp.QuoteMeta(name)+"$")
		}
		if len(include) == 0 {
			continue
		}
		var buf bytes.Buffer
		e := extract.Extractor{Dest: "stdsyms", Include: include}
		if _, err := e.Extract(p, "", &buf); err != nil {
			log.Printf("skip %s: %v", p, err)
			continue
		}
		name := "go1_26_" + strings.NewReplacer("/", "_", "-", "_", ".", "_").Replace(p) + ".go"
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %d symbols\n", p, len(include))
	}
}
