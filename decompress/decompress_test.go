package decompress

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"io"
	"testing"
)

func gz(t *testing.T, p []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(p)
	w.Close()
	return b.Bytes()
}

func deflate(t *testing.T, p []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.DefaultCompression)
	w.Write(p)
	w.Close()
	return b.Bytes()
}

func decode(body []byte, enc string) ([]byte, error) {
	return io.ReadAll(Reader(io.NopCloser(bytes.NewReader(body)), enc))
}

func TestAcceptEncodingListsEveryCoding(t *testing.T) {
	if AcceptEncoding != "gzip, deflate" {
		t.Errorf("AcceptEncoding = %q, want %q", AcceptEncoding, "gzip, deflate")
	}
	for _, c := range codings {
		if !Supported(c.names[0]) {
			t.Errorf("Supported(%q) = false for a coding in the list", c.names[0])
		}
	}
}

func TestSupported(t *testing.T) {
	for enc, want := range map[string]bool{
		"gzip": true, "x-gzip": true, "GZIP": true, "deflate": true, "identity": true, "gzip, deflate": true,
		" gzip ,identity": true, "br": false, "gzip, br": false, "compress": false,
	} {
		if got := Supported(enc); got != want {
			t.Errorf("Supported(%q) = %v, want %v", enc, got, want)
		}
	}
}

func TestReaderDecodes(t *testing.T) {
	plain := []byte(`{"hello":"world"}`)
	tests := []struct {
		enc  string
		body []byte
	}{
		{"gzip", gz(t, plain)},
		{"x-gzip", gz(t, plain)},
		{"deflate", deflate(t, plain)},
		{"identity", plain},
		// Codings are listed in the order they were applied: deflate first, then gzip.
		{"deflate, gzip", gz(t, deflate(t, plain))},
		{"gzip, deflate", deflate(t, gz(t, plain))},
	}
	for _, tt := range tests {
		got, err := decode(tt.body, tt.enc)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("Reader(%q) = %q, %v; want %q", tt.enc, got, err, plain)
		}
	}
}

func TestEmptyBodyIsNotAnError(t *testing.T) {
	// A HEAD response or a 304 carries Content-Encoding and no body.
	if got, err := decode(nil, "gzip"); err != nil || len(got) != 0 {
		t.Errorf("empty gzip body = %q, %v; want nothing and no error", got, err)
	}
}

func TestBrokenBodiesAreTypedErrors(t *testing.T) {
	full := gz(t, bytes.Repeat([]byte("abc"), 1000))
	for name, tt := range map[string]struct {
		body []byte
		enc  string
	}{
		"not gzip":     {[]byte("plain text, not gzip"), "gzip"},
		"truncated":    {full[:len(full)/2], "gzip"},
		"not deflate":  {[]byte{0xff, 0xff, 0xff, 0xff}, "deflate"},
		"inner broken": {deflate(t, []byte("not gzip inside")), "gzip, deflate"},
		"corrupt crc":  {append(full[:len(full)-8:len(full)-8], 0, 0, 0, 0, 0, 0, 0, 0), "gzip"},
	} {
		_, err := decode(tt.body, tt.enc)
		var de *Error
		if !errors.As(err, &de) {
			t.Errorf("%s: error %v (%T), want *Error", name, err, err)
			continue
		}
		if errors.As(de.Err, new(*Error)) {
			t.Errorf("%s: %v is wrapped twice", name, err)
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string { return "i/o timeout" }
func (timeoutErr) Timeout() bool { return true }

// stallingReader returns some bytes, then a connection timeout.
type stallingReader struct{ data []byte }

func (s *stallingReader) Read(p []byte) (int, error) {
	if len(s.data) == 0 {
		return 0, timeoutErr{}
	}
	n := copy(p, s.data)
	s.data = s.data[n:]
	return n, nil
}

func TestConnectionErrorsKeepTheirType(t *testing.T) {
	full := gz(t, bytes.Repeat([]byte("abc"), 1000))
	r := Reader(io.NopCloser(&stallingReader{data: full[:len(full)/2]}), "gzip")
	_, err := io.ReadAll(r)
	if _, ok := err.(timeoutErr); !ok {
		t.Errorf("error = %v (%T), want the connection's timeout unchanged", err, err)
	}
}
