// Package decompress undoes the Content-Encoding of a response body while it streams. It holds the one
// list of codings hop decodes, from which the Accept-Encoding header is built. Its errors say that the body
// could not be decoded, so callers can report a broken body (exit 18) rather than a network error.
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

// coding is one content coding hop decodes: its names, and how to wrap a reader of it.
type coding struct {
	names  []string // the first is the one hop asks for
	reader func(io.Reader) io.Reader
}

// codings are the content codings hop decodes, in the order it asks for them.
var codings = []coding{
	{names: []string{"gzip", "x-gzip"}, reader: func(r io.Reader) io.Reader { return &lazyGzip{src: r} }},
	{names: []string{"deflate"}, reader: func(r io.Reader) io.Reader {
		return &decodeErrors{r: flate.NewReader(r), enc: "deflate"}
	}},
}

// AcceptEncoding is the Accept-Encoding header hop sends: every coding it can decode.
var AcceptEncoding = func() string {
	names := make([]string, len(codings))
	for i, c := range codings {
		names[i] = c.names[0]
	}
	return strings.Join(names, ", ")
}()

func find(name string) *coding {
	for i, c := range codings {
		for _, n := range c.names {
			if n == name {
				return &codings[i]
			}
		}
	}
	return nil
}

// Supported reports whether hop can decode every coding named in a Content-Encoding header.
func Supported(contentEncoding string) bool {
	for _, enc := range encodings(contentEncoding) {
		if enc != "identity" && find(enc) == nil {
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
// Unknown codings leave the body as it is; callers check Supported first. Closing the result closes r.
func Reader(r io.ReadCloser, contentEncoding string) io.ReadCloser {
	encs := encodings(contentEncoding)
	out := io.Reader(r)
	for i := len(encs) - 1; i >= 0; i-- {
		if c := find(encs[i]); c != nil {
			out = c.reader(out)
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
			return 0, wrap("gzip", err)
		}
		g.zr = zr
	}
	n, err := g.zr.Read(p)
	return n, wrap("gzip", err)
}

type decodeErrors struct {
	r   io.Reader
	enc string
}

func (d *decodeErrors) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	return n, wrap(d.enc, err)
}

// wrap types a decoder's error as an *Error, unless it is the end of the stream, already an *Error (of an
// inner coding), or came from the connection rather than the compressed data: those keep their own type, so
// a timeout stays a timeout.
func wrap(enc string, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	if _, already := err.(*Error); already {
		return err
	}
	if _, transport := err.(interface{ Timeout() bool }); transport {
		return err
	}
	return &Error{Encoding: enc, Err: err}
}
