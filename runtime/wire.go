package runtime

import (
	"bufio"
	"encoding/json"
	"io"
	"sync"

	"github.com/igo-kernel/igo/session"
)

// request is a message from the kernel side to the worker.
type request struct {
	Op              string            `json:"op"` // execute, complete, inspect, input_reply, interrupt
	Code            string            `json:"code,omitempty"`
	Cursor          int               `json:"cursor,omitempty"`
	Detail          int               `json:"detail,omitempty"`
	AllowStdin      bool              `json:"allow_stdin,omitempty"`
	ExecutionCount  int               `json:"execution_count,omitempty"`
	UserExpressions map[string]string `json:"user_expressions,omitempty"`
	Text            string            `json:"text,omitempty"`  // input_reply
	Error           string            `json:"error,omitempty"` // input_reply
	Sync            string            `json:"sync,omitempty"`  // execute: marker to write to fds 1 and 2 at the end
}

// event is a message from the worker to the kernel side.
type event struct {
	Ev        string         `json:"ev"` // ready, stream, display, clear, result, input_request, done, complete, inspect
	Name      string         `json:"name,omitempty"`
	Text      string         `json:"text,omitempty"`
	Data      map[string]any `json:"data,omitempty"`
	Metadata  map[string]any `json:"metadata,omitempty"`
	Transient map[string]any `json:"transient,omitempty"`
	Update    bool           `json:"update,omitempty"`
	Wait      bool           `json:"wait,omitempty"`
	Password  bool           `json:"password,omitempty"`

	Error           *session.Error      `json:"error,omitempty"`
	UserExpressions map[string]any      `json:"user_expressions,omitempty"`
	Payload         []map[string]any    `json:"payload,omitempty"`
	Completion      *session.Completion `json:"completion,omitempty"`
	Inspection      *session.Inspection `json:"inspection,omitempty"`
}

// lineWriter writes JSON lines, safe for concurrent use.
type lineWriter struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func newLineWriter(w io.Writer) *lineWriter { return &lineWriter{enc: json.NewEncoder(w)} }

func (w *lineWriter) send(v any) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.enc.Encode(v)
}

// lineReader reads JSON lines; lines may be large (images).
func newLineReader(r io.Reader) *json.Decoder { return json.NewDecoder(bufio.NewReaderSize(r, 1<<16)) }
