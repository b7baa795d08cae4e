package display

import (
	"strings"
	"testing"
	"time"
)

func TestProgressNotebook(t *testing.T) {
	r := record(t)
	p := NewProgress(10, "epochs <1>")
	for range 10 {
		p.Add(1) // fast: throttled, so few or no redraws
	}
	p.Done()
	p.Done()
	msgs := r.all()
	if len(msgs) < 2 || len(msgs) > 12 {
		t.Fatalf("got %d messages", len(msgs))
	}
	first, last := msgs[0], msgs[len(msgs)-1]
	if first.update || !last.update || first.transient["display_id"] != last.transient["display_id"] {
		t.Fatal("progress does not update its own display")
	}
	html := last.data["text/html"].(string)
	for _, want := range []string{`value="10" max="10"`, "100%", "10/10", "epochs &lt;1&gt;", "/s]"} {
		if !strings.Contains(html, want) {
			t.Errorf("final bar lacks %q: %s", want, html)
		}
	}
	if !strings.Contains(first.data["text/html"].(string), `value="0"`) {
		t.Errorf("first bar: %v", first.data["text/html"])
	}
}

func TestProgressRedrawsAfterInterval(t *testing.T) {
	r := record(t)
	p := NewProgress(0, "items")
	p.lastDraw = time.Now().Add(-time.Hour) // as if the interval had passed
	p.Set(7)
	msgs := r.all()
	if len(msgs) != 2 || !strings.Contains(msgs[1].data["text/html"].(string), "items 7 [") {
		t.Fatalf("messages: %+v", msgs)
	}
}

func TestProgressText(t *testing.T) {
	SetPublisher(nil)
	var out strings.Builder
	textOut = &out
	defer func() { textOut = stdout() }()
	p := NewProgress(4, "work")
	p.Add(2)
	p.Add(2)
	p.Done()
	if s := out.String(); !strings.Contains(s, "work") || !strings.Contains(s, "4/4") {
		t.Fatalf("text bar printed %q", s)
	}
	if p.Count() != 4 {
		t.Errorf("count %d", p.Count())
	}
}
