package datasets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/igo-kernel/igo/datasets/fetch"
	"github.com/igo-kernel/igo/datasets/formats"
	"github.com/igo-kernel/igo/datasets/internal/testfiles"
)

const corpus = "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n"

// mirrorFiles are small files in the real upstream formats, by GROUP/NAME.
func mirrorFiles() map[string][]byte {
	trainImg, trainLbl := testfiles.MNISTLike(30, 1)
	testImg, testLbl := testfiles.MNISTLike(10, 2)
	files := map[string][]byte{
		"cifar10/cifar-10-binary.tar.gz":   testfiles.CIFARArchive(4, 5),
		"iris/iris.csv":                    []byte("6,4,setosa,versicolor,virginica\n5.1,3.5,1.4,0.2,0\n4.9,3.0,1.4,0.2,0\n7.0,3.2,4.7,1.4,1\n6.4,3.2,4.5,1.5,1\n6.3,3.3,6.0,2.5,2\n5.8,2.7,5.1,1.9,2\n"),
		"tiny-shakespeare/shakespeare.txt": []byte(corpus),
	}
	for _, g := range []string{"mnist", "fashion-mnist"} {
		files[g+"/train-images-idx3-ubyte.gz"] = trainImg
		files[g+"/train-labels-idx1-ubyte.gz"] = trainLbl
		files[g+"/t10k-images-idx3-ubyte.gz"] = testImg
		files[g+"/t10k-labels-idx1-ubyte.gz"] = testLbl
	}
	return files
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// writeMirror lays files out under dir, with a SHA256SUMS when sums is set.
func writeMirror(t *testing.T, dir string, files map[string][]byte, sums bool) {
	t.Helper()
	var list strings.Builder
	for rel, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&list, "%s  %s\n", sha(b), rel)
	}
	if sums {
		os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(list.String()), 0o644)
	}
}

func TestLoadMNISTFromDirectoryMirrorThenCache(t *testing.T) {
	mirror, cache := t.TempDir(), t.TempDir()
	writeMirror(t, mirror, mirrorFiles(), true)
	var log bytes.Buffer
	var lastDone int64
	opts := Options{Fetcher: &fetch.Fetcher{Dir: cache, Mirror: mirror}, Log: &log,
		Progress: func(done, total int64) { lastDone = done }}
	d, err := Load("MNIST", opts)
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Len() != 30 || d.Test.Len() != 10 || d.NumClasses() != 10 {
		t.Fatalf("%s", d)
	}
	if got := d.Train.X.Shape().Dimensions; got[1] != 28 || got[3] != 1 || d.Train.X.DType().String() != "Uint8" {
		t.Fatalf("X %s", d.Train.X.Shape())
	}
	px := tensors.MustCopyFlatData[uint8](d.Train.X)
	lb := tensors.MustCopyFlatData[int32](d.Train.Y)
	if lb[7] != 7 || px[7*784] != 7 {
		t.Fatalf("label %d, first pixel %d", lb[7], px[7*784])
	}
	if lastDone == 0 || !strings.Contains(log.String(), "Downloading train-images-idx3-ubyte.gz") {
		t.Fatalf("no progress: %d, %q", lastDone, log.String())
	}
	// The mirror's files are gone (its SHA256SUMS stays): the cache serves them.
	for _, g := range []string{"mnist", "fashion-mnist"} {
		os.RemoveAll(filepath.Join(mirror, g))
	}
	d, err = Load("mnist", Options{Fetcher: &fetch.Fetcher{Dir: cache, Mirror: mirror}, Split: "test", Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	if d.Train != nil || d.Test.Len() != 4 {
		t.Fatalf("split/limit ignored: %s", d)
	}
}

func TestLoadFromHTTPMirror(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	writeMirror(t, dir, mirrorFiles(), true)
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	f := &fetch.Fetcher{Dir: cache, Mirror: srv.URL}

	c, err := Load("cifar10", Options{Fetcher: f})
	if err != nil {
		t.Fatal(err)
	}
	if c.Train.Len() != 20 || c.Test.Len() != 5 || c.Classes[1] != "automobile" {
		t.Fatalf("%s", c)
	}
	balance, _ := c.ClassBalance("train")
	if balance[0] != 2 || balance[9] != 2 {
		t.Fatalf("balance %v", balance)
	}
	grid, err := c.ImageGrid("train", 12)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(grid))
	if err != nil || img.Bounds().Dx() < 10*64 || img.Bounds().Dy() < 2*64 {
		t.Fatalf("grid %v %v", img.Bounds(), err)
	}

	iris, err := Load("iris", Options{Fetcher: f})
	if err != nil {
		t.Fatal(err)
	}
	if iris.Train.Len()+iris.Test.Len() != 6 || iris.Train.X.Shape().Dimensions[1] != 4 || iris.Classes[2] != "virginica" {
		t.Fatalf("%s", iris)
	}
	tab, err := iris.TableHTML("train", 3)
	if err != nil || !strings.Contains(tab, "petal width (cm)") {
		t.Fatalf("%v %s", err, tab)
	}
	if s := iris.SummaryHTML(); !strings.Contains(s, "versicolor") {
		t.Fatalf("summary lacks class balance: %s", s)
	}

	text, err := Load("tiny_shakespeare", Options{Fetcher: f})
	if err != nil {
		t.Fatal(err)
	}
	head, _ := text.TextHead("train", 14)
	if head != "First Citizen:" || text.Train.Len()+text.Test.Len() != len(corpus) {
		t.Fatalf("head %q, sizes %d+%d", head, text.Train.Len(), text.Test.Len())
	}
	// Batches come from GoMLX's in-memory dataset.
	ds, err := c.Batches(gobackend.GetBackend(), "test", 2, true, 1)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for batch, err := range ds.Iter() {
		if err != nil {
			t.Fatal(err)
		}
		n += batch.Inputs[0].Shape().Dimensions[0]
	}
	if n != 5 {
		t.Fatalf("batches held %d examples, want 5", n)
	}
}

func TestUnknownNameSuggestsClosest(t *testing.T) {
	for typo, want := range map[string]string{"mnsit": "mnist", "fashion_mnst": "fashion-mnist", "cifar": "cifar10", "shakespear": "tiny-shakespeare"} {
		_, err := Load(typo, Options{})
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("did you mean %q", want)) {
			t.Errorf("%s: got %v", typo, err)
		}
	}
}

func TestMirrorWithoutSumsUsesPinnedSums(t *testing.T) {
	mirror, cache := t.TempDir(), t.TempDir()
	writeMirror(t, mirror, mirrorFiles(), false) // synthetic files do not match the pins
	_, err := Load("iris", Options{Fetcher: &fetch.Fetcher{Dir: cache, Mirror: mirror}})
	var ce *fetch.ChecksumError
	if !errors.As(err, &ce) || ce.File != "iris.csv" {
		t.Fatalf("want a checksum error for iris.csv, got %v", err)
	}
	if _, err := os.Stat(filepath.Join(cache, "iris", "iris.csv")); !os.IsNotExist(err) {
		t.Fatal("mismatching file left in the cache")
	}
}

func TestTruncatedFileSaysWhere(t *testing.T) {
	files := mirrorFiles()
	imgs := files["mnist/train-images-idx3-ubyte.gz"]
	raw, _ := gunzipAll(imgs)
	files["mnist/train-images-idx3-ubyte.gz"] = testfiles.Gzip(raw[:16+5*784+10])
	mirror := t.TempDir()
	writeMirror(t, mirror, files, true)
	_, err := Load("mnist", Options{Fetcher: &fetch.Fetcher{Dir: t.TempDir(), Mirror: mirror}})
	if err == nil || !strings.Contains(err.Error(), "train-images-idx3-ubyte.gz: truncated at byte offset 3946 (record 5 of 30)") {
		t.Fatalf("got %v", err)
	}
}

func TestLoadCSVAndHoldOut(t *testing.T) {
	var b strings.Builder
	b.WriteString("size,colour,kind\n")
	for i := range 20 {
		fmt.Fprintf(&b, "%d,%s,%s\n", i, []string{"red", "green"}[i%2], []string{"a", "b"}[i%2])
	}
	path := filepath.Join(t.TempDir(), "things.csv")
	os.WriteFile(path, []byte(b.String()), 0o644)
	d, err := LoadCSV(path, "kind", formats.CSVOptions{}, true)
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "things" || strings.Join(d.Features, ",") != "size,colour=red,colour=green" || len(d.Classes) != 2 {
		t.Fatalf("%+v", d)
	}
	if err := d.HoldOut(0.25, 1); err != nil {
		t.Fatal(err)
	}
	bal, _ := d.ClassBalance("test")
	// 10 per class, a quarter rounded: 3 of each class in test.
	if d.Train.Len() != 14 || bal[0] != 3 || bal[1] != 3 {
		t.Fatalf("train %d, test balance %v", d.Train.Len(), bal)
	}
}

func gunzipAll(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
