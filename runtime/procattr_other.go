//go:build !linux

package runtime

import "syscall"

// workerProcAttr keeps the worker out of the kernel's process group.
func workerProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
