// Package testserver serves real HTTP on loopback for hop's tests and demo: a full httpbin
// (github.com/mccutchen/go-httpbin) plus endpoints under /misbehave/ that break the rules on purpose.
package testserver

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

// Handler returns httpbin with the misbehaving endpoints mounted under /misbehave/.
func Handler() http.Handler {
	bin := httpbin.New(httpbin.WithMaxBodySize(64<<20), httpbin.WithMaxDuration(30*time.Second))
	mux := http.NewServeMux()
	mux.Handle("/", bin)
	mux.HandleFunc("/misbehave/truncated", truncated)
	mux.HandleFunc("/misbehave/badchunk", badChunk)
	mux.HandleFunc("/misbehave/escape", escape)
	mux.HandleFunc("/misbehave/stall", stall)
	mux.HandleFunc("/misbehave/endless", endless)
	mux.HandleFunc("/misbehave/badgzip", badGzip)
	mux.HandleFunc("/misbehave/gzip-json", gzipJSON)
	mux.HandleFunc("/misbehave/gzip-bomb", gzipBomb)
	mux.HandleFunc("/misbehave/binary", binary)
	mux.HandleFunc("/misbehave/invalid-json", invalidJSON)
	mux.HandleFunc("/misbehave/zeros/{n}", zeros)
	mux.HandleFunc("/misbehave/delay-first-byte/{ms}", delayFirstByte)
	mux.HandleFunc("/misbehave/loop", loop)
	mux.HandleFunc("/misbehave/huge-headers", hugeHeaders)
	mux.HandleFunc("/misbehave/text-crlf", textCRLF)
	mux.HandleFunc("/misbehave/early-hints", earlyHints)
	mux.HandleFunc("/misbehave/empty", empty)
	mux.HandleFunc("/raw/head-order", headOrder)
	mux.HandleFunc("/raw/informs", informs)
	mux.HandleFunc("/raw/close", closing)
	mux.HandleFunc("/raw/spaced", spaced)
	mux.HandleFunc("/raw/two-types", func(w http.ResponseWriter, _ *http.Request) {
		raw(w, func(bw *bufio.ReadWriter) { // two Content-Type fields, then an empty one: a misconfigured server's
			bw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Type: application/json\r\nContent-Type:\r\nContent-Length: 3\r\n\r\n{}\n")
		})
	})
	mux.HandleFunc("/raw/http10", func(w http.ResponseWriter, _ *http.Request) {
		raw(w, func(bw *bufio.ReadWriter) {
			bw.WriteString("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n") // an HTTP/1.0 server's
		})
	})
	mux.HandleFunc("/raw/informs-only", func(w http.ResponseWriter, _ *http.Request) {
		raw(w, func(bw *bufio.ReadWriter) { bw.WriteString(Informs) }) // and the connection closes: no final answer
	})
	mux.Handle("/dns-query", &DNS{Zone: "hop.test."}) // DNS over HTTPS: any name under hop.test is 127.0.0.1
	mux.HandleFunc("/peer", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.RemoteAddr) // the address and port the client sent from (/ip has no port)
	})
	mux.Handle("/flaky/{key}/{n}", &flaky{seen: map[string]int{}})
	mux.Handle("/together/{key}/{n}", &together{groups: map[string]*rendezvous{}})
	mux.HandleFunc("/session/login", login)
	mux.HandleFunc("/encoded/{codings}", encoded)
	mux.HandleFunc("/download/file/{n}", downloadFile)
	mux.HandleFunc("/download/norange/{n}", downloadNoRange)
	mux.HandleFunc("/download/cut/{n}", downloadCut)
	mux.Handle("/download/cut-once/{key}/{n}", &cutOnce{seen: map[string]bool{}})
	hostileRoutes(mux)
	mux.HandleFunc("/data/json-400", json400)
	mux.HandleFunc("/data/json-array/{n}", jsonArray)
	mux.HandleFunc("/data/json-object/{n}", jsonObject)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/record/") {
			record(w, r) // before the mux, which would redirect /record/a/../b to its clean path
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// raw hijacks the connection and writes exactly what is given, so a test can send what net/http would
// refuse to.
func raw(w http.ResponseWriter, write func(bw *bufio.ReadWriter)) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "cannot hijack (HTTP/2?); use HTTP/1.1", http.StatusHTTPVersionNotSupported)
		return
	}
	conn, bw, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	write(bw)
	bw.Flush()
}

// HeadOrder is /raw/head-order's response head: fields neither sorted nor in canonical case, a name
// repeated around another, as servers write them (HTTP/1.1 only).
const HeadOrder = "HTTP/1.1 200 OK\r\nzeta: 1\r\nSet-Cookie: a=1\r\nX-Mixed-CASE: y\r\nSet-Cookie: b=2\r\n" +
	"alpha: 2\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\n"

func headOrder(w http.ResponseWriter, _ *http.Request) {
	raw(w, func(bw *bufio.ReadWriter) { bw.WriteString(HeadOrder + "ok\n") })
}

// Informs is /raw/informs's two informational heads, sent before HeadOrder: a 100 Continue nobody asked
// for, then a 103 with a reason phrase of its own and fields neither sorted nor in canonical case.
const Informs = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Hints Ahead\r\nlink: </a.css>; rel=preload\r\n" +
	"X-Early: 1\r\nLink: </b.js>; rel=preload\r\n\r\n"

func informs(w http.ResponseWriter, _ *http.Request) {
	raw(w, func(bw *bufio.ReadWriter) { bw.WriteString(Informs + HeadOrder + "ok\n") })
}

// Closing is /raw/close's response head: a Connection field that says close (net/http takes it out of the
// header it gives), beside another token, as HTTP/1.0-era servers and proxies write it.
const Closing = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close, X-Hop\r\nX-Hop: 1\r\nContent-Length: 3\r\n\r\n"

func closing(w http.ResponseWriter, _ *http.Request) {
	raw(w, func(bw *bufio.ReadWriter) { bw.WriteString(Closing + "ok\n") })
}

// Spaced is /raw/spaced's response head: a status line with a space and no reason phrase, values padded
// with blanks, an empty one, a tab: fields net/http trims as it reads them.
const Spaced = "HTTP/1.1 200 \r\nX-Sp:   padded   \r\nX-Empty:\r\nX-Tab:\tv\r\nContent-Length: 3\r\n\r\n"

func spaced(w http.ResponseWriter, _ *http.Request) {
	raw(w, func(bw *bufio.ReadWriter) { bw.WriteString(Spaced + "ok\n") })
}

// truncated promises 100 bytes and sends 10.
func truncated(w http.ResponseWriter, _ *http.Request) {
	raw(w, func(bw *bufio.ReadWriter) {
		bw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n0123456789")
	})
}

// badChunk sends a chunk header that is not hexadecimal.
func badChunk(w http.ResponseWriter, _ *http.Request) {
	raw(w, func(bw *bufio.ReadWriter) {
		bw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nbroken\r\n0\r\n\r\n")
	})
}

// escape puts terminal escape sequences in the reason phrase, a header and the body. (Go's client rejects
// C0 controls in header values itself, so the header carries a C1 CSI and a bidi override.)
func escape(w http.ResponseWriter, _ *http.Request) {
	raw(w, func(bw *bufio.ReadWriter) {
		body := "safe \x1b[31mred\x1b[0m \x1b]0;pwned\x07 bell\x07 \xc2\x9b31m c1 \u202eevil\n"
		fmt.Fprintf(bw, "HTTP/1.1 200 OK\x1b[2J\r\nContent-Type: text/plain\r\nX-Evil: a\xc2\x9b31mb \u202eevil\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	})
}

// stall sends headers and a few bytes, then nothing until the client gives up.
func stall(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	w.Write([]byte("first bytes\n"))
	w.(http.Flusher).Flush()
	<-r.Context().Done()
}

// endless streams a body that never ends, until the client goes away.
func endless(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/octet-stream")
	chunk := make([]byte, 64<<10)
	for r.Context().Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

// badGzip claims gzip and sends garbage.
func badGzip(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Content-Encoding", "gzip")
	w.Write([]byte("this is not gzip at all"))
}

// gzipJSON sends gzip-compressed JSON.
func gzipJSON(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Encoding", "gzip")
	zw := gzip.NewWriter(w)
	zw.Write([]byte(`{"compressed":true,"n":1}`))
	zw.Close()
}

// binary sends PNG bytes labelled as text, to prove hop sniffs rather than trusts the label.
func binary(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	w.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"))
}

func invalidJSON(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"open": [1, 2,` + "\n"))
}

// zeros sends n zero bytes with a Content-Length, as fast as the connection takes them. Over plain HTTP a
// large body goes out with sendfile from a file of zeros: copying it from memory cost the server as much
// CPU as the client spends receiving, so a benchmark against this endpoint measured the server.
func zeros(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.ParseInt(r.PathValue("n"), 10, 64)
	if err != nil || n < 0 {
		http.Error(w, "bad size", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	chunk := make([]byte, 256<<10)
	if r.TLS == nil && n >= zerosFileSize {
		if f, err := zerosFile(chunk); err == nil {
			defer f.Close()
			for n > 0 {
				if _, err := f.Seek(0, io.SeekStart); err != nil {
					return
				}
				sent, err := io.CopyN(w, f, min(n, zerosFileSize)) // sendfile: see http.response.ReadFrom
				n -= sent
				if err != nil {
					return
				}
			}
			return
		}
	}
	for n > 0 {
		c := chunk
		if int64(len(c)) > n {
			c = c[:n]
		}
		if _, err := w.Write(c); err != nil {
			return
		}
		n -= int64(len(c))
	}
}

const zerosFileSize = 8 << 20

// zerosFile returns an open, already unlinked file of zerosFileSize zero bytes, its own for one response
// (sendfile moves the file offset).
func zerosFile(chunk []byte) (*os.File, error) {
	f, err := os.CreateTemp("", "hop-zeros-*")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name())
	for written := 0; written < zerosFileSize; written += len(chunk) {
		if _, err := f.Write(chunk); err != nil {
			f.Close()
			return nil, err
		}
	}
	return f, nil
}

// delayFirstByte waits ms milliseconds before answering with a small JSON body.
func delayFirstByte(w http.ResponseWriter, r *http.Request) {
	ms, err := strconv.Atoi(r.PathValue("ms"))
	if err != nil || ms < 0 || ms > 60000 {
		http.Error(w, "bad delay", http.StatusBadRequest)
		return
	}
	select {
	case <-time.After(time.Duration(ms) * time.Millisecond):
	case <-r.Context().Done():
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"delayed_ms":%d}`+"\n", ms)
}

// loop redirects to itself forever.
func loop(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/misbehave/loop", http.StatusFound)
}

// hugeHeaders sends 2 MiB of headers.
func hugeHeaders(w http.ResponseWriter, _ *http.Request) {
	raw(w, func(bw *bufio.ReadWriter) {
		bw.WriteString("HTTP/1.1 200 OK\r\n")
		v := strings.Repeat("x", 8000)
		for i := 0; i < 256; i++ {
			fmt.Fprintf(bw, "X-Big-%d: %s\r\n", i, v)
		}
		bw.WriteString("Content-Length: 2\r\n\r\nok")
	})
}

func textCRLF(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	w.Write([]byte("line one\r\nline two\rover\n"))
}

// json400 is a 400-byte JSON document, the size of a typical small API answer.
func json400(w http.ResponseWriter, _ *http.Request) {
	body := `{"id":12345,"name":"hop","description":"an HTTP client for the terminal that shows where the time went",` +
		`"tags":["http","cli","tls","trace"],"owner":{"login":"hop-cli","id":42,"site_admin":false},"stars":1024,` +
		`"forks":64,"open_issues":3,"license":"MIT","created_at":"2026-01-01T00:00:00Z",` +
		`"updated_at":"2026-11-22T12:00:00Z","homepage":null,"archived":false,"score":99.5,"x":"`
	body += strings.Repeat("p", 399-len(body)) + `"}`
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(body))
}

var arrays sync.Map // n → []byte, built once per size

// jsonArray is a JSON array of n small objects (about 90 bytes each: n=560000 is about 50 MB).
func jsonArray(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 || n > 5_000_000 {
		http.Error(w, "bad count", http.StatusBadRequest)
		return
	}
	body, ok := arrays.Load(n)
	if !ok {
		var b strings.Builder
		b.WriteByte('[')
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id":%d,"name":"item %d","price":%d.%02d,"tags":["a","b"],"active":%t,"parent":null}`,
				i, i, i%1000, i%100, i%3 == 0)
		}
		b.WriteByte(']')
		body, _ = arrays.LoadOrStore(n, []byte(b.String()))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body.([]byte))))
	w.Write(body.([]byte))
}

// jsonObject sends a JSON object of n members whose keys, at every level, are in sorted order: --sorted
// changes nothing in it but holds it whole to format, so its output is the whole-body layout that the
// member-by-member one must equal.
func jsonObject(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 || n > 1_000_000 {
		http.Error(w, "bad count", http.StatusBadRequest)
		return
	}
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"k%07d":{"active":%t,"id":%d,"name":"item \u00e9 %d","tags":["a","b",{"x":[]}]}`, i, i%3 == 0, i, i)
	}
	b.WriteByte('}')
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, b.String())
}

// gzipBomb sends about 1 MB of gzip that expands to 1 GiB of zeros, labelled as JSON.
func gzipBomb(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Encoding", "gzip")
	zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for i := 0; i < 1024; i++ {
		if _, err := zw.Write(zeros); err != nil {
			return
		}
	}
	zw.Close()
}

// earlyHints sends a 103 Early Hints response before the final one.
func earlyHints(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Link", "</style.css>; rel=preload; as=style")
	w.WriteHeader(http.StatusEarlyHints)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(`{"hinted":true}`))
}

// Recorded is what /record/ saw of a request, byte for byte, for tests that compare what hop sent with what
// curl's or HTTPie's rules say it should send.
type Recorded struct {
	Method           string              `json:"method"`
	URI              string              `json:"uri"` // as on the request line
	Header           map[string][]string `json:"header"`
	Body             []byte              `json:"body"`
	ContentLength    int64               `json:"content_length"` // -1: not given (chunked)
	TransferEncoding []string            `json:"transfer_encoding"`
}

// record answers with the request it received, as JSON.
func record(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec := Recorded{Method: r.Method, URI: r.RequestURI, Header: r.Header, Body: body, ContentLength: r.ContentLength,
		TransferEncoding: r.TransferEncoding}
	if r.Host != "" {
		rec.Header["Host"] = []string{r.Host}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(rec)
}
