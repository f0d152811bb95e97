package transport

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

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
