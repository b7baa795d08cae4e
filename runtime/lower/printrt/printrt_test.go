package printrt

import (
	"bytes"
	"math"
	"os"
	"strings"
	"testing"
)

// The expected texts are what Go's runtime prints for the same calls
// (Go 1.26: shortest floats; see $GOROOT/test/print.go).
func TestFormats(t *testing.T) {
	var buf bytes.Buffer
	Out = &buf
	defer func() { Out = os.Stderr }()
	var nilMap map[int]int
	var nilErr error
	cases := []struct {
		call func()
		want string
	}{
		{func() { Println(1, -2, uint8(3), true, "s") }, "1 -2 3 true s\n"},
		{func() { Print(1, 2, "x") }, "12x"},
		{func() { Println(1.5, float32(0.1), math.Inf(-1), complex(1, -2)) }, "1.5 0.1 -Inf (1-2i)\n"},
		{func() { Println(int64(math.MinInt64), uint64(math.MaxUint64), uintptr(7)) }, "-9223372036854775808 18446744073709551615 7\n"},
		{func() { Println([]int(nil), nilMap, (*int)(nil), (func())(nil), (chan int)(nil)) }, "[0/0]0x0 0x0 0x0 0x0 0x0\n"},
		{func() { Println(IfaceArg(nilErr), IfaceArg(nil)) }, "(0x0,0x0) (0x0,0x0)\n"},
		{func() { Println(make([]byte, 2, 5)[:0] == nil) }, "false\n"},
	}
	for _, c := range cases {
		buf.Reset()
		c.call()
		if buf.String() != c.want {
			t.Errorf("got %q, want %q", buf.String(), c.want)
		}
	}
	buf.Reset()
	Println(make([]int, 2, 5))
	if got := buf.String(); !strings.HasPrefix(got, "[2/5]0x") {
		t.Errorf("slice: got %q, want [2/5]0x...", got)
	}
	buf.Reset()
	Println(IfaceArg(3))
	if got := buf.String(); !strings.HasPrefix(got, "(0x1,") {
		t.Errorf("non-nil interface: got %q", got)
	}
}
