package datasets

import (
	"fmt"
	"sort"
	"strings"

	"github.com/igo-kernel/igo/datasets/fetch"
)

// Info describes a built-in dataset.
type Info struct {
	Name        string // what %dataset load takes
	Title       string
	Task        string
	Licence     string
	Description string
	Size        int64 // bytes to download
	Splits      string
	Classes     []string
	Features    []string
	Files       []fetch.File
	format      string
}

// Task names.
const (
	TaskImages = "image classification"
	TaskTable  = "tabular classification"
	TaskText   = "language modelling (characters)"
)

var digits = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

func idxFiles(group, base string, sums [4]string, sizes [4]int64) []fetch.File {
	names := []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}
	var out []fetch.File
	for i, n := range names {
		out = append(out, fetch.File{Name: n, Group: group, URLs: []string{base + n}, SHA256: sums[i], Size: sizes[i]})
	}
	return out
}

// The tabular sets are scikit-learn's CSV copies of the UCI files, pinned at
// a release tag; their first row is "N,F,class names...".
const sklearnData = "https://raw.githubusercontent.com/scikit-learn/scikit-learn/1.5.2/sklearn/datasets/data/"

// Sums and sizes below come from TensorFlow Datasets' url_checksums
// (MNIST, Fashion-MNIST, CIFAR-10, Tiny Shakespeare) and from the files in
// scikit-learn 1.5.2's release (Iris, Wine, Breast Cancer).
var catalog = []Info{
	{
		Name: "mnist", Title: "MNIST handwritten digits", Task: TaskImages,
		Licence:     "CC BY-SA 3.0",
		Description: "70,000 grey 28x28 images of handwritten digits 0-9 (60,000 train, 10,000 test).",
		Splits:      "train 60000, test 10000", Classes: digits, format: "idx",
		Files: idxFiles("mnist", "https://storage.googleapis.com/cvdf-datasets/mnist/",
			[4]string{
				"440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
				"3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
				"8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
				"f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
			}, [4]int64{9912422, 28881, 1648877, 4542}),
	},
	{
		Name: "fashion-mnist", Title: "Fashion-MNIST clothing images", Task: TaskImages,
		Licence:     "MIT",
		Description: "70,000 grey 28x28 images of clothing in 10 classes, a harder drop-in for MNIST.",
		Splits:      "train 60000, test 10000", format: "idx",
		Classes: []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"},
		Files: idxFiles("fashion-mnist", "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
			[4]string{
				"3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
				"a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
				"346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
				"67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
			}, [4]int64{26421880, 29515, 4422102, 5148}),
	},
	{
		Name: "cifar10", Title: "CIFAR-10 tiny colour images", Task: TaskImages,
		Licence:     "no explicit licence; cite the CIFAR-10 technical report (2009)",
		Description: "60,000 colour 32x32 images in 10 classes (50,000 train, 10,000 test).",
		Splits:      "train 50000, test 10000", format: "cifar",
		Classes: []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"},
		Files: []fetch.File{{Name: "cifar-10-binary.tar.gz", Group: "cifar10",
			URLs:   []string{"https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"},
			SHA256: "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd", Size: 170052171}},
	},
	{
		Name: "iris", Title: "Iris flowers", Task: TaskTable,
		Licence:     "CC BY 4.0 (UCI); scikit-learn copy BSD-3-Clause",
		Description: "150 flowers, 4 measurements, 3 species. No upstream split: a stratified 80/20 split with seed 0.",
		Splits:      "train 120, test 30", format: "sklearn",
		Features: []string{"sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"},
		Files: []fetch.File{{Name: "iris.csv", Group: "iris", URLs: []string{sklearnData + "iris.csv"},
			SHA256: "f13ffa8fdd56fd8e6c8d16d4081a3fbd3114bcd0aae4256c43205169cd9d1449", Size: 2734}},
	},
	{
		Name: "wine", Title: "Wine recognition", Task: TaskTable,
		Licence:     "CC BY 4.0 (UCI); scikit-learn copy BSD-3-Clause",
		Description: "178 wines, 13 chemical measurements, 3 cultivars. Stratified 80/20 split with seed 0.",
		Splits:      "train 142, test 36", format: "sklearn",
		Features: []string{"alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids",
			"nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue", "od280/od315_of_diluted_wines", "proline"},
		Files: []fetch.File{{Name: "wine_data.csv", Group: "wine", URLs: []string{sklearnData + "wine_data.csv"},
			SHA256: "10e8a802908b34f86e5da8ce962f3c806694bc98450a18f61851af59f324bede", Size: 11157}},
	},
	{
		Name: "breast-cancer", Title: "Breast Cancer Wisconsin (diagnostic)", Task: TaskTable,
		Licence:     "CC BY 4.0 (UCI); scikit-learn copy BSD-3-Clause",
		Description: "569 tumours, 30 features of cell nuclei, malignant or benign. Stratified 80/20 split with seed 0.",
		Splits:      "train 455, test 114", format: "sklearn",
		Features: breastCancerFeatures(),
		Files: []fetch.File{{Name: "breast_cancer.csv", Group: "breast-cancer", URLs: []string{sklearnData + "breast_cancer.csv"},
			SHA256: "fed3eb72d0575ef6192293f5093c6e801b1476b577d0386bf4455504522172ed", Size: 119913}},
	},
	{
		Name: "tiny-shakespeare", Title: "Tiny Shakespeare", Task: TaskText,
		Licence:     "public domain text (the char-rnn selection is MIT)",
		Description: "1.1 MB of Shakespeare's plays for character-level language models; first 90% train, last 10% test.",
		Splits:      "train 1003854 chars, test 111540 chars", format: "text",
		Files: []fetch.File{{Name: "shakespeare.txt", Group: "tiny-shakespeare",
			URLs:   []string{"https://storage.googleapis.com/download.tensorflow.org/data/shakespeare.txt"},
			SHA256: "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed", Size: 1115394}},
	},
}

func breastCancerFeatures() []string {
	base := []string{"radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity",
		"concave points", "symmetry", "fractal dimension"}
	var out []string
	for _, prefix := range []string{"mean %s", "%s error", "worst %s"} {
		for _, b := range base {
			out = append(out, fmt.Sprintf(prefix, b))
		}
	}
	return out
}

func init() {
	for i := range catalog {
		for _, f := range catalog[i].Files {
			catalog[i].Size += f.Size
		}
	}
}

// Catalog lists the built-in datasets, sorted by name.
func Catalog() []Info {
	out := append([]Info(nil), catalog...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// normalise folds case and separators: "Fashion_MNIST" finds fashion-mnist.
func normalise(s string) string {
	return strings.NewReplacer("-", "", "_", "", " ", "", ".", "").Replace(strings.ToLower(s))
}

// Lookup finds a built-in dataset by name, ignoring case and separators.
// An unknown name gives an error suggesting the closest known one.
func Lookup(name string) (Info, error) {
	for _, in := range catalog {
		if normalise(in.Name) == normalise(name) {
			return in, nil
		}
	}
	var names []string
	for _, in := range Catalog() {
		names = append(names, in.Name)
	}
	return Info{}, fmt.Errorf("unknown dataset %q; did you mean %q? Known: %s", name, Closest(name), strings.Join(names, ", "))
}

// Closest is the built-in dataset name nearest to name by edit distance.
func Closest(name string) string {
	best, bestD := "", -1
	for _, in := range Catalog() {
		if d := EditDistance(normalise(name), normalise(in.Name)); bestD < 0 || d < bestD {
			best, bestD = in.Name, d
		}
	}
	return best
}

// EditDistance is the Levenshtein distance between a and b (in runes).
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
