package magics

import (
	"errors"
	"fmt"
	"github.com/gomlx/compute"
	"os"
	"path/filepath"
	"strings"
)

// The magics every notebook user expects, which need nothing of the Go
// session beyond Env.
func init() {
	Register(Magic{
		Name: "help", Usage: "%help [NAME]", Summary: "list the magics, or describe one",
		Line: func(env Env, args string) error {
			name := strings.TrimLeft(strings.TrimSpace(args), "%")
			if name != "" {
				m, ok := Lookup(name)
				if !ok {
					return UnknownError(name)
				}
				fmt.Fprintf(env.Stdout(), "%s\n\n%s\n", m.Usage, m.Summary)
				if m.Help != "" {
					fmt.Fprintf(env.Stdout(), "\n%s\n", m.Help)
				}
				return nil
			}
			fmt.Fprint(env.Stdout(), helpText())
			return nil
		},
	})
	Register(Magic{
		Name: "env", Usage: "%env [NAME[=VALUE]]", Summary: "show or set environment variables",
		Help: "%env lists all variables, %env NAME shows one, %env NAME=VALUE (or %env NAME VALUE) sets one for this session and the programs it starts.",
		Line: envMagic,
	})
	Register(Magic{
		Name: "cd", Usage: "%cd [DIR]", Summary: "change the working directory (home without DIR)",
		Line: func(env Env, args string) error {
			dir := strings.TrimSpace(args)
			if dir == "" || dir == "~" {
				home, err := os.UserHomeDir()
				if err != nil {
					return err
				}
				dir = home
			} else if strings.HasPrefix(dir, "~/") {
				home, _ := os.UserHomeDir()
				dir = filepath.Join(home, dir[2:])
			}
			if err := os.Chdir(dir); err != nil {
				return err
			}
			wd, _ := os.Getwd()
			fmt.Fprintln(env.Stdout(), wd)
			return nil
		},
	})
	Register(Magic{
		Name: "writefile", Usage: "%%writefile [-a] FILE", Summary: "write the rest of the cell to FILE (-a appends)",
		Cell: func(env Env, args, body string) error {
			f := strings.Fields(args)
			appendMode := len(f) > 0 && (f[0] == "-a" || f[0] == "--append")
			if appendMode {
				f = f[1:]
			}
			if len(f) != 1 {
				return errors.New("usage: %%writefile [-a] FILE")
			}
			flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
			verb := "Writing"
			if appendMode {
				flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
				verb = "Appending to"
			} else if _, err := os.Stat(f[0]); err == nil {
				verb = "Overwriting"
			}
			file, err := os.OpenFile(f[0], flags, 0o644)
			if err != nil {
				return err
			}
			if _, err := file.WriteString(body); err != nil {
				file.Close()
				return err
			}
			fmt.Fprintf(env.Stdout(), "%s %s\n", verb, f[0])
			return file.Close()
		},
	})
}

// helpText lists every magic with its summary, plus the other cell forms.
func helpText() string {
	var b strings.Builder
	b.WriteString("IGo runs Go cells: imports, declarations and statements in any order; the value of a\n")
	b.WriteString("trailing expression is shown. Tab completes, Shift-Tab shows documentation.\n\n")
	b.WriteString("Magics:\n")
	for _, m := range All() {
		fmt.Fprintf(&b, "  %-42s %s\n", m.Usage, m.Summary)
	}
	b.WriteString("\nOther lines:\n")
	fmt.Fprintf(&b, "  %-42s %s\n", "!COMMAND", "run a shell command, its output streamed")
	b.WriteString("\nGoNB notebooks: a line \"%% [--flag=value...]\" starts the body of main (its flags\n")
	b.WriteString("parsed first); a cell declaring func main() runs it; functions named init_* with no\n")
	b.WriteString("arguments run right after their cell declares them, as GoNB runs them before main.\n")
	b.WriteString("\n%help NAME describes one magic.\n")
	return b.String()
}

func envMagic(env Env, args string) error {
	args = strings.TrimSpace(args)
	if args == "" {
		for _, kv := range os.Environ() {
			fmt.Fprintln(env.Stdout(), kv)
		}
		return nil
	}
	name, value, set := strings.Cut(args, "=")
	if !set {
		if f := strings.Fields(args); len(f) >= 2 {
			name, value, set = f[0], strings.TrimSpace(strings.TrimPrefix(args, f[0])), true
		}
	}
	name = strings.TrimSpace(name)
	if !set {
		v, ok := os.LookupEnv(name)
		if !ok {
			return fmt.Errorf("%s is not set", name)
		}
		fmt.Fprintln(env.Stdout(), v)
		return nil
	}
	value = os.ExpandEnv(strings.TrimSpace(value))
	if err := os.Setenv(name, value); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout(), "env: %s=%s\n", name, value)
	if name == compute.ConfigEnvVar && value != "" {
		// GoNB notebooks pick their backend this way: say now, not at
		// compute.MustNew(), when it cannot load here.
		b, err := newBackend(value)
		if err != nil {
			fmt.Fprintf(env.Stderr(), "note: GoMLX's backend %q does not load here: %v%s\n", value, err, BackendHint(err.Error()))
			return nil
		}
		b.Finalize()
	}
	return nil
}
