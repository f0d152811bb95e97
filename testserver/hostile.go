package testserver

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
)

// Hostile endpoints, one per hazard a server can set on purpose; the tests in cmd run the real binary
// against each, piped and on a pseudo-terminal. They live under /hostile/.
func hostileRoutes(mux *http.ServeMux) {
	mux.HandleFunc("/hostile/hints", endlessHints)
	mux.HandleFunc("/hostile/partial-status", partialStatus)
	mux.HandleFunc("/hostile/stall-headers", stallHeaders)
	mux.HandleFunc("/hostile/drip-head", dripHead)
	mux.HandleFunc("/hostile/drip/{n}", drip)
	mux.HandleFunc("/hostile/reset-body", resetBody)
	mux.HandleFunc("/hostile/bad-trailer", func(w http.ResponseWriter, _ *http.Request) {
		raw(w, func(bw *bufio.ReadWriter) { // a whole chunked body, then a trailer field whose name is an escape
			bw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\x1b: x\r\n\r\n")
		})
	})
	mux.HandleFunc("/hostile/long-trailer", func(w http.ResponseWriter, _ *http.Request) {
		raw(w, func(bw *bufio.ReadWriter) { // a whole chunked body, then a trailer longer than a client's read buffer
			bw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Long: ")
			bw.WriteString(strings.Repeat("a", 100<<10) + "\r\n\r\n")
		})
	})
	mux.HandleFunc("/hostile/cookie-flood", cookieFlood)
	mux.HandleFunc("/hostile/location", rawLocation)
	mux.HandleFunc("/hostile/cl-conflict", clConflict)
	mux.HandleFunc("/hostile/204-body", noContentBody)
	mux.HandleFunc("/hostile/no-reason", noReason)
	mux.HandleFunc("/hostile/status/{code}", oddStatus)
	mux.HandleFunc("/hostile/many-headers", manyHeaders)
	mux.HandleFunc("/hostile/transfer-coding", transferCoding)
	mux.HandleFunc("/hostile/cut-chunked", cutChunked)
	mux.HandleFunc("/hostile/http09", http09)
	mux.HandleFunc("/hostile/json/{kind}", hostileJSON)
	mux.HandleFunc("/hostile/text-escapes", textEscapes)
	mux.HandleFunc("/hostile/latin1", latin1Text)
	mux.HandleFunc("/hostile/bomb/{codings}", bomb)
	mux.HandleFunc("/hostile/layers/{n}", layers)
	mux.HandleFunc("/hostile/stream/{kind}", stream)
	mux.HandleFunc("/hostile/stray", stray)
}

// Escapes is every kind of terminal escape a server may try, in one string: CSI (colour, clear line, move),
// OSC 0 (window title), OSC 52 (clipboard), OSC 8 (hyperlink), the 8-bit CSI (U+009B), a bidi override,
// and a carriage return that would let the rest of a line overwrite its start.
const Escapes = "\x1b[31mred\x1b[0m \x1b[2K\x1b[1A \x1b]0;pwned\x07 \x1b]52;c;ZXZpbA==\x07 \x1b]8;;http://evil/\x1b\\link\x1b]8;;\x1b\\ \u009b31m \u202eevil\u202c hidden\rshown"

// raw-reply helpers

func endlessHints(w http.ResponseWriter, r *http.Request) {
	raw(w, func(bw *bufio.ReadWriter) {
		for r.Context().Err() == nil {
			if _, err := bw.WriteString("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"); err != nil {
				return
			}
			if bw.Flush() != nil {
				return
			}
		}
	})
}

// partialStatus sends the first byte of a status line, then nothing.
func partialStatus(w http.ResponseWriter, r *http.Request) {
	raw(w, func(bw *bufio.ReadWriter) {
		bw.WriteString("H")
		bw.Flush()
		hold(r, 30*time.Second)
	})
}

// stallHeaders sends a status line and one header, then nothing.
func stallHeaders(w http.ResponseWriter, r *http.Request) {
	raw(w, func(bw *bufio.ReadWriter) {
		bw.WriteString("HTTP/1.1 200 OK\r\nX-Partial: yes\r\n")
		bw.Flush()
		hold(r, 30*time.Second)
	})
}

// dripHead sends a status line, then a header a byte at a time, one every 100 ms, for 30 s: bytes keep
// coming, the head never ends.
func dripHead(w http.ResponseWriter, r *http.Request) {
	raw(w, func(bw *bufio.ReadWriter) {
		bw.WriteString("HTTP/1.1 200 OK\r\nX-Drip: ")
		for range 300 {
			if bw.WriteByte('.') != nil || bw.Flush() != nil {
				return
			}
			hold(r, 100*time.Millisecond)
		}
	})
}

// hold waits for d or until the request's connection is gone (a hijacked one is not noticed: d bounds it).
func hold(r *http.Request, d time.Duration) {
	select {
	case <-r.Context().Done():
	case <-time.After(d):
	}
}

// drip sends n bytes, one every ?every= milliseconds (default 1000).
func drip(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.PathValue("n"))
	every, err := strconv.Atoi(r.URL.Query().Get("every"))
	if err != nil {
		every = 1000
	}
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(http.StatusOK)
	for i := 0; i < n; i++ {
		if _, err := w.Write([]byte{'.'}); err != nil {
			return
		}
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			return
		case <-time.After(time.Duration(every) * time.Millisecond):
		}
	}
}

// resetBody promises 1 MB, sends some, and resets the connection.
func resetBody(w http.ResponseWriter, _ *http.Request) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return
	}
	conn, bw, err := hj.Hijack()
	if err != nil {
		return
	}
	bw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000000\r\n\r\n")
	bw.WriteString(strings.Repeat("partial ", 1000))
	bw.Flush()
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0) // close with RST
	}
	conn.Close()
}

// cookieFlood sets 5,000 cookies.
func cookieFlood(w http.ResponseWriter, _ *http.Request) {
	for i := range 5000 {
		w.Header().Add("Set-Cookie", fmt.Sprintf("c%d=%d; Path=/", i, i))
	}
	w.Write([]byte("flooded\n"))
}

// rawLocation redirects (?status=, default 302) to ?to= exactly as given, without Location when ?to= is
// absent.
func rawLocation(w http.ResponseWriter, r *http.Request) {
	status, err := strconv.Atoi(r.URL.Query().Get("status"))
	if err != nil {
		status = http.StatusFound
	}
	raw(w, func(bw *bufio.ReadWriter) {
		fmt.Fprintf(bw, "HTTP/1.1 %d Moved\r\nContent-Length: 0\r\n", status)
		if to, ok := r.URL.Query()["to"]; ok {
			fmt.Fprintf(bw, "Location: %s\r\n", to[0])
		}
		bw.WriteString("\r\n")
	})
}

func clConflict(w http.ResponseWriter, _ *http.Request) {
	raw(w, func(bw *bufio.ReadWriter) {
		bw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 50\r\n\r\nhello")
	})
}

func noContentBody(w http.ResponseWriter, _ *http.Request) {
	raw(w, func(bw *bufio.ReadWriter) {
		bw.WriteString("HTTP/1.1 204 No Content\r\nContent-Length: 11\r\n\r\nnot allowed")
	})
}

func noReason(w http.ResponseWriter, _ *http.Request) {
	raw(w, func(bw *bufio.ReadWriter) {
		bw.WriteString("HTTP/1.1 200\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n")
	})
}

// manyHeaders answers with 2 MiB of headers through the ResponseWriter, so that HTTP/2 carries them too
// (hugeHeaders writes HTTP/1.1 by hand).
func manyHeaders(w http.ResponseWriter, _ *http.Request) {
	v := strings.Repeat("x", 1000)
	for i := range 2048 {
		w.Header().Add(fmt.Sprintf("X-Many-%d", i), v)
	}
	w.Write([]byte("ok"))
}

// transferCoding answers with a transfer coding HTTP/1.1 clients need not know (gzip before chunked), or
// with ?twice two Transfer-Encoding fields.
func transferCoding(w http.ResponseWriter, r *http.Request) {
	head := "Transfer-Encoding: gzip, chunked\r\n"
	if r.URL.Query().Has("twice") {
		head = "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n" // two fields: net/http's "too many"
	}
	raw(w, func(bw *bufio.ReadWriter) {
		bw.WriteString("HTTP/1.1 200 OK\r\n" + head + "\r\n5\r\nhello\r\n0\r\n\r\n")
	})
}

// cutChunked sends one chunk of a chunked body and closes the connection, its last chunk never sent.
func cutChunked(w http.ResponseWriter, _ *http.Request) {
	raw(w, func(bw *bufio.ReadWriter) {
		bw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
	})
}

// oddStatus answers with the status code written as the path gives it: 099, 000, 600, 999.
func oddStatus(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	raw(w, func(bw *bufio.ReadWriter) {
		fmt.Fprintf(bw, "HTTP/1.1 %s Odd\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n", code)
	})
}

// http09 answers with a body and no status line at all, as an HTTP/0.9 server did.
func http09(w http.ResponseWriter, _ *http.Request) {
	raw(w, func(bw *bufio.ReadWriter) { bw.WriteString("<html>no status line</html>\n") })
}

// hostileJSON serves application/json that breaks or strains the rules, by kind.
func hostileJSON(w http.ResponseWriter, r *http.Request) {
	var body []byte
	switch kind := r.PathValue("kind"); kind {
	case "truncated":
		body = []byte(`{"a": [1, 2, {"b": "c`)
	case "garbage":
		body = []byte(`{"a": 1} trailing garbage`)
	case "nan":
		body = []byte(`{"a": NaN}`)
	case "empty":
	case "bom":
		body = []byte("\ufeff{\"a\": 1}")
	case "deep":
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		body = append(append(bytes.Repeat([]byte("["), n), '1'), bytes.Repeat([]byte("]"), n)...)
	case "wide-deep":
		// Many elements each nested 400 levels: under the depth limit, but laid out they would be huge.
		elem := append(append(bytes.Repeat([]byte("["), 400), '1'), bytes.Repeat([]byte("]"), 400)...)
		body = []byte("{\"a\":[")
		for i := range 2000 {
			if i > 0 {
				body = append(body, ',')
			}
			body = append(body, elem...)
		}
		body = append(body, "]}"...)
	case "bigint":
		body = []byte(`{"big": 123456789012345678901234567890, "float": 1.00000000000000000001}`)
	case "dupkeys":
		body = []byte(`{"a": 1, "a": 2}`)
	case "escapes":
		// Escapes in keys and strings, raw (as JSON allows for C1 and bidi, not for C0) and \u-escaped.
		body = []byte(`{"\u001b[31mkey": "\u001b]0;title\u0007", "c1": "` + "\u009b31m" + `", "bidi": "` + "\u202e" + `evil"}`)
	case "ascii":
		// Every non-ASCII character \u-escaped, as Python's json.dumps writes by default, beside escapes
		// that must stay escapes on a terminal.
		body = []byte(`{"name": "caf\u00e9", "emoji": "\ud83d\ude00", "path": "a\/b", "esc": "\u001b[31m", "bidi": "\u202eevil", "quote": "\u0022"}`)
	case "raw-c1":
		// A raw 0x9B byte (8-bit CSI, not UTF-8) deep in a JSON string, past any sniffed window.
		body = []byte(`{"pad": "` + strings.Repeat("x", 1500) + "\x9b31m" + `red"}`)
	case "raw-c1-array":
		var b strings.Builder
		b.WriteString("[")
		for i := range 3000 {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"i": %d, "s": "item"}`, i)
		}
		b.WriteString(`,{"s": "` + "\x9b31mred" + `"}]`)
		body = []byte(b.String())
	default:
		http.Error(w, "unknown kind", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

func textEscapes(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprintf(w, "before\n%s\nafter\n", Escapes)
}

// latin1Text is ISO 8859-1 text labelled as such: "café" with é as the single byte 0xE9.
func latin1Text(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=iso-8859-1")
	w.Write([]byte("caf\xe9 cr\xe8me\n"))
}

// bombs are 96 MiB of zeros per coding (more than the 64 MiB hop holds for a document), compressed once,
// when first asked for.
var bombs sync.Map // coding → []byte

const bombSize = 96 << 20

func bombOf(coding string) []byte {
	if b, ok := bombs.Load(coding); ok {
		return b.([]byte)
	}
	var buf bytes.Buffer
	var zw io.WriteCloser
	switch coding {
	case "gzip":
		zw, _ = gzip.NewWriterLevel(&buf, gzip.BestCompression)
	case "deflate":
		zw, _ = zlib.NewWriterLevel(&buf, zlib.BestCompression)
	case "deflate-raw":
		zw, _ = flate.NewWriter(&buf, flate.BestCompression)
	case "br":
		zw = brotli.NewWriterLevel(&buf, brotli.BestSpeed)
	case "zstd":
		zw, _ = zstd.NewWriter(&buf, zstd.WithEncoderLevel(zstd.SpeedFastest))
	default:
		return nil
	}
	zeros := make([]byte, 1<<20)
	for range bombSize >> 20 {
		zw.Write(zeros)
	}
	zw.Close()
	b, _ := bombs.LoadOrStore(coding, buf.Bytes())
	return b.([]byte)
}

// bomb serves 96 MiB of zeros compressed with each coding in ?codings (comma-separated; "br,gzip" is a
// gzip of a brotli bomb, the second applied last), labelled application/json.
func bomb(w http.ResponseWriter, r *http.Request) {
	codings := strings.Split(r.PathValue("codings"), ",")
	body := bombOf(codings[0])
	if body == nil {
		http.Error(w, "unknown coding", http.StatusNotFound)
		return
	}
	for _, c := range codings[1:] {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf) // the outer layers: gzip, whatever they are named after
		if c != "gzip" {
			http.Error(w, "outer layers are gzip", http.StatusNotFound)
			return
		}
		zw.Write(body)
		zw.Close()
		body = buf.Bytes()
	}
	names := strings.Join(codings, ", ")
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Encoding", strings.ReplaceAll(names, "deflate-raw", "deflate"))
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// layers names n gzip layers over a body that is not gzip at all.
func layers(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.PathValue("n"))
	w.Header().Set("Content-Encoding", strings.TrimSuffix(strings.Repeat("gzip,", n), ","))
	w.Write([]byte("this is not gzip"))
}

// stray answers, then, while the connection sits idle in the client's pool, sends bytes nobody asked for
// (net/http logs "Unsolicited response received on idle HTTP channel" for them).
func stray(w http.ResponseWriter, r *http.Request) {
	raw(w, func(bw *bufio.ReadWriter) {
		bw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n")
		bw.Flush()
		time.Sleep(100 * time.Millisecond)
		bw.WriteString("HTTP/1.1 200 OK\r\nX-Stray: yes\r\n\r\n")
		bw.Flush()
		hold(r, time.Second)
	})
}

// stream sends ?n= (default 5) items, one every ?every= ms (default 100): server-sent events (sse), JSON
// lines (ndjson) or a plain text log (text), flushing each.
func stream(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.URL.Query().Get("n"))
	if err != nil {
		n = 5
	}
	every, err := strconv.Atoi(r.URL.Query().Get("every"))
	if err != nil {
		every = 100
	}
	kind := r.PathValue("kind")
	w.Header().Set("Content-Type", map[string]string{"sse": "text/event-stream", "ndjson": "application/x-ndjson", "text": "text/plain"}[kind])
	w.WriteHeader(http.StatusOK)
	for i := range n {
		switch kind {
		case "sse":
			fmt.Fprintf(w, "event: tick\ndata: {\"n\": %d}\n\n", i)
		case "ndjson":
			fmt.Fprintf(w, "{\"n\":%d,\"msg\":\"line %d\"}\n", i, i)
		default:
			fmt.Fprintf(w, "log line %d\n", i)
		}
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			return
		case <-time.After(time.Duration(every) * time.Millisecond):
		}
	}
}
