package formats

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
)

// ColumnKind tells how a table column is read.
type ColumnKind int

const (
	Numeric     ColumnKind = iota // numbers; missing values are NaN
	Categorical                   // strings mapped to indices into Categories
)

func (k ColumnKind) String() string {
	if k == Categorical {
		return "categorical"
	}
	return "numeric"
}

// Column is one typed column of a Table.
type Column struct {
	Name       string
	Kind       ColumnKind
	Numbers    []float64 // Numeric: one value per row, NaN when missing
	Codes      []int32   // Categorical: index into Categories, -1 when missing
	Categories []string  // Categorical: in order of first appearance
}

// Table is a decoded CSV, TSV or JSON lines file.
type Table struct {
	Source  string
	Columns []*Column
	Rows    int
}

// CSVOptions configures ReadCSV.
type CSVOptions struct {
	Comma       rune     // field separator; 0 means ',' (ReadCSVFile picks '\t' for .tsv)
	NoHeader    bool     // the first row is data; columns are named c0, c1, ...
	Categorical []string // columns read as categories even if they look numeric
	Limit       int      // at most this many data rows (0: all)
}

// missing values read as NaN (numeric) or -1 (categorical).
func isMissing(s string) bool {
	switch strings.TrimSpace(s) {
	case "", "NA", "N/A", "NaN", "nan", "?", "null":
		return true
	}
	return false
}

// ReadCSVFile reads a CSV or TSV file (gzip allowed).
func ReadCSVFile(path string, opts CSVOptions) (*Table, error) {
	r, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if opts.Comma == 0 && (strings.HasSuffix(path, ".tsv") || strings.HasSuffix(path, ".tsv.gz")) {
		opts.Comma = '\t'
	}
	return ReadCSV(r, path, opts)
}

// ReadCSV reads a delimited table. A column is numeric when its first
// present value is a number (unless listed in opts.Categorical); text in a
// numeric column later is an error naming the line. Rows whose field count
// differs from the header's are errors naming the line.
func ReadCSV(r io.Reader, name string, opts CSVOptions) (*Table, error) {
	cr := csv.NewReader(r)
	if opts.Comma != 0 {
		cr.Comma = opts.Comma
	}
	cr.ReuseRecord = false
	var header []string
	var rows [][]string
	var lines []int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
			want := len(header)
			if want == 0 && len(rows) > 0 {
				want = len(rows[0])
			}
			return nil, fmt.Errorf("%s line %d: row has %d fields, want %d (as in the first row)", name, pe.StartLine, len(rec), want)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if header == nil && !opts.NoHeader {
			header = rec
			continue
		}
		if opts.Limit > 0 && len(rows) >= opts.Limit {
			break
		}
		rows = append(rows, rec)
		lines = append(lines, line)
	}
	if header == nil {
		if len(rows) == 0 {
			return nil, fmt.Errorf("%s: empty table", name)
		}
		for i := range rows[0] {
			header = append(header, "c"+strconv.Itoa(i))
		}
	}
	t := &Table{Source: name, Rows: len(rows)}
	for j, colName := range header {
		col := &Column{Name: strings.TrimSpace(colName)}
		kind := Numeric
		if slices.Contains(opts.Categorical, col.Name) {
			kind = Categorical
		} else {
			for _, row := range rows {
				if !isMissing(row[j]) {
					if _, err := parseNumber(row[j]); err != nil {
						kind = Categorical
					}
					break
				}
			}
		}
		col.Kind = kind
		index := map[string]int32{}
		for i, row := range rows {
			v := row[j]
			if kind == Categorical {
				col.Codes = append(col.Codes, col.code(v, index))
				continue
			}
			if isMissing(v) {
				col.Numbers = append(col.Numbers, math.NaN())
				continue
			}
			x, err := parseNumber(v)
			if err != nil {
				return nil, fmt.Errorf("%s line %d: column %q is numeric but holds %q (list it as categorical to read it as categories)",
					name, lines[i], col.Name, v)
			}
			col.Numbers = append(col.Numbers, x)
		}
		t.Columns = append(t.Columns, col)
	}
	return t, nil
}

func parseNumber(s string) (float64, error) {
	return strconv.ParseFloat(strings.TrimSpace(s), 64)
}

func (c *Column) code(v string, index map[string]int32) int32 {
	if isMissing(v) {
		return -1
	}
	v = strings.TrimSpace(v)
	k, ok := index[v]
	if !ok {
		k = int32(len(c.Categories))
		index[v] = k
		c.Categories = append(c.Categories, v)
	}
	return k
}

// ReadJSONL reads one JSON object per line. Numbers and booleans make
// numeric columns, strings categorical ones; null is missing. Keys keep the
// order in which they first appear.
func ReadJSONL(r io.Reader, name string, limit int) (*Table, error) {
	type cell struct {
		num   float64
		str   string
		isStr bool
		ok    bool
	}
	var order []string
	kinds := map[string]ColumnKind{}
	var rows []map[string]cell
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<26)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		if limit > 0 && len(rows) >= limit {
			break
		}
		var obj map[string]any
		if err := json.Unmarshal([]byte(text), &obj); err != nil {
			return nil, fmt.Errorf("%s line %d: %v", name, line, err)
		}
		row := map[string]cell{}
		var keys []string
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys) // deterministic order for keys new on the same line
		for _, k := range keys {
			var c cell
			switch v := obj[k].(type) {
			case nil:
			case float64:
				c = cell{num: v, ok: true}
			case bool:
				c = cell{ok: true}
				if v {
					c.num = 1
				}
			case string:
				c = cell{str: v, isStr: true, ok: true}
			default:
				return nil, fmt.Errorf("%s line %d: key %q holds a nested value; only numbers, strings, booleans and null are read", name, line, k)
			}
			kind, seen := kinds[k]
			if !seen {
				order = append(order, k)
				if c.isStr {
					kind = Categorical
				}
				kinds[k] = kind
			}
			if c.ok && c.isStr != (kind == Categorical) {
				return nil, fmt.Errorf("%s line %d: key %q is %s but holds %v", name, line, k, kind, obj[k])
			}
			row[k] = c
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	t := &Table{Source: name, Rows: len(rows)}
	for _, k := range order {
		col := &Column{Name: k, Kind: kinds[k]}
		index := map[string]int32{}
		for _, row := range rows {
			c := row[k]
			switch {
			case col.Kind == Categorical && c.ok:
				col.Codes = append(col.Codes, col.code(c.str, index))
			case col.Kind == Categorical:
				col.Codes = append(col.Codes, -1)
			case c.ok:
				col.Numbers = append(col.Numbers, c.num)
			default:
				col.Numbers = append(col.Numbers, math.NaN())
			}
		}
		t.Columns = append(t.Columns, col)
	}
	return t, nil
}

// ReadJSONLFile reads a JSON lines file (gzip allowed).
func ReadJSONLFile(path string, limit int) (*Table, error) {
	r, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return ReadJSONL(r, path, limit)
}

// Column finds a column by name.
func (t *Table) Column(name string) (*Column, error) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, nil
		}
	}
	var names []string
	for _, c := range t.Columns {
		names = append(names, c.Name)
	}
	return nil, fmt.Errorf("%s: no column %q; columns: %s", t.Source, name, strings.Join(names, ", "))
}

// Features returns every column except those in exclude as a float32
// tensor [Rows, F], with the name of each feature. Categorical columns
// become their index, or one column per category (0/1) when oneHot is set.
func (t *Table) Features(exclude []string, oneHot bool) (*tensors.Tensor, []string, error) {
	for _, e := range exclude {
		if _, err := t.Column(e); err != nil {
			return nil, nil, err
		}
	}
	var names []string
	var cols []func(row int, dst []float32)
	var widths []int
	for _, c := range t.Columns {
		if slices.Contains(exclude, c.Name) {
			continue
		}
		switch {
		case c.Kind == Numeric:
			names, widths = append(names, c.Name), append(widths, 1)
			cols = append(cols, func(row int, dst []float32) { dst[0] = float32(c.Numbers[row]) })
		case oneHot:
			for _, cat := range c.Categories {
				names = append(names, c.Name+"="+cat)
			}
			n := len(c.Categories)
			widths = append(widths, n)
			cols = append(cols, func(row int, dst []float32) {
				clear(dst[:n])
				if k := c.Codes[row]; k >= 0 {
					dst[k] = 1
				}
			})
		default:
			names, widths = append(names, c.Name), append(widths, 1)
			cols = append(cols, func(row int, dst []float32) { dst[0] = float32(c.Codes[row]) })
		}
	}
	f := len(names)
	x := tensors.FromShape(shapes.Make(dtypes.Float32, t.Rows, f))
	tensors.MustMutableFlatData(x, func(flat []float32) {
		for row := range t.Rows {
			dst := flat[row*f : (row+1)*f]
			off := 0
			for k, fill := range cols {
				fill(row, dst[off:])
				off += widths[k]
			}
		}
	})
	return x, names, nil
}

// Target returns a column as labels: a categorical column gives int32
// [Rows, 1] indices and its category names; a numeric one gives float32
// [Rows, 1] and no names.
func (t *Table) Target(name string) (*tensors.Tensor, []string, error) {
	c, err := t.Column(name)
	if err != nil {
		return nil, nil, err
	}
	if c.Kind == Categorical {
		for i, k := range c.Codes {
			if k < 0 {
				return nil, nil, fmt.Errorf("%s: target %q is missing in data row %d", t.Source, name, i+1)
			}
		}
		return tensors.FromFlatDataAndDimensions(c.Codes, t.Rows, 1), c.Categories, nil
	}
	v := make([]float32, t.Rows)
	for i, x := range c.Numbers {
		v[i] = float32(x)
	}
	return tensors.FromFlatDataAndDimensions(v, t.Rows, 1), nil, nil
}

// Cell is row's value of column c as text.
func (c *Column) Cell(row int) string {
	if c.Kind == Categorical {
		if k := c.Codes[row]; k >= 0 {
			return c.Categories[k]
		}
		return ""
	}
	return strconv.FormatFloat(c.Numbers[row], 'g', 6, 64)
}

// HTML renders the first maxRows rows as an HTML table, with each column's
// kind under its name.
func (t *Table) HTML(maxRows int) string {
	var b strings.Builder
	b.WriteString("<table><thead><tr>")
	for _, c := range t.Columns {
		fmt.Fprintf(&b, "<th>%s<br><small>%s</small></th>", html.EscapeString(c.Name), c.Kind)
	}
	b.WriteString("</tr></thead><tbody>")
	for row := range min(maxRows, t.Rows) {
		b.WriteString("<tr>")
		for _, c := range t.Columns {
			fmt.Fprintf(&b, "<td>%s</td>", html.EscapeString(c.Cell(row)))
		}
		b.WriteString("</tr>")
	}
	fmt.Fprintf(&b, "</tbody></table><p>%d rows &times; %d columns</p>", t.Rows, len(t.Columns))
	return b.String()
}
