package kernel

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"testing"
	"time"
)

func testMessage(t *testing.T) message {
	t.Helper()
	return message{
		Identities:   [][]byte{[]byte("peer-1"), []byte("peer-2")},
		Header:       newHeader("execute_request", "sess-1"),
		ParentHeader: json.RawMessage(`{"msg_id":"p"}`),
		Metadata:     json.RawMessage(`{}`),
		Content:      json.RawMessage(`{"code":"1+1"}`),
		Buffers:      [][]byte{{0, 1, 2}, []byte("second")},
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	s := newSigner("secret")
	m := testMessage(t)
	frames, err := encode(m, s)
	if err != nil {
		t.Fatal(err)
	}
	// ids, delimiter, signature, 4 JSON parts, 2 buffers
	if len(frames) != 2+1+1+4+2 {
		t.Fatalf("got %d frames", len(frames))
	}
	if string(frames[2]) != delimiter {
		t.Fatalf("frame 2 is %q, want the delimiter", frames[2])
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).Match(frames[3]) {
		t.Fatalf("signature %q is not 64 hex digits", frames[3])
	}
	got, err := decode(frames, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Identities) != 2 || string(got.Identities[1]) != "peer-2" {
		t.Errorf("identities = %q", got.Identities)
	}
	if got.Header != m.Header {
		t.Errorf("header = %+v, want %+v", got.Header, m.Header)
	}
	if string(got.Content) != string(m.Content) || string(got.ParentHeader) != string(m.ParentHeader) {
		t.Errorf("content %s parent %s", got.Content, got.ParentHeader)
	}
	if len(got.Buffers) != 2 || !bytes.Equal(got.Buffers[0], []byte{0, 1, 2}) {
		t.Errorf("buffers = %q", got.Buffers)
	}
}

func TestHeaderFields(t *testing.T) {
	h := newHeader("status", "abc")
	if h.Version != "5.4" || h.Username != "igo" || h.Session != "abc" || h.MsgType != "status" {
		t.Errorf("header = %+v", h)
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`).MatchString(h.Date) {
		t.Errorf("date %q is not RFC 3339 with microseconds in UTC", h.Date)
	}
	if _, err := time.Parse(time.RFC3339Nano, h.Date); err != nil {
		t.Error(err)
	}
	if h.MsgID == newHeader("status", "abc").MsgID {
		t.Error("two headers share a msg_id")
	}
}

func TestSignatureChecks(t *testing.T) {
	m := testMessage(t)
	good, err := encode(m, newSigner("secret"))
	if err != nil {
		t.Fatal(err)
	}
	clone := func() [][]byte {
		out := make([][]byte, len(good))
		for i, f := range good {
			out[i] = append([]byte(nil), f...)
		}
		return out
	}
	const sig, content = 3, 7
	cases := map[string]func() [][]byte{
		"wrong key": func() [][]byte {
			f, _ := encode(m, newSigner("other"))
			return f
		},
		"missing signature": func() [][]byte {
			f := clone()
			f[sig] = nil
			return f
		},
		"not hex": func() [][]byte {
			f := clone()
			f[sig] = []byte("zz")
			return f
		},
		"tampered content": func() [][]byte {
			f := clone()
			f[content] = []byte(`{"code":"rm -rf"}`)
			return f
		},
		// jupyter_client compares the hex strings, so a signature in
		// upper case is a different signature, not the same bytes.
		"upper-case hex": func() [][]byte {
			f := clone()
			f[sig] = bytes.ToUpper(f[sig])
			return f
		},
		"unsigned message": func() [][]byte {
			f, _ := encode(m, newSigner(""))
			return f
		},
	}
	for name, frames := range cases {
		if _, err := decode(frames(), newSigner("secret")); !errors.Is(err, errBadSignature) {
			t.Errorf("%s: err = %v, want a bad signature", name, err)
		}
	}
	// Buffers are not signed (as in jupyter_client): changing one is fine.
	f := clone()
	f[len(f)-1] = []byte("changed")
	if _, err := decode(f, newSigner("secret")); err != nil {
		t.Errorf("changed buffer: %v", err)
	}
}

func TestEmptyKeyDisablesSigning(t *testing.T) {
	frames, err := encode(testMessage(t), newSigner(""))
	if err != nil {
		t.Fatal(err)
	}
	if len(frames[3]) != 0 {
		t.Errorf("signature = %q, want empty", frames[3])
	}
	if _, err := decode(frames, newSigner("")); err != nil {
		t.Error(err)
	}
}

func TestDecodeRejectsMalformed(t *testing.T) {
	s := newSigner("")
	d := []byte(delimiter)
	obj := []byte(`{}`)
	hdr := []byte(`{"msg_id":"1","msg_type":"kernel_info_request"}`)
	many := make([][]byte, maxFrames+1)
	for i := range many {
		many[i] = obj
	}
	cases := map[string][][]byte{
		"no delimiter":         {[]byte("id"), nil, hdr, obj, obj, obj},
		"short":                {d, nil, hdr, obj, obj},
		"bad header json":      {d, nil, []byte(`{"msg_id":`), obj, obj, obj},
		"header not object":    {d, nil, []byte(`[1]`), obj, obj, obj},
		"no msg_type":          {d, nil, []byte(`{"msg_id":"1"}`), obj, obj, obj},
		"content not object":   {d, nil, hdr, obj, obj, []byte(`"x"`)},
		"header type mismatch": {d, nil, []byte(`{"msg_type":5}`), obj, obj, obj},
		"too many frames":      append([][]byte{d, nil, hdr, obj, obj, obj}, many...),
	}
	for name, frames := range cases {
		if _, err := decode(frames, s); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
	if _, err := decode([][]byte{d, nil, hdr, obj, obj, obj}, s); err != nil {
		t.Errorf("minimal valid message: %v", err)
	}
}

func TestReplyType(t *testing.T) {
	for in, want := range map[string]string{"execute_request": "execute_reply", "usage_request": "usage_reply", "comm_msg": "", "_request": ""} {
		got, ok := replyType(in)
		if got != want || ok != (want != "") {
			t.Errorf("replyType(%q) = %q, %v", in, got, ok)
		}
	}
}
