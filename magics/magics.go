// Package magics holds IGo's %line and %%cell magics: the registry, the
// parsing of magic lines, the %help text and the built-in magics. A magic
// acts on the session only through the Env interface, so packages such as
// datasets plug their own magics in without knowing the runtime.
package magics

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

// Env is what a magic may do to the running session.
type Env interface {
	// Stdout and Stderr stream text to the cell's output.
	Stdout() io.Writer
	Stderr() io.Writer
	// Display shows a MIME bundle in the cell's output.
	Display(data, metadata map[string]any)
	// Bind makes value available to later cells as a variable called name.
	Bind(name string, value any) error
	// Run runs Go source in the session as if it were a cell.
	Run(code string) error
}

// Magic is one registered magic.
type Magic struct {
	Name    string // without the % signs
	Usage   string // e.g. "%dataset load NAME [--as VAR]"
	Summary string // one line for %help
	Help    string // longer text for %help NAME
	// Line runs "%name args". Nil if the magic has no line form.
	Line func(env Env, args string) error
	// Cell runs "%%name args" followed by body. Nil if no cell form.
	Cell func(env Env, args, body string) error
}

var (
	mu       sync.RWMutex
	registry = map[string]Magic{}
)

// Register adds a magic; a later registration of the same name replaces it.
func Register(m Magic) {
	mu.Lock()
	defer mu.Unlock()
	registry[m.Name] = m
}

// Lookup finds a registered magic by name.
func Lookup(name string) (Magic, bool) {
	mu.RLock()
	defer mu.RUnlock()
	m, ok := registry[name]
	return m, ok
}

// All returns the registered magics sorted by name.
func All() []Magic {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]Magic, 0, len(registry))
	for _, m := range registry {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// UnknownError is returned for a magic name that is not registered.
func UnknownError(name string) error {
	var names []string
	for _, m := range All() {
		names = append(names, "%"+m.Name)
	}
	return fmt.Errorf("unknown magic %%%s; known magics: %s (see %%help)", name, strings.Join(names, ", "))
}
