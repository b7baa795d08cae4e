package magics

import (
	"encoding/base64"
	"fmt"
	"html"
	"strconv"
	"strings"
	"unicode"

	"github.com/igo-kernel/igo/datasets"
	"github.com/igo-kernel/igo/datasets/fetch"
)

func init() {
	Register(Magic{
		Name:    "dataset",
		Usage:   "%dataset [list | info NAME | load NAME [--split train|test|all] [--as VAR] [--limit N]]",
		Summary: "list, describe and load built-in datasets (MNIST, CIFAR-10, Iris, ...)",
		Help: `%dataset                 lists the built-in datasets with size, task and licence.
%dataset info NAME       describes one.
%dataset load NAME [--split train|test|all] [--as VAR] [--limit N]
                         downloads it once (verified by SHA-256, cached under
                         the user cache dir or $IGO_DATA_DIR), decodes it and
                         binds VAR (default: the name in camelCase) to a
                         *datasets.Dataset: VAR.Train and VAR.Test hold X and Y
                         as GoMLX tensors, VAR.Classes the class names,
                         VAR.Batches(backend, "train", 64, true, 0) gives a
                         GoMLX dataset for training.
Offline, set IGO_DATASETS_MIRROR to a directory or URL holding the upstream
files (optionally under NAME/ and with a SHA256SUMS file).`,
		Line: datasetMagic,
	})
}

func datasetMagic(env Env, args string) error {
	fields := strings.Fields(args)
	if len(fields) == 0 || fields[0] == "list" {
		return datasetList(env)
	}
	switch fields[0] {
	case "info":
		if len(fields) != 2 {
			return fmt.Errorf("usage: %%dataset info NAME")
		}
		return datasetInfo(env, fields[1])
	case "load":
		opts, err := parseLoadArgs(fields[1:])
		if err != nil {
			return err
		}
		return datasetLoad(env, opts)
	}
	return fmt.Errorf("unknown %%dataset command %q; usage: %%dataset [list | info NAME | load NAME [--split S] [--as VAR] [--limit N]]", fields[0])
}

// loadArgs are the parsed arguments of %dataset load.
type loadArgs struct {
	name, split, as string
	limit           int
}

func parseLoadArgs(fields []string) (loadArgs, error) {
	var a loadArgs
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if !strings.HasPrefix(f, "-") {
			if a.name != "" {
				return a, fmt.Errorf("%%dataset load: unexpected argument %q", f)
			}
			a.name = f
			continue
		}
		key, val, hasVal := strings.Cut(strings.TrimLeft(f, "-"), "=")
		if !hasVal {
			if i+1 >= len(fields) {
				return a, fmt.Errorf("%%dataset load: --%s needs a value", key)
			}
			i++
			val = fields[i]
		}
		switch key {
		case "split":
			a.split = val
		case "as":
			if !isIdentifier(val) {
				return a, fmt.Errorf("%%dataset load: --as %q is not a Go identifier", val)
			}
			a.as = val
		case "limit":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 {
				return a, fmt.Errorf("%%dataset load: --limit wants a count, got %q", val)
			}
			a.limit = n
		default:
			return a, fmt.Errorf("%%dataset load: unknown flag --%s (want --split, --as or --limit)", key)
		}
	}
	if a.name == "" {
		return a, fmt.Errorf("usage: %%dataset load NAME [--split train|test|all] [--as VAR] [--limit N]")
	}
	if a.as == "" {
		a.as = varName(a.name)
	}
	return a, nil
}

func isIdentifier(s string) bool {
	for i, r := range s {
		if !(unicode.IsLetter(r) || r == '_' || (i > 0 && unicode.IsDigit(r))) {
			return false
		}
	}
	return s != "" && s != "_"
}

// varName turns a dataset name into a Go identifier: "fashion-mnist" ->
// "fashionMnist".
func varName(name string) string {
	var b strings.Builder
	upper := false
	for _, r := range name {
		switch {
		case r == '-' || r == '_' || r == ' ' || r == '.':
			upper = b.Len() > 0
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if b.Len() == 0 && unicode.IsDigit(r) {
				b.WriteString("ds")
			}
			if upper {
				r = unicode.ToUpper(r)
				upper = false
			} else if b.Len() == 0 {
				r = unicode.ToLower(r)
			}
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "ds"
	}
	return b.String()
}

func datasetList(env Env) error {
	var text, h strings.Builder
	h.WriteString("<table><tr><th>name</th><th>task</th><th>download</th><th>splits</th><th>licence</th></tr>")
	for _, in := range datasets.Catalog() {
		fmt.Fprintf(&text, "%-17s %-32s %9s  %s\n", in.Name, in.Task, fetch.HumanBytes(in.Size), in.Licence)
		fmt.Fprintf(&h, "<tr><td><code>%s</code></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
			html.EscapeString(in.Name), html.EscapeString(in.Task), fetch.HumanBytes(in.Size),
			html.EscapeString(in.Splits), html.EscapeString(in.Licence))
	}
	h.WriteString("</table><p>Load one with <code>%dataset load NAME [--as VAR]</code>.</p>")
	env.Display(map[string]any{"text/plain": text.String(), "text/html": h.String()}, nil)
	return nil
}

func datasetInfo(env Env, name string) error {
	in, err := datasets.Lookup(name)
	if err != nil {
		return err
	}
	var text strings.Builder
	fmt.Fprintf(&text, "%s: %s\n%s\ntask: %s\nsplits: %s\ndownload: %s\nlicence: %s\n",
		in.Name, in.Title, in.Description, in.Task, in.Splits, fetch.HumanBytes(in.Size), in.Licence)
	if len(in.Classes) > 0 {
		fmt.Fprintf(&text, "classes: %s\n", strings.Join(in.Classes, ", "))
	}
	if len(in.Features) > 0 {
		fmt.Fprintf(&text, "features: %s\n", strings.Join(in.Features, ", "))
	}
	for _, f := range in.Files {
		fmt.Fprintf(&text, "file: %s (%s, sha256 %s)\n", f.Name, fetch.HumanBytes(f.Size), f.SHA256)
	}
	env.Display(map[string]any{
		"text/plain": text.String(),
		"text/html":  "<pre>" + html.EscapeString(text.String()) + "</pre>",
	}, nil)
	return nil
}

func datasetLoad(env Env, a loadArgs) error {
	d, err := datasets.Load(a.name, datasets.Options{Split: a.split, Limit: a.limit, Log: env.Stderr()})
	if err != nil {
		return err
	}
	if err := env.Bind(a.as, d); err != nil {
		return fmt.Errorf("binding %s: %w", a.as, err)
	}
	env.Display(map[string]any{
		"text/plain": d.String() + "\nbound to " + a.as + " (*datasets.Dataset)",
		"text/html":  d.SummaryHTML() + "<p>bound to <code>" + html.EscapeString(a.as) + "</code> (<code>*datasets.Dataset</code>)</p>",
	}, nil)
	first := d.Splits()[0]
	switch {
	case d.Task == datasets.TaskImages:
		grid, err := d.ImageGrid(first.Name, 30)
		if err != nil {
			return err
		}
		env.Display(map[string]any{
			"image/png":  base64.StdEncoding.EncodeToString(grid),
			"text/plain": fmt.Sprintf("first %d images of %s", min(30, first.Len()), first.Name),
		}, nil)
	case d.Vocab != nil:
		head, err := d.TextHead(first.Name, 300)
		if err != nil {
			return err
		}
		env.Display(map[string]any{"text/plain": head}, nil)
	default:
		table, err := d.TableHTML(first.Name, 8)
		if err != nil {
			return err
		}
		env.Display(map[string]any{"text/html": table, "text/plain": fmt.Sprintf("%s: %d rows", first.Name, first.Len())}, nil)
	}
	return nil
}
