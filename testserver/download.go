package testserver

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// pattern is a deterministic file of n bytes that needs no memory: byte i is pattern(i). Tests compare
// downloads with it by hash.
type pattern struct {
	n, off int64
}

// PatternByte is byte i of every /download/ file.
func PatternByte(i int64) byte { return byte(i*7 + i>>9 + i>>17) }

func (p *pattern) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	k := int(min(int64(len(b)), p.n-p.off))
	for i := range k {
		b[i] = PatternByte(p.off + int64(i))
	}
	p.off += int64(k)
	return k, nil
}

func (p *pattern) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += p.off
	case io.SeekEnd:
		offset += p.n
	}
	if offset < 0 {
		return 0, errors.New("negative position")
	}
	p.off = offset
	return offset, nil
}

// fileModTime is the Last-Modified of every /download/ file.
var fileModTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// downloadFile serves /download/file/{n}: n pattern bytes with an ETag and Last-Modified, honouring
// Range, If-Range and answering 416 as net/http does. ?cd= sets a Content-Disposition as given (for
// hostile names); ?etag= changes the ETag (a file that changed); ?type= the Content-Type; ?slow=1 sends it
// slowly; ?chunk=N answers an open range ("bytes=S-") with N bytes at most, as servers that cap a range do, and
// a request for the whole file with its first N bytes (206), as a broken one does.
func downloadFile(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.ParseInt(r.PathValue("n"), 10, 64)
	if err != nil || n < 0 {
		http.Error(w, "n must be a size", http.StatusBadRequest)
		return
	}
	q := r.URL.Query()
	if chunk, err := strconv.ParseInt(q.Get("chunk"), 10, 64); err == nil && chunk > 0 {
		var start int64
		rng := r.Header.Get("Range")
		if _, err := fmt.Sscanf(rng, "bytes=%d-", &start); rng == "" || err == nil && strings.HasSuffix(rng, "-") {
			r.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", start, start+chunk-1))
		}
	}
	if cd := q.Get("cd"); cd != "" {
		w.Header().Set("Content-Disposition", cd)
	}
	w.Header().Set("ETag", `"`+cmpOr(q.Get("etag"), "v1-"+strconv.FormatInt(n, 10))+`"`)
	w.Header().Set("Content-Type", cmpOr(q.Get("type"), "application/octet-stream"))
	var content io.ReadSeeker = &pattern{n: n}
	if q.Get("slow") != "" {
		content = slowReader{content}
	}
	http.ServeContent(w, r, "", fileModTime, content)
}

// slowReader takes 20 ms per read (?slow=1), so that a progress bar has time to be drawn.
type slowReader struct{ io.ReadSeeker }

func (s slowReader) Read(b []byte) (int, error) {
	time.Sleep(20 * time.Millisecond)
	return s.ReadSeeker.Read(b)
}

// downloadNoRange serves /download/norange/{n}: the same bytes, always whole (200), whatever Range says.
func downloadNoRange(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.ParseInt(r.PathValue("n"), 10, 64)
	w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	w.Header().Set("Content-Type", "application/octet-stream")
	io.Copy(w, &pattern{n: n})
}

// downloadCut serves /download/cut/{n}: it promises n bytes and hangs up after half of them.
func downloadCut(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.ParseInt(r.PathValue("n"), 10, 64)
	raw(w, func(bw *bufio.ReadWriter) {
		fmt.Fprintf(bw, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nETag: \"v1-%d\"\r\nContent-Length: %d\r\n\r\n", n, n)
		io.Copy(bw, &pattern{n: n / 2})
	})
}

// cutOnce serves /download/cut-once/{key}/{n}: the first request for key is cut as /download/cut/ cuts
// it, every later one is /download/file/{n} (Range honoured): a connection that dropped once, for --retry to
// resume.
type cutOnce struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (c *cutOnce) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	first := !c.seen[r.PathValue("key")]
	c.seen[r.PathValue("key")] = true
	c.mu.Unlock()
	if first {
		downloadCut(w, r)
		return
	}
	downloadFile(w, r)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
