// Package formats decodes dataset files into GoMLX tensors, in compiled Go:
// IDX (MNIST), CIFAR binary archives, CSV/TSV and JSON lines tables, NPY/NPZ
// arrays and folders of images. Every decoder names the file and the byte
// offset, line or record where bad input was found.
package formats

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
)

// countingReader counts the bytes read through it, so errors can say where.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// Open opens path, transparently decompressing gzip (detected by its magic
// bytes, not the file name).
func Open(path string) (io.ReadCloser, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(fh, 1<<16)
	magic, _ := br.Peek(2)
	if !bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		return readCloser{br, fh}, nil
	}
	gz, err := gzip.NewReader(br)
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("%s: corrupt gzip header: %w", path, err)
	}
	return readCloser{gz, fh}, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// idxHeader reads an IDX header: two zero bytes, a type code, the rank and
// one big-endian uint32 per dimension.
func idxHeader(r io.Reader, name string) (dims []int, err error) {
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, fmt.Errorf("%s: truncated IDX header at byte offset 0: %w", name, err)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("%s: not an IDX file: magic bytes % x at byte offset 0", name, magic)
	}
	if magic[2] != 0x08 {
		return nil, fmt.Errorf("%s: IDX data type 0x%02x at byte offset 2 is not supported (only unsigned bytes, 0x08)", name, magic[2])
	}
	rank := int(magic[3])
	if rank == 0 || rank > 4 {
		return nil, fmt.Errorf("%s: IDX rank %d at byte offset 3 is not supported", name, rank)
	}
	raw := make([]byte, 4*rank)
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, fmt.Errorf("%s: truncated IDX header at byte offset 4: %w", name, err)
	}
	for i := range rank {
		d := int(binary.BigEndian.Uint32(raw[4*i:]))
		if d == 0 || d > 1<<28 {
			return nil, fmt.Errorf("%s: implausible IDX dimension %d at byte offset %d", name, d, 4+4*i)
		}
		dims = append(dims, d)
	}
	return dims, nil
}

// readBody fills data from r, reporting a short read with the offset and the
// record it stopped in.
func readBody(r *countingReader, data []byte, name string, recordSize int, headerLen int64) error {
	n, err := io.ReadFull(r, data)
	if err == nil {
		return nil
	}
	offset := headerLen + int64(n)
	what := "truncated"
	if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		what = "corrupt"
	}
	return fmt.Errorf("%s: %s at byte offset %d (record %d of %d): %v", name, what, offset,
		n/recordSize, len(data)/recordSize, err)
}

// DecodeIDXImages decodes an IDX file of images ([N, H, W]) into a uint8
// tensor shaped [N, H, W, 1], reading at most limit images (0: all).
func DecodeIDXImages(r io.Reader, name string, limit int) (*tensors.Tensor, error) {
	cr := &countingReader{r: r}
	dims, err := idxHeader(cr, name)
	if err != nil {
		return nil, err
	}
	if len(dims) != 3 {
		return nil, fmt.Errorf("%s: want an IDX file of images (rank 3), got rank %d", name, len(dims))
	}
	if limit > 0 && limit < dims[0] {
		dims[0] = limit
	}
	t := tensors.FromShape(shapes.Make(dtypes.Uint8, dims[0], dims[1], dims[2], 1))
	headerLen := cr.n
	var readErr error
	if err := t.MutableBytes(func(data []byte) {
		readErr = readBody(cr, data, name, dims[1]*dims[2], headerLen)
	}); err != nil {
		return nil, err
	}
	if readErr != nil {
		return nil, readErr
	}
	return t, nil
}

// DecodeIDXLabels decodes an IDX file of labels ([N]) into an int32 tensor
// shaped [N, 1], reading at most limit labels (0: all).
func DecodeIDXLabels(r io.Reader, name string, limit int) (*tensors.Tensor, error) {
	cr := &countingReader{r: r}
	dims, err := idxHeader(cr, name)
	if err != nil {
		return nil, err
	}
	if len(dims) != 1 {
		return nil, fmt.Errorf("%s: want an IDX file of labels (rank 1), got rank %d", name, len(dims))
	}
	n := dims[0]
	if limit > 0 && limit < n {
		n = limit
	}
	raw := make([]byte, n)
	if err := readBody(cr, raw, name, 1, cr.n); err != nil {
		return nil, err
	}
	t := tensors.FromShape(shapes.Make(dtypes.Int32, n, 1))
	tensors.MustMutableFlatData(t, func(flat []int32) {
		for i, b := range raw {
			flat[i] = int32(b)
		}
	})
	return t, nil
}

// EncodeIDX writes data with the given dimensions as an IDX file of
// unsigned bytes (used to build test files and mirrors).
func EncodeIDX(w io.Writer, dims []int, data []byte) error {
	header := []byte{0, 0, 0x08, byte(len(dims))}
	for _, d := range dims {
		header = binary.BigEndian.AppendUint32(header, uint32(d))
	}
	if _, err := w.Write(header); err != nil {
		return err
	}
	_, err := w.Write(data)
	return err
}
