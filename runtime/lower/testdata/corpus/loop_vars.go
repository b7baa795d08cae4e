// Loop variables the body changes: the next iteration must see the change
// (i += 5 skips ahead), also with several variables, labels and continue;
// closures still get a variable per iteration (Go 1.22).
package main

import (
	"fmt"
	"unicode/utf8"
)

func main() {
	for i := 0; i < 10; i++ {
		if i == 2 {
			i += 5
		}
		fmt.Print(i, " ")
	}
	fmt.Println()

	s := "ab日本"
	for w, i, j := 0, 0, 0; i < len(s); i += w {
		var r rune
		r, w = utf8.DecodeRuneInString(s[i:])
		fmt.Print(j, ":", string(r), " ")
		j++
	}
	fmt.Println()

outer:
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			if j == 1 {
				j++ // skip 1
				continue
			}
			if i == 1 {
				i = 2
				continue outer
			}
			fmt.Print(i, j, " ")
		}
	}
	fmt.Println()

	var fs []func() int
	for i := 0; i < 3; i++ {
		fs = append(fs, func() int { return i * 10 })
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	fmt.Println()
	deferred()
	fmt.Println()
}

func deferred() {
	for i := 0; i < 3; i++ {
		defer fmt.Print(i, " ")
	}
}
