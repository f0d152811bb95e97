//go:build linux || darwin || freebsd || netbsd

package download

import "golang.org/x/sys/unix"

// setxattr sets a file's extended attribute name (user.* on Linux) to value.
func setxattr(path, name string, value []byte) error { return unix.Setxattr(path, name, value, 0) }

// getxattr reads a file's extended attribute name into buf, returning its length.
func getxattr(path, name string, buf []byte) (int, error) { return unix.Getxattr(path, name, buf) }
