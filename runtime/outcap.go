package runtime

import (
	"fmt"
	"sync"

	"github.com/igo-kernel/igo/session"
)

// streamLimit is how much text one cell may print before the rest is
// dropped: browsers freeze on tens of megabytes of output.
const streamLimit = 8 << 20

// cappedOutput passes a cell's output on, dropping printed text past
// streamLimit with one notice. Displays are capped by the display package.
type cappedOutput struct {
	session.Output
	mu       sync.Mutex
	used     int
	notified bool
}

func (c *cappedOutput) Stream(name, text string) {
	c.mu.Lock()
	room := streamLimit - c.used
	if room <= 0 {
		notify := !c.notified
		c.notified = true
		c.mu.Unlock()
		if notify {
			c.Output.Stream("stderr", truncationNotice())
		}
		return
	}
	cut := len(text) > room
	if cut {
		text = text[:room]
	}
	c.used += len(text)
	notify := cut && !c.notified
	c.notified = c.notified || cut
	c.mu.Unlock()
	c.Output.Stream(name, text)
	if notify {
		c.Output.Stream("stderr", truncationNotice())
	}
}

func truncationNotice() string {
	return fmt.Sprintf("\n[IGo: this cell printed more than %d MiB; the rest of its output is dropped (the cell keeps running). Write large output to a file instead.]\n", streamLimit>>20)
}
