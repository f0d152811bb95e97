package transport

import (
	"errors"
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
