// Expression switches on interface values, with cases of several types,
// and tagless switches with an interface case (compared with true).
package main

import "fmt"

func kind(v any) string {
	switch v {
	case nil:
		return "nil"
	case 1:
		return "int one"
	case 1.0:
		return "float one"
	case "one", "uno":
		return "string one"
	case true:
		return "true"
	}
	return "other"
}

func main() {
	for _, v := range []any{nil, 1, 1.0, "uno", true, 'x'} {
		fmt.Print(kind(v), "; ")
	}
	fmt.Println()
	switch i := any(true); {
	case i:
		fmt.Println("i is true")
	default:
		fmt.Println("i is not true")
	}
	var e error
	switch e {
	case nil:
		fmt.Println("no error")
	}
}
