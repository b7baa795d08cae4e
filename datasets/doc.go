// Package datasets loads well-known datasets (MNIST, Fashion-MNIST,
// CIFAR-10, Iris, Wine, Breast Cancer Wisconsin, Tiny Shakespeare) and
// user files (CSV/TSV, JSON lines, NPY/NPZ, image folders) into GoMLX
// tensors, in compiled Go. Files are downloaded once into a verified cache
// (package fetch), decoded by package formats and prepared with package prep.
// The %dataset magic is a thin layer over Catalog and Load.
//
// From a notebook cell:
//
//	d, err := datasets.Load("mnist", datasets.Options{})
//	x, _ := prep.ToFloat32(d.Train.X, 1.0/255) // uint8 [60000 28 28 1] -> float32
//	ds, _ := prep.InMemory(backend, "mnist", x, d.Train.Y, 64, true, true, 0)
//
// The cache is os.UserCacheDir()/igo/datasets, or IGO_DATA_DIR. Offline,
// IGO_DATASETS_MIRROR names a directory or base URL holding the upstream
// files, as NAME/FILE (e.g. fashion-mnist/train-images-idx3-ubyte.gz) or
// FILE; a SHA256SUMS file there (sha256sum format, paths as laid out)
// replaces the pinned sums.
//
// Splits hold images as uint8 [N, H, W, C], table features as float32
// [N, F], text as int32 character ids [N]; labels are int32 [N, 1]. The
// tabular sets have no upstream split: they get a stratified 80/20 split
// with seed 0.
//
// The exported API is non-generic so cells interpreted by yaegi can call it.
package datasets
