package formats

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/igo-kernel/igo/datasets/internal/testfiles"
)

func gunzip(t *testing.T, b []byte) *gzip.Reader {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}

func TestIDXRoundTrip(t *testing.T) {
	imgs, lbls := testfiles.MNISTLike(25, 1)
	x, err := DecodeIDXImages(gunzip(t, imgs), "imgs", 0)
	if err != nil {
		t.Fatal(err)
	}
	y, err := DecodeIDXLabels(gunzip(t, lbls), "lbls", 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := x.Shape().Dimensions; len(got) != 4 || got[0] != 25 || got[1] != 28 || got[3] != 1 {
		t.Fatalf("image shape %v", x.Shape())
	}
	px := tensors.MustCopyFlatData[uint8](x)
	lb := tensors.MustCopyFlatData[int32](y)
	for i := range 25 {
		if lb[i] != int32(i%10) || px[i*784] != uint8(lb[i]) {
			t.Fatalf("example %d: label %d, first pixel %d", i, lb[i], px[i*784])
		}
	}
	// A limit reads only the first examples.
	x, _ = DecodeIDXImages(gunzip(t, imgs), "imgs", 7)
	if x.Shape().Dimensions[0] != 7 {
		t.Fatalf("limit ignored: %v", x.Shape())
	}
}

func TestIDXTruncatedSaysWhere(t *testing.T) {
	raw := testfiles.IDX([]int{10, 28, 28}, make([]byte, 10*784))
	cut := raw[:16+3*784+100]
	_, err := DecodeIDXImages(bytes.NewReader(cut), "train-images", 0)
	if err == nil || !strings.Contains(err.Error(), "train-images: truncated at byte offset 2468") || !strings.Contains(err.Error(), "record 3 of 10") {
		t.Fatalf("got %v", err)
	}
	_, err = DecodeIDXImages(bytes.NewReader([]byte("PK\x03\x04hello")), "zip", 0)
	if err == nil || !strings.Contains(err.Error(), "not an IDX file") {
		t.Fatalf("got %v", err)
	}
}

func TestCorruptGzipIsReported(t *testing.T) {
	imgs, _ := testfiles.MNISTLike(50, 2)
	bad := bytes.Clone(imgs)
	for i := len(bad) / 2; i < len(bad)/2+64; i++ {
		bad[i] ^= 0x5a
	}
	path := filepath.Join(t.TempDir(), "x.gz")
	os.WriteFile(path, bad, 0o644)
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = DecodeIDXImages(r, "x.gz", 0)
	if err == nil || !strings.Contains(err.Error(), "x.gz:") || !strings.Contains(err.Error(), "byte offset") {
		t.Fatalf("got %v", err)
	}
}

func TestCIFARArchive(t *testing.T) {
	arch := testfiles.CIFARArchive(4, 3)
	c, err := DecodeCIFAR10(bytes.NewReader(arch), "cifar", true, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	if c.Train.Len() != 20 || c.Test.Len() != 3 || len(c.Classes) != 10 || c.Classes[9] != "truck" {
		t.Fatalf("train %d, test %d, classes %v", c.Train.Len(), c.Test.Len(), c.Classes)
	}
	px := tensors.MustCopyFlatData[uint8](c.Train.X)
	lb := tensors.MustCopyFlatData[int32](c.Train.Y)
	for i := range 20 {
		p := px[i*3072 : (i+1)*3072]
		// Channels last: pixel k is (R, G, B) = (label, i, 255).
		if lb[i] != int32(i%10) || p[0] != byte(lb[i]) || p[1] != byte(i) || p[2] != 255 || p[3*500+1] != byte(i) {
			t.Fatalf("example %d: label %d, pixel %v", i, lb[i], p[:3])
		}
	}
	c, err = DecodeCIFAR10(bytes.NewReader(arch), "cifar", false, true, 2)
	if err != nil || c.Train != nil || c.Test.Len() != 2 {
		t.Fatalf("test-only with limit: %v %+v", err, c)
	}
}

func TestCIFARTruncated(t *testing.T) {
	arch := testfiles.CIFARArchive(4, 3)
	_, err := DecodeCIFAR10(bytes.NewReader(arch[:len(arch)/2]), "cifar-10-binary.tar.gz", true, true, 0)
	if err == nil || !strings.Contains(err.Error(), "cifar-10-binary.tar.gz") || !strings.Contains(err.Error(), "offset") {
		t.Fatalf("got %v", err)
	}
}

func TestCSVTypedColumns(t *testing.T) {
	src := "a,b,colour,y\n1,2.5,red,yes\n3,,blue,no\n5,6,red,yes\n"
	tab, err := ReadCSV(strings.NewReader(src), "t.csv", CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := tab.Column("b")
	colour, _ := tab.Column("colour")
	if b.Kind != Numeric || !math.IsNaN(b.Numbers[1]) || colour.Kind != Categorical || len(colour.Categories) != 2 {
		t.Fatalf("columns: %+v %+v", b, colour)
	}
	x, names, err := tab.Features([]string{"y"}, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a", "b", "colour=red", "colour=blue"}
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Fatalf("names %v", names)
	}
	flat := tensors.MustCopyFlatData[float32](x)
	if flat[4] != 3 || flat[6] != 0 || flat[7] != 1 {
		t.Fatalf("row 1 = %v", flat[4:8])
	}
	y, classes, err := tab.Target("y")
	if err != nil || len(classes) != 2 || tensors.MustCopyFlatData[int32](y)[1] != 1 {
		t.Fatalf("target: %v %v", classes, err)
	}
	if !strings.Contains(tab.HTML(2), "<td>blue</td>") {
		t.Fatal("HTML lacks a cell")
	}
	// A numeric-looking column read as categories on request; TSV.
	tab, err = ReadCSV(strings.NewReader("zip\tv\n101\t1\n202\t2\n"), "t.tsv", CSVOptions{Comma: '\t', Categorical: []string{"zip"}})
	if err != nil || tab.Columns[0].Kind != Categorical {
		t.Fatalf("%v %+v", err, tab)
	}
}

func TestCSVErrorsNameTheLine(t *testing.T) {
	_, err := ReadCSV(strings.NewReader("a,b\n1,2\n3,4\n5\n"), "ragged.csv", CSVOptions{})
	if err == nil || !strings.Contains(err.Error(), "ragged.csv line 4") {
		t.Fatalf("ragged: %v", err)
	}
	_, err = ReadCSV(strings.NewReader("a,b\n1,2\n3,4\n5,oops\n"), "text.csv", CSVOptions{})
	if err == nil || !strings.Contains(err.Error(), "text.csv line 4") || !strings.Contains(err.Error(), `"oops"`) {
		t.Fatalf("text in numeric: %v", err)
	}
}

func TestJSONL(t *testing.T) {
	src := `{"x": 1, "label": "cat", "ok": true}
{"x": 2.5, "label": "dog", "ok": false}

{"x": null, "label": "cat"}
`
	tab, err := ReadJSONL(strings.NewReader(src), "d.jsonl", 0)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := tab.Column("x")
	ok, _ := tab.Column("ok")
	if tab.Rows != 3 || !math.IsNaN(x.Numbers[2]) || ok.Numbers[0] != 1 || ok.Kind != Numeric {
		t.Fatalf("%+v", tab)
	}
	_, err = ReadJSONL(strings.NewReader("{\"x\": 1}\n{\"x\": \n"), "bad.jsonl", 0)
	if err == nil || !strings.Contains(err.Error(), "bad.jsonl line 2") {
		t.Fatalf("got %v", err)
	}
}

func TestNPYAndNPZ(t *testing.T) {
	data := []float32{1, 2, 3, 4, 5, 6}
	raw := testfiles.NPYFloat32([]int{2, 3}, data)
	x, err := ReadNPY(bytes.NewReader(raw), "a.npy")
	if err != nil {
		t.Fatal(err)
	}
	if d := x.Shape().Dimensions; len(d) != 2 || d[1] != 3 || tensors.MustCopyFlatData[float32](x)[5] != 6 {
		t.Fatalf("got %v", x)
	}
	_, err = ReadNPY(bytes.NewReader(raw[:len(raw)-5]), "a.npy")
	if err == nil || !strings.Contains(err.Error(), "truncated at byte offset") {
		t.Fatalf("got %v", err)
	}
	path := filepath.Join(t.TempDir(), "arrays.npz")
	fh, _ := os.Create(path)
	zw := zip.NewWriter(fh)
	w, _ := zw.Create("x.npy")
	w.Write(raw)
	w, _ = zw.Create("y.npy")
	w.Write(testfiles.NPYFloat32([]int{2}, []float32{7, 8}))
	zw.Close()
	fh.Close()
	arrays, names, err := ReadNPZ(path)
	if err != nil || len(names) != 2 || arrays["y"].Shape().Dimensions[0] != 2 {
		t.Fatalf("%v %v %v", arrays, names, err)
	}
}

func TestImageFolder(t *testing.T) {
	dir := t.TempDir()
	for ci, class := range []string{"cats", "dogs"} {
		os.MkdirAll(filepath.Join(dir, class), 0o755)
		for k := range 2 {
			img := image.NewRGBA(image.Rect(0, 0, 4+k*4, 4+k*4))
			for p := range img.Pix {
				img.Pix[p] = uint8(100 * ci)
			}
			for p := 3; p < len(img.Pix); p += 4 {
				img.Pix[p] = 255
			}
			img.Set(0, 0, color.RGBA{1, 2, 3, 255})
			fh, _ := os.Create(filepath.Join(dir, class, string(rune('a'+k))+".png"))
			png.Encode(fh, img)
			fh.Close()
		}
	}
	f, err := ReadImageFolder(dir, 4, 4)
	if err != nil {
		t.Fatal(err)
	}
	px := tensors.MustCopyFlatData[uint8](f.X)
	lb := tensors.MustCopyFlatData[int32](f.Y)
	if len(f.Classes) != 2 || f.Len() != 4 || lb[3] != 1 || px[0] != 1 || px[3*16*3+3] != 100 {
		t.Fatalf("classes %v, labels %v, pixels %v", f.Classes, lb, px[:6])
	}
	// Without a size, images of different sizes are an error naming the file.
	if _, err := ReadImageFolder(dir, 0, 0); err == nil || !strings.Contains(err.Error(), "b.png") {
		t.Fatalf("got %v", err)
	}
}
