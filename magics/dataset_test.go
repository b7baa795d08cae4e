package magics

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/igo-kernel/igo/datasets"
	"github.com/igo-kernel/igo/datasets/formats"
)

// datasetEnv records what a magic does.
type datasetEnv struct {
	stdout, stderr bytes.Buffer
	displays       []map[string]any
	bound          map[string]any
}

func (e *datasetEnv) Stdout() io.Writer { return &e.stdout }
func (e *datasetEnv) Stderr() io.Writer { return &e.stderr }
func (e *datasetEnv) Display(data, metadata map[string]any) {
	e.displays = append(e.displays, data)
}
func (e *datasetEnv) Bind(name string, value any) error {
	if e.bound == nil {
		e.bound = map[string]any{}
	}
	e.bound[name] = value
	return nil
}
func (e *datasetEnv) Run(code string) error { return fmt.Errorf("Run not expected") }

func runDataset(t *testing.T, args string) (*datasetEnv, error) {
	t.Helper()
	m, ok := Lookup("dataset")
	if !ok {
		t.Fatal("the dataset magic is not registered")
	}
	env := &datasetEnv{}
	return env, m.Line(env, args)
}

func dsGzip(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func dsIDX(dims []int, data []byte) []byte {
	var buf bytes.Buffer
	formats.EncodeIDX(&buf, dims, data)
	return dsGzip(buf.Bytes())
}

// useMirror points the loaders at a temporary mirror holding a tiny
// Fashion-MNIST and Iris, with a SHA256SUMS, and at a temporary cache.
func useDatasetMirror(t *testing.T) {
	mirror := t.TempDir()
	images := make([]byte, 12*28*28)
	labels := make([]byte, 12)
	for i := range labels {
		labels[i] = byte(i % 10)
		images[i*784+100] = 255
	}
	files := map[string][]byte{
		"fashion-mnist/train-images-idx3-ubyte.gz": dsIDX([]int{12, 28, 28}, images),
		"fashion-mnist/train-labels-idx1-ubyte.gz": dsIDX([]int{12}, labels),
		"fashion-mnist/t10k-images-idx3-ubyte.gz":  dsIDX([]int{2, 28, 28}, images[:2*784]),
		"fashion-mnist/t10k-labels-idx1-ubyte.gz":  dsIDX([]int{2}, labels[:2]),
		"iris/iris.csv": []byte("5,4,setosa,versicolor,virginica\n5.1,3.5,1.4,0.2,0\n4.9,3.0,1.4,0.2,0\n" +
			"7.0,3.2,4.7,1.4,1\n6.4,3.2,4.5,1.5,1\n6.3,3.3,6.0,2.5,2\n"),
	}
	var sums strings.Builder
	for rel, b := range files {
		p := filepath.Join(mirror, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, b, 0o644)
		h := sha256.Sum256(b)
		fmt.Fprintf(&sums, "%s  %s\n", hex.EncodeToString(h[:]), rel)
	}
	os.WriteFile(filepath.Join(mirror, "SHA256SUMS"), []byte(sums.String()), 0o644)
	t.Setenv("IGO_DATASETS_MIRROR", mirror)
	t.Setenv("IGO_DATA_DIR", t.TempDir())
}

func TestDatasetList(t *testing.T) {
	env, err := runDataset(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(env.displays) != 1 {
		t.Fatalf("%d displays", len(env.displays))
	}
	text := env.displays[0]["text/plain"].(string)
	for _, want := range []string{"mnist", "fashion-mnist", "cifar10", "iris", "wine", "breast-cancer", "tiny-shakespeare", "170.1 MB", "MIT"} {
		if !strings.Contains(text, want) {
			t.Errorf("listing lacks %q:\n%s", want, text)
		}
	}
}

func TestDatasetInfoAndUnknownName(t *testing.T) {
	env, err := runDataset(t, "info wine")
	if err != nil || !strings.Contains(env.displays[0]["text/plain"].(string), "proline") {
		t.Fatalf("%v %v", err, env.displays)
	}
	_, err = runDataset(t, "load fashon-mnist")
	if err == nil || !strings.Contains(err.Error(), `did you mean "fashion-mnist"`) {
		t.Fatalf("got %v", err)
	}
}

func TestDatasetLoadImagesBindsAndPreviews(t *testing.T) {
	useDatasetMirror(t)
	env, err := runDataset(t, "load fashion-mnist --split train --limit 10")
	if err != nil {
		t.Fatal(err)
	}
	d, ok := env.bound["fashionMnist"].(*datasets.Dataset)
	if !ok {
		t.Fatalf("bound %v", env.bound)
	}
	if d.Train.Len() != 10 || d.Test != nil || d.Classes[9] != "Ankle boot" {
		t.Fatalf("%s", d)
	}
	if len(env.displays) != 2 || !strings.Contains(env.displays[0]["text/html"].(string), "Ankle boot") {
		t.Fatalf("displays %v", env.displays)
	}
	raw, err := base64.StdEncoding.DecodeString(env.displays[1]["image/png"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(raw)); err != nil {
		t.Fatalf("preview is not a PNG: %v", err)
	}
	if !strings.Contains(env.stderr.String(), "Downloading train-images-idx3-ubyte.gz") {
		t.Fatalf("no download message on stderr: %q", env.stderr.String())
	}
}

func TestDatasetLoadTableWithFlags(t *testing.T) {
	useDatasetMirror(t)
	env, err := runDataset(t, "load iris --as=flowers --split all")
	if err != nil {
		t.Fatal(err)
	}
	d := env.bound["flowers"].(*datasets.Dataset)
	if d.Train.Len()+d.Test.Len() != 5 {
		t.Fatalf("%s", d)
	}
	if html := env.displays[1]["text/html"].(string); !strings.Contains(html, "<table>") || !strings.Contains(html, "sepal length") {
		t.Fatalf("table preview: %s", html)
	}
}

func TestParseLoadArgs(t *testing.T) {
	a, err := parseLoadArgs(strings.Fields("tiny-shakespeare --limit 5 --split=test"))
	if err != nil || a.name != "tiny-shakespeare" || a.as != "tinyShakespeare" || a.limit != 5 || a.split != "test" {
		t.Fatalf("%+v %v", a, err)
	}
	for _, bad := range []string{"", "mnist --as 1x", "mnist --limit -3", "mnist --bogus 1", "mnist --as", "mnist extra"} {
		if _, err := parseLoadArgs(strings.Fields(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if varName("cifar10") != "cifar10" || varName("10k") != "ds10k" {
		t.Fatal(varName("10k"))
	}
	if _, err := runDataset(t, "frobnicate"); err == nil {
		t.Fatal("unknown subcommand accepted")
	}
}
