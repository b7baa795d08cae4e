package display

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"io"

	"strings"
	"sync"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
)

// message is one Display call seen by recorder.
type message struct {
	data, metadata, transient map[string]any
	update                    bool
}

// recorder is a Publisher that keeps what it receives.
type recorder struct {
	mu       sync.Mutex
	messages []message
	clears   []bool
}

func (r *recorder) Display(data, metadata, transient map[string]any, update bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.messages = append(r.messages, message{data, metadata, transient, update})
}

func (r *recorder) Clear(wait bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clears = append(r.clears, wait)
}

func (r *recorder) all() []message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]message(nil), r.messages...)
}

// record installs a recorder for the duration of the test.
func record(t *testing.T) *recorder {
	t.Helper()
	r := &recorder{}
	SetPublisher(r)
	t.Cleanup(func() { SetPublisher(nil) })
	return r
}

// only returns the single message published, failing otherwise.
func only(t *testing.T, r *recorder) message {
	t.Helper()
	msgs := r.all()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1: %+v", len(msgs), msgs)
	}
	return msgs[0]
}

func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{255, 0, 0, 255})
	return img
}

func decodeBase64(t *testing.T, v any) []byte {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("image content is %T, want base64 string", v)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func checkXML(t *testing.T, s string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(s))
	sawSVG := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "svg" {
			sawSVG = true
		}
	}
	if !sawSVG {
		t.Fatalf("no <svg> element in %.200q", s)
	}
}

func TestHTMLAndUpdateKeepID(t *testing.T) {
	r := record(t)
	h := HTML("<b>hello</b> &amp; bye")
	h.Update("<i>second</i>")
	h.Update(42) // not HTML: shown as a value, same display
	msgs := r.all()
	if len(msgs) != 3 {
		t.Fatalf("got %d messages", len(msgs))
	}
	if msgs[0].update || !msgs[1].update || !msgs[2].update {
		t.Fatalf("update flags wrong: %v %v %v", msgs[0].update, msgs[1].update, msgs[2].update)
	}
	for i, m := range msgs {
		if m.transient["display_id"] != h.ID() || h.ID() == "" {
			t.Fatalf("message %d has display_id %v, want %q", i, m.transient["display_id"], h.ID())
		}
	}
	if msgs[0].data["text/html"] != "<b>hello</b> &amp; bye" || msgs[0].data["text/plain"] != "hello & bye" {
		t.Fatalf("first bundle: %v", msgs[0].data)
	}
	if msgs[1].data["text/html"] != "<i>second</i>" {
		t.Fatalf("update bundle: %v", msgs[1].data)
	}
	if msgs[2].data["text/plain"] != "42" {
		t.Fatalf("update with int: %v", msgs[2].data)
	}
	if HTML("x").ID() == h.ID() {
		t.Fatal("two displays share an id")
	}
}

func TestTextKinds(t *testing.T) {
	r := record(t)
	Markdown("# Title")
	LaTeX(`x^2`)
	LaTeX(`$y$`)
	SVG(`<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>`)
	Text("plain")
	msgs := r.all()
	if msgs[0].data["text/markdown"] != "# Title" {
		t.Errorf("markdown: %v", msgs[0].data)
	}
	if msgs[1].data["text/latex"] != "$$x^2$$" || msgs[2].data["text/latex"] != "$y$" {
		t.Errorf("latex: %v / %v", msgs[1].data, msgs[2].data)
	}
	checkXML(t, msgs[3].data["image/svg+xml"].(string))
	if msgs[4].data["text/plain"] != "plain" || len(msgs[4].data) != 1 {
		t.Errorf("text: %v", msgs[4].data)
	}
	for i, m := range msgs {
		if _, ok := m.data["text/plain"].(string); !ok {
			t.Errorf("message %d lacks text/plain", i)
		}
	}
}

func TestImages(t *testing.T) {
	r := record(t)
	h := Image(testImage())
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	JPEG(jb.Bytes())
	PNG([]byte("not a png"))
	msgs := r.all()
	png := decodeBase64(t, msgs[0].data["image/png"])
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("not PNG magic: %q", png[:8])
	}
	if md := msgs[0].metadata["image/png"].(map[string]any); md["width"] != 4 || md["height"] != 3 {
		t.Errorf("metadata: %v", msgs[0].metadata)
	}
	if j := decodeBase64(t, msgs[1].data["image/jpeg"]); !bytes.HasPrefix(j, []byte{0xff, 0xd8}) {
		t.Errorf("not JPEG magic")
	}
	if _, ok := msgs[2].data["image/png"]; ok || !strings.Contains(msgs[2].data["text/plain"].(string), "invalid") {
		t.Errorf("invalid PNG accepted: %v", msgs[2].data)
	}
	h.Update(image.NewGray(image.Rect(0, 0, 2, 2)))
	last := r.all()[3]
	if !last.update || last.transient["display_id"] != h.ID() || last.data["image/png"] == nil {
		t.Errorf("image update: %+v", last)
	}
}

func TestJSONAndVegaLite(t *testing.T) {
	r := record(t)
	JSON(map[string]any{"a": []int{1, 2}})
	JSON(`{"b": true}`)
	VegaLite(`{"mark": "bar", "data": {"values": [{"x": 1}]}}`)
	VegaLite(func() {}) // not JSON
	msgs := r.all()
	a := msgs[0].data["application/json"].(map[string]any)
	if list, ok := a["a"].([]any); !ok || len(list) != 2 || list[1] != 2.0 {
		t.Errorf("json: %#v", a)
	}
	if msgs[1].data["application/json"].(map[string]any)["b"] != true {
		t.Errorf("json text: %v", msgs[1].data)
	}
	spec := msgs[2].data[VegaLiteMIME].(map[string]any)
	if spec["$schema"] != VegaLiteSchema || spec["mark"] != "bar" {
		t.Errorf("vega-lite: %v", spec)
	}
	if _, ok := msgs[3].data[VegaLiteMIME]; ok {
		t.Errorf("invalid spec published as Vega-Lite")
	}
}

func TestMIMEAndClear(t *testing.T) {
	r := record(t)
	MIME(map[string]any{"text/html": "<p>x</p>", "image/png": []byte{1, 2}})
	Clear(true)
	m := only(t, r)
	if m.data["text/plain"] != "[image/png, text/html]" {
		t.Errorf("text/plain: %v", m.data["text/plain"])
	}
	if m.data["image/png"] != "AQI=" {
		t.Errorf("bytes not base64: %v", m.data["image/png"])
	}
	if len(r.clears) != 1 || !r.clears[0] {
		t.Errorf("clears: %v", r.clears)
	}
}

type customHTML struct{ name string }

func (c customHTML) HTML() string   { return "<b>" + c.name + "</b>" }
func (c customHTML) String() string { return "custom " + c.name }

type customBundle struct{}

func (customBundle) MIMEBundle() map[string]any { return map[string]any{"text/markdown": "*md*"} }

type customSVG struct{}

func (customSVG) SVG() string { return "<svg/>" }

func TestBundleValues(t *testing.T) {
	cases := []struct {
		v       any
		mime    string
		content string
	}{
		{42, "text/plain", "42"},
		{6 * 7, "text/plain", "42"},
		{"hi\n", "text/plain", `"hi\n"`},
		{nil, "text/plain", "<nil>"},
		{errors.New("boom"), "text/plain", "boom"},
		{customHTML{"x"}, "text/html", "<b>x</b>"},
		{customHTML{"x"}, "text/plain", "custom x"},
		{customBundle{}, "text/markdown", "*md*"},
		{customSVG{}, "image/svg+xml", "<svg/>"},
		{[]int{1, 2}, "text/plain", "[1 2]"},
	}
	for _, c := range cases {
		data, metadata := Bundle(c.v)
		if data[c.mime] != c.content {
			t.Errorf("Bundle(%#v)[%s] = %#v, want %q", c.v, c.mime, data[c.mime], c.content)
		}
		if _, ok := data["text/plain"]; !ok || metadata == nil {
			t.Errorf("Bundle(%#v) lacks text/plain or metadata", c.v)
		}
	}
	data, _ := Bundle(testImage())
	if png := data["image/png"]; png == nil {
		t.Errorf("image: %v", data)
	}
	if data, _ := Bundle(&Handle{id: "x"}); data != nil {
		t.Errorf("Handle bundle should be empty: %v", data)
	}
}

func TestBundleTensors(t *testing.T) {
	small := tensors.FromValue([][]float32{{1, 2.5}, {3, 4}})
	data, _ := Bundle(small)
	html := data["text/html"].(string)
	for _, want := range []string{"<table", "2.5", "<th>1</th>", "(Float32)[2, 2]"} {
		if !strings.Contains(html, want) {
			t.Errorf("small tensor HTML lacks %q: %s", want, html)
		}
	}
	if data["text/plain"] != small.String() {
		t.Errorf("text/plain: %v", data["text/plain"])
	}
	cube := tensors.FromValue([][][]int32{{{1}, {2}}, {{3}, {4}}})
	data, _ = Bundle(cube)
	if html := data["text/html"].(string); !strings.Contains(html, "[1, :, :]") || !strings.Contains(html, "<td>4</td>") {
		t.Errorf("rank-3 HTML: %s", html)
	}
	flat := make([]float64, 5000)
	for i := range flat {
		flat[i] = float64(i)
	}
	large := tensors.FromFlatDataAndDimensions(flat, 50, 100)
	data, _ = Bundle(large)
	text := data["text/plain"].(string)
	for _, want := range []string{"[50, 100]", "min=0", "max=4999", "mean=2500"} {
		if !strings.Contains(text, want) {
			t.Errorf("large tensor summary lacks %q: %s", want, text)
		}
	}
	if strings.Contains(data["text/html"].(string), "<td>4998</td>") {
		t.Error("large tensor shown in full")
	}
}

func TestCapText(t *testing.T) {
	r := record(t)
	big := strings.Repeat("é", MaxTextBytes) // 2 bytes each
	h := Markdown(big)
	m := only(t, r)
	got := m.data["text/markdown"].(string)
	if len(got) > MaxTextBytes+200 || !strings.Contains(got, "output truncated") {
		t.Fatalf("not capped: %d bytes", len(got))
	}
	if !strings.HasPrefix(got, "éé") || strings.ContainsRune(got[:MaxTextBytes-2], '\uFFFD') {
		t.Error("cut inside a rune")
	}
	data, _ := Bundle(big)
	if len(data["text/plain"].(string)) > MaxTextBytes+200 {
		t.Error("Bundle not capped")
	}
	_ = h
}

func TestNoPublisherPrintsText(t *testing.T) {
	SetPublisher(nil)
	var buf bytes.Buffer
	textOut = &buf
	defer func() { textOut = stdout() }()
	HTML("<p>Hi <b>there</b></p>").Update("<p>again</p>")
	if buf.String() != "Hi there\nagain\n" {
		t.Fatalf("fallback printed %q", buf.String())
	}
}
