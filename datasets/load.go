package datasets

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/igo-kernel/igo/datasets/fetch"
	"github.com/igo-kernel/igo/datasets/formats"
	"github.com/igo-kernel/igo/datasets/prep"
)

// Options configures Load. The zero value loads every split from the
// default cache, configured from the environment.
type Options struct {
	Split    string             // "train", "test" or "all" ("" means all)
	Limit    int                // at most this many examples per split (0: all)
	Fetcher  *fetch.Fetcher     // nil: fetch.New() (IGO_DATA_DIR, IGO_DATASETS_MIRROR)
	Context  context.Context    // nil: context.Background()
	Progress fetch.ProgressFunc // nil: the hook set by SetProgress, if any
	Log      io.Writer          // download messages and a text progress bar
}

var (
	hookMu sync.Mutex
	hook   fetch.ProgressFunc
)

// SetProgress installs a download progress hook used when Options.Progress
// is nil (for instance by a notebook front end that draws a bar).
func SetProgress(fn func(done, total int64)) {
	hookMu.Lock()
	defer hookMu.Unlock()
	hook = fn
}

func progressHook() fetch.ProgressFunc {
	hookMu.Lock()
	defer hookMu.Unlock()
	return hook
}

// Load downloads (once), verifies and decodes a built-in dataset.
func Load(name string, opts Options) (*Dataset, error) {
	info, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	split := strings.ToLower(opts.Split)
	if split == "" {
		split = "all"
	}
	if split != "train" && split != "test" && split != "all" {
		return nil, fmt.Errorf("unknown split %q: want train, test or all", opts.Split)
	}
	f := opts.Fetcher
	if f == nil {
		if f, err = fetch.New(); err != nil {
			return nil, err
		}
	}
	if opts.Progress != nil || opts.Log != nil || progressHook() != nil {
		// A new Fetcher, so a shared one keeps its own hooks.
		f = &fetch.Fetcher{Dir: f.Dir, Mirror: f.Mirror, Client: f.Client, Progress: f.Progress, Log: f.Log}
		if opts.Progress != nil {
			f.Progress = opts.Progress
		} else if h := progressHook(); h != nil && f.Progress == nil {
			f.Progress = h
		}
		if opts.Log != nil {
			f.Log = opts.Log
		}
	}
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	wantTrain, wantTest := split != "test", split != "train"
	paths := map[string]string{}
	for _, file := range info.Files {
		if info.format == "idx" && !wantTrain && strings.HasPrefix(file.Name, "train") ||
			info.format == "idx" && !wantTest && strings.HasPrefix(file.Name, "t10k") {
			continue
		}
		p, err := f.Fetch(ctx, file)
		if err != nil {
			return nil, err
		}
		paths[file.Name] = p
	}
	d := &Dataset{Name: info.Name, Title: info.Title, Task: info.Task, Licence: info.Licence,
		Classes: info.Classes, Features: info.Features}
	switch info.format {
	case "idx":
		err = d.loadIDX(paths, wantTrain, wantTest, opts.Limit)
	case "cifar":
		err = d.loadCIFAR(paths["cifar-10-binary.tar.gz"], wantTrain, wantTest, opts.Limit)
	case "sklearn":
		err = d.loadSklearn(paths[info.Files[0].Name], wantTrain, wantTest, opts.Limit)
	case "text":
		err = d.loadText(paths[info.Files[0].Name], wantTrain, wantTest, opts.Limit)
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

func decodeFile(path string, fn func(r io.Reader, name string) (*tensors.Tensor, error)) (*tensors.Tensor, error) {
	r, err := formats.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return fn(r, path)
}

func (d *Dataset) loadIDX(paths map[string]string, train, test bool, limit int) error {
	load := func(split, prefix string) (*Split, error) {
		x, err := decodeFile(paths[prefix+"-images-idx3-ubyte.gz"], func(r io.Reader, n string) (*tensors.Tensor, error) {
			return formats.DecodeIDXImages(r, n, limit)
		})
		if err != nil {
			return nil, err
		}
		y, err := decodeFile(paths[prefix+"-labels-idx1-ubyte.gz"], func(r io.Reader, n string) (*tensors.Tensor, error) {
			return formats.DecodeIDXLabels(r, n, limit)
		})
		if err != nil {
			return nil, err
		}
		if nx, ny := x.Shape().Dimensions[0], y.Shape().Dimensions[0]; nx != ny {
			return nil, fmt.Errorf("%s: %d images but %d labels", split, nx, ny)
		}
		return &Split{Name: split, X: x, Y: y}, nil
	}
	var err error
	if train {
		if d.Train, err = load("train", "train"); err != nil {
			return err
		}
	}
	if test {
		if d.Test, err = load("test", "t10k"); err != nil {
			return err
		}
	}
	return nil
}

func (d *Dataset) loadCIFAR(path string, train, test bool, limit int) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	c, err := formats.DecodeCIFAR10(bufio.NewReaderSize(fh, 1<<20), path, train, test, limit)
	if err != nil {
		return err
	}
	if len(c.Classes) == 10 {
		d.Classes = c.Classes
	}
	if c.Train != nil {
		d.Train = &Split{Name: "train", X: c.Train.X, Y: c.Train.Y}
	}
	if c.Test != nil {
		d.Test = &Split{Name: "test", X: c.Test.X, Y: c.Test.Y}
	}
	return nil
}

// loadSklearn reads scikit-learn's CSV layout: a first row "N,F,class
// names...", then F feature columns and an integer target per row. The
// split is stratified 80/20 with seed 0, since upstream has none.
func (d *Dataset) loadSklearn(path string, train, test bool, limit int) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	first, rest, _ := strings.Cut(string(raw), "\n")
	head := strings.Split(strings.TrimSpace(first), ",")
	if len(head) < 3 {
		return fmt.Errorf("%s line 1: want \"N,F,class names\", got %q", path, first)
	}
	nRows, err1 := strconv.Atoi(head[0])
	nFeat, err2 := strconv.Atoi(head[1])
	if err1 != nil || err2 != nil {
		return fmt.Errorf("%s line 1: want \"N,F,class names\", got %q", path, first)
	}
	d.Classes = head[2:]
	names := append(append([]string(nil), d.Features...), "target")
	if len(d.Features) != nFeat {
		names = nil
		for i := range nFeat {
			names = append(names, fmt.Sprintf("f%d", i))
		}
		names = append(names, "target")
		d.Features = names[:nFeat]
	}
	body := strings.Join(quoteAll(names), ",") + "\n" + rest
	tab, err := formats.ReadCSV(strings.NewReader(body), path, formats.CSVOptions{})
	if err != nil {
		return err
	}
	if tab.Rows != nRows {
		return fmt.Errorf("%s: header says %d rows, found %d (truncated file?)", path, nRows, tab.Rows)
	}
	x, _, err := tab.Features([]string{"target"}, false)
	if err != nil {
		return err
	}
	target, _ := tab.Column("target")
	y := make([]int32, tab.Rows)
	for i, v := range target.Numbers {
		if v != float64(int(v)) || int(v) < 0 || int(v) >= len(d.Classes) {
			return fmt.Errorf("%s line %d: target %v is not a class index 0..%d", path, i+2, v, len(d.Classes)-1)
		}
		y[i] = int32(v)
	}
	d.table = tab
	return d.holdOut(x, tensors.FromFlatDataAndDimensions(y, tab.Rows, 1), 0.2, 0, train, test, limit)
}

func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strconv.Quote(n)
	}
	return out
}

// holdOut fills Train and Test from x, y with a seeded split, stratified
// when y holds integer labels.
func (d *Dataset) holdOut(x, y *tensors.Tensor, fraction float64, seed int64, train, test bool, limit int) error {
	stratify := y != nil && !y.DType().IsFloat()
	xTr, yTr, xTe, yTe, err := prep.TrainTestSplit(x, y, fraction, stratify, seed)
	if err != nil {
		return err
	}
	if train {
		if d.Train, err = limitSplit(&Split{Name: "train", X: xTr, Y: yTr}, limit); err != nil {
			return err
		}
	}
	if test {
		if d.Test, err = limitSplit(&Split{Name: "test", X: xTe, Y: yTe}, limit); err != nil {
			return err
		}
	}
	return nil
}

func limitSplit(s *Split, limit int) (*Split, error) {
	if limit <= 0 || limit >= s.Len() {
		return s, nil
	}
	idx := make([]int, limit)
	for i := range idx {
		idx[i] = i
	}
	x, y, err := takeXY(s.X, s.Y, idx)
	return &Split{Name: s.Name, X: x, Y: y}, err
}

func takeXY(x, y *tensors.Tensor, idx []int) (*tensors.Tensor, *tensors.Tensor, error) {
	xs, err := prep.Take(x, idx)
	if err != nil || y == nil {
		return xs, nil, err
	}
	ys, err := prep.Take(y, idx)
	return xs, ys, err
}

// loadText reads a text corpus: character vocabulary over the whole text,
// first 90% train, last 10% test, each as int32 ids [N].
func (d *Dataset) loadText(path string, train, test bool, limit int) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	d.Text = string(raw)
	d.Vocab = prep.CharVocab(d.Text)
	ids := d.Vocab.Encode(d.Text)
	cut := len(ids) * 9 / 10
	part := func(name string, p []int32) *Split {
		if limit > 0 && limit < len(p) {
			p = p[:limit]
		}
		return &Split{Name: name, X: tensors.FromFlatDataAndDimensions(p, len(p))}
	}
	if train {
		d.Train = part("train", ids[:cut])
	}
	if test {
		d.Test = part("test", ids[cut:])
	}
	return nil
}
