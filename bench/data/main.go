// Command data times loading and preparing MNIST-sized data with package
// datasets (compiled Go, what notebook cells call): decode the gzipped IDX
// files, scale pixels to float32, standardise per feature, one-hot the
// labels and make a shuffled 90/10 train/validation split. It prints one
// JSON object with the best time of each stage over the repeats.
//
//	go run ./bench/data -dir MNIST_DIR [-repeats 3]
//
// MNIST_DIR holds train-images-idx3-ubyte.gz and friends, e.g. written by
// datasets/internal/testfiles/mirror.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/igo-kernel/igo/datasets/formats"
	"github.com/igo-kernel/igo/datasets/prep"
)

func main() {
	dir := flag.String("dir", "", "directory with the MNIST IDX files")
	repeats := flag.Int("repeats", 3, "runs; the best time of each stage is reported")
	flag.Parse()
	best := map[string]float64{}
	var examples int
	for range *repeats {
		times, n, err := pipeline(*dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "data:", err)
			os.Exit(1)
		}
		examples = n
		for stage, ms := range times {
			if old, ok := best[stage]; !ok || ms < old {
				best[stage] = ms
			}
		}
	}
	line, _ := json.Marshal(map[string]any{"tool": "igo datasets (Go)", "examples": examples, "ms": best})
	fmt.Println(string(line))
}

func decode(path string, images bool) (*tensors.Tensor, error) {
	r, err := formats.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if images {
		return formats.DecodeIDXImages(r, filepath.Base(path), 0)
	}
	return formats.DecodeIDXLabels(r, filepath.Base(path), 0)
}

// pipeline runs every stage once and returns each stage's milliseconds.
func pipeline(dir string) (map[string]float64, int, error) {
	times := map[string]float64{}
	start := time.Now()
	lap := func(stage string) {
		now := time.Now()
		times[stage] = float64(now.Sub(start).Microseconds()) / 1000
		start = now
	}
	total := time.Now()
	x, err := decode(filepath.Join(dir, "train-images-idx3-ubyte.gz"), true)
	if err != nil {
		return nil, 0, err
	}
	y, err := decode(filepath.Join(dir, "train-labels-idx1-ubyte.gz"), false)
	if err != nil {
		return nil, 0, err
	}
	xTest, err := decode(filepath.Join(dir, "t10k-images-idx3-ubyte.gz"), true)
	if err != nil {
		return nil, 0, err
	}
	if _, err := decode(filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"), false); err != nil {
		return nil, 0, err
	}
	lap("decode")
	xf, err := prep.ToFloat32(x, 1.0/255)
	if err != nil {
		return nil, 0, err
	}
	xTestF, err := prep.ToFloat32(xTest, 1.0/255)
	if err != nil {
		return nil, 0, err
	}
	lap("to_float32")
	xf, _, _, err = prep.Standardize(xf, xTestF)
	if err != nil {
		return nil, 0, err
	}
	lap("standardize")
	oneHot, err := prep.OneHot(y, 10)
	if err != nil {
		return nil, 0, err
	}
	lap("one_hot")
	if _, _, _, _, err := prep.TrainTestSplit(xf, oneHot, 0.1, false, 1); err != nil {
		return nil, 0, err
	}
	lap("shuffle_split")
	times["total"] = float64(time.Since(total).Microseconds()) / 1000
	return times, x.Shape().Dimensions[0], nil
}
