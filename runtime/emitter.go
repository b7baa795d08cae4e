package runtime

import (
	"io"
	"sync"
	"time"
)

// emitter sends events to the kernel side. Stream text is batched (a cell
// printing 10,000 lines should not cost 10,000 messages) and flushed before
// any other event, so prints and displays keep the order they were made in.
type emitter struct {
	out *lineWriter

	mu      sync.Mutex
	name    string // stream of the pending text
	pending []byte
	timer   *time.Timer
}

// streamFlushDelay bounds how long printed text waits before it is sent.
const streamFlushDelay = 30 * time.Millisecond

// maxPending is the most text held before a flush is forced.
const maxPending = 64 << 10

func newEmitter(out *lineWriter) *emitter { return &emitter{out: out} }

func (e *emitter) stream(name string, p []byte) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.name != name {
		e.flushLocked()
		e.name = name
	}
	e.pending = append(e.pending, p...)
	if len(e.pending) >= maxPending {
		e.flushLocked()
		return
	}
	if e.timer == nil {
		e.timer = time.AfterFunc(streamFlushDelay, e.flush)
	}
}

func (e *emitter) flush() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.flushLocked()
}

func (e *emitter) flushLocked() {
	if e.timer != nil {
		e.timer.Stop()
		e.timer = nil
	}
	if len(e.pending) == 0 {
		return
	}
	_ = e.out.send(event{Ev: "stream", Name: e.name, Text: string(e.pending)})
	e.pending = e.pending[:0]
}

// send flushes pending text, then sends ev.
func (e *emitter) send(ev event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.flushLocked()
	_ = e.out.send(ev)
}

// writer returns an io.Writer for the named stream.
func (e *emitter) writer(name string) io.Writer { return streamWriter{e, name} }

type streamWriter struct {
	e    *emitter
	name string
}

func (w streamWriter) Write(p []byte) (int, error) {
	w.e.stream(w.name, p)
	return len(p), nil
}
