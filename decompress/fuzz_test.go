package decompress

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"testing"
)

// No decoder panics or reads without bound on any input: an error is an *Error (or the end), and what
// comes out is bounded here by a reader limit, as the callers bound it.
func FuzzDecoders(f *testing.F) {
	plain := []byte(`{"hello":"world"}`)
	for _, enc := range []string{"gzip", "deflate", "br", "zstd", "gzip, br", "identity"} {
		f.Add(plain, enc)
	}
	f.Add(gzCompress(plain), "gzip")
	f.Fuzz(func(t *testing.T, body []byte, enc string) {
		r := Reader(io.NopCloser(bytes.NewReader(body)), enc)
		_, err := io.Copy(io.Discard, io.LimitReader(r, 64<<20))
		var de *Error
		if err != nil && !errors.As(err, &de) {
			t.Fatalf("Reader(%q, %q): %v (%T), want an *Error", body, enc, err, err)
		}
	})
}

func gzCompress(p []byte) []byte {
	var b bytes.Buffer
	w := newGzipWriter(&b)
	w.Write(p)
	w.Close()
	return b.Bytes()
}

func newGzipWriter(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) }
