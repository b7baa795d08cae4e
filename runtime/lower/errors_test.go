package lower

import (
	"strings"
	"testing"
)

// What cannot be lowered, or does not type-check, is an error naming the
// construct and its line, never a crash.
func TestErrorsNameLine(t *testing.T) {
	cases := []struct{ src, want string }{
		{"package main\nfunc seq(y func(int) bool) {}\nfunc main() {\n\tfor i := range seq {\n\t\tdefer println(i)\n\t}\n}\n", "x.go:5:3: defer inside a range-over-func loop body"},
		{"package main\nfunc seq(y func(int) bool) {}\nfunc main() {\nL:\n\tfor i := range seq {\n\t\tif i > 0 {\n\t\t\tgoto L\n\t\t}\n\t}\n}\n", "x.go:7:4: goto out of a range-over-func loop body"},
		{"package main\nfunc main() {\n\tvar s string = 1\n\t_ = s\n}\n", "x.go:3:17:"},
		{"package main\nimport \"nosuch/pkg\"\nfunc main() { pkg.X() }\n", "nosuch/pkg"},
	}
	for _, c := range cases {
		_, err := Program("x.go", c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error = %v, want one containing %q", err, c.want)
		}
	}
}
