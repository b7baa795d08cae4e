// Package slices is IGo's implementation of the standard slices package
// for the interpreter (see package genstd). Sorting is a stable bottom-up
// merge sort: no recursion, so each function stays self-contained.
package slices

import "github.com/igo-kernel/igo/runtime/lower/genstd/cmp"

// All iterates over index-value pairs of s.
func All[Slice ~[]E, E any](s Slice) func(yield func(int, E) bool) {
	return func(yield func(int, E) bool) {
		for i, v := range s {
			if !yield(i, v) {
				return
			}
		}
	}
}

// Backward iterates over index-value pairs of s from the end.
func Backward[Slice ~[]E, E any](s Slice) func(yield func(int, E) bool) {
	return func(yield func(int, E) bool) {
		for i := len(s) - 1; i >= 0; i-- {
			if !yield(i, s[i]) {
				return
			}
		}
	}
}

// Values iterates over the elements of s.
func Values[Slice ~[]E, E any](s Slice) func(yield func(E) bool) {
	return func(yield func(E) bool) {
		for _, v := range s {
			if !yield(v) {
				return
			}
		}
	}
}

// AppendSeq appends the values of seq to s.
func AppendSeq[Slice ~[]E, E any](s Slice, seq func(yield func(E) bool)) Slice {
	seq(func(v E) bool {
		s = append(s, v)
		return true
	})
	return s
}

// Collect gathers the values of seq into a new slice.
func Collect[E any](seq func(yield func(E) bool)) []E {
	var s []E
	seq(func(v E) bool {
		s = append(s, v)
		return true
	})
	return s
}

// Chunk iterates over consecutive sub-slices of up to n elements.
func Chunk[Slice ~[]E, E any](s Slice, n int) func(yield func(Slice) bool) {
	if n < 1 {
		panic("cannot be less than 1")
	}
	return func(yield func(Slice) bool) {
		for i := 0; i < len(s); i += n {
			end := i + n
			if end > len(s) {
				end = len(s)
			}
			if !yield(s[i:end:end]) {
				return
			}
		}
	}
}

// Sort sorts s in increasing order (NaNs first).
func Sort[S ~[]E, E cmp.Ordered](x S) {
	less := func(a, b E) bool { return a < b || (a != a && b == b) }
	n := len(x)
	buf := make([]E, n)
	src, dst := x[:n:n], buf
	for i := 0; i < n; i += 8 {
		hi := i + 8
		if hi > n {
			hi = n
		}
		for j := i + 1; j < hi; j++ {
			for k := j; k > i && less(src[k], src[k-1]); k-- {
				src[k], src[k-1] = src[k-1], src[k]
			}
		}
	}
	for width := 8; width < n; width *= 2 {
		for lo := 0; lo < n; lo += 2 * width {
			mid, hi := lo+width, lo+2*width
			if mid > n {
				mid = n
			}
			if hi > n {
				hi = n
			}
			a, b, o := lo, mid, lo
			for a < mid && b < hi {
				if less(src[b], src[a]) {
					dst[o] = src[b]
					b++
				} else {
					dst[o] = src[a]
					a++
				}
				o++
			}
			o += copy(dst[o:], src[a:mid])
			copy(dst[o:], src[b:hi])
		}
		src, dst = dst, src
	}
	if n > 0 && &src[0] != &x[0] {
		copy(x, src)
	}
}

// SortFunc sorts s by cmp.
func SortFunc[S ~[]E, E any](x S, cmp func(a, b E) int) {
	less := func(a, b E) bool { return cmp(a, b) < 0 }
	n := len(x)
	buf := make([]E, n)
	src, dst := x[:n:n], buf
	for i := 0; i < n; i += 8 {
		hi := i + 8
		if hi > n {
			hi = n
		}
		for j := i + 1; j < hi; j++ {
			for k := j; k > i && less(src[k], src[k-1]); k-- {
				src[k], src[k-1] = src[k-1], src[k]
			}
		}
	}
	for width := 8; width < n; width *= 2 {
		for lo := 0; lo < n; lo += 2 * width {
			mid, hi := lo+width, lo+2*width
			if mid > n {
				mid = n
			}
			if hi > n {
				hi = n
			}
			a, b, o := lo, mid, lo
			for a < mid && b < hi {
				if less(src[b], src[a]) {
					dst[o] = src[b]
					b++
				} else {
					dst[o] = src[a]
					a++
				}
				o++
			}
			o += copy(dst[o:], src[a:mid])
			copy(dst[o:], src[b:hi])
		}
		src, dst = dst, src
	}
	if n > 0 && &src[0] != &x[0] {
		copy(x, src)
	}
}

// SortStableFunc sorts s by cmp, keeping equal elements in order.
func SortStableFunc[S ~[]E, E any](x S, cmp func(a, b E) int) {
	less := func(a, b E) bool { return cmp(a, b) < 0 }
	n := len(x)
	buf := make([]E, n)
	src, dst := x[:n:n], buf
	for i := 0; i < n; i += 8 {
		hi := i + 8
		if hi > n {
			hi = n
		}
		for j := i + 1; j < hi; j++ {
			for k := j; k > i && less(src[k], src[k-1]); k-- {
				src[k], src[k-1] = src[k-1], src[k]
			}
		}
	}
	for width := 8; width < n; width *= 2 {
		for lo := 0; lo < n; lo += 2 * width {
			mid, hi := lo+width, lo+2*width
			if mid > n {
				mid = n
			}
			if hi > n {
				hi = n
			}
			a, b, o := lo, mid, lo
			for a < mid && b < hi {
				if less(src[b], src[a]) {
					dst[o] = src[b]
					b++
				} else {
					dst[o] = src[a]
					a++
				}
				o++
			}
			o += copy(dst[o:], src[a:mid])
			copy(dst[o:], src[b:hi])
		}
		src, dst = dst, src
	}
	if n > 0 && &src[0] != &x[0] {
		copy(x, src)
	}
}

// Sorted collects seq into a sorted slice.
func Sorted[E cmp.Ordered](seq func(yield func(E) bool)) []E {
	var x []E
	seq(func(v E) bool {
		x = append(x, v)
		return true
	})
	less := func(a, b E) bool { return a < b || (a != a && b == b) }
	n := len(x)
	buf := make([]E, n)
	src, dst := x[:n:n], buf
	for i := 0; i < n; i += 8 {
		hi := i + 8
		if hi > n {
			hi = n
		}
		for j := i + 1; j < hi; j++ {
			for k := j; k > i && less(src[k], src[k-1]); k-- {
				src[k], src[k-1] = src[k-1], src[k]
			}
		}
	}
	for width := 8; width < n; width *= 2 {
		for lo := 0; lo < n; lo += 2 * width {
			mid, hi := lo+width, lo+2*width
			if mid > n {
				mid = n
			}
			if hi > n {
				hi = n
			}
			a, b, o := lo, mid, lo
			for a < mid && b < hi {
				if less(src[b], src[a]) {
					dst[o] = src[b]
					b++
				} else {
					dst[o] = src[a]
					a++
				}
				o++
			}
			o += copy(dst[o:], src[a:mid])
			copy(dst[o:], src[b:hi])
		}
		src, dst = dst, src
	}
	if n > 0 && &src[0] != &x[0] {
		copy(x, src)
	}
	return x
}

// SortedFunc collects seq into a slice sorted by cmp.
func SortedFunc[E any](seq func(yield func(E) bool), cmp func(E, E) int) []E {
	var x []E
	seq(func(v E) bool {
		x = append(x, v)
		return true
	})
	less := func(a, b E) bool { return cmp(a, b) < 0 }
	n := len(x)
	buf := make([]E, n)
	src, dst := x[:n:n], buf
	for i := 0; i < n; i += 8 {
		hi := i + 8
		if hi > n {
			hi = n
		}
		for j := i + 1; j < hi; j++ {
			for k := j; k > i && less(src[k], src[k-1]); k-- {
				src[k], src[k-1] = src[k-1], src[k]
			}
		}
	}
	for width := 8; width < n; width *= 2 {
		for lo := 0; lo < n; lo += 2 * width {
			mid, hi := lo+width, lo+2*width
			if mid > n {
				mid = n
			}
			if hi > n {
				hi = n
			}
			a, b, o := lo, mid, lo
			for a < mid && b < hi {
				if less(src[b], src[a]) {
					dst[o] = src[b]
					b++
				} else {
					dst[o] = src[a]
					a++
				}
				o++
			}
			o += copy(dst[o:], src[a:mid])
			copy(dst[o:], src[b:hi])
		}
		src, dst = dst, src
	}
	if n > 0 && &src[0] != &x[0] {
		copy(x, src)
	}
	return x
}

// SortedStableFunc collects seq into a slice stably sorted by cmp.
func SortedStableFunc[E any](seq func(yield func(E) bool), cmp func(E, E) int) []E {
	var x []E
	seq(func(v E) bool {
		x = append(x, v)
		return true
	})
	less := func(a, b E) bool { return cmp(a, b) < 0 }
	n := len(x)
	buf := make([]E, n)
	src, dst := x[:n:n], buf
	for i := 0; i < n; i += 8 {
		hi := i + 8
		if hi > n {
			hi = n
		}
		for j := i + 1; j < hi; j++ {
			for k := j; k > i && less(src[k], src[k-1]); k-- {
				src[k], src[k-1] = src[k-1], src[k]
			}
		}
	}
	for width := 8; width < n; width *= 2 {
		for lo := 0; lo < n; lo += 2 * width {
			mid, hi := lo+width, lo+2*width
			if mid > n {
				mid = n
			}
			if hi > n {
				hi = n
			}
			a, b, o := lo, mid, lo
			for a < mid && b < hi {
				if less(src[b], src[a]) {
					dst[o] = src[b]
					b++
				} else {
					dst[o] = src[a]
					a++
				}
				o++
			}
			o += copy(dst[o:], src[a:mid])
			copy(dst[o:], src[b:hi])
		}
		src, dst = dst, src
	}
	if n > 0 && &src[0] != &x[0] {
		copy(x, src)
	}
	return x
}

// IsSorted reports whether x is sorted in increasing order.
func IsSorted[S ~[]E, E cmp.Ordered](x S) bool {
	for i := len(x) - 1; i > 0; i-- {
		if x[i] < x[i-1] || (x[i] != x[i] && x[i-1] == x[i-1]) {
			return false
		}
	}
	return true
}

// IsSortedFunc reports whether x is sorted by cmp.
func IsSortedFunc[S ~[]E, E any](x S, cmp func(a, b E) int) bool {
	for i := len(x) - 1; i > 0; i-- {
		if cmp(x[i], x[i-1]) < 0 {
			return false
		}
	}
	return true
}

// BinarySearch finds target in sorted x: its position and whether found.
func BinarySearch[S ~[]E, E cmp.Ordered](x S, target E) (int, bool) {
	lo, hi := 0, len(x)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if x[m] < target || (x[m] != x[m] && target == target) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(x) && (x[lo] == target || (x[lo] != x[lo] && target != target))
}

// BinarySearchFunc is BinarySearch with cmp.
func BinarySearchFunc[S ~[]E, E, T any](x S, target T, cmp func(E, T) int) (int, bool) {
	lo, hi := 0, len(x)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if cmp(x[m], target) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(x) && cmp(x[lo], target) == 0
}

// Min returns the smallest element; it panics on an empty slice.
func Min[S ~[]E, E cmp.Ordered](x S) E {
	if len(x) < 1 {
		panic("slices.Min: empty list")
	}
	m := x[0]
	for _, v := range x[1:] {
		if v < m || v != v {
			m = v
		}
	}
	return m
}

// MinFunc returns the first smallest element by cmp.
func MinFunc[S ~[]E, E any](x S, cmp func(a, b E) int) E {
	if len(x) < 1 {
		panic("slices.MinFunc: empty list")
	}
	m := x[0]
	for _, v := range x[1:] {
		if cmp(v, m) < 0 {
			m = v
		}
	}
	return m
}

// Max returns the largest element; it panics on an empty slice.
func Max[S ~[]E, E cmp.Ordered](x S) E {
	if len(x) < 1 {
		panic("slices.Max: empty list")
	}
	m := x[0]
	for _, v := range x[1:] {
		if v > m || v != v {
			m = v
		}
	}
	return m
}

// MaxFunc returns the first largest element by cmp.
func MaxFunc[S ~[]E, E any](x S, cmp func(a, b E) int) E {
	if len(x) < 1 {
		panic("slices.MaxFunc: empty list")
	}
	m := x[0]
	for _, v := range x[1:] {
		if cmp(v, m) > 0 {
			m = v
		}
	}
	return m
}

// Equal reports whether two slices hold equal elements.
func Equal[S ~[]E, E comparable](s1, s2 S) bool {
	if len(s1) != len(s2) {
		return false
	}
	for i := range s1 {
		if s1[i] != s2[i] {
			return false
		}
	}
	return true
}

// EqualFunc is Equal with eq.
func EqualFunc[S1 ~[]E1, S2 ~[]E2, E1, E2 any](s1 S1, s2 S2, eq func(E1, E2) bool) bool {
	if len(s1) != len(s2) {
		return false
	}
	for i, v1 := range s1 {
		if !eq(v1, s2[i]) {
			return false
		}
	}
	return true
}

// Compare compares two slices element by element.
func Compare[S ~[]E, E cmp.Ordered](s1, s2 S) int {
	for i, v1 := range s1 {
		if i >= len(s2) {
			return +1
		}
		v2 := s2[i]
		xNaN, yNaN := v1 != v1, v2 != v2
		c := 0
		switch {
		case xNaN && yNaN:
		case xNaN:
			c = -1
		case yNaN:
			c = +1
		case v1 < v2:
			c = -1
		case v1 > v2:
			c = +1
		}
		if c != 0 {
			return c
		}
	}
	if len(s1) < len(s2) {
		return -1
	}
	return 0
}

// CompareFunc is Compare with cmp.
func CompareFunc[S1 ~[]E1, S2 ~[]E2, E1, E2 any](s1 S1, s2 S2, cmp func(E1, E2) int) int {
	for i, v1 := range s1 {
		if i >= len(s2) {
			return +1
		}
		if c := cmp(v1, s2[i]); c != 0 {
			return c
		}
	}
	if len(s1) < len(s2) {
		return -1
	}
	return 0
}

// Index returns the first index of v in s, or -1.
func Index[S ~[]E, E comparable](s S, v E) int {
	for i := range s {
		if v == s[i] {
			return i
		}
	}
	return -1
}

// IndexFunc returns the first index where f is true, or -1.
func IndexFunc[S ~[]E, E any](s S, f func(E) bool) int {
	for i := range s {
		if f(s[i]) {
			return i
		}
	}
	return -1
}

// Contains reports whether v is in s.
func Contains[S ~[]E, E comparable](s S, v E) bool {
	for i := range s {
		if v == s[i] {
			return true
		}
	}
	return false
}

// ContainsFunc reports whether f is true for some element.
func ContainsFunc[S ~[]E, E any](s S, f func(E) bool) bool {
	for i := range s {
		if f(s[i]) {
			return true
		}
	}
	return false
}

// Insert inserts vs at index i.
func Insert[S ~[]E, E any](s S, i int, v ...E) S {
	_ = s[i:] // bounds check
	r := make(S, 0, len(s)+len(v))
	r = append(r, s[:i]...)
	r = append(r, v...)
	return append(r, s[i:]...)
}

// Delete removes s[i:j], zeroing the freed tail.
func Delete[S ~[]E, E any](s S, i, j int) S {
	_ = s[i:j:len(s)] // bounds check
	if i == j {
		return s
	}
	oldlen := len(s)
	s = append(s[:i], s[j:]...)
	var zero E
	for k := len(s); k < oldlen; k++ {
		s[:oldlen][k] = zero
	}
	return s
}

// DeleteFunc removes the elements for which del is true.
func DeleteFunc[S ~[]E, E any](s S, del func(E) bool) S {
	out := s[:0]
	for _, v := range s {
		if !del(v) {
			out = append(out, v)
		}
	}
	var zero E
	for k := len(out); k < len(s); k++ {
		s[k] = zero
	}
	return out
}

// Replace replaces s[i:j] by v.
func Replace[S ~[]E, E any](s S, i, j int, v ...E) S {
	_ = s[i:j]
	r := make(S, 0, len(s)-(j-i)+len(v))
	r = append(r, s[:i]...)
	r = append(r, v...)
	r = append(r, s[j:]...)
	if len(r) <= len(s) {
		n := copy(s, r)
		var zero E
		for k := n; k < len(s); k++ {
			s[k] = zero
		}
		return s[:n]
	}
	return r
}

// Clone returns a copy of s (nil for nil).
func Clone[S ~[]E, E any](s S) S {
	if s == nil {
		return nil
	}
	return append(S([]E{}), s...)
}

// Compact replaces runs of equal elements by one copy.
func Compact[S ~[]E, E comparable](s S) S {
	if len(s) < 2 {
		return s
	}
	out := s[:1]
	for _, v := range s[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	var zero E
	for k := len(out); k < len(s); k++ {
		s[k] = zero
	}
	return out
}

// CompactFunc is Compact with eq.
func CompactFunc[S ~[]E, E any](s S, eq func(E, E) bool) S {
	if len(s) < 2 {
		return s
	}
	out := s[:1]
	for _, v := range s[1:] {
		if !eq(out[len(out)-1], v) {
			out = append(out, v)
		}
	}
	var zero E
	for k := len(out); k < len(s); k++ {
		s[k] = zero
	}
	return out
}

// Grow makes room for n more elements.
func Grow[S ~[]E, E any](s S, n int) S {
	if n < 0 {
		panic("cannot be negative")
	}
	if n -= cap(s) - len(s); n > 0 {
		s = append(s[:cap(s)], make([]E, n)...)[:len(s)]
	}
	return s
}

// Clip removes unused capacity.
func Clip[S ~[]E, E any](s S) S {
	return s[:len(s):len(s)]
}

// Reverse reverses s in place.
func Reverse[S ~[]E, E any](s S) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// Concat joins slices into a new one.
func Concat[S ~[]E, E any](ss ...S) S {
	n := 0
	for _, s := range ss {
		n += len(s)
	}
	r := make(S, 0, n)
	for _, s := range ss {
		r = append(r, s...)
	}
	if n == 0 {
		return nil
	}
	return r
}

// Repeat returns s repeated count times.
func Repeat[S ~[]E, E any](s S, count int) S {
	if count < 0 {
		panic("cannot be negative")
	}
	r := make(S, 0, len(s)*count)
	for i := 0; i < count; i++ {
		r = append(r, s...)
	}
	return r
}
