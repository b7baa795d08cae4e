package datasets

import (
	"fmt"
	"html"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/dataset"
	"github.com/igo-kernel/igo/datasets/formats"
	"github.com/igo-kernel/igo/datasets/prep"
)

// Split is one part of a dataset. X holds the inputs: uint8 images
// [N, H, W, C], float32 features [N, F], or int32 token ids [N] for text.
// Y holds int32 class labels [N, 1], or is nil (text).
type Split struct {
	Name string
	X, Y *tensors.Tensor
}

// Len is the number of examples (tokens for text).
func (s *Split) Len() int {
	if s == nil || s.X == nil {
		return 0
	}
	return s.X.Shape().Dimensions[0]
}

// Dataset is a loaded dataset: its splits as tensors, with what is known
// about them. A split not asked for is nil.
type Dataset struct {
	Name, Title, Task, Licence string
	Classes                    []string    // class names, indexed by label
	Features                   []string    // tabular feature names
	Train, Test                *Split      // nil when not loaded
	Vocab                      *prep.Vocab // text: the character vocabulary
	Text                       string      // text: the whole corpus

	table *formats.Table // tabular: the source rows, for previews
}

// Split returns the split called name ("train" or "test").
func (d *Dataset) Split(name string) (*Split, error) {
	var s *Split
	switch strings.ToLower(name) {
	case "train":
		s = d.Train
	case "test":
		s = d.Test
	default:
		return nil, fmt.Errorf("unknown split %q: want train or test", name)
	}
	if s == nil {
		return nil, fmt.Errorf("%s: split %q was not loaded", d.Name, name)
	}
	return s, nil
}

// Splits lists the loaded splits, train first.
func (d *Dataset) Splits() []*Split {
	var out []*Split
	for _, s := range []*Split{d.Train, d.Test} {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}

// Batches wraps a split in a GoMLX in-memory dataset yielding batches of
// batchSize, reshuffled every epoch when shuffle is set (seeded by seed).
// Images stay as stored (uint8); convert with prep.ToFloat32 first if the
// model wants floats.
func (d *Dataset) Batches(backend compute.Backend, split string, batchSize int, shuffle bool, seed int64) (*dataset.InMemoryDataset, error) {
	s, err := d.Split(split)
	if err != nil {
		return nil, err
	}
	return prep.InMemory(backend, d.Name+"-"+s.Name, s.X, s.Y, batchSize, shuffle, false, seed)
}

// NumClasses is the number of classes, 0 for text.
func (d *Dataset) NumClasses() int { return len(d.Classes) }

// ByteSize is the memory held by the loaded tensors.
func (d *Dataset) ByteSize() int64 {
	var n int64
	for _, s := range d.Splits() {
		n += s.X.Shape().ByteSize()
		if s.Y != nil {
			n += s.Y.Shape().ByteSize()
		}
	}
	return n
}

// ClassBalance counts examples per class in a split.
func (d *Dataset) ClassBalance(split string) ([]int, error) {
	s, err := d.Split(split)
	if err != nil {
		return nil, err
	}
	if s.Y == nil || len(d.Classes) == 0 {
		return nil, fmt.Errorf("%s has no class labels", d.Name)
	}
	return prep.ClassCounts(s.Y, len(d.Classes))
}

// String is a one-paragraph text summary.
func (d *Dataset) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", d.Name, d.Task, d.Title)
	for _, s := range d.Splits() {
		fmt.Fprintf(&b, "\n  %-5s %7d examples  X %s", s.Name, s.Len(), s.X.Shape())
		if s.Y != nil {
			fmt.Fprintf(&b, "  Y %s", s.Y.Shape())
		}
	}
	if len(d.Classes) > 0 {
		fmt.Fprintf(&b, "\n  classes: %s", strings.Join(d.Classes, ", "))
	}
	if d.Vocab != nil {
		fmt.Fprintf(&b, "\n  vocabulary: %d characters", d.Vocab.Size())
	}
	return b.String()
}

// SummaryHTML renders split sizes, shapes, dtypes and class balance.
func (d *Dataset) SummaryHTML() string {
	var b strings.Builder
	fmt.Fprintf(&b, "<b>%s</b> &mdash; %s (%s)", html.EscapeString(d.Name), html.EscapeString(d.Title), html.EscapeString(d.Task))
	b.WriteString("<table><tr><th>split</th><th>examples</th><th>X</th><th>Y</th></tr>")
	for _, s := range d.Splits() {
		y := "&ndash;"
		if s.Y != nil {
			y = html.EscapeString(s.Y.Shape().String())
		}
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%d</td><td>%s</td><td>%s</td></tr>", s.Name, s.Len(), html.EscapeString(s.X.Shape().String()), y)
	}
	b.WriteString("</table>")
	if len(d.Classes) > 0 {
		b.WriteString("<table><tr><th>label</th><th>class</th>")
		counts := map[string][]int{}
		for _, s := range d.Splits() {
			fmt.Fprintf(&b, "<th>%s</th>", s.Name)
			counts[s.Name], _ = prep.ClassCounts(s.Y, len(d.Classes))
		}
		b.WriteString("</tr>")
		for k, c := range d.Classes {
			fmt.Fprintf(&b, "<tr><td>%d</td><td>%s</td>", k, html.EscapeString(c))
			for _, s := range d.Splits() {
				fmt.Fprintf(&b, "<td>%d</td>", counts[s.Name][k])
			}
			b.WriteString("</tr>")
		}
		b.WriteString("</table>")
	}
	if d.Vocab != nil {
		fmt.Fprintf(&b, "<p>vocabulary: %d characters</p>", d.Vocab.Size())
	}
	if d.Licence != "" {
		fmt.Fprintf(&b, "<p><small>licence: %s</small></p>", html.EscapeString(d.Licence))
	}
	return b.String()
}
