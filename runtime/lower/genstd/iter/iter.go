// Package iter is IGo's implementation of the standard iter package for
// the interpreter (see package genstd). Pull runs the iterator in a
// goroutine; receives are written as plain statements, which yaegi
// handles (a receive inside a return or select case it does not).
package iter

// Seq is an iterator over single values.
type Seq[V any] func(yield func(V) bool)

// Seq2 is an iterator over pairs of values.
type Seq2[K, V any] func(yield func(K, V) bool)

// Pull turns a push iterator into next and stop functions.
func Pull[V any](seq func(yield func(V) bool)) (func() (V, bool), func()) {
	req := make(chan bool)
	out := make(chan V)
	fin := make(chan struct{})
	started, done := false, false
	var failure any
	failed := false
	run := func() {
		defer close(fin)
		defer func() {
			if r := recover(); r != nil {
				failure = r
				failed = true
			}
		}()
		defer close(out)
		more := <-req
		if !more {
			return
		}
		seq(func(v V) bool {
			out <- v
			more := <-req
			return more
		})
	}
	next := func() (V, bool) {
		var zero V
		if done {
			return zero, false
		}
		if !started {
			started = true
			go run()
		}
		select {
		case req <- true:
		case <-fin:
			done = true
			return zero, false
		}
		v, ok := <-out
		if ok {
			return v, true
		}
		<-fin
		done = true
		if failed {
			failed = false
			panic(failure)
		}
		return zero, false
	}
	stop := func() {
		if done {
			return
		}
		done = true
		if !started {
			return
		}
		select {
		case req <- false:
			<-fin
		case <-fin:
		}
		if failed {
			failed = false
			panic(failure)
		}
	}
	return next, stop
}

// Pull2 turns a push iterator over pairs into next and stop functions.
func Pull2[K, V any](seq func(yield func(K, V) bool)) (func() (K, V, bool), func()) {
	req := make(chan bool)
	outK := make(chan K)
	outV := make(chan V)
	fin := make(chan struct{})
	started, done := false, false
	var failure any
	failed := false
	run := func() {
		defer close(fin)
		defer func() {
			if r := recover(); r != nil {
				failure = r
				failed = true
			}
		}()
		defer close(outK)
		more := <-req
		if !more {
			return
		}
		seq(func(k K, v V) bool {
			outK <- k
			outV <- v
			more := <-req
			return more
		})
	}
	next := func() (K, V, bool) {
		var zk K
		var zv V
		if done {
			return zk, zv, false
		}
		if !started {
			started = true
			go run()
		}
		select {
		case req <- true:
		case <-fin:
			done = true
			return zk, zv, false
		}
		k, ok := <-outK
		if ok {
			v := <-outV
			return k, v, true
		}
		<-fin
		done = true
		if failed {
			failed = false
			panic(failure)
		}
		return zk, zv, false
	}
	stop := func() {
		if done {
			return
		}
		done = true
		if !started {
			return
		}
		select {
		case req <- false:
			<-fin
		case <-fin:
		}
		if failed {
			failed = false
			panic(failure)
		}
	}
	return next, stop
}
