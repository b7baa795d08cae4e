package kernel

import (
	"reflect"
	"testing"
)

func inputs(es []historyEntry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Input)
	}
	return out
}

func lineNumbers(es []historyEntry) []int {
	var out []int
	for _, e := range es {
		out = append(out, e.Line)
	}
	return out
}

func filledHistory() *history {
	h := &history{}
	for i, code := range []string{"x := 1", "fmt.Println(x)", "x := 1", "y := 2\nx + y", "x"} {
		h.add(i+1, code)
	}
	return h
}

func TestHistoryTailAndRange(t *testing.T) {
	h := filledHistory()
	if got := inputs(h.tail(2)); !reflect.DeepEqual(got, []string{"y := 2\nx + y", "x"}) {
		t.Errorf("tail(2) = %q", got)
	}
	if got := len(h.tail(99)); got != 5 {
		t.Errorf("tail(99) has %d entries", got)
	}
	if got := lineNumbers(h.lines(0, 2, 4)); !reflect.DeepEqual(got, []int{2, 3}) {
		t.Errorf("range 2..4 = %v", got)
	}
	if got := lineNumbers(h.lines(0, 4, 0)); !reflect.DeepEqual(got, []int{4, 5}) {
		t.Errorf("range from 4 = %v", got)
	}
	if got := lineNumbers(h.lines(0, -2, 0)); !reflect.DeepEqual(got, []int{4, 5}) {
		t.Errorf("range of the last 2 = %v", got)
	}
	if got := h.lines(3, 1, 0); len(got) != 0 {
		t.Errorf("another session gave %v", got)
	}
}

func TestHistorySearch(t *testing.T) {
	h := filledHistory()
	if got := lineNumbers(h.search("x*", 0, false)); !reflect.DeepEqual(got, []int{1, 3, 5}) {
		t.Errorf("search x* = %v", got)
	}
	if got := lineNumbers(h.search("x*", 0, true)); !reflect.DeepEqual(got, []int{3, 5}) {
		t.Errorf("unique search x* = %v", got)
	}
	if got := lineNumbers(h.search("*", 2, false)); !reflect.DeepEqual(got, []int{4, 5}) {
		t.Errorf("search * n=2 = %v", got)
	}
	// * crosses newlines; ? is one character.
	if got := lineNumbers(h.search("y*y", 0, false)); !reflect.DeepEqual(got, []int{4}) {
		t.Errorf("search y*y = %v", got)
	}
	if got := lineNumbers(h.search("?", 0, false)); !reflect.DeepEqual(got, []int{5}) {
		t.Errorf("search ? = %v", got)
	}
	if got := h.search("nothing*", 0, false); len(got) != 0 {
		t.Errorf("search nothing* = %v", got)
	}
}

func TestGlobMatch(t *testing.T) {
	cases := []struct {
		p, s string
		want bool
	}{
		{"", "", true}, {"", "a", false}, {"*", "", true}, {"a*c", "abbbc", true},
		{"a*c", "abbbd", false}, {"a?c", "abc", true}, {"a?c", "ac", false},
		{"*b*", "abc", true}, {"**", "x", true}, {"héllo?", "héllo!", true}, {"a*b*c", "aXbYbZc", true},
	}
	for _, c := range cases {
		if got := globMatch(c.p, c.s); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v", c.p, c.s, got)
		}
	}
}

func TestHistoryTuples(t *testing.T) {
	h := &history{}
	h.add(1, "1+1")
	h.setOutput(1, "2")
	h.add(2, "var a int")
	got := historyTuples(h.tail(2), true)
	want := []any{
		[]any{0, 1, []any{"1+1", "2"}},
		[]any{0, 2, []any{"var a int", nil}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tuples with output = %#v", got)
	}
	if got := historyTuples(h.tail(1), false); !reflect.DeepEqual(got, []any{[]any{0, 2, "var a int"}}) {
		t.Errorf("tuples = %#v", got)
	}
}
