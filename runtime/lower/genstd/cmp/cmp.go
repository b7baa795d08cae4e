// Package cmp is IGo's implementation of the standard cmp package for the
// interpreter (see package genstd).
package cmp

// Ordered is a constraint for types that support the < operator.
type Ordered interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 |
		~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr |
		~float32 | ~float64 |
		~string
}

// Compare returns -1, 0 or +1; a NaN is less than any other value and
// equal to another NaN.
func Compare[T Ordered](x, y T) int {
	xNaN, yNaN := x != x, y != y
	if xNaN {
		if yNaN {
			return 0
		}
		return -1
	}
	if yNaN {
		return +1
	}
	if x < y {
		return -1
	}
	if x > y {
		return +1
	}
	return 0
}

// Less reports whether x < y, with NaN less than any other value.
func Less[T Ordered](x, y T) bool {
	return (x != x && y == y) || x < y
}

// Or returns the first of its arguments that is not the zero value.
func Or[T comparable](vals ...T) T {
	var zero T
	for _, v := range vals {
		if v != zero {
			return v
		}
	}
	return zero
}
