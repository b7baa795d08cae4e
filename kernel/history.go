package kernel

import "sync"

// historySession is the session number entries carry: history lives only
// for this kernel's life, and 0 names "the current session" in Jupyter's
// history requests.
const historySession = 0

// defaultTail is how many cells a tail request without n returns.
const defaultTail = 10

// historyEntry is one cell run with store_history=true.
type historyEntry struct {
	Line   int     // the cell's execution count
	Input  string  // the cell's code
	Output *string // text/plain of its execute_result, if any
}

// history keeps the cells of this kernel's life in memory.
type history struct {
	mu      sync.Mutex
	entries []historyEntry
}

func (h *history) add(line int, input string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.entries = append(h.entries, historyEntry{Line: line, Input: input})
}

// setOutput records the text result of the cell with the given line.
func (h *history) setOutput(line int, text string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := len(h.entries) - 1; i >= 0; i-- {
		if h.entries[i].Line == line {
			h.entries[i].Output = &text
			return
		}
	}
}

// tail returns the last n entries, oldest first.
func (h *history) tail(n int) []historyEntry {
	h.mu.Lock()
	defer h.mu.Unlock()
	if n < 0 {
		n = 0
	}
	if n > len(h.entries) {
		n = len(h.entries)
	}
	return append([]historyEntry(nil), h.entries[len(h.entries)-n:]...)
}

// lines returns entries with start <= Line < stop of the current session
// (session 0). stop <= 0 means no upper bound; a negative start counts back
// from the latest line. Other sessions are not kept, so they are empty.
func (h *history) lines(session, start, stop int) []historyEntry {
	h.mu.Lock()
	defer h.mu.Unlock()
	if session != historySession {
		return nil
	}
	if start < 0 && len(h.entries) > 0 {
		start = h.entries[len(h.entries)-1].Line + 1 + start
	}
	var out []historyEntry
	for _, e := range h.entries {
		if e.Line >= start && (stop <= 0 || e.Line < stop) {
			out = append(out, e)
		}
	}
	return out
}

// search returns entries whose input matches the glob pattern (* and ?),
// oldest first: the latest n when n > 0, each input once when unique (its
// latest run).
func (h *history) search(pattern string, n int, unique bool) []historyEntry {
	h.mu.Lock()
	defer h.mu.Unlock()
	seen := map[string]bool{}
	var rev []historyEntry
	for i := len(h.entries) - 1; i >= 0; i-- {
		e := h.entries[i]
		if !globMatch(pattern, e.Input) {
			continue
		}
		if unique {
			if seen[e.Input] {
				continue
			}
			seen[e.Input] = true
		}
		rev = append(rev, e)
		if n > 0 && len(rev) == n {
			break
		}
	}
	out := make([]historyEntry, len(rev))
	for i, e := range rev {
		out[len(rev)-1-i] = e
	}
	return out
}

// historyTuples formats entries as history_reply wants them:
// [session, line, input] or, with output, [session, line, [input, output]].
func historyTuples(entries []historyEntry, output bool) []any {
	out := make([]any, 0, len(entries))
	for _, e := range entries {
		var third any = e.Input
		if output {
			var o any
			if e.Output != nil {
				o = *e.Output
			}
			third = []any{e.Input, o}
		}
		out = append(out, []any{historySession, e.Line, third})
	}
	return out
}

// globMatch reports whether the whole of s matches pattern, where * matches
// any run of characters (newlines included) and ? any one character.
func globMatch(pattern, s string) bool {
	p, t := []rune(pattern), []rune(s)
	pi, ti := 0, 0
	star, mark := -1, 0 // last * seen in p, and where in t it started matching
	for ti < len(t) {
		switch {
		case pi < len(p) && (p[pi] == '?' || (p[pi] != '*' && p[pi] == t[ti])):
			pi++
			ti++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case star >= 0:
			mark++
			pi, ti = star+1, mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
