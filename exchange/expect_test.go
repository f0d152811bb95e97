package exchange_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/transport"
)

// upload builds a -T upload of a file of size bytes, announced as curl announces it (Expect100).
func upload(t *testing.T, url string, size int) *request.Request {
	t.Helper()
	path := filepath.Join(t.TempDir(), "up.bin")
	if err := os.WriteFile(path, bytes.Repeat([]byte("x"), size), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := request.Build(request.Spec{URL: url, Upload: path, Expect100: true})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// doRead sends r and reads the final body whole.
func doRead(t *testing.T, c *exchange.Client, r *request.Request) (*exchange.Exchange, string) {
	t.Helper()
	ex, err := c.Do(context.Background(), r, exchange.Observer{})
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	body, _ := ex.Body(false)
	got, _ := io.ReadAll(body)
	return ex, string(got)
}

// A server that refuses an upload from its head alone (here 413) is spared the body: the request asked
// 100-continue, and the answer came before the server said go on. The server reads on after answering,
// so it counts what a client that had not asked would have sent anyway.
func TestExpectContinueSparesARefusedBody(t *testing.T) {
	var read atomic.Int64
	var expect atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		expect.Store(r.Header.Get("Expect"))
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		rc := http.NewResponseController(w)
		rc.Flush()
		rc.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, _ := io.Copy(io.Discard, r.Body)
		read.Store(n)
	}))
	c := client(t, exchange.Options{}, transport.Options{})
	const size = 8 << 20
	ex, err := c.Do(context.Background(), upload(t, srv.URL+"/up", size), exchange.Observer{})
	if err != nil {
		t.Fatal(err)
	}
	ex.Close()
	c.Transport.(interface{ CloseIdleConnections() }).CloseIdleConnections()
	srv.Close() // the handler has ended
	if got := ex.Final().StatusCode; got != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", got)
	}
	if got := expect.Load(); got != "100-continue" {
		t.Errorf("Expect %q, want 100-continue", got)
	}
	if n := read.Load(); n > 0 {
		t.Errorf("the server got %d bytes of an %d-byte body it refused; want none", n, size)
	}
}

// A server that accepts the expectation gets the body after its 100, whole.
func TestExpectContinueSendsTheBodyOnceAllowed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body) // reading sends the 100 Continue
		w.Header().Set("X-Expect", r.Header.Get("Expect"))
		io.WriteString(w, strconv.FormatInt(n, 10))
	}))
	defer srv.Close()
	c := client(t, exchange.Options{}, transport.Options{})
	ex, got := doRead(t, c, upload(t, srv.URL+"/up", 3<<20))
	if got != strconv.Itoa(3<<20) || ex.Final().Header.Get("X-Expect") != "100-continue" {
		t.Errorf("the server read %s bytes with Expect %q; want %d with 100-continue", got, ex.Final().Header.Get("X-Expect"), 3<<20)
	}
}

// A server that will not take the expectation (417) gets the request again without it, as curl sends it.
func TestExpectationFailedIsSentAgainWithout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Expect") != "" {
			w.WriteHeader(http.StatusExpectationFailed)
			return
		}
		n, _ := io.Copy(io.Discard, r.Body)
		io.WriteString(w, strconv.FormatInt(n, 10))
	}))
	defer srv.Close()
	c := client(t, exchange.Options{}, transport.Options{})
	ex, got := doRead(t, c, upload(t, srv.URL+"/up", 1000))
	if len(ex.Hops) != 2 || ex.Hops[0].Response.StatusCode != http.StatusExpectationFailed || got != "1000" {
		t.Errorf("%d hops, final body %q; want a 417, then the 1000 bytes sent without Expect", len(ex.Hops), got)
	}
	if h := ex.Hops[len(ex.Hops)-1].Request.Header.Get("Expect"); h != "" {
		t.Errorf("the second request still asked %q", h)
	}
}

// A redirect that drops the body (303) drops its Expect with it.
func TestRedirectWithoutBodyDropsExpect(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/up" {
			http.Redirect(w, r, "/done", http.StatusSeeOther)
			return
		}
		io.WriteString(w, r.Method+" "+r.Header.Get("Expect"))
	}))
	defer srv.Close()
	c := client(t, exchange.Options{Follow: true, MaxRedirects: 2}, transport.Options{})
	_, got := doRead(t, c, upload(t, srv.URL+"/up", 10))
	if got != "GET " {
		t.Errorf("after the 303 the server saw %q; want a GET without Expect", got)
	}
}
