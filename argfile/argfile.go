// Package argfile reads the files a user names on the command line that are not bodies (certificates,
// keys, secrets, certificate files to inspect): with a size bound, so that a path such as /dev/zero cannot
// exhaust memory, and with errors worded for a message that already names the file. Target says how to
// write the files a user names for hop to write (-o, -c, session files), and WriteFile writes one whole.
package argfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrTooLarge marks a file over the limit (its text is empty: the message says it already).
var ErrTooLarge = errors.New("")

// Read reads the file at path, failing when it holds more than limit bytes. A regular file over the limit
// is refused by its size, unread.
func Read(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Reason(err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > limit {
		return nil, tooLarge(limit)
	}
	return ReadFrom(f, limit)
}

// readChunk is how much ReadFrom reads at a time past its first read.
const readChunk = 4 << 20

// ReadFrom reads r whole, refusing more than limit bytes, as Read reads a file (standard input named "-").
// It holds about as much as it read, in chunks joined at the end: io.ReadAll's buffer doubles as it
// grows, so /dev/zero, refused at 256 MiB, had held 600 MB. A small input is one read into one buffer.
func ReadFrom(r io.Reader, limit int64) ([]byte, error) {
	first, err := io.ReadAll(io.LimitReader(r, min(limit+1, readChunk)))
	if err != nil {
		return nil, Reason(err)
	}
	total := int64(len(first))
	if total < readChunk || total > limit { // all of it read, or too much already
		if total > limit {
			return nil, tooLarge(limit)
		}
		return first, nil
	}
	chunks := [][]byte{first}
	for total <= limit {
		c := make([]byte, min(readChunk, limit+1-total))
		n, err := io.ReadFull(r, c)
		chunks, total = append(chunks, c[:n]), total+int64(n)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, Reason(err)
		}
	}
	if total > limit {
		return nil, tooLarge(limit)
	}
	return bytes.Join(chunks, nil), nil
}

func tooLarge(limit int64) error {
	return fmt.Errorf("larger than %s, too large for this use%w", size(limit), ErrTooLarge)
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

// Target says how to write path, a file the user named for hop to write. With replace true, path names a
// regular file or nothing, which hop replaces through a temporary file and a rename, and name is the file to
// replace: a symbolic link's target when path is one, so that the link stays a link. With replace false,
// path is, or leads to, something else (a device such as /dev/null, a named pipe, a terminal) or one of the
// process's own descriptors (/dev/stdout, /proc/self/fd/N, whose target may be the regular file a shell
// opened for `> out`): it is written into where it is, as curl writes, since replacing it would replace the
// device, or a link in /dev, or fail in /proc.
func Target(path string) (name string, replace bool) {
	name, replace, _ = target(path)
	return name, replace
}

// Descriptor reports whether path is, or leads to, one of the process's own descriptors (/dev/stdout,
// /dev/fd/N, /proc/self/fd/N): what is written there goes where hop's own output goes.
func Descriptor(path string) bool {
	_, _, desc := target(path)
	return desc
}

// target is Target, and whether path leads to a descriptor.
func target(path string) (name string, replace, descriptor bool) {
	name = path
	for range 40 { // the most links Linux follows
		fi, err := os.Lstat(name)
		if err != nil {
			return name, errors.Is(err, fs.ErrNotExist), false // a link to nothing creates its target, as curl does
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return name, fi.Mode().IsRegular(), false
		}
		if dir, err := filepath.EvalSymlinks(filepath.Dir(name)); err != nil || dir == "/proc" || strings.HasPrefix(dir, "/proc/") {
			// A descriptor: /proc/self/fd/1, /dev/fd/1 through its link to /proc/self/fd, or /dev/stdout,
			// whose link leads here on the next turn.
			return path, false, err == nil
		}
		dest, err := os.Readlink(name)
		if err != nil {
			return path, false, false
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(name), dest)
		}
		name = dest
	}
	return path, false, false // a loop: opening it says so
}

func size(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// WriteFile replaces path with data atomically: a temporary file in the same directory, mode 0600, synced,
// then renamed over path (over its target when path is a symbolic link, which stays one). A crash or a full
// disk leaves the old file whole, never half a new one. A path that is not a regular file (-c /dev/null, a
// named pipe, -c /dev/stdout) is written into where it is: renaming over it would replace the device itself
// (see Target).
func WriteFile(path string, data []byte) error {
	name, replace := Target(path)
	if !replace {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return fmt.Errorf("writing %s: %w", path, Reason(err))
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", path, Reason(err))
		}
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, Reason(err))
	}
	tmpName := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(tmpName)
		return fmt.Errorf("writing %s: %w", path, Reason(err))
	}
	if err := tmp.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmpName, name); err != nil {
		os.Remove(tmpName)
		return fmt.Errorf("writing %s: %w", path, Reason(err))
	}
	return nil
}
