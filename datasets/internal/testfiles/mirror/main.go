// Command mirror writes a local dataset mirror for IGO_DATASETS_MIRROR: every
// built-in dataset's upstream files, in their real formats and under their
// upstream names, filled with synthetic but learnable data, plus a
// SHA256SUMS file that replaces the pinned sums.
//
// The data stands in for the real sets where there is no network (CI, this
// project's notebooks test): stroke-drawn digits for MNIST, clothing
// silhouettes for Fashion-MNIST, class-conditional Gaussians shaped like
// the real Iris, Wine and Breast Cancer tables, generated play-like text
// for Tiny Shakespeare, colour patterns for CIFAR-10. Output is
// deterministic, so a cache filled from one run stays valid for the next.
//
//	go run ./datasets/internal/testfiles/mirror -out DIR [-images N] [-text BYTES]
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/igo-kernel/igo/datasets/formats"
	"github.com/igo-kernel/igo/datasets/internal/testfiles"
)

func main() {
	out := flag.String("out", "", "directory to write the mirror into (created)")
	images := flag.Int("images", 60000, "training images for MNIST and Fashion-MNIST (test: a sixth)")
	cifar := flag.Int("cifar", 1000, "CIFAR-10 records per training batch (5 batches) and in the test batch")
	text := flag.Int("text", 1115394, "bytes of generated text for tiny-shakespeare")
	flag.Parse()
	if *out == "" {
		log.Fatal("mirror: -out DIR is required")
	}
	files := Files(*images, *cifar, *text)
	if err := Write(*out, files); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("mirror: %d files in %s\n", len(files), *out)
}

// Files builds every mirror file, keyed by its path in the mirror.
func Files(images, cifar, text int) map[string][]byte {
	files := map[string][]byte{}
	test := max(images/6, 10)
	for _, set := range []struct {
		group string
		draw  func(seed uint64, n int) (px, labels []byte)
	}{{"mnist", Digits}, {"fashion-mnist", Clothes}} {
		trX, trY := set.draw(1, images)
		teX, teY := set.draw(2, test)
		files[set.group+"/train-images-idx3-ubyte.gz"] = idx([]int{images, 28, 28}, trX)
		files[set.group+"/train-labels-idx1-ubyte.gz"] = idx([]int{images}, trY)
		files[set.group+"/t10k-images-idx3-ubyte.gz"] = idx([]int{test, 28, 28}, teX)
		files[set.group+"/t10k-labels-idx1-ubyte.gz"] = idx([]int{test}, teY)
	}
	files["cifar10/cifar-10-binary.tar.gz"] = testfiles.CIFARArchive(cifar, cifar)
	files["iris/iris.csv"] = Iris()
	files["wine/wine_data.csv"] = Wine()
	files["breast-cancer/breast_cancer.csv"] = BreastCancer()
	files["tiny-shakespeare/shakespeare.txt"] = Play(text)
	return files
}

func idx(dims []int, data []byte) []byte {
	var buf bytes.Buffer
	formats.EncodeIDX(&buf, dims, data)
	return testfiles.Gzip(buf.Bytes())
}

// Write stores files under dir with a SHA256SUMS listing them.
func Write(dir string, files map[string][]byte) error {
	var names []string
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	var sums strings.Builder
	for _, name := range names {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
		h := sha256.Sum256(files[name])
		fmt.Fprintf(&sums, "%s  %s\n", hex.EncodeToString(h[:]), name)
	}
	return os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(sums.String()), 0o644)
}
