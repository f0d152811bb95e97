// Package argfile reads the files a user names on the command line that are not bodies (certificates,
// keys, secrets, certificate files to inspect): with a size bound, so that a path such as /dev/zero cannot
// exhaust memory, and with errors worded for a message that already names the file.
package argfile

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrTooLarge marks a file over the limit (its text is empty: the message says it already).
var ErrTooLarge = errors.New("")

// Read reads the file at path, failing when it holds more than limit bytes.
func Read(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Reason(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, Reason(err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %s, too large for this use%w", size(limit), ErrTooLarge)
	}
	return data, nil
}

// Reason words an os error without repeating the path the caller already names: "no such file",
// "permission denied", "is a directory".
func Reason(err error) error {
	var pe *os.PathError
	if !errors.As(err, &pe) {
		return err
	}
	switch {
	case errors.Is(err, os.ErrNotExist):
		return errors.New("no such file")
	case errors.Is(err, os.ErrPermission):
		return errors.New("permission denied")
	}
	return pe.Err
}

func size(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
