// Package runtime is IGo's Go session: a yaegi interpreter hosted in a
// worker process (`igo worker`), and the kernel-side Session that starts,
// feeds, interrupts and restarts it.
//
// Why a separate process: a panic in a goroutine, os.Exit, a runaway
// compiled loop or an out-of-memory must never take the kernel down. The
// kernel side reports what happened in the cell's error output and starts a
// fresh worker.
//
// The two processes talk JSON lines over a pair of pipes (fds 3 and 4 of the
// worker). The worker's own fds 1 and 2 are pipes read by the kernel side,
// so that output written straight to the file descriptors by compiled code
// (and a crashing worker's last words) still reach the cell.
package runtime
