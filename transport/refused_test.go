package transport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
	"github.com/hop-cli/hop/trace"
)

// TestRefusedRequests: an HTTP/2 server that turns every request away unanswered (REFUSED_STREAM, or a
// GOAWAY that took no stream) ends the round trip after the second refusal, with a *RefusedError and without
// waiting for a deadline, while one refusal followed by an answer still succeeds. Left to net/http, the first
// two kept hop busy for minutes: its HTTP/2 client backs off up to 32 s a time and its own loop dials again.
func TestRefusedRequests(t *testing.T) {
	for _, c := range []struct {
		path     string
		warm     bool // a request answered on the connection first, so that the refused one takes it pooled
		refused  bool
		requests int64
	}{
		{path: "/refuse", refused: true, requests: 2},
		{path: "/refuse", warm: true, refused: true, requests: 3},
		{path: "/goaway", refused: true, requests: 2},
		{path: "/refuse-once", requests: 2},
		{path: "/ok", requests: 1},
	} {
		t.Run(c.path, func(t *testing.T) {
			srv, err := testserver.StartRawH2()
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			tr := newTransport(t, Options{Protocol: HTTP2})
			if c.warm {
				if body, _, err := get(t, tr, srv.URL()+"/ok"); err != nil || body != "ok\n" {
					t.Fatalf("warming up: %q, %v", body, err)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL()+c.path, nil)
			resp, _, err := trace.RoundTrip(tr, req)
			var refused *RefusedError
			switch {
			case c.refused && !errors.As(err, &refused):
				t.Fatalf("error %v, want a *RefusedError", err)
			case c.refused && refused.Times != 2:
				t.Errorf("refused %d times, want 2", refused.Times)
			case !c.refused && err != nil:
				t.Fatal(err)
			case !c.refused:
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || string(body) != "ok\n" {
					t.Errorf("body %q, %v; want \"ok\\n\"", body, err)
				}
			}
			// The third try of a refused request is stopped as it takes its connection; net/http may still
			// have sent its HEADERS by then, never more.
			if got := srv.Requests.Load(); got != c.requests && !(c.refused && got == c.requests+1) {
				t.Errorf("the server read %d requests, want %d", got, c.requests)
			}
		})
	}
}

// A body-less response that net/http gives as http.NoBody (HTTP/1.1's HEAD and 204) stays http.NoBody
// through the round trip's wrappers: trace recognises it to end a dump with the head.
func TestNoBodyStaysNoBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/204" {
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	defer srv.Close()
	tr := newTransport(t, Options{Protocol: HTTP1})
	for _, c := range []struct{ method, path string }{{http.MethodHead, "/"}, {http.MethodGet, "/204"}} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Body != http.NoBody {
			t.Errorf("%s %s: the body is a %T, not http.NoBody", c.method, c.path, resp.Body)
		}
	}
}
