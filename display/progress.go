package display

import (
	"fmt"
	"html"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progressInterval throttles redraws of progress bars.
const progressInterval = 200 * time.Millisecond

// Progress is a progress bar: an HTML bar updated in place in a notebook,
// a terminal bar (github.com/schollz/progressbar) elsewhere. Both show the
// count, the rate and the time left, redrawn at most 5 times per second.
// It is safe for concurrent use.
type Progress struct {
	mu       sync.Mutex
	total    int
	label    string
	n        int
	start    time.Time
	lastDraw time.Time
	handle   *Handle
	bar      *progressbar.ProgressBar
	done     bool
}

// NewProgress starts a progress bar counting to total (total <= 0: an
// unknown total, shown as a count and a rate).
func NewProgress(total int, label string) *Progress {
	p := &Progress{total: total, label: label, start: time.Now()}
	if current() == nil {
		max := int64(total)
		if total <= 0 {
			max = -1
		}
		p.bar = progressbar.NewOptions64(max,
			progressbar.OptionSetDescription(label),
			progressbar.OptionSetWriter(textOut),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(progressInterval),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(textOut) }),
		)
		return p
	}
	p.handle = HTML(p.html())
	p.lastDraw = time.Now()
	return p
}

// Add advances the bar by n.
func (p *Progress) Add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.setLocked(p.n + n)
}

// Set moves the bar to n.
func (p *Progress) Set(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.setLocked(n)
}

func (p *Progress) setLocked(n int) {
	if p.done {
		return
	}
	p.n = n
	if p.bar != nil {
		_ = p.bar.Set(n)
		return
	}
	if time.Since(p.lastDraw) >= progressInterval {
		p.handle.Update(p.html())
		p.lastDraw = time.Now()
	}
}

// Done draws the final state; later calls change nothing.
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	p.done = true
	if p.bar != nil {
		if p.total > 0 {
			_ = p.bar.Set(p.total)
		}
		_ = p.bar.Finish()
		return
	}
	p.handle.Update(p.html())
}

// Count is the current position of the bar.
func (p *Progress) Count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

// html renders the bar's current state; p.mu is held (or p is new).
func (p *Progress) html() string {
	elapsed := time.Since(p.start)
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(p.n) / s
	}
	label := html.EscapeString(p.label)
	if p.total <= 0 {
		return fmt.Sprintf(`<div style="font-family:monospace">%s %d [%s, %.3g/s]</div>`, label, p.n, clock(elapsed), rate)
	}
	frac := min(1, max(0, float64(p.n)/float64(p.total)))
	eta := "?"
	if p.done || p.n >= p.total {
		eta = "00:00"
	} else if rate > 0 {
		eta = clock(time.Duration(float64(p.total-p.n) / rate * float64(time.Second)))
	}
	return fmt.Sprintf(`<div style="font-family:monospace">%s <progress value="%d" max="%d" style="width:40%%;vertical-align:middle"></progress> %3.0f%% %d/%d [%s&lt;%s, %.3g/s]</div>`,
		label, p.n, p.total, 100*frac, p.n, p.total, clock(elapsed), eta, rate)
}

// clock formats a duration as mm:ss (h:mm:ss past an hour).
func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}
