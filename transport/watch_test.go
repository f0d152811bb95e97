package transport

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"github.com/hop-cli/hop/testserver"
)

// TestHeadWatch: the wait for a response head is bounded by the idle limit even while bytes keep coming (an
// HTTP/2 server's PINGs), counted again from each 1xx, and ends with the head: a body that trickles in
// slower than the limit in all, but never idle that long, is not cut.
func TestHeadWatch(t *testing.T) {
	const idle = 300 * time.Millisecond
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		step := func() { time.Sleep(idle / 2) }
		if r.URL.Path == "/hints" {
			for range 4 {
				w.Header().Set("Link", "</a.css>; rel=preload")
				w.WriteHeader(http.StatusEarlyHints)
				step()
			}
		}
		w.WriteHeader(http.StatusOK)
		for range 4 {
			w.Write([]byte("."))
			w.(http.Flusher).Flush()
			step()
		}
	}))
	defer srv.Close()
	tr := newTransport(t, Options{IdleTimeout: idle})
	for _, path := range []string{"/hints", "/trickle"} {
		if body, _, err := get(t, tr, srv.URL+path); err != nil || body != "...." {
			t.Errorf("%s: %q, %v; want the whole body", path, body, err)
		}
	}
	h2, err := testserver.StartRawH2()
	if err != nil {
		t.Fatal(err)
	}
	defer h2.Close()
	_, _, err = get(t, newTransport(t, Options{IdleTimeout: idle, Protocol: HTTP2}), h2.URL()+"/pings")
	var head *HeadTimeoutError
	if !errors.As(err, &head) || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("PINGs and no answer: %v, want a *HeadTimeoutError", err)
	}
}

// A slow upload after a 100 Continue is not the wait for the head: the watch starts once the request is
// written. (The 100's first byte armed it, and an upload longer than the idle limit was cut off.)
func TestHeadWatchWaitsForTheUpload(t *testing.T) {
	const idle = 300 * time.Millisecond
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body) // the first read sends the 100 Continue
		w.Write(b)
	}))
	defer srv.Close()
	tr := newTransport(t, Options{IdleTimeout: idle, Expect100Timeout: time.Second})
	req, _ := http.NewRequest(http.MethodPost, srv.URL, &slowBody{left: 6, every: idle / 2})
	req.Header.Set("Expect", "100-continue")
	req.ContentLength = 6
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatalf("an upload of %s after a 100 Continue: %v", 6*idle/2, err)
	}
	defer resp.Body.Close()
	if b, err := io.ReadAll(resp.Body); string(b) != "......" || err != nil {
		t.Errorf("echo %q, %v", b, err)
	}
}

// TestSlowProducer: a request body whose producer is slower than the idle limit (standard input fed by
// another program, of no known length) is not the server's wait, over HTTP/1.1 (plain and TLS), HTTP/2 and
// HTTP/3: the upload's count, which starts when the head is written, stops while the transport is reading
// it, and so does the connection's read deadline, under which net/http's HTTP/1.1 waits for the answer as
// it sends the body.
func TestSlowProducer(t *testing.T) {
	const idle = 300 * time.Millisecond
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Write(b)
	})
	slow := func(tr *Transport, url string) {
		req, _ := http.NewRequest(http.MethodPost, url, io.NopCloser(&slowBody{left: 3, every: 2 * idle}))
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Errorf("%s: a producer slower than the idle limit: %v", url, err)
			return
		}
		if b, err := io.ReadAll(resp.Body); string(b) != "..." || err != nil {
			t.Errorf("%s: echo %q, %v", url, b, err)
		}
		resp.Body.Close()
	}
	overTLSAndQUIC(t, echo, idle, slow)
	plain := httptest.NewServer(echo)
	t.Cleanup(plain.Close)
	slow(newTransport(t, Options{IdleTimeout: idle, Protocol: HTTP1}), plain.URL)
	tlsURL, _, ca := tlsAndH3(t, echo)
	slow(newTransport(t, Options{IdleTimeout: idle, Protocol: HTTP1, TLS: TLSOptions{CACert: ca}}), tlsURL)
}

// overTLSAndQUIC runs f with a transport of the idle limit to handler served over HTTP/2 (TLS) and HTTP/3.
func overTLSAndQUIC(t *testing.T, handler http.Handler, idle time.Duration, f func(tr *Transport, url string)) {
	t.Helper()
	tlsURL, h3URL, ca := tlsAndH3(t, handler)
	for _, c := range []struct {
		p   Protocol
		url string
	}{{HTTP2, tlsURL}, {HTTP3, h3URL}} {
		f(newTransport(t, Options{IdleTimeout: idle, Protocol: c.p, TLS: TLSOptions{CACert: ca}}), c.url)
	}
}

// TestPausedReader: a reader that pauses longer than the idle limit (hop get … | less, left on its first
// page) finds the rest of the body when it reads again, over HTTP/1.1, HTTP/2 (TLS and h2c) and HTTP/3.
// Over HTTP/2 and HTTP/3 the client reads the connection ahead of the reader, the server stops once its
// window is full, and the quiet connection timed out: "waiting for the rest of the body".
func TestPausedReader(t *testing.T) {
	const idle = 300 * time.Millisecond
	const size = 16 << 20 // more than a stream's window and the buffers under it
	chunk := make([]byte, 1<<20)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(size))
		for range size / len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	tlsURL, h3URL, ca := tlsAndH3(t, handler)
	h2c := httptest.NewUnstartedServer(handler)
	h2c.Config.Protocols = new(http.Protocols)
	h2c.Config.Protocols.SetHTTP1(true)
	h2c.Config.Protocols.SetUnencryptedHTTP2(true)
	h2c.Start()
	defer h2c.Close()
	for _, c := range []struct {
		p   Protocol
		url string
	}{{HTTP1, tlsURL}, {HTTP2, tlsURL}, {HTTP2, h2c.URL}, {HTTP3, h3URL}} {
		tr := newTransport(t, Options{IdleTimeout: idle, Protocol: c.p, TLS: TLSOptions{CACert: ca}})
		req, _ := http.NewRequest(http.MethodGet, c.url, nil)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Errorf("%s: %v", c.url, err)
			continue
		}
		first := make([]byte, 1)
		_, err = io.ReadFull(resp.Body, first)
		if err == nil {
			time.Sleep(4 * idle)
			var n int64
			n, err = io.Copy(io.Discard, resp.Body)
			if err == nil && n != size-1 {
				err = fmt.Errorf("%d bytes after the pause, want %d", n, size-1)
			}
		}
		resp.Body.Close()
		if err != nil {
			t.Errorf("%s over %s, read after a pause of %s: %v", c.url, resp.Proto, 4*idle, err)
		}
	}
}

// tlsAndH3 serves handler over TLS (HTTP/1.1 and HTTP/2) and over HTTP/3 with the same certificate, until
// the test ends, and returns both URLs and a CA file that trusts them.
func tlsAndH3(t *testing.T, handler http.Handler) (tlsURL, h3URL, ca string) {
	t.Helper()
	srv := httptest.NewUnstartedServer(handler)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca = t.TempDir() + "/ca.pem"
	writeFile(t, ca, testserver.CertPEM(srv.Certificate()))
	h3, err := testserver.ServeHTTP3(srv.TLS.Certificates[0], handler)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h3.Close)
	return srv.URL, h3.URL, ca
}

// TestStalls: over HTTP/2 and HTTP/3, whose connections are no longer timed on reads, a server that stops
// mid-body, or opens no flow-control window for an upload, still ends the exchange after the idle limit
// with a timeout.
func TestStalls(t *testing.T) {
	const idle = 300 * time.Millisecond
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(make([]byte, 1024))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	overTLSAndQUIC(t, handler, idle, func(tr *Transport, url string) {
		_, _, err := get(t, tr, url)
		var stall *BodyTimeoutError
		if !errors.As(err, &stall) || stall.Upload || !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("%s, a body that stops: %v, want a *BodyTimeoutError", url, err)
		}
	})
	// An HTTP/2 server that opens no window (SETTINGS_INITIAL_WINDOW_SIZE 0) and never sends WINDOW_UPDATE:
	// its connection stays busy with nothing (the client's frames are read), so only the upload's watch ends it.
	closed := testserver.ServeLoopback(t, func(c net.Conn) {
		defer c.Close()
		if _, err := io.ReadFull(c, make([]byte, len(http2.ClientPreface))); err != nil {
			return
		}
		fr := http2.NewFramer(c, c)
		fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 0})
		for {
			f, err := fr.ReadFrame()
			if err != nil {
				return
			}
			if s, ok := f.(*http2.SettingsFrame); ok && !s.IsAck() {
				fr.WriteSettingsAck()
			}
		}
	})
	tr := newTransport(t, Options{IdleTimeout: idle, Protocol: HTTP2})
	// More than the 65,535 bytes the client may send before the server's settings come.
	req, _ := http.NewRequest(http.MethodPost, "http://"+closed+"/", strings.NewReader(strings.Repeat(".", 256<<10)))
	_, err := tr.RoundTrip(req)
	var stall *BodyTimeoutError
	if !errors.As(err, &stall) || !stall.Upload || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("an upload with no window: %v, want a *BodyTimeoutError of the upload", err)
	}
}

// Over HTTP/2 the request may be reported written after its answer came (net/http writes from another
// goroutine): that late report must not stop the body's checks, which it did once, leaving a body that
// stops unwatched (TestStalls failed so in a fresh clone's run under load).
func TestLateWroteRequestKeepsTheBodyWatch(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "http://example.com/", nil)
	req, w := watchWaits(req, time.Hour, time.Second)
	resp, err := w.end(req.Context(), &http.Response{Body: io.NopCloser(strings.NewReader("ab"))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	resp.Body.Read(make([]byte, 1)) // the body's checks begin
	w.arm(true)                     // the late report
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.timer == nil {
		t.Error("the body's checks stopped when the request was reported written after its answer")
	}
}
