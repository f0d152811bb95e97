// Package download is where a body lands on disk: the file -o names. A download is created, written, and
// then committed or aborted, so that how a file appears under its final name is decided here, in one place.
package download

import (
	"fmt"
	"os"
)

// File is a download in progress.
type File struct {
	path string
	f    *os.File
}

// Create starts a download to path, replacing what is there, as curl -o does. Paths that are not regular
// files (/dev/null, a named pipe) are written as they are.
func Create(path string) (*File, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("opening output file %s: %w", path, err)
	}
	return &File{path: path, f: f}, nil
}

// Write writes body bytes.
func (d *File) Write(p []byte) (int, error) { return d.f.Write(p) }

// Commit ends a download that received the whole body.
func (d *File) Commit() error {
	if err := d.f.Close(); err != nil {
		return fmt.Errorf("writing output file %s: %w", d.path, err)
	}
	return nil
}

// Abort ends a download that failed. What was written so far stays, as with curl -o.
func (d *File) Abort() { d.f.Close() }
