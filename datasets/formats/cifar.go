package formats

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
)

// CIFAR-10 binary records: one label byte, then 32x32 red, green and blue
// planes.
const (
	cifarSide       = 32
	cifarPlane      = cifarSide * cifarSide
	CIFARRecordSize = 1 + 3*cifarPlane
)

// Labeled is one split: inputs X and labels Y (int32, [N, 1]).
type Labeled struct {
	X, Y *tensors.Tensor
}

// Len is the number of examples.
func (l *Labeled) Len() int {
	if l == nil || l.X == nil {
		return 0
	}
	return l.X.Shape().Dimensions[0]
}

// CIFAR is a decoded CIFAR-10 binary archive.
type CIFAR struct {
	Train, Test *Labeled // nil when not asked for
	Classes     []string // from batches.meta.txt
}

// DecodeCIFAR10 reads the upstream cifar-10-binary.tar.gz stream: train
// comes from data_batch_*.bin, test from test_batch.bin. Images are uint8
// [N, 32, 32, 3] (channels last). limit > 0 keeps at most limit examples
// per split.
func DecodeCIFAR10(r io.Reader, name string, train, test bool, limit int) (*CIFAR, error) {
	cr := &countingReader{r: r}
	gz, err := gzip.NewReader(bufio.NewReaderSize(cr, 1<<16))
	if err != nil {
		return nil, fmt.Errorf("%s: corrupt gzip header: %w", name, err)
	}
	tr := tar.NewReader(gz)
	// Raw records per batch file, decoded once all are read so the batches
	// come out in file order whatever the archive's order.
	batches := map[string][]byte{}
	out := &CIFAR{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: corrupt archive near compressed byte offset %d: %w", name, cr.n, err)
		}
		base := path.Base(hdr.Name)
		isTrain := strings.HasPrefix(base, "data_batch_") && strings.HasSuffix(base, ".bin")
		isTest := base == "test_batch.bin"
		switch {
		case base == "batches.meta.txt":
			b, err := io.ReadAll(tr)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", name, base, err)
			}
			for _, line := range strings.Split(string(b), "\n") {
				if s := strings.TrimSpace(line); s != "" {
					out.Classes = append(out.Classes, s)
				}
			}
		case (isTrain && train) || (isTest && test):
			if hdr.Size%CIFARRecordSize != 0 {
				return nil, fmt.Errorf("%s: %s: size %d is not a whole number of %d-byte records", name, base, hdr.Size, CIFARRecordSize)
			}
			buf := make([]byte, hdr.Size)
			if n, err := io.ReadFull(tr, buf); err != nil {
				return nil, fmt.Errorf("%s: %s: truncated at byte offset %d of the member (record %d), near compressed byte offset %d: %v",
					name, base, n, n/CIFARRecordSize, cr.n, err)
			}
			batches[base] = buf
		}
	}
	var err2 error
	if train {
		if out.Train, err2 = cifarSplit(batches, name, "data_batch_", limit); err2 != nil {
			return nil, err2
		}
	}
	if test {
		if out.Test, err2 = cifarSplit(batches, name, "test_batch", limit); err2 != nil {
			return nil, err2
		}
	}
	return out, nil
}

func cifarSplit(batches map[string][]byte, archive, prefix string, limit int) (*Labeled, error) {
	var names []string
	for n := range batches {
		if strings.HasPrefix(n, prefix) {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no %s*.bin member in the archive", archive, prefix)
	}
	sort.Strings(names)
	var records [][]byte
	var from []string
	for _, n := range names {
		b := batches[n]
		for i := 0; i+CIFARRecordSize <= len(b); i += CIFARRecordSize {
			records = append(records, b[i:i+CIFARRecordSize])
			from = append(from, n)
		}
	}
	if limit > 0 && limit < len(records) {
		records = records[:limit]
	}
	l, bad := DecodeCIFARRecords(records)
	if bad >= 0 {
		return nil, fmt.Errorf("%s: %s: record %d has label %d, want 0..9", archive, from[bad], bad, records[bad][0])
	}
	return l, nil
}

// DecodeCIFARRecords turns CIFAR binary records into tensors, moving the
// colour planes to the last axis. It returns the index of the first record
// whose label is out of range, or -1.
func DecodeCIFARRecords(records [][]byte) (*Labeled, int) {
	n := len(records)
	x := tensors.FromShape(shapes.Make(dtypes.Uint8, n, cifarSide, cifarSide, 3))
	y := tensors.FromShape(shapes.Make(dtypes.Int32, n, 1))
	bad := -1
	x.MustMutableFlatData(func(flat any) {
		px := flat.([]uint8)
		for i, rec := range records {
			dst := px[i*3*cifarPlane : (i+1)*3*cifarPlane]
			r, g, b := rec[1:1+cifarPlane], rec[1+cifarPlane:1+2*cifarPlane], rec[1+2*cifarPlane:]
			for p := range cifarPlane {
				dst[3*p], dst[3*p+1], dst[3*p+2] = r[p], g[p], b[p]
			}
		}
	})
	tensors.MustMutableFlatData(y, func(flat []int32) {
		for i, rec := range records {
			if rec[0] > 9 && bad < 0 {
				bad = i
			}
			flat[i] = int32(rec[0])
		}
	})
	return &Labeled{X: x, Y: y}, bad
}
