package datasets

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/igo-kernel/igo/datasets/formats"
)

// FromTable makes a Dataset of all rows of a table, with target as the
// labels (a categorical target gives class names) and the other columns as
// float32 features; categorical features become indices, or one column per
// category with oneHot. Everything lands in Train: call HoldOut for a test
// split.
func FromTable(name string, tab *formats.Table, target string, oneHot bool) (*Dataset, error) {
	var exclude []string
	if target != "" {
		exclude = []string{target}
	}
	x, names, err := tab.Features(exclude, oneHot)
	if err != nil {
		return nil, err
	}
	d := &Dataset{Name: name, Title: tab.Source, Task: "table", Features: names, table: tab}
	var y *tensors.Tensor
	if target != "" {
		var classes []string
		if y, classes, err = tab.Target(target); err != nil {
			return nil, err
		}
		d.Classes = classes
		if classes != nil {
			d.Task = TaskTable
		} else {
			d.Task = "tabular regression"
		}
	}
	d.Train = &Split{Name: "train", X: x, Y: y}
	return d, nil
}

// LoadCSV reads a CSV or TSV file (see formats.CSVOptions) into a Dataset
// whose labels are the target column ("" for none).
func LoadCSV(path, target string, opts formats.CSVOptions, oneHot bool) (*Dataset, error) {
	tab, err := formats.ReadCSVFile(path, opts)
	if err != nil {
		return nil, err
	}
	return FromTable(baseName(path), tab, target, oneHot)
}

// LoadJSONL reads a JSON lines file into a Dataset whose labels are the
// target key ("" for none).
func LoadJSONL(path, target string, limit int, oneHot bool) (*Dataset, error) {
	tab, err := formats.ReadJSONLFile(path, limit)
	if err != nil {
		return nil, err
	}
	return FromTable(baseName(path), tab, target, oneHot)
}

// LoadImageFolder reads dir/CLASS/*.png|jpg|gif into a Dataset of uint8 RGB
// images resized to width x height (0, 0: all must share the first's size).
func LoadImageFolder(dir string, width, height int) (*Dataset, error) {
	f, err := formats.ReadImageFolder(dir, width, height)
	if err != nil {
		return nil, err
	}
	return &Dataset{Name: baseName(dir), Title: dir, Task: TaskImages, Classes: f.Classes,
		Train: &Split{Name: "train", X: f.X, Y: f.Y}}, nil
}

// LoadNPZ reads a NumPy .npz archive whose arrays xKey and yKey (yKey may
// be "") hold the inputs and integer labels.
func LoadNPZ(path, xKey, yKey string) (*Dataset, error) {
	arrays, names, err := formats.ReadNPZ(path)
	if err != nil {
		return nil, err
	}
	x, ok := arrays[xKey]
	if !ok {
		return nil, fmt.Errorf("%s: no array %q; arrays: %s", path, xKey, strings.Join(names, ", "))
	}
	d := &Dataset{Name: baseName(path), Title: path, Task: "arrays", Train: &Split{Name: "train", X: x}}
	if yKey != "" {
		y, ok := arrays[yKey]
		if !ok {
			return nil, fmt.Errorf("%s: no array %q; arrays: %s", path, yKey, strings.Join(names, ", "))
		}
		d.Train.Y = y
	}
	return d, nil
}

func baseName(path string) string {
	b := filepath.Base(path)
	for _, ext := range []string{".gz", ".csv", ".tsv", ".jsonl", ".json", ".npz"} {
		b = strings.TrimSuffix(b, ext)
	}
	return b
}

// HoldOut moves a seeded random testFraction of Train into Test,
// stratified by class when the dataset has class labels.
func (d *Dataset) HoldOut(testFraction float64, seed int64) error {
	if d.Train == nil {
		return fmt.Errorf("%s: no train split to hold out from", d.Name)
	}
	if d.Test != nil {
		return fmt.Errorf("%s: already has a test split", d.Name)
	}
	return d.holdOut(d.Train.X, d.Train.Y, testFraction, seed, true, true, 0)
}
