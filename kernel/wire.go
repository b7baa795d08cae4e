package kernel

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gofrs/uuid"
)

// delimiter separates routing identities from the signed part of a message.
const delimiter = "<IDS|MSG>"

// protocolVersion is the Jupyter messaging protocol version we speak.
const protocolVersion = "5.4"

// Limits on what a peer may send: frames are already in memory when we see
// them, but we refuse to parse or keep absurd messages.
const (
	maxIdentities = 64
	maxBuffers    = 1024
	maxFrames     = maxIdentities + 1 + 5 + maxBuffers
	maxJSONFrame  = 64 << 20 // bytes in each of header, parent, metadata, content
)

// header is a Jupyter message header.
type header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// message is one Jupyter message as it travels on a socket.
type message struct {
	Identities [][]byte
	Header     header
	// RawHeader keeps the header exactly as the peer sent it, so replies
	// echo it (with any fields we do not know) as their parent header.
	RawHeader    json.RawMessage
	ParentHeader json.RawMessage
	Metadata     json.RawMessage
	Content      json.RawMessage
	Buffers      [][]byte
}

// signer computes and checks HMAC signatures; an empty key disables signing.
type signer struct {
	key []byte
}

func newSigner(key string) signer { return signer{key: []byte(key)} }

func (s signer) enabled() bool { return len(s.key) > 0 }

// sign returns the hex HMAC-SHA256 of the four JSON parts. Buffers are not
// signed, as in jupyter_client.
func (s signer) sign(parts [][]byte) []byte {
	if !s.enabled() {
		return nil
	}
	mac := s.mac(parts)
	out := make([]byte, hex.EncodedLen(len(mac)))
	hex.Encode(out, mac)
	return out
}

func (s signer) mac(parts [][]byte) []byte {
	h := hmac.New(sha256.New, s.key)
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// verify checks a hex signature in constant time. It compares the hex text,
// as jupyter_client does, so only the canonical lower-case spelling of the
// right MAC passes (decoding first would let "A" stand for "a").
func (s signer) verify(sig []byte, parts [][]byte) bool {
	if !s.enabled() {
		return true
	}
	return hmac.Equal(sig, s.sign(parts))
}

// Errors of the wire decoder; a message failing any of them is dropped.
var (
	errNoDelimiter  = errors.New("no <IDS|MSG> delimiter")
	errTooManyParts = errors.New("too many frames")
	errShort        = errors.New("fewer than 5 frames after the delimiter")
	errBadSignature = errors.New("bad or missing signature")
)

// decode parses and verifies the frames of a received message.
func decode(frames [][]byte, s signer) (message, error) {
	var m message
	if len(frames) > maxFrames {
		return m, fmt.Errorf("%w: %d", errTooManyParts, len(frames))
	}
	d := -1
	for i, f := range frames {
		if i > maxIdentities {
			break
		}
		if string(f) == delimiter {
			d = i
			break
		}
	}
	if d < 0 {
		return m, errNoDelimiter
	}
	rest := frames[d+1:]
	if len(rest) < 5 {
		return m, errShort
	}
	parts := rest[1:5]
	if !s.verify(rest[0], parts) {
		return m, errBadSignature
	}
	names := [4]string{"header", "parent_header", "metadata", "content"}
	for i, p := range parts {
		if len(p) > maxJSONFrame {
			return m, fmt.Errorf("%s: %d bytes is too large", names[i], len(p))
		}
		if !isJSONObject(p) {
			return m, fmt.Errorf("%s is not a JSON object", names[i])
		}
	}
	if err := json.Unmarshal(parts[0], &m.Header); err != nil {
		return m, fmt.Errorf("header: %w", err)
	}
	if m.Header.MsgType == "" {
		return m, errors.New("header has no msg_type")
	}
	m.Identities = frames[:d]
	m.RawHeader = parts[0]
	m.ParentHeader = parts[1]
	m.Metadata = parts[2]
	m.Content = parts[3]
	if len(rest) > 5 {
		m.Buffers = rest[5:]
	}
	return m, nil
}

// isJSONObject reports whether b is valid JSON whose value is an object.
func isJSONObject(b []byte) bool {
	t := bytes.TrimLeft(b, " \t\r\n")
	return len(t) > 0 && t[0] == '{' && json.Valid(b)
}

// encode turns a message into signed frames ready to send.
func encode(m message, s signer) ([][]byte, error) {
	hdr := m.RawHeader
	if hdr == nil {
		b, err := json.Marshal(m.Header)
		if err != nil {
			return nil, err
		}
		hdr = b
	}
	parts := [][]byte{hdr, orEmpty(m.ParentHeader), orEmpty(m.Metadata), orEmpty(m.Content)}
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, []byte(delimiter), s.sign(parts))
	frames = append(frames, parts...)
	frames = append(frames, m.Buffers...)
	return frames, nil
}

func orEmpty(b json.RawMessage) []byte {
	if len(b) == 0 {
		return []byte("{}")
	}
	return b
}

// newHeader makes the header of a message this kernel sends.
func newHeader(msgType, session string) header {
	return header{
		MsgID:    uuid.Must(uuid.NewV4()).String(),
		Session:  session,
		Username: "igo",
		Date:     time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"),
		MsgType:  msgType,
		Version:  protocolVersion,
	}
}
