// Package decompress undoes the Content-Encoding of a response body while it streams. Its errors say that
// the body could not be decoded, so callers can report a broken body (exit 18) rather than a network error.
package decompress

import (
	"compress/flate"
	"compress/gzip"
	"fmt"
	"io"
	"strings"
)

// Error is a body that could not be decoded.
type Error struct {
	Encoding string
	Err      error
}

func (e *Error) Error() string { return fmt.Sprintf("decoding %s body: %v", e.Encoding, e.Err) }

func (e *Error) Unwrap() error { return e.Err }

// Supported reports whether hop can decode the encoding named in a Content-Encoding header.
func Supported(contentEncoding string) bool {
	for _, enc := range encodings(contentEncoding) {
		if enc != "gzip" && enc != "x-gzip" && enc != "deflate" && enc != "identity" {
			return false
		}
	}
	return true
}

func encodings(h string) []string {
	var out []string
	for _, e := range strings.Split(h, ",") {
		if e = strings.ToLower(strings.TrimSpace(e)); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// Reader decodes r according to contentEncoding (codings applied in order, so they are undone in reverse).
// Unknown codings leave the body as it is; callers check Supported first.
func Reader(r io.ReadCloser, contentEncoding string) io.ReadCloser {
	encs := encodings(contentEncoding)
	out := io.Reader(r)
	for i := len(encs) - 1; i >= 0; i-- {
		switch encs[i] {
		case "gzip", "x-gzip":
			out = &lazyGzip{src: out}
		case "deflate":
			out = &decodeErrors{r: flate.NewReader(out), enc: "deflate"}
		}
	}
	return &readCloser{Reader: out, closer: r}
}

type readCloser struct {
	io.Reader
	closer io.Closer
}

func (r *readCloser) Close() error { return r.closer.Close() }

// lazyGzip opens the gzip stream on the first read, so that an empty body (HEAD, 304) is not an error.
type lazyGzip struct {
	src io.Reader
	zr  *gzip.Reader
}

func (g *lazyGzip) Read(p []byte) (int, error) {
	if g.zr == nil {
		zr, err := gzip.NewReader(g.src)
		if err == io.EOF {
			return 0, io.EOF
		}
		if err != nil {
			return 0, &Error{Encoding: "gzip", Err: err}
		}
		g.zr = zr
	}
	n, err := g.zr.Read(p)
	if err != nil && err != io.EOF {
		if _, already := err.(*Error); !already && !isTransportErr(err) {
			err = &Error{Encoding: "gzip", Err: err}
		}
	}
	return n, err
}

type decodeErrors struct {
	r   io.Reader
	enc string
}

func (d *decodeErrors) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF && !isTransportErr(err) {
		err = &Error{Encoding: d.enc, Err: err}
	}
	return n, err
}

// isTransportErr is true for errors that came from the connection rather than the compressed data: those
// keep their own type (a timeout stays a timeout).
func isTransportErr(err error) bool {
	_, ok := err.(interface{ Timeout() bool })
	return ok
}
