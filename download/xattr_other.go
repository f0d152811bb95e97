//go:build !(linux || darwin || freebsd || netbsd)

package download

import "errors"

// Systems without extended attributes hop can set (Windows, OpenBSD): --xattr fails with this, and a
// download keeps no validator to resume with, so -C resumes without If-Range.

func setxattr(string, string, []byte) error { return errors.ErrUnsupported }

func getxattr(string, string, []byte) (int, error) { return 0, errors.ErrUnsupported }
