package kernel

import (
	"bytes"
	"testing"
)

// splitFrames unpacks a fuzz input into frames: each frame is preceded by
// its length in one byte.
func splitFrames(data []byte) [][]byte {
	var frames [][]byte
	for len(data) > 0 && len(frames) <= maxFrames {
		n := min(int(data[0]), len(data)-1)
		frames = append(frames, data[1:1+n])
		data = data[1+n:]
	}
	return frames
}

// FuzzDecode feeds arbitrary frames to the wire decoder. It must never
// panic; a message it accepts must survive a re-encode; with a key, only
// correctly signed messages may pass.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{})
	f.Add(bytes.Join([][]byte{{9}, []byte(delimiter), {0}, {2}, []byte("{}"), {2}, []byte("{}"), {2}, []byte("{}"), {2}, []byte("{}")}, nil))
	open, keyed := newSigner(""), newSigner("k")
	f.Fuzz(func(t *testing.T, data []byte) {
		frames := splitFrames(data)
		if m, err := decode(frames, keyed); err == nil {
			d := len(m.Identities) + 1
			if !bytes.Equal(keyed.sign(frames[d+1:d+5]), frames[d]) {
				t.Fatalf("accepted a wrong signature %q", frames[d])
			}
		}
		m, err := decode(frames, open)
		if err != nil {
			return
		}
		again, err := encode(m, open)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		m2, err := decode(again, open)
		if err != nil {
			t.Fatalf("decode of the re-encoded message: %v", err)
		}
		if m2.Header != m.Header || !bytes.Equal(m2.Content, m.Content) ||
			len(m2.Identities) != len(m.Identities) || len(m2.Buffers) != len(m.Buffers) {
			t.Fatalf("round trip changed the message: %+v vs %+v", m, m2)
		}
	})
}
