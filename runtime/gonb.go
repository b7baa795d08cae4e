package runtime

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/igo-kernel/igo/magics"
	"github.com/igo-kernel/igo/session"
)

// GoNB compatibility: notebooks written for GoNB (GoMLX's own among them)
// mark the body of main with "%%" and pass program flags there or with
// %args. GoNB compiles each cell afresh, so flags are declared anew every
// time; IGo keeps one flag set, so a flag declared again replaces the old.

// runMain applies program arguments, resetting the flag package's flags to
// their defaults first as GoNB does, before a main body runs.
func (s *goSession) runMain(args string) *session.Error {
	argv, err := splitArgs(args)
	if err != nil {
		return magicError("%%", err)
	}
	if args == "" {
		argv = s.mainArgs
	}
	flag.CommandLine.VisitAll(func(f *flag.Flag) { f.Value.Set(f.DefValue) })
	if err := flag.CommandLine.Parse(argv); err != nil {
		return magicError("%%", fmt.Errorf("parsing flags %q: %v", strings.Join(argv, " "), err))
	}
	osArgs := append([]string{"igo"}, argv...)
	quoted := make([]string, len(osArgs))
	for i, a := range osArgs {
		quoted[i] = fmt.Sprintf("%q", a)
	}
	if _, err := s.it.Eval("os.Args = []string{" + strings.Join(quoted, ", ") + "}"); err != nil {
		if s.importPackage("", "os") == nil {
			s.it.Eval("os.Args = []string{" + strings.Join(quoted, ", ") + "}")
		}
	}
	return nil
}

func magicError(name string, err error) *session.Error {
	msg := fmt.Sprintf("%s: %v", name, err)
	return &session.Error{Name: "MagicError", Value: msg, Traceback: []string{"\x1b[31mMagicError\x1b[0m: " + msg}}
}

// splitArgs splits a command line, honouring single and double quotes.
func splitArgs(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	var quote rune
	inArg := false
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, inArg = r, true
		case r == ' ' || r == '\t':
			if inArg {
				out = append(out, cur.String())
				cur.Reset()
				inArg = false
			}
		default:
			cur.WriteRune(r)
			inArg = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unclosed quote in %q", s)
	}
	if inArg {
		out = append(out, cur.String())
	}
	return out, nil
}

// redefinableFlags are the flag package's constructors, made to replace a
// flag of the same name instead of panicking: re-running a cell that
// declares flags is the normal notebook case.
func redefinableFlags() map[string]reflect.Value {
	forget := func(name string) {
		if flag.CommandLine.Lookup(name) == nil {
			return
		}
		fresh := flag.NewFlagSet(flag.CommandLine.Name(), flag.ContinueOnError)
		fresh.SetOutput(flag.CommandLine.Output())
		flag.CommandLine.VisitAll(func(f *flag.Flag) {
			if f.Name != name {
				fresh.Var(f.Value, f.Name, f.Usage)
			}
		})
		flag.CommandLine = fresh
	}
	return map[string]reflect.Value{
		"Bool": reflect.ValueOf(func(name string, value bool, usage string) *bool {
			forget(name)
			return flag.Bool(name, value, usage)
		}),
		"Int": reflect.ValueOf(func(name string, value int, usage string) *int {
			forget(name)
			return flag.Int(name, value, usage)
		}),
		"Int64": reflect.ValueOf(func(name string, value int64, usage string) *int64 {
			forget(name)
			return flag.Int64(name, value, usage)
		}),
		"Uint": reflect.ValueOf(func(name string, value uint, usage string) *uint {
			forget(name)
			return flag.Uint(name, value, usage)
		}),
		"Float64": reflect.ValueOf(func(name string, value float64, usage string) *float64 {
			forget(name)
			return flag.Float64(name, value, usage)
		}),
		"String": reflect.ValueOf(func(name string, value string, usage string) *string {
			forget(name)
			return flag.String(name, value, usage)
		}),
		"Duration": reflect.ValueOf(func(name string, value time.Duration, usage string) *time.Duration {
			forget(name)
			return flag.Duration(name, value, usage)
		}),
		"Parse": reflect.ValueOf(func() { flag.CommandLine.Parse(os.Args[1:]) }),
	}
}

// definitions lists what the session has defined, for %ls.
func (s *goSession) definitions() []string {
	var out []string
	for name, cellNo := range s.definedIn {
		if name == mainName {
			name = "main"
		}
		out = append(out, fmt.Sprintf("%s\tdefined in In[%d]", name, cellNo))
	}
	for _, v := range s.variables() {
		if _, ok := s.definedIn[strings.SplitN(v, "\t", 2)[0]]; !ok {
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

func init() {
	note := func(what string) func(magics.Env, string) error {
		return func(env magics.Env, args string) error {
			fmt.Fprintf(env.Stderr(), "%s: IGo interprets Go, so it needs no %s; ignored\n", strings.TrimSpace(what+" "+args), what)
			return nil
		}
	}
	for _, name := range []string{"goflags", "gcflags", "autoget", "goworkfix", "track", "untrack"} {
		magics.Register(magics.Magic{Name: name, Usage: "%" + name, Summary: "accepted for GoNB notebooks; IGo needs no build settings", Line: note("%" + name)})
	}
	magics.Register(magics.Magic{
		Name: "args", Usage: "%args [ARGS...]", Summary: "set the program arguments (os.Args, flags) for %% bodies and main()",
		Line: func(env magics.Env, args string) error {
			s, err := sessionOf(env)
			if err != nil {
				return err
			}
			argv, err := splitArgs(args)
			if err != nil {
				return err
			}
			s.mainArgs = argv
			return nil
		},
	})
	list := func(env magics.Env, args string) error {
		s, err := sessionOf(env)
		if err != nil {
			return err
		}
		defs := s.definitions()
		if len(defs) == 0 {
			fmt.Fprintln(env.Stdout(), "nothing defined yet")
		}
		for _, d := range defs {
			fmt.Fprintln(env.Stdout(), d)
		}
		return nil
	}
	magics.Register(magics.Magic{Name: "ls", Usage: "%ls", Summary: "list the session's definitions and variables (GoNB's %ls; also %list)", Line: list})
	magics.Register(magics.Magic{Name: "list", Usage: "%list", Summary: "same as %ls", Line: list})
	remove := func(env magics.Env, args string) error {
		s, err := sessionOf(env)
		if err != nil {
			return err
		}
		names := strings.Fields(args)
		if len(names) == 0 {
			return fmt.Errorf("usage: %%rm NAME [NAME...]")
		}
		for _, n := range names {
			_, def := s.definedIn[n]
			if !def && !s.known[n] {
				return fmt.Errorf("%s is not defined in this session (see %%ls)", n)
			}
			delete(s.definedIn, n)
			delete(s.known, n)
			delete(s.declSrc, n)
			if s.low != nil {
				s.low.Forget(n)
			}
			fmt.Fprintf(env.Stdout(), "forgot %s\n", n)
		}
		fmt.Fprintln(env.Stdout(), "(the interpreter cannot unload code: a removed type keeps its old shape until %reset)")
		return nil
	}
	magics.Register(magics.Magic{Name: "rm", Usage: "%rm NAME...", Summary: "forget definitions (GoNB's %rm; also %remove)", Line: remove})
	magics.Register(magics.Magic{Name: "remove", Usage: "%remove NAME...", Summary: "same as %rm", Line: remove})
}
