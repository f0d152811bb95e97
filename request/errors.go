package request

import (
	"fmt"
	"io"
	"os"
	"sync"
)

// UsageError is a mistake in what the user typed: a bad URL, request item, flag value or file argument.
// Nothing has been sent when it is returned.
type UsageError struct {
	Arg string // the offending argument, as typed
	Err error
}

func (e *UsageError) Error() string {
	if e.Arg == "" {
		return e.Err.Error()
	}
	return fmt.Sprintf("%q: %v", e.Arg, e.Err)
}

func (e *UsageError) Unwrap() error { return e.Err }

func usageErrorf(arg, format string, a ...any) error {
	return &UsageError{Arg: arg, Err: fmt.Errorf(format, a...)}
}

// ChangedError is a file sent as a body (or a multipart part) whose size changed while it was being sent:
// the request promised its size when it was built, so the server did not get a whole request.
type ChangedError struct {
	Path       string
	Size, Read int64 // the size when the request was built; what reading found (more than Size: it grew)
}

func (e *ChangedError) Error() string {
	how := fmt.Sprintf("it ended after %d bytes", e.Read)
	if e.Read > e.Size {
		how = "it grew"
	}
	return fmt.Sprintf("%s changed while it was being sent: it had %d bytes when the request was built, and %s; the server did not get a whole request", e.Path, e.Size, how)
}

// changes keeps the last *ChangedError a body's files met. Not every transport returns a body's read error:
// HTTP/3 resets the stream and returns the server's answer to the cut-short request (a 400), so the exchange
// asks the body after each send.
type changes struct {
	mu  sync.Mutex
	err *ChangedError
}

func (c *changes) set(err *ChangedError) {
	c.mu.Lock()
	c.err = err
	c.mu.Unlock()
}

func (c *changes) get() *ChangedError {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// sizedFile reads the file at path, which had size bytes when the request was built: those bytes and no
// other, or a *ChangedError, also told to changes.
type sizedFile struct {
	f          *os.File
	path       string
	size, read int64
	changes    *changes
}

func openSized(path string, size int64, c *changes) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &sizedFile{f: f, path: path, size: size, changes: c}, nil
}

func (s *sizedFile) Read(p []byte) (int, error) {
	if s.read >= s.size {
		// All promised; one more byte says whether the file grew.
		var one [1]byte
		if n, _ := s.f.Read(one[:]); n > 0 {
			return 0, s.changed(s.size + 1)
		}
		return 0, io.EOF
	}
	if left := s.size - s.read; int64(len(p)) > left {
		p = p[:left]
	}
	n, err := s.f.Read(p)
	s.read += int64(n)
	if err == io.EOF && s.read < s.size {
		err = s.changed(s.read)
	}
	return n, err
}

func (s *sizedFile) changed(read int64) error {
	err := &ChangedError{Path: s.path, Size: s.size, Read: read}
	s.changes.set(err)
	return err
}

func (s *sizedFile) Close() error { return s.f.Close() }
