package cell

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitMagicsAndShell(t *testing.T) {
	src := "x := 1\n%time f()\n!echo hi\nfunc f() {\n%notmagic\n}\ny := 2"
	got := Split(src)
	var kinds []Kind
	for _, p := range got {
		kinds = append(kinds, p.Kind)
	}
	want := []Kind{Go, LineMagic, Shell, Go}
	if !reflect.DeepEqual(kinds, want) {
		t.Fatalf("kinds = %v, want %v (%+v)", kinds, want, got)
	}
	if got[1].Name != "time" || got[1].Args != "f()" || got[1].Line != 2 {
		t.Errorf("magic piece = %+v", got[1])
	}
	if got[2].Args != "echo hi" {
		t.Errorf("shell piece = %+v", got[2])
	}
	if got[3].Line != 4 || !strings.Contains(got[3].Body, "%notmagic") {
		t.Errorf("a %% line inside braces must stay Go: %+v", got[3])
	}
}

func TestSplitCellMagic(t *testing.T) {
	got := Split("%%writefile a.txt\nhello\n")
	if len(got) != 1 || got[0].Kind != CellMagic || got[0].Name != "writefile" || got[0].Args != "a.txt" || got[0].Body != "hello\n" {
		t.Fatalf("got %+v", got)
	}
}

func TestChunks(t *testing.T) {
	src := "import \"strings\"\nvar a = 1; b := 2\nfunc (t *T) M() int { return 1 }\ntype T struct{}\nstrings.ToUpper(\"x\")"
	chunks, err := Chunks(src, 3)
	if err != nil {
		t.Fatal(err)
	}
	type sum struct {
		Kind ChunkKind
		Line int
	}
	var got []sum
	for _, c := range chunks {
		got = append(got, sum{c.Kind, c.Line})
	}
	want := []sum{{Import, 3}, {Decl, 4}, {Stmt, 4}, {Decl, 5}, {Decl, 6}, {Stmt, 7}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if chunks[3].Names[0] != "T.M" || chunks[4].Names[0] != "T" {
		t.Errorf("names: %v %v", chunks[3].Names, chunks[4].Names)
	}
	if chunks[5].Expr == nil || chunks[2].Expr != nil {
		t.Errorf("only the trailing expression is an expression")
	}
	if !reflect.DeepEqual(chunks[5].Roots, []string{"strings"}) {
		t.Errorf("roots = %v", chunks[5].Roots)
	}
	if chunks[0].Imports[0].Path != "strings" {
		t.Errorf("imports = %+v", chunks[0].Imports)
	}
}

func TestChunksSyntaxErrorPosition(t *testing.T) {
	_, err := Chunks("x := 1\ny := )", 10)
	if err == nil || !strings.Contains(err.Error(), "cell:11:") {
		t.Fatalf("error should point at cell line 11: %v", err)
	}
}

func TestRootsSkipLocalNames(t *testing.T) {
	chunks, err := Chunks("s := T{}\ns.Field = 1\nfmt.Println(s)", 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks[1].Roots) != 1 || chunks[1].Roots[0] != "s" {
		// s is declared in another chunk: each chunk only knows its own
		// names; the runtime filters session names.
		t.Logf("roots of chunk 2: %v", chunks[1].Roots)
	}
	if chunks[0].Roots != nil && len(chunks[0].Roots) != 0 {
		t.Errorf("chunk 1 has no selectors: %v", chunks[0].Roots)
	}
	if chunks[2].Roots[0] != "fmt" {
		t.Errorf("roots: %v", chunks[2].Roots)
	}
}

func TestChunksKeepLoopHeaders(t *testing.T) {
	chunks, err := Chunks("for i := 0; i < 3; i++ { x++ }; if v := f(); v > 0 { g() }\nswitch y := 2; y { }", 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 3 {
		t.Fatalf("want 3 statements, got %d: %+v", len(chunks), chunks)
	}
}

func TestSplitGoNBForms(t *testing.T) {
	got := Split("func f() {}\n%% --steps=3 -v\nf()\n!*ls -l\ngo get github.com/x/y\n%main")
	want := []Kind{Go, MainBody, Go, Shell, GoCommand, MainBody}
	var kinds []Kind
	for _, p := range got {
		kinds = append(kinds, p.Kind)
	}
	if !reflect.DeepEqual(kinds, want) {
		t.Fatalf("kinds = %v, want %v", kinds, want)
	}
	if got[1].Args != "--steps=3 -v" || got[3].Args != "ls -l" || got[5].Args != "" {
		t.Errorf("args: %q %q %q", got[1].Args, got[3].Args, got[5].Args)
	}
	if got := Split("%%\nx := 1"); got[0].Kind != MainBody || got[1].Kind != Go {
		t.Errorf("a bare %%%% first line is GoNB's main body: %+v", got)
	}
}
