//go:build unix

package cmd

import (
	"os"
	"syscall"
)

// detached returns a file that writes where f does, on a descriptor of its own when f is the process's
// stderr: a write to descriptor 1 or 2 that meets a closed pipe kills the process with SIGPIPE (Go's rule
// for them), one to another descriptor returns the error. Otherwise f itself, and nil to close.
func detached(f *os.File) (*os.File, func() error) {
	if f != os.Stderr {
		return f, nil
	}
	fd, err := syscall.Dup(int(f.Fd()))
	if err != nil {
		return f, nil
	}
	syscall.CloseOnExec(fd)
	d := os.NewFile(uintptr(fd), f.Name())
	return d, d.Close
}
