package formats

import (
	"archive/zip"
	"encoding/binary"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
)

var npyDTypes = map[string]dtypes.DType{
	"f4": dtypes.Float32, "f8": dtypes.Float64,
	"i1": dtypes.Int8, "i2": dtypes.Int16, "i4": dtypes.Int32, "i8": dtypes.Int64,
	"u1": dtypes.Uint8, "u2": dtypes.Uint16, "u4": dtypes.Uint32, "u8": dtypes.Uint64,
	"b1": dtypes.Bool,
}

var (
	npyDescr   = regexp.MustCompile(`'descr'\s*:\s*'([<>|=])([a-z]\d+)'`)
	npyFortran = regexp.MustCompile(`'fortran_order'\s*:\s*(True|False)`)
	npyShape   = regexp.MustCompile(`'shape'\s*:\s*\(([^)]*)\)`)
)

// ReadNPY decodes a NumPy .npy array (little-endian numeric or bool, C
// order) into a tensor of the same dtype and shape.
func ReadNPY(r io.Reader, name string) (*tensors.Tensor, error) {
	cr := &countingReader{r: r}
	var pre [8]byte
	if _, err := io.ReadFull(cr, pre[:]); err != nil {
		return nil, fmt.Errorf("%s: truncated NPY preamble at byte offset %d", name, cr.n)
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return nil, fmt.Errorf("%s: not an NPY file: magic % x at byte offset 0", name, pre[:6])
	}
	var hlen int
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(cr, b[:]); err != nil {
			return nil, fmt.Errorf("%s: truncated NPY preamble at byte offset %d", name, cr.n)
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(cr, b[:]); err != nil {
			return nil, fmt.Errorf("%s: truncated NPY preamble at byte offset %d", name, cr.n)
		}
		hlen = int(binary.LittleEndian.Uint32(b[:]))
	default:
		return nil, fmt.Errorf("%s: NPY version %d.%d at byte offset 6 is not supported", name, pre[6], pre[7])
	}
	if hlen > 1<<20 {
		return nil, fmt.Errorf("%s: implausible NPY header length %d", name, hlen)
	}
	hdr := make([]byte, hlen)
	hdrAt := cr.n
	if _, err := io.ReadFull(cr, hdr); err != nil {
		return nil, fmt.Errorf("%s: truncated NPY header at byte offset %d", name, hdrAt)
	}
	h := string(hdr)
	d := npyDescr.FindStringSubmatch(h)
	if d == nil {
		return nil, fmt.Errorf("%s: NPY header at byte offset %d has no readable 'descr': %q", name, hdrAt, strings.TrimSpace(h))
	}
	dtype, ok := npyDTypes[d[2]]
	if !ok || d[1] == ">" {
		return nil, fmt.Errorf("%s: NPY dtype %q is not supported (little-endian numbers and bool are)", name, d[1]+d[2])
	}
	if f := npyFortran.FindStringSubmatch(h); f != nil && f[1] == "True" {
		return nil, fmt.Errorf("%s: Fortran-ordered NPY arrays are not supported; save with np.ascontiguousarray", name)
	}
	s := npyShape.FindStringSubmatch(h)
	if s == nil {
		return nil, fmt.Errorf("%s: NPY header at byte offset %d has no readable 'shape'", name, hdrAt)
	}
	var dims []int
	for _, p := range strings.Split(s[1], ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("%s: bad NPY shape %q", name, s[1])
		}
		dims = append(dims, v)
	}
	t := tensors.FromShape(shapes.Make(dtype, dims...))
	rowSize := int(t.Shape().ByteSize())
	if len(dims) > 0 && dims[0] > 0 {
		rowSize /= dims[0]
	}
	bodyAt := cr.n
	var readErr error
	if err := t.MutableBytes(func(data []byte) {
		readErr = readBody(cr, data, name, max(rowSize, 1), bodyAt)
	}); err != nil {
		return nil, err
	}
	if readErr != nil {
		return nil, readErr
	}
	return t, nil
}

// ReadNPZ decodes every array of a NumPy .npz archive, keyed by name
// without the .npy suffix, and lists the names in archive order.
func ReadNPZ(path string) (map[string]*tensors.Tensor, []string, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	defer zr.Close()
	out := map[string]*tensors.Tensor{}
	var names []string
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".npy") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %s: %w", path, f.Name, err)
		}
		t, err := ReadNPY(rc, path+":"+f.Name)
		rc.Close()
		if err != nil {
			return nil, nil, err
		}
		key := strings.TrimSuffix(f.Name, ".npy")
		out[key] = t
		names = append(names, key)
	}
	return out, names, nil
}

// ReadNPYFile decodes a .npy file.
func ReadNPYFile(path string) (*tensors.Tensor, error) {
	r, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return ReadNPY(r, path)
}
