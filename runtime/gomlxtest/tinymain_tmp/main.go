package main

import (
	"fmt"

	_ "github.com/gomlx/gomlx/backends/default"
	"github.com/igo-kernel/igo/runtime/shims"
	"github.com/igo-kernel/igo/runtime/symbols"
)

func main() { fmt.Println(len(symbols.Symbols), len(shims.Symbols)) }
