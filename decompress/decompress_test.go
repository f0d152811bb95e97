package decompress

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"io"
	"runtime"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
)

func gz(t testing.TB, p []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(p)
	w.Close()
	return b.Bytes()
}

func deflate(t testing.TB, p []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.DefaultCompression)
	w.Write(p)
	w.Close()
	return b.Bytes()
}

func zlibbed(t testing.TB, p []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write(p)
	w.Close()
	return b.Bytes()
}

func br(t testing.TB, p []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := brotli.NewWriter(&b)
	w.Write(p)
	w.Close()
	return b.Bytes()
}

func zst(t testing.TB, p []byte, opts ...zstd.EOption) []byte {
	t.Helper()
	w, err := zstd.NewWriter(nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return w.EncodeAll(p, nil)
}

func decode(body []byte, enc string) ([]byte, error) {
	return io.ReadAll(Reader(io.NopCloser(bytes.NewReader(body)), enc))
}

func TestAcceptEncodingListsEveryCoding(t *testing.T) {
	if AcceptEncoding != "gzip, deflate, br, zstd" {
		t.Errorf("AcceptEncoding = %q, want %q", AcceptEncoding, "gzip, deflate, br, zstd")
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
		" gzip ,identity": true, "br": true, "gzip, br": true, "zstd": true, "compress": false, "gzip, compress": false,
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
		{"deflate", deflate(t, plain)}, // raw deflate, as many servers send it
		{"deflate", zlibbed(t, plain)}, // the zlib format RFC 9110 names
		{"br", br(t, plain)},
		{"zstd", zst(t, plain)},
		{"identity", plain},
		{"br, zstd", zst(t, br(t, plain))},
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
	for _, enc := range []string{"gzip", "deflate", "br", "zstd", "gzip, br"} {
		if got, err := decode(nil, enc); err != nil || len(got) != 0 {
			t.Errorf("empty %s body = %q, %v; want nothing and no error", enc, got, err)
		}
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
		"not br":       {[]byte("plain text, not brotli at all"), "br"},
		"not zstd":     {[]byte("plain text, not zstd"), "zstd"},
		"cut zstd":     {zst(t, bytes.Repeat([]byte("abcdefgh"), 10000))[:100], "zstd"},
		"four layers":  {gz(t, gz(t, gz(t, gz(t, []byte("x"))))), "gzip, gzip, gzip, gzip"},
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

// TestStreamsEndWithTheBody: bytes after the end of a coding's stream are an error, as curl says, whichever
// decoder would stop reading there (zlib, raw deflate): in an outer coding's stream too, whose end an
// inner one never reached. A second gzip member is part of the body (RFC 1952: a gzip file is a series
// of members), decoded as gzip -d decodes it.
func TestStreamsEndWithTheBody(t *testing.T) {
	plain := bytes.Repeat([]byte("all of it\n"), 100)
	junk := []byte("junk after the end")
	for name, tt := range map[string]struct {
		body []byte
		enc  string
	}{
		"zlib":                {append(zlibbed(t, plain), junk...), "deflate"},
		"raw deflate":         {append(deflate(t, plain), junk...), "deflate"},
		"gzip":                {append(gz(t, plain), junk...), "gzip"},
		"br":                  {append(br(t, plain), junk...), "br"},
		"zstd":                {append(zst(t, plain), junk...), "zstd"},
		"zstd around deflate": {zst(t, append(zlibbed(t, plain), junk...)), "deflate, zstd"},
		"outer zstd's junk":   {append(zst(t, zlibbed(t, plain)), junk...), "deflate, zstd"},
		"outer gzip's member": {gz(t, append(zlibbed(t, plain), gz(t, junk)...)), "deflate, gzip"},
	} {
		got, err := decode(tt.body, tt.enc)
		var de *Error
		if !errors.As(err, &de) {
			t.Errorf("%s: %d bytes, error %v (%T), want *Error", name, len(got), err, err)
		}
	}
	two := append(gz(t, plain), gz(t, junk)...)
	if got, err := decode(two, "gzip"); err != nil || !bytes.Equal(got, append(plain, junk...)) {
		t.Errorf("two gzip members: %d bytes, %v; want both decoded", len(got), err)
	}
}

// A zstd frame that asks for a window far above the limit is refused at once, before hop allocates it.
func TestZstdWindowIsBounded(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<20) // 16 MiB, compressed with a 128 MiB window
	frame := zst(t, big, zstd.WithWindowSize(128<<20), zstd.WithSingleSegment(false))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := decode(frame, "zstd")
	runtime.ReadMemStats(&after)
	var de *Error
	if !errors.As(err, &de) {
		t.Fatalf("a 128 MiB window: error %v; want a decoding error", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Errorf("refusing the frame allocated %d MiB", grew>>20)
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

// BenchmarkReader decodes an 8 MiB body of each coding, as a download streams it through Reader.
func BenchmarkReader(b *testing.B) {
	plain := bytes.Repeat([]byte(`{"id": 12345, "name": "a line of JSON such as APIs send", "ok": true}`+"\n"), 8<<20/72)
	for _, c := range []struct {
		enc  string
		body []byte
	}{
		{"gzip", gz(b, plain)}, {"deflate", zlibbed(b, plain)}, {"br", br(b, plain)}, {"zstd", zst(b, plain)},
	} {
		b.Run(c.enc, func(b *testing.B) {
			b.SetBytes(int64(len(plain)))
			for b.Loop() {
				r := Reader(io.NopCloser(bytes.NewReader(c.body)), c.enc)
				if n, err := io.Copy(io.Discard, r); err != nil || n != int64(len(plain)) {
					b.Fatalf("%d bytes, %v", n, err)
				}
			}
		})
	}
}
