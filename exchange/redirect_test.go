package exchange_test

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/testserver"
	"github.com/hop-cli/hop/transport"
)

// TestLocationsAsBrowsersReadThem: a Location with spaces, non-ASCII or quotes in its query (servers send
// them raw) is followed with those bytes percent-encoded, as browsers send them (curl writes a space there as +); Go kept the query
// raw, so the request line carried a space and the server read a broken request. A '%' beginning no escape
// in the path, which Go's parser refused, is sent as %25. A Location without a host is refused in words.
func TestLocationsAsBrowsersReadThem(t *testing.T) {
	targets := make(chan string, 10)
	addr := testserver.ServeLoopback(t, func(conn net.Conn) {
		defer conn.Close()
		r := bufio.NewReader(conn)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			for { // the rest of the head
				h, err := r.ReadString('\n')
				if err != nil || h == "\r\n" {
					break
				}
			}
			// The request-target is everything between the method and the version.
			target := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(line), "GET "), " HTTP/1.1")
			if loc, ok := strings.CutPrefix(target, "/to/"); ok {
				conn.Write([]byte("HTTP/1.1 302 Found\r\nLocation: " + map[string]string{"raw": "/a b/\u00fc?q=a b&r=\u00fc\"<>`", "nohost": "https:///x",
					"percent": "/100%/a%zz%2F%4?q=%zz%#f%z", "typed": "/a%2Fb/(1)!|/%7e/%2e%2E/c"}[loc] + "\r\nContent-Length: 0\r\n\r\n"))
				continue
			}
			targets <- target
			conn.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
		}
	})
	c := client(t, exchange.Options{Follow: true, MaxRedirects: 5}, transport.Options{})
	base := "http://" + addr
	for _, tt := range []struct{ to, want string }{
		{"raw", "/a%20b/%C3%BC?q=a%20b&r=%C3%BC%22%3C%3E`"},
		// A '%' that begins no escape in the path is sent as %25 (HTTPie's rule), escapes kept; the query
		// as it is, as before.
		{"percent", "/100%25/a%25zz%2F%254?q=%zz%"},
		// The path as the server wrote it, but for the bytes a URL cannot carry raw: an escaped slash stays
		// one (decoded, it would name another resource), and so do the other escapes and '(', ')', '!',
		// which Go rewrote its own way once one byte needed escaping.
		{"typed", "/a%2Fb/(1)!%7C/%7e/%2e%2E/c"},
	} {
		ex, err := c.Do(context.Background(), build(t, "GET", base+"/to/"+tt.to), exchange.Observer{})
		if err != nil {
			t.Fatal(err)
		}
		ex.Close()
		if got := <-targets; got != tt.want {
			t.Errorf("followed the %s Location as %q, want %q", tt.to, got, tt.want)
		}
	}
	ex, err := c.Do(context.Background(), build(t, "GET", base+"/to/nohost"), exchange.Observer{})
	ex.Close()
	if want := "to https:///x: the Location names no host"; err == nil || !strings.Contains(err.Error(), want) || exchange.ClassOf(err) != exchange.Refused {
		t.Errorf("a Location without a host: %v (class %v), want it refused saying %q", err, exchange.ClassOf(err), want)
	}
}

// TestRedirectLimitCountsRedirects: the redirect limit counts redirects followed, not hops: an attempt
// retried (a 503 first) and a challenge answered (a 401 first) are hops of their own before the one
// redirect --max-redirects 1 allows. (curl 7.88 counts its auth reloads against --max-redirs: with 0 it
// cannot answer a challenge.)
func TestRedirectLimitCountsRedirects(t *testing.T) {
	var (
		mu   sync.Mutex
		seen = map[string]int{}
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Path]++
		n := seen[r.URL.Path]
		mu.Unlock()
		switch {
		case r.URL.Path == "/end":
			w.Write([]byte("end"))
		case r.URL.Path == "/busy" && n == 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		case r.URL.Path == "/locked" && r.Header.Get("Authorization") == "":
			w.Header().Set("WWW-Authenticate", `Digest realm="r", nonce="n"`)
			w.WriteHeader(http.StatusUnauthorized)
		default:
			http.Redirect(w, r, "/end", http.StatusFound)
		}
	}))
	defer srv.Close()
	answer := func(*http.Response, *http.Request, int) (string, bool) { return `Digest username="u"`, true }
	c := client(t, exchange.Options{Follow: true, MaxRedirects: 1, Challenge: answer, Retry: exchange.Retry{N: 1, Delay: time.Millisecond}}, transport.Options{})
	for _, path := range []string{"/busy", "/locked"} {
		r, err := request.Build(request.Spec{URL: srv.URL + path})
		if err != nil {
			t.Fatal(err)
		}
		ex, err := c.Do(context.Background(), r, exchange.Observer{})
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		ex.Close()
		if n := len(ex.Hops); n != 3 || ex.Final().StatusCode != http.StatusOK {
			t.Errorf("%s: %d hops ending %d; want 3 ending 200", path, n, ex.Final().StatusCode)
		}
	}
}
