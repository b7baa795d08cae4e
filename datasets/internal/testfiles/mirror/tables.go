package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// class describes one class of a synthetic table: how many rows, and each
// feature's mean and spread.
type class struct {
	n          int
	mean, std  []float64
	decimals   []int
	correlated float64 // weight of a per-row factor shared by all features
}

// table writes scikit-learn's CSV layout: "N,F,class names", then the
// features and the integer class of each row, classes interleaved.
func table(seed uint64, names []string, classes []class) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	total := 0
	for _, c := range classes {
		total += c.n
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d,%d,%s\n", total, len(classes[0].mean), strings.Join(names, ","))
	left := make([]int, len(classes))
	for i, c := range classes {
		left[i] = c.n
	}
	for row := 0; row < total; row++ {
		k := row % len(classes)
		for left[k] == 0 {
			k = (k + 1) % len(classes)
		}
		left[k]--
		c := classes[k]
		z := rng.NormFloat64()
		w := math.Sqrt(1 - c.correlated*c.correlated)
		for f := range c.mean {
			v := c.mean[f] + c.std[f]*(c.correlated*z+w*rng.NormFloat64())
			v = math.Max(v, c.mean[f]*0.05) // measurements stay positive
			fmt.Fprintf(&b, "%.*f,", c.decimals[f], v)
		}
		fmt.Fprintf(&b, "%d\n", k)
	}
	return []byte(b.String())
}

func repeat(v, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// Iris has the real set's class sizes and per-class means and spreads.
func Iris() []byte {
	d := repeat(1, 4)
	return table(11, []string{"setosa", "versicolor", "virginica"}, []class{
		{50, []float64{5.01, 3.43, 1.46, 0.25}, []float64{0.35, 0.38, 0.17, 0.11}, d, 0.4},
		{50, []float64{5.94, 2.77, 4.26, 1.33}, []float64{0.52, 0.31, 0.47, 0.2}, d, 0.6},
		{50, []float64{6.59, 2.97, 5.55, 2.03}, []float64{0.64, 0.32, 0.55, 0.27}, d, 0.5},
	})
}

// Wine has the real set's class sizes and approximate per-class statistics.
func Wine() []byte {
	d := []int{2, 2, 2, 1, 0, 2, 2, 2, 2, 2, 2, 2, 0}
	return table(12, []string{"class_0", "class_1", "class_2"}, []class{
		{59, []float64{13.74, 2.01, 2.46, 17.04, 106.3, 2.84, 2.98, 0.29, 1.9, 5.53, 1.06, 3.16, 1116},
			[]float64{0.46, 0.69, 0.23, 2.55, 10.5, 0.34, 0.4, 0.07, 0.41, 1.24, 0.12, 0.36, 221}, d, 0.8},
		{71, []float64{12.28, 1.93, 2.24, 20.24, 94.5, 2.26, 2.08, 0.36, 1.63, 3.09, 1.06, 2.79, 520},
			[]float64{0.54, 1.02, 0.32, 3.35, 16.8, 0.55, 0.7, 0.12, 0.6, 0.92, 0.2, 0.5, 158}, d, 0.8},
		{48, []float64{13.15, 3.33, 2.44, 21.42, 99.3, 1.68, 0.78, 0.45, 1.15, 7.4, 0.68, 1.68, 630},
			[]float64{0.53, 1.09, 0.18, 2.26, 10.9, 0.36, 0.29, 0.12, 0.41, 2.31, 0.11, 0.27, 115}, d, 0.8},
	})
}

// BreastCancer has the real set's class sizes (212 malignant, 357 benign)
// and approximate means of its ten nucleus measurements; the "error" and
// "worst" columns follow from them, as in the real set.
func BreastCancer() []byte {
	expand := func(m []float64) []float64 {
		out := append([]float64(nil), m...)
		for _, v := range m {
			out = append(out, v*0.12)
		}
		for _, v := range m {
			out = append(out, v*1.22)
		}
		return out
	}
	d := repeat(4, 30)
	mMean := []float64{17.46, 21.6, 115.4, 978.4, 0.103, 0.145, 0.161, 0.088, 0.193, 0.0627}
	mStd := []float64{3.2, 3.8, 21.9, 368, 0.0126, 0.054, 0.075, 0.034, 0.0276, 0.0076}
	bMean := []float64{12.15, 17.9, 78.1, 462.8, 0.0925, 0.08, 0.046, 0.0257, 0.174, 0.0629}
	bStd := []float64{1.78, 4.0, 11.8, 134, 0.0134, 0.034, 0.043, 0.0159, 0.0248, 0.0067}
	return table(13, []string{"malignant", "benign"}, []class{
		{212, expand(mMean), expand(mStd), d, 0.9},
		{357, expand(bMean), expand(bStd), d, 0.9},
	})
}
