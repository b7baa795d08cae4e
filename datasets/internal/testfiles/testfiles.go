// Package testfiles writes small synthetic files in the real upstream
// formats (gzipped IDX, CIFAR-10 binary tar.gz, NPY), so tests and
// benchmarks exercise the real decoders without a network.
package testfiles

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// Gzip compresses b.
func Gzip(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// IDX encodes unsigned bytes with the given dimensions as an IDX file.
func IDX(dims []int, data []byte) []byte {
	out := []byte{0, 0, 0x08, byte(len(dims))}
	for _, d := range dims {
		out = binary.BigEndian.AppendUint32(out, uint32(d))
	}
	return append(out, data...)
}

// MNISTLike returns gzipped IDX images (n x 28 x 28) and labels whose
// pixels are a function of the index and label, so decoders can be checked.
func MNISTLike(n int, seed uint64) (images, labels []byte) {
	rng := rand.New(rand.NewPCG(seed, 1))
	px := make([]byte, n*28*28)
	lb := make([]byte, n)
	for i := range n {
		lb[i] = byte(i % 10)
		for p := range 28 * 28 {
			if rng.IntN(4) == 0 {
				px[i*784+p] = byte(rng.IntN(256))
			}
		}
		px[i*784] = lb[i] // first pixel carries the label
	}
	return Gzip(IDX([]int{n, 28, 28}, px)), Gzip(IDX([]int{n}, lb))
}

// CIFARRecords returns n CIFAR-10 binary records: label i%10, red plane
// filled with the label, green with i%256, blue with 255.
func CIFARRecords(n, offset int) []byte {
	const plane = 1024
	out := make([]byte, 0, n*(1+3*plane))
	for i := range n {
		label := byte((i + offset) % 10)
		out = append(out, label)
		out = append(out, bytes.Repeat([]byte{label}, plane)...)
		out = append(out, bytes.Repeat([]byte{byte(i + offset)}, plane)...)
		out = append(out, bytes.Repeat([]byte{255}, plane)...)
	}
	return out
}

// CIFARClasses are CIFAR-10's class names, as in batches.meta.txt.
var CIFARClasses = []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"}

type member struct {
	name string
	data []byte
}

// CIFARArchive builds a cifar-10-binary.tar.gz like upstream's: five
// training batches of perBatch records, a test batch and batches.meta.txt.
func CIFARArchive(perBatch, test int) []byte {
	var members []member
	for b := 1; b <= 5; b++ {
		members = append(members, member{fmt.Sprintf("data_batch_%d.bin", b), CIFARRecords(perBatch, (b-1)*perBatch)})
	}
	return cifarTarGz(append(members, member{"test_batch.bin", CIFARRecords(test, 0)}))
}

// CIFARArchiveFrom builds an archive whose five training batches and test
// batch all hold the given records.
func CIFARArchiveFrom(records []byte) []byte {
	var members []member
	for b := 1; b <= 5; b++ {
		members = append(members, member{fmt.Sprintf("data_batch_%d.bin", b), records})
	}
	return cifarTarGz(append(members, member{"test_batch.bin", records}))
}

func cifarTarGz(batches []member) []byte {
	members := append([]member{{"batches.meta.txt", []byte(strings.Join(CIFARClasses, "\n") + "\n\n")}}, batches...)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: "cifar-10-batches-bin/", Typeflag: tar.TypeDir, Mode: 0o755})
	for _, m := range members {
		tw.WriteHeader(&tar.Header{Name: "cifar-10-batches-bin/" + m.name, Size: int64(len(m.data)), Mode: 0o644})
		tw.Write(m.data)
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

// NPYFloat32 encodes a float32 array of the given shape as NPY version 1.
func NPYFloat32(dims []int, data []float32) []byte {
	var shape []string
	for _, d := range dims {
		shape = append(shape, fmt.Sprint(d))
	}
	s := strings.Join(shape, ", ")
	if len(dims) == 1 {
		s += ","
	}
	header := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }", s)
	for (10+len(header)+1)%64 != 0 {
		header += " "
	}
	header += "\n"
	out := []byte("\x93NUMPY\x01\x00")
	out = binary.LittleEndian.AppendUint16(out, uint16(len(header)))
	out = append(out, header...)
	for _, v := range data {
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(v))
	}
	return out
}
