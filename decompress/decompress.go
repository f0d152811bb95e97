// Package decompress undoes the Content-Encoding of a response body while it streams. It holds the one
// list of codings hop decodes, from which the Accept-Encoding header is built. Its errors say that the body
// could not be decoded, so callers can report a broken body (exit 18) rather than a network error.
package decompress

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
)

// Error is a body that could not be decoded.
type Error struct {
	Encoding string
	Err      error
}

func (e *Error) Error() string { return fmt.Sprintf("decoding %s body: %v", e.Encoding, e.Err) }

func (e *Error) Unwrap() error { return e.Err }

// coding is one content coding hop decodes: its names, and how to open a reader of it over a stream that
// holds at least one byte (a *bufio.Reader, from which the decoder takes no byte past its stream's end).
type coding struct {
	names []string // the first is the one hop asks for
	open  func(*bufio.Reader) (io.Reader, error)
}

// Limits on what a hostile body can make hop allocate: a zstd window (RFC 9659 caps it at 8 MiB for HTTP;
// brotli's format caps its own at 16 MiB), and the layers of codings undone.
const (
	maxZstdWindow = 8 << 20
	maxLayers     = 3
)

// codings are the content codings hop decodes, in the order it asks for them.
var codings = []coding{
	{names: []string{"gzip", "x-gzip"}, open: func(r *bufio.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
	{names: []string{"deflate"}, open: openDeflate},
	{names: []string{"br"}, open: func(r *bufio.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }},
	{names: []string{"zstd"}, open: func(r *bufio.Reader) (io.Reader, error) {
		d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(maxZstdWindow), zstd.WithDecoderMaxMemory(64<<20))
		if err != nil {
			return nil, err
		}
		return d.IOReadCloser(), nil
	}},
}

// openDeflate reads "deflate" as servers send it: RFC 9110 says the zlib format, and many send raw deflate,
// which the zlib header tells apart (its checksum over the first two bytes).
func openDeflate(br *bufio.Reader) (io.Reader, error) {
	if h, err := br.Peek(2); err == nil && h[0]&0x0f == 8 && h[0]>>4 <= 7 && (uint16(h[0])<<8|uint16(h[1]))%31 == 0 {
		return zlib.NewReader(br)
	}
	return flate.NewReader(br), nil
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

// Of is the content coding list of a response's header h: its Content-Encoding lines joined, as RFC 9110
// (5.3) reads several lines of a list field, in the order they came ("" without one).
func Of(h http.Header) string {
	return strings.Join(h.Values("Content-Encoding"), ", ")
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
// Unknown codings leave the body as it is; callers check Supported first. More than maxLayers codings is a
// decoding error: no honest server stacks them. Closing the result closes r.
func Reader(r io.ReadCloser, contentEncoding string) io.ReadCloser {
	encs := encodings(contentEncoding)
	out := io.Reader(r)
	layers := 0
	for i := len(encs) - 1; i >= 0; i-- {
		if c := find(encs[i]); c != nil {
			if layers++; layers > maxLayers {
				name := strings.Join(encs[:min(len(encs), maxLayers+1)], ", ")
				if len(encs) > maxLayers+1 {
					name += ", …"
				}
				out = failing{&Error{Encoding: name, Err: fmt.Errorf("%d content codings, more than the %d hop undoes", len(encs), maxLayers)}}
				break
			}
			out = &lazy{src: out, c: c, enc: c.names[0]}
		}
	}
	return &readCloser{Reader: out, closer: r}
}

type readCloser struct {
	io.Reader
	closer io.Closer
}

func (r *readCloser) Close() error { return r.closer.Close() }

type failing struct{ err error }

func (f failing) Read([]byte) (int, error) { return 0, f.err }

// lazy opens a decoder on the first read, once a byte has arrived: an empty body (HEAD, 304, a 204 that
// still names a coding) is no error. Its stream must end where the body does: bytes after its end are an
// error (a second gzip member excepted, which RFC 1952 allows), and an outer coding's stream is read to its
// end too, so that its own errors are met. Its errors are typed by wrap.
type lazy struct {
	src io.Reader
	c   *coding
	enc string
	in  *bufio.Reader // src, as the decoder reads it
	r   io.Reader
}

func (l *lazy) Read(p []byte) (int, error) {
	if l.r == nil {
		var first [1]byte
		n, err := io.ReadFull(l.src, first[:])
		if n == 0 {
			if err == io.ErrUnexpectedEOF {
				err = io.EOF
			}
			return 0, wrap(l.enc, err)
		}
		l.in = bufio.NewReader(io.MultiReader(bytes.NewReader(first[:]), l.src))
		r, err := l.c.open(l.in)
		if err != nil {
			return 0, wrap(l.enc, err)
		}
		l.r = r
	}
	n, err := l.r.Read(p)
	if err == io.EOF {
		// The stream ended: so must the body.
		switch _, more := l.in.Peek(1); {
		case more == nil:
			err = fmt.Errorf("bytes after the end of its %s stream", l.enc)
		case more != io.EOF:
			err = more
		}
	}
	return n, wrap(l.enc, err)
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
