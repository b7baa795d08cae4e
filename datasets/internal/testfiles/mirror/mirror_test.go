package main

import (
	"testing"

	"github.com/igo-kernel/igo/datasets"
	"github.com/igo-kernel/igo/datasets/fetch"
	"github.com/igo-kernel/igo/datasets/prep"
)

// TestMirrorLoadsEveryDataset writes a small mirror and loads every
// built-in dataset from it through the real loaders and sums.
func TestMirrorLoadsEveryDataset(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, Files(60, 20, 5000)); err != nil {
		t.Fatal(err)
	}
	f := &fetch.Fetcher{Dir: t.TempDir(), Mirror: dir}
	for _, info := range datasets.Catalog() {
		d, err := datasets.Load(info.Name, datasets.Options{Fetcher: f})
		if err != nil {
			t.Fatalf("%s: %v", info.Name, err)
		}
		if d.Train.Len() == 0 || d.Test.Len() == 0 {
			t.Fatalf("%s: empty split: %s", info.Name, d)
		}
		if d.Train.Y == nil {
			continue // text
		}
		counts, err := prep.ClassCounts(d.Train.Y, d.NumClasses())
		if err != nil {
			t.Fatal(err)
		}
		for k, c := range counts {
			if c == 0 {
				t.Errorf("%s: class %d has no training examples: %v", info.Name, k, counts)
			}
		}
	}
}

// TestGeneratedDataIsDeterministic guards the cache: a second run must
// produce the same bytes, or cached files would fail their sums.
func TestGeneratedDataIsDeterministic(t *testing.T) {
	a, b := Files(30, 10, 2000), Files(30, 10, 2000)
	for name := range a {
		if string(a[name]) != string(b[name]) {
			t.Errorf("%s differs between runs", name)
		}
	}
}

// TestTablesSeparateClasses checks the tabular stand-ins carry signal: the
// class means of the first feature differ as in the real sets.
func TestTablesSeparateClasses(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, Files(10, 10, 1000)); err != nil {
		t.Fatal(err)
	}
	f := &fetch.Fetcher{Dir: t.TempDir(), Mirror: dir}
	d, err := datasets.Load("breast-cancer", datasets.Options{Fetcher: f})
	if err != nil {
		t.Fatal(err)
	}
	x := d.Train.X.Value().([][]float32)
	y, _ := prep.Labels(d.Train.Y)
	var sum [2]float64
	var n [2]int
	for i, row := range x {
		sum[y[i]] += float64(row[0])
		n[y[i]]++
	}
	malignant, benign := sum[0]/float64(n[0]), sum[1]/float64(n[1])
	if malignant < benign+3 {
		t.Fatalf("mean radius: malignant %.2f, benign %.2f; want malignant clearly larger", malignant, benign)
	}
}
