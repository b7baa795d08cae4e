package runtime

import "syscall"

// workerProcAttr makes the worker die with the kernel (no orphans) and
// keeps it out of the kernel's process group, so a Ctrl-C meant for the
// kernel does not kill it.
func workerProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
}
