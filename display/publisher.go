package display

import (
	"fmt"
	"io"
	"os"
	"sync"
)

// Publisher carries display messages to the notebook; the worker installs
// one. With none installed (plain programs, `igo run`), displays fall back
// to text on stdout. Implementations must be safe for concurrent use: a
// training loop, a progress bar and the cell may publish from different
// goroutines.
type Publisher interface {
	// Display shows a MIME bundle (display_data), or updates an earlier
	// one (update_display_data) when update is true; transient carries
	// {"display_id": id}.
	Display(data, metadata, transient map[string]any, update bool)
	// Clear clears the cell's output; with wait, only when new output
	// arrives.
	Clear(wait bool)
}

var (
	pubMu     sync.RWMutex
	publisher Publisher
	// textOut is where displays go without a publisher; tests replace it.
	textOut io.Writer = os.Stdout
)

// SetPublisher installs p as the destination of all displays; nil restores
// the plain-text fallback.
func SetPublisher(p Publisher) {
	pubMu.Lock()
	defer pubMu.Unlock()
	publisher = p
}

// current returns the installed publisher, or nil.
func current() Publisher {
	pubMu.RLock()
	defer pubMu.RUnlock()
	return publisher
}

// HasPublisher reports whether displays reach a notebook (true) or fall
// back to text on stdout (false).
func HasPublisher() bool { return current() != nil }

// publish sends a bundle to the publisher, or prints its text/plain form.
func publish(data, metadata map[string]any, id string, update bool) {
	p := current()
	if p == nil {
		if text, ok := data["text/plain"].(string); ok && text != "" {
			fmt.Fprintln(textOut, text)
		}
		return
	}
	if metadata == nil {
		metadata = map[string]any{}
	}
	transient := map[string]any{}
	if id != "" {
		transient["display_id"] = id
	}
	p.Display(data, metadata, transient, update)
}

// Clear clears the current cell's output. With wait, the output is cleared
// only when new output arrives, which avoids flicker in animations.
func Clear(wait bool) {
	if p := current(); p != nil {
		p.Clear(wait)
	}
}

// stdout is the default text destination.
func stdout() io.Writer { return os.Stdout }
