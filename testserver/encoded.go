package testserver

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"net/http"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
)

// encodedBody is what /encoded/ sends before encoding it.
const encodedBody = `{"encoded":true,"text":"hop decodes every coding it asks for"}`

// encoded serves /encoded/{codings}: encodedBody with the comma-separated codings applied in order and named
// in Content-Encoding. Besides the real names: deflate-raw (raw deflate, labelled deflate), zstd-bigwindow
// (a zstd frame declaring a 256 MiB window, labelled zstd), and cut (the encoded bytes cut in half).
func encoded(w http.ResponseWriter, r *http.Request) {
	body := []byte(encodedBody)
	var names []string
	cut := false
	for _, c := range strings.Split(r.PathValue("codings"), ",") {
		var b bytes.Buffer
		switch c {
		case "gzip":
			zw := gzip.NewWriter(&b)
			zw.Write(body)
			zw.Close()
		case "deflate":
			zw := zlib.NewWriter(&b)
			zw.Write(body)
			zw.Close()
		case "deflate-raw":
			zw, _ := flate.NewWriter(&b, flate.DefaultCompression)
			zw.Write(body)
			zw.Close()
			c = "deflate"
		case "br":
			zw := brotli.NewWriter(&b)
			zw.Write(body)
			zw.Close()
		case "zstd":
			zw, _ := zstd.NewWriter(nil)
			b.Write(zw.EncodeAll(body, nil))
		case "zstd-bigwindow":
			// A frame written by hand (RFC 8878, 3.1.1): no content size, a window descriptor of 2^28 bytes,
			// and the body as one raw last block. Encoders shrink the window to the content; an attacker does not.
			b.Write([]byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 18 << 3})
			hdr := 1 | len(body)<<3
			b.Write([]byte{byte(hdr), byte(hdr >> 8), byte(hdr >> 16)})
			b.Write(body)
			c = "zstd"
		case "cut":
			cut = true
			continue
		default:
			http.Error(w, "unknown coding "+c, http.StatusBadRequest)
			return
		}
		body = b.Bytes()
		names = append(names, c)
	}
	if cut {
		body = body[:len(body)/2]
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Encoding", strings.Join(names, ", "))
	w.Write(body)
}
