package exchange_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/session"
	"github.com/hop-cli/hop/testserver"
	"github.com/hop-cli/hop/transport"
)

func client(t *testing.T, o exchange.Options, to transport.Options) *exchange.Client {
	t.Helper()
	if to.ConnectTimeout == 0 {
		to.ConnectTimeout = 5 * time.Second
	}
	if to.IdleTimeout == 0 {
		to.IdleTimeout = 5 * time.Second
	}
	tr, err := transport.New(to)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &exchange.Client{Transport: tr, Options: o, Limits: exchange.Limits{Connect: to.ConnectTimeout, Idle: to.IdleTimeout}}
}

// localLeaf makes a new PKI and a server certificate from it for 127.0.0.1, with its chain.
func localLeaf(t *testing.T) (*testserver.PKI, tls.Certificate) {
	t.Helper()
	pki, err := testserver.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := pki.Issue(testserver.Leaf{Names: []string{"127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	return pki, leaf
}

func build(t *testing.T, method, url string) *request.Request {
	t.Helper()
	r, err := request.Build(request.Spec{Method: method, URL: url})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestEveryHopIsTracedAndSeen(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	c := client(t, exchange.Options{Follow: true, MaxRedirects: 5}, transport.Options{})
	var seen []int
	ex, err := c.Do(context.Background(), build(t, "GET", srv.URL+"/redirect/2"), exchange.Observer{Hop: func(h exchange.Hop) {
		seen = append(seen, h.Response.StatusCode)
	}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := ex.Body(false)
	io.Copy(io.Discard, body)
	ex.Close()
	if len(ex.Hops) != 3 || len(seen) != 3 {
		t.Fatalf("%d hops, %d seen; want 3 and 3", len(ex.Hops), len(seen))
	}
	for i, want := range []int{302, 302, 200} {
		rec := ex.Hops[i].Record()
		if rec.Status != want || seen[i] != want || ex.Hops[i].Response.StatusCode != want {
			t.Errorf("hop %d: record %d, seen %d, response %d; want %d", i, rec.Status, seen[i], ex.Hops[i].Response.StatusCode, want)
		}
		if ex.Hops[i].Request.URL.String() != rec.URL {
			t.Errorf("hop %d: request %s, record %s: one hop, one request", i, ex.Hops[i].Request.URL, rec.URL)
		}
	}
	if !ex.Hops[1].Record().Reused || !ex.Hops[2].Record().Reused {
		t.Errorf("later hops should reuse the connection")
	}
	if ex.Hops[2].Record().Events.BodyDone.IsZero() {
		t.Errorf("the final hop's transfer end was not stamped")
	}
}

func TestFailedHopIsSeen(t *testing.T) {
	c := client(t, exchange.Options{}, transport.Options{})
	var seen []exchange.Hop
	ex, err := c.Do(context.Background(), build(t, "GET", "http://127.0.0.1:1/"), exchange.Observer{Hop: func(h exchange.Hop) { seen = append(seen, h) }})
	if exchange.ClassOf(err) != exchange.Connect || exchange.PhaseOf(err) != "the connection" {
		t.Errorf("error %v: class %v phase %q, want connect, the connection", err, exchange.ClassOf(err), exchange.PhaseOf(err))
	}
	if len(ex.Hops) != 1 || len(seen) != 1 || seen[0].Response != nil || ex.Final() != nil {
		t.Errorf("%d hops, %d seen; want the failed hop once, with no response", len(ex.Hops), len(seen))
	}
}

// TestUnsendableHeaderIsNotTheServers: a header value net/http refuses to send (request.Build refuses it
// first; here it is set afterwards) fails as the request's fault, with nothing sent, never as a malformed
// response from the server.
func TestUnsendableHeaderIsNotTheServers(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	c := client(t, exchange.Options{}, transport.Options{})
	r := build(t, "GET", srv.URL+"/get")
	r.Header.Set("X-Bad", "a\x01b")
	_, err := c.Do(context.Background(), r, exchange.Observer{})
	if exchange.ClassOf(err) != exchange.Usage {
		t.Errorf("error %v: class %v, want usage", err, exchange.ClassOf(err))
	}
	if err == nil || strings.Contains(err.Error(), "malformed response") {
		t.Errorf("error %v: blames the server", err)
	}
}

// TestHTTP2PriorKnowledgeToHTTP1: --http2 on http:// to a server that speaks only HTTP/1.1 is a protocol
// failure that says so, not net/http's note about frame sizes.
func TestHTTP2PriorKnowledgeToHTTP1(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	c := client(t, exchange.Options{}, transport.Options{Protocol: transport.HTTP2})
	_, err := c.Do(context.Background(), build(t, "GET", srv.URL+"/get"), exchange.Observer{})
	if exchange.ClassOf(err) != exchange.Protocol || err == nil || !strings.Contains(err.Error(), "answered in HTTP/1.1, not HTTP/2") {
		t.Errorf("--http2 to an HTTP/1.1 server: %v (class %v)", err, exchange.ClassOf(err))
	}
}

func TestTimeoutsNameLimitAndPhase(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	c := client(t, exchange.Options{}, transport.Options{IdleTimeout: 200 * time.Millisecond})
	_, err := c.Do(context.Background(), build(t, "GET", srv.URL+"/misbehave/delay-first-byte/3000"), exchange.Observer{})
	if exchange.ClassOf(err) != exchange.Timeout || exchange.PhaseOf(err) != "the first byte" {
		t.Fatalf("error = %v, want an idle timeout waiting for the first byte", err)
	}
	c = client(t, exchange.Options{MaxTime: 300 * time.Millisecond}, transport.Options{})
	ex, err := c.Do(context.Background(), build(t, "GET", srv.URL+"/misbehave/endless"), exchange.Observer{})
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	body, _ := ex.Body(false)
	_, err = io.Copy(io.Discard, body)
	if exchange.ClassOf(err) != exchange.Timeout || exchange.PhaseOf(err) != "the rest of the body" {
		t.Fatalf("error = %v, want the total limit while reading the body", err)
	}
}

// TestRedirectFailuresHaveNoPhase: a refused or endless redirect is not about the network.
func TestRedirectFailuresHaveNoPhase(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	tls := testserver.Start(testserver.Config{TLS: true})
	defer tls.Close()
	c := client(t, exchange.Options{Follow: true, MaxRedirects: 3}, transport.Options{TLS: transport.TLSOptions{Insecure: true}})
	for url, class := range map[string]exchange.Class{
		srv.URL + "/misbehave/loop":                      exchange.Redirects,
		srv.URL + "/redirect/5":                          exchange.Redirects,
		srv.URL + "/redirect-to?url=file:///etc/passwd":  exchange.Refused,
		tls.URL + "/redirect-to?url=" + srv.URL + "/get": exchange.Refused,
	} {
		ex, err := c.Do(context.Background(), build(t, "GET", url), exchange.Observer{})
		ex.Close()
		if exchange.ClassOf(err) != class || exchange.PhaseOf(err) != "" {
			t.Errorf("%s: error %v, class %v, phase %q; want class %v and no phase", url, err, exchange.ClassOf(err), exchange.PhaseOf(err), class)
		}
	}
}

func TestBodyFailures(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	c := client(t, exchange.Options{}, transport.Options{})
	for _, path := range []string{"/misbehave/truncated", "/misbehave/badchunk", "/misbehave/badgzip"} {
		ex, err := c.Do(context.Background(), build(t, "GET", srv.URL+path), exchange.Observer{})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := ex.Body(false)
		_, err = io.Copy(io.Discard, body)
		ex.Close()
		if exchange.ClassOf(err) != exchange.Body || exchange.PhaseOf(err) != "the rest of the body" {
			t.Errorf("%s: error %v (class %v), want a body failure", path, err, exchange.ClassOf(err))
		}
	}
}

// TestBodyDecodesEveryContentEncodingLine: codings named in several Content-Encoding lines are one list
// (RFC 9110, 5.3), undone last first; reading the first line alone left a layer on, and said nothing.
func TestBodyDecodesEveryContentEncodingLine(t *testing.T) {
	plain := strings.Repeat("layered\n", 100)
	var deflated, twice bytes.Buffer
	zw := zlib.NewWriter(&deflated)
	zw.Write([]byte(plain))
	zw.Close()
	gw := gzip.NewWriter(&twice)
	gw.Write(deflated.Bytes())
	gw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Content-Encoding", "deflate")
		w.Header().Add("Content-Encoding", "gzip")
		w.Write(twice.Bytes())
	}))
	defer srv.Close()
	c := client(t, exchange.Options{}, transport.Options{})
	ex, err := c.Do(context.Background(), build(t, "GET", srv.URL), exchange.Observer{})
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	body, undecodable := ex.Body(false)
	got, err := io.ReadAll(body)
	if err != nil || undecodable != "" || string(got) != plain {
		t.Errorf("Content-Encoding: deflate and Content-Encoding: gzip: %d bytes, %v, %q; want the %d plain ones", len(got), err, undecodable, len(plain))
	}
}

func TestClassOf(t *testing.T) {
	for err, want := range map[error]exchange.Class{
		nil:                     exchange.None,
		errors.New("something"): exchange.Other,
		&request.UsageError{Err: errors.New("x")}: exchange.Usage,
		context.Canceled:                        exchange.Interrupted,
		exchange.Untrusted("h", "expired", nil): exchange.Certificate,
	} {
		if got := exchange.ClassOf(err); got != want {
			t.Errorf("ClassOf(%v) = %v, want %v", err, got, want)
		}
	}
	if got := exchange.Status.String(); got != "http_status" {
		t.Errorf("Status.String() = %q, want http_status (the JSON document's name)", got)
	}
}

// TestCredentialsNeverCrossOrigins: Authorization set for one origin is dropped on the way to another and
// stays dropped when a later hop comes back.
func TestCredentialsNeverCrossOrigins(t *testing.T) {
	a := testserver.Start(testserver.Config{})
	defer a.Close()
	b := testserver.Start(testserver.Config{})
	defer b.Close()
	c := client(t, exchange.Options{Follow: true, MaxRedirects: 5}, transport.Options{})
	auth := authorizations(t, c, request.Spec{Method: "GET", URL: a.URL + "/redirect-to?url=" + b.URL + "/redirect-to%3Furl%3D" + a.URL + "/headers",
		User: "ann", Password: "pw"})
	if len(auth) != 3 || auth[0] == "" || auth[1] != "" || auth[2] != "" {
		t.Errorf("Authorization per hop = %q, want it on the first hop only", auth)
	}
}

// TestChallengeAnsweredAgainAfterRedirect: once a 401's challenge is answered, a redirect to the same
// origin is answered at once for its own URI, the count going up (curl reuses the Digest nonce so), where
// the answer made for the URI before would be refused; a chain that left the origin and came back sends
// nothing there (credentials once dropped stay dropped), and neither does a Location's own user:password.
func TestChallengeAnsweredAgainAfterRedirect(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	}))
	defer other.Close()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Header.Get("Authorization") == "" && r.URL.Path != "/end":
			w.WriteHeader(http.StatusUnauthorized)
		case r.URL.Path == "/p":
			http.Redirect(w, r, "/d", http.StatusTemporaryRedirect)
		case r.URL.Path == "/away":
			http.Redirect(w, r, other.URL+"/?to="+srv.URL+"/end", http.StatusFound)
		case r.URL.Path == "/creds":
			u, _ := url.Parse(srv.URL + "/d")
			u.User = url.UserPassword("bob", "pw")
			http.Redirect(w, r, u.String(), http.StatusFound)
		}
	}))
	defer srv.Close()
	answer := func(_ *http.Response, req *http.Request, count int) (string, bool) {
		return fmt.Sprintf("Digest uri=%s count=%d", req.URL.Path, count), true
	}
	c := client(t, exchange.Options{Follow: true, MaxRedirects: 5, Challenge: answer}, transport.Options{})
	for path, want := range map[string][]string{
		"/p":     {"", "Digest uri=/p count=0", "Digest uri=/d count=1"},
		"/away":  {"", "Digest uri=/away count=0", "", ""},
		"/creds": {"", "Digest uri=/creds count=0", "Basic Ym9iOnB3"},
	} {
		if got := authorizations(t, c, request.Spec{Method: "GET", URL: srv.URL + path}); !slices.Equal(got, want) {
			t.Errorf("%s: Authorization per hop %q, want %q", path, got, want)
		}
	}
}

// authorizations sends spec through c and returns the Authorization each hop sent.
func authorizations(t *testing.T, c *exchange.Client, spec request.Spec) []string {
	t.Helper()
	r, err := request.Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := c.Do(context.Background(), r, exchange.Observer{})
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	var auth []string
	for _, h := range ex.Hops {
		auth = append(auth, h.Request.Header.Get("Authorization"))
	}
	return auth
}

// TestLocationCredentialsAreSent: a Location carrying user:password@ sends them as Basic auth to the URL it
// names, as curl -L does (curl -L 'A/redirect-to?url=http://bob:s3cret@B/basic-auth/bob/s3cret' ends 200),
// and the credentials typed for the first origin still do not follow to the second.
func TestLocationCredentialsAreSent(t *testing.T) {
	a := testserver.Start(testserver.Config{})
	defer a.Close()
	b := testserver.Start(testserver.Config{})
	defer b.Close()
	c := client(t, exchange.Options{Follow: true, MaxRedirects: 5}, transport.Options{})
	to := strings.Replace(b.URL, "http://", "http://bob:s3cret@", 1) + "/basic-auth/bob/s3cret"
	r, err := request.Build(request.Spec{Method: "GET", URL: a.URL + "/redirect-to?url=" + url.QueryEscape(to), User: "ann", Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := c.Do(context.Background(), r, exchange.Observer{})
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	last := ex.Hops[len(ex.Hops)-1]
	if len(ex.Hops) != 2 || last.Response.StatusCode != 200 {
		t.Fatalf("%d hops ending %d; want 2, the second answered 200 by the server checking bob:s3cret", len(ex.Hops), last.Response.StatusCode)
	}
	if got := last.Request.Header.Values("Authorization"); len(got) != 1 || got[0] != "Basic Ym9iOnMzY3JldA==" {
		t.Errorf("second hop's Authorization = %q, want only bob's", got)
	}
}

// TestReloginAtEachOrigin: Relogin's credentials go to each origin a redirect leads to, in place of those
// dropped with the origin before (a host Relogin has none for gets none), and a Location's own
// user:password@ win over them.
func TestReloginAtEachOrigin(t *testing.T) {
	a := testserver.Start(testserver.Config{})
	defer a.Close()
	b := testserver.Start(testserver.Config{})
	defer b.Close()
	bURL := strings.Replace(b.URL, "127.0.0.1", "localhost", 1)
	// a and b are both 127.0.0.1; Relogin knows the name localhost only.
	relogin := func(host string) (string, bool) {
		switch host {
		case "localhost":
			return "Basic b-login", true
		case "127.0.0.1":
			return "Basic a-login", true // never asked: the host typed, whose credentials are dropped for good
		}
		return "", false
	}
	perHop := func(c *exchange.Client, to string) []string { // the Authorization of each hop, from a to to
		t.Helper()
		return authorizations(t, c, request.Spec{Method: "GET", URL: a.URL + "/redirect-to?url=" + url.QueryEscape(to), User: "ann", Password: "pw"})
	}
	ann := "Basic YW5uOnB3"
	c := client(t, exchange.Options{Follow: true, MaxRedirects: 5, Relogin: relogin}, transport.Options{})
	// With LocationTrusted the credentials go on to each origin, but where Relogin has some for the host,
	// those go instead (curl --location-trusted -n sends the .netrc entry of each host that has one).
	trusted := client(t, exchange.Options{Follow: true, MaxRedirects: 5, Relogin: relogin, LocationTrusted: true}, transport.Options{})
	for _, tc := range []struct {
		c    *exchange.Client
		to   string
		want []string
	}{
		{c, bURL + "/get", []string{ann, "Basic b-login"}},
		{c, strings.Replace(bURL, "http://", "http://bob:s3cret@", 1) + "/get", []string{ann, "Basic Ym9iOnMzY3JldA=="}},
		// Back at a, or at another port of its host: the credentials of a host left stay dropped, whatever
		// Relogin has for it.
		{c, bURL + "/redirect-to?url=" + url.QueryEscape(a.URL+"/get"), []string{ann, "Basic b-login", ""}},
		{c, b.URL + "/get", []string{ann, ""}},
		{trusted, bURL + "/get", []string{ann, "Basic b-login"}},
		{trusted, b.URL + "/get", []string{ann, ann}},
	} {
		if got := perHop(tc.c, tc.to); !slices.Equal(got, tc.want) {
			t.Errorf("to %s (trusted %v): Authorization per hop %q, want %q", tc.to, tc.c == trusted, got, tc.want)
		}
	}
}

// TestTypedCredentialsAreNoLocations: a relative Location (Go's URL resolution copies the base's
// user:password@ into it) carries no credentials of its own: the next hop keeps what the first sent (a
// Bearer token here; a Digest answer to the typed URL's user with --digest), not the typed URL's
// user:password as Basic auth.
func TestTypedCredentialsAreNoLocations(t *testing.T) {
	a := testserver.Start(testserver.Config{})
	defer a.Close()
	c := client(t, exchange.Options{Follow: true, MaxRedirects: 5}, transport.Options{})
	typed := strings.Replace(a.URL, "http://", "http://ann:pw@", 1) + "/redirect-to?url=" + url.QueryEscape("/get")
	if got := authorizations(t, c, request.Spec{Method: "GET", URL: typed, Bearer: "t0ken"}); !slices.Equal(got, []string{"Bearer t0ken", "Bearer t0ken"}) {
		t.Errorf("Authorization per hop %q, want the typed token's on both", got)
	}
}

// TestSignOnlyTheOriginTyped: Sign (--aws-sigv4) signs each request to the origin typed, as it is sent, and
// not one a redirect sends elsewhere, unless LocationTrusted.
func TestSignOnlyTheOriginTyped(t *testing.T) {
	a := testserver.Start(testserver.Config{})
	defer a.Close()
	b := testserver.Start(testserver.Config{})
	defer b.Close()
	for _, trusted := range []bool{false, true} {
		var signed []string
		sign := func(req *http.Request) error {
			signed = append(signed, req.URL.Host)
			req.Header.Set("Authorization", "SIGNED")
			return nil
		}
		c := client(t, exchange.Options{Follow: true, MaxRedirects: 5, LocationTrusted: trusted, Sign: sign}, transport.Options{})
		ex, err := c.Do(context.Background(), build(t, "GET", a.URL+"/redirect-to?url="+url.QueryEscape(b.URL+"/get")), exchange.Observer{})
		if err != nil {
			t.Fatal(err)
		}
		ex.Close()
		want := 1
		if trusted {
			want = 2
		}
		if len(signed) != want || ex.Hops[1].Request.Header.Get("Authorization") == "SIGNED" != trusted {
			t.Errorf("LocationTrusted %v: signed %q; second hop's Authorization %q", trusted, signed, ex.Hops[1].Request.Header.Get("Authorization"))
		}
	}
}

// With AutoReferer, a redirect followed sends the URL it came from, without credentials or fragment, but
// none from https to http (RFC 9110, 10.1.3): the plain request must not tell where the secure one was.
func TestAutoReferer(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	tls := testserver.Start(testserver.Config{TLS: true})
	defer tls.Close()
	c := client(t, exchange.Options{Follow: true, MaxRedirects: 3, AllowDowngrade: true, AutoReferer: true},
		transport.Options{TLS: transport.TLSOptions{Insecure: true}})
	u, _ := url.Parse(srv.URL + "/redirect-to?url=/record/plain#frag")
	u.User = url.UserPassword("ann", "pw")
	for start, want := range map[string][]string{
		u.String(): {srv.URL + "/redirect-to?url=/record/plain"},
		tls.URL + "/redirect-to?url=" + url.QueryEscape(srv.URL+"/record/down"): nil,
	} {
		r := build(t, "GET", start)
		r.Header.Set("Referer", "http://typed.example/")
		ex, err := c.Do(context.Background(), r, exchange.Observer{})
		if err != nil {
			t.Fatal(err)
		}
		final := ex.Hops[len(ex.Hops)-1].Request
		ex.Close()
		if got := final.Header["Referer"]; !slices.Equal(got, want) {
			t.Errorf("from %s: Referer %q, want %q", start, got, want)
		}
		if first := ex.Hops[0].Request.Header.Get("Referer"); first != "http://typed.example/" {
			t.Errorf("from %s: the first request's Referer %q", start, first)
		}
	}
}

// TestForwardingProxyIsBlamed: a plain-http request forwarded whole to an HTTP proxy that closes, resets or
// answers in another protocol names the proxy, not the server the URL names, which nothing reached.
func TestForwardingProxyIsBlamed(t *testing.T) {
	proxy := func(reply string, reset bool) string {
		return "http://" + testserver.ServeLoopback(t, func(c net.Conn) {
			bufio.NewReader(c).ReadString('\n')
			io.WriteString(c, reply)
			if reset {
				c.(*net.TCPConn).SetLinger(0)
			}
			c.Close()
		})
	}
	for _, tt := range []struct {
		reply string
		reset bool
		want  string
		class exchange.Class
	}{
		{"", false, "empty reply from the proxy http://127.0.0.1:", exchange.EmptyReply},
		{"", true, "the proxy http://127.0.0.1:", exchange.EmptyReply},
		{"SSH-2.0-OpenSSH_9.2\r\n", false, `the proxy http://127.0.0.1:`, exchange.Protocol},
	} {
		p := proxy(tt.reply, tt.reset)
		c := client(t, exchange.Options{}, transport.Options{Proxy: p})
		_, err := c.Do(context.Background(), build(t, "GET", "http://example.com/x"), exchange.Observer{})
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "example.com") || exchange.ClassOf(err) != tt.class {
			t.Errorf("a proxy replying %q (reset %v): %v (class %v); want it named, class %v", tt.reply, tt.reset, err, exchange.ClassOf(err), tt.class)
		}
	}
}

// TestPlainHTTPAnswersTLS: a TLS handshake answered in plain HTTP says so and which URL was likely meant;
// through a tunnel, that something answered for the server.
func TestPlainHTTPAnswersTLS(t *testing.T) {
	plain := testserver.Start(testserver.Config{})
	defer plain.Close()
	c := client(t, exchange.Options{}, transport.Options{})
	url := strings.Replace(plain.URL, "http://", "https://", 1) + "/get"
	_, err := c.Do(context.Background(), build(t, "GET", url), exchange.Observer{})
	if want := "TLS handshake with 127.0.0.1 failed: it answered in plain HTTP, not TLS (is it " + plain.URL + "/get?)"; err == nil || !strings.Contains(err.Error(), want) || exchange.ClassOf(err) != exchange.Handshake {
		t.Errorf("https:// to a plain HTTP server: %v (class %v); want %q", err, exchange.ClassOf(err), want)
	}
	portal := httptest.NewServer(&testserver.Proxy{Route: func(string) string { return strings.TrimPrefix(plain.URL, "http://") },
		Answer: "HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"})
	defer portal.Close()
	c = client(t, exchange.Options{}, transport.Options{Proxy: portal.URL})
	_, err = c.Do(context.Background(), build(t, "GET", "https://example.com/"), exchange.Observer{})
	if want := "TLS handshake with example.com failed: it answered in plain HTTP, not TLS (through the proxy's tunnel: a proxy or portal answering for the server?)"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("through a proxy that answers for the server: %v; want %q", err, want)
	}
}

// TestPlainRequestToTLSPort: an http:// request to a port that speaks TLS says so and names the https://
// URL meant, whether the server hangs up on the plain request (openssl s_server, Node), resets it, or
// answers with a TLS alert; a plain server that hangs up keeps the usual hint, since it answers no TLS hello.
func TestPlainRequestToTLSPort(t *testing.T) {
	_, leaf := localLeaf(t)
	tlsServer := func(reset bool) func(net.Conn) {
		return func(c net.Conn) {
			defer c.Close()
			tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{leaf}})
			if tc.Handshake() == nil {
				io.WriteString(tc, "HTTP/1.1 204 No Content\r\n\r\n")
				return
			}
			if reset {
				c.(*net.TCPConn).SetLinger(0)
			}
		}
	}
	alert := func(c net.Conn) {
		defer c.Close()
		bufio.NewReader(c).ReadString('\n')
		c.Write([]byte{21, 3, 1, 0, 2, 2, 70}) // a fatal protocol_version alert, as OpenSSL and Java send
	}
	hangUp := func(c net.Conn) {
		bufio.NewReader(c).ReadString('\n')
		c.Close()
	}
	for _, tt := range []struct {
		name   string
		handle func(net.Conn)
		want   string
		class  exchange.Class
	}{
		{"hangs up", tlsServer(false), "empty reply from 127.0.0.1: it closed the connection without answering (the port speaks TLS: is it https://%s/x?)", exchange.EmptyReply},
		{"resets", tlsServer(true), "127.0.0.1 reset the connection without answering (the port speaks TLS: is it https://%s/x?)", exchange.EmptyReply},
		{"alerts", alert, "127.0.0.1 answered in TLS, not plain HTTP (is it https://%s/x?)", exchange.Protocol},
		{"plain, hangs up", hangUp, "empty reply from 127.0.0.1: it closed the connection without answering (is it overloaded, or not speaking HTTP on this port?)", exchange.EmptyReply},
	} {
		addr := testserver.ServeLoopback(t, tt.handle)
		c := client(t, exchange.Options{}, transport.Options{})
		_, err := c.Do(context.Background(), build(t, "GET", "http://"+addr+"/x"), exchange.Observer{})
		want := tt.want
		if strings.Contains(want, "%s") {
			want = fmt.Sprintf(want, addr)
		}
		if err == nil || err.Error() != want || exchange.ClassOf(err) != tt.class {
			t.Errorf("%s: %v (class %v); want %q, class %v", tt.name, err, exchange.ClassOf(err), want, tt.class)
		}
	}
	// The TLS hello goes where the request went: a name --connect-to sends to the TLS server is named in
	// the hint, with the port typed.
	addr := testserver.ServeLoopback(t, tlsServer(false))
	c := client(t, exchange.Options{}, transport.Options{ConnectTo: []string{"api.invalid:8080:" + addr}})
	_, err := c.Do(context.Background(), build(t, "GET", "http://api.invalid:8080/x"), exchange.Observer{})
	if want := "(the port speaks TLS: is it https://api.invalid:8080/x?)"; err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("through --connect-to: %v; want it to end %q", err, want)
	}
}

// TestCertificateFailuresInWords: a request to a real TLS server whose certificate fails for a reason Go
// words poorly says the reason and its fix: a certificate sent without its intermediate, one naming the host
// in its Common Name only, one signed with SHA-1 by the trusted CA. Each exits as a certificate failure.
func TestCertificateFailuresInWords(t *testing.T) {
	pki, err := testserver.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	root, err := pki.WriteRoot(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	local := []string{"127.0.0.1"}
	for _, tt := range []struct {
		name  string
		leaf  testserver.Leaf
		alone bool // the server sends its certificate without the intermediate
		want  string
	}{
		{"sent alone", testserver.Leaf{Names: local}, true,
			"issued by hop test intermediate, which is no trusted root and which the server did not send (it sent its own certificate alone) (a server must send the intermediate certificates up to its root"},
		{"Common Name only", testserver.Leaf{Names: local, CommonNameOnly: true}, false,
			"the certificate names 127.0.0.1 in its Common Name only, not as a Subject Alternative Name, which Go and browsers require (RFC 6125) (issue it again with a subjectAltName"},
		{"SHA-1", testserver.Leaf{Names: local, SHA1: true}, false,
			"a signature in the chain uses ECDSA-SHA1, which Go refuses as insecure (the certificate must be issued again, signed with SHA-256 or better"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cert, err := pki.Issue(tt.leaf)
			if err != nil {
				t.Fatal(err)
			}
			if tt.alone {
				cert.Certificate = cert.Certificate[:1]
			}
			srv := testserver.Start(testserver.Config{TLS: true, Cert: &cert})
			defer srv.Close()
			c := client(t, exchange.Options{}, transport.Options{TLS: transport.TLSOptions{CACert: root}})
			_, err = c.Do(context.Background(), build(t, "GET", srv.URL+"/"), exchange.Observer{})
			if err == nil || !strings.Contains(err.Error(), tt.want) || exchange.ClassOf(err) != exchange.Certificate {
				t.Errorf("%v (class %v); want a certificate failure saying %q", err, exchange.ClassOf(err), tt.want)
			}
		})
	}
}

// TestClientCertificateRefusalsInWords: a server that refuses the client certificate it was sent says so
// with an alert, under TLS 1.2 in the handshake, under TLS 1.3 when the answer is read (over QUIC too); the
// error names the certificate and says what to do, from the authorities the server named and what hop sent.
func TestClientCertificateRefusalsInWords(t *testing.T) {
	pki, leaf := localLeaf(t)
	other, _ := localLeaf(t)
	dir := t.TempDir()
	root, err := pki.WriteRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	trusted := x509.NewCertPool()
	trusted.AddCert(pki.Root) // the root alone: a client must send its intermediate
	srv := testserver.Start(testserver.Config{TLS: true, Cert: &leaf, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: trusted})
	defer srv.Close()
	h3, err := testserver.ServeHTTP3TLS(&tls.Config{Certificates: []tls.Certificate{leaf}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: trusted}, testserver.Handler())
	if err != nil {
		t.Fatal(err)
	}
	defer h3.Close()
	now := time.Now()
	for _, tt := range []struct {
		name   string
		issuer *testserver.PKI
		leaf   testserver.Leaf
		alone  bool // the certificate without its intermediate
		want   string
	}{
		{"another CA's", other, testserver.Leaf{Client: true}, false,
			"the server refused hop's client certificate (CN=hop test client): remote error: tls: unknown certificate authority (the server takes certificates issued by CN=hop test root CA,O=hop)"},
		{"without its intermediate", pki, testserver.Leaf{Client: true}, true,
			"remote error: tls: unknown certificate authority (the server takes certificates issued by CN=hop test root CA,O=hop; --cert holds the certificate alone: if hop test intermediate is an intermediate CA, add its certificate to the file after the client's)"},
		{"expired", pki, testserver.Leaf{Client: true, NotBefore: now.AddDate(0, -2, 0), NotAfter: now.AddDate(0, -1, 0)}, false,
			"remote error: tls: expired certificate (the certificate expired on " + now.AddDate(0, -1, 0).UTC().Format(time.DateOnly) + ": ask its issuer for a new one)"},
	} {
		cert, err := tt.issuer.Issue(tt.leaf)
		if err != nil {
			t.Fatal(err)
		}
		chain := []*x509.Certificate{cert.Leaf}
		if !tt.alone {
			chain = append(chain, tt.issuer.Inter)
		}
		key, err := testserver.KeyPEM(cert.PrivateKey)
		if err != nil {
			t.Fatal(err)
		}
		certFile, keyFile := filepath.Join(dir, tt.name+".pem"), filepath.Join(dir, tt.name+"-key.pem")
		if err := errors.Join(os.WriteFile(certFile, testserver.CertPEM(chain...), 0o600), os.WriteFile(keyFile, key, 0o600)); err != nil {
			t.Fatal(err)
		}
		for _, version := range []string{"1.2", "1.3", "HTTP/3"} {
			t.Run(tt.name+" "+version, func(t *testing.T) {
				o, url := transport.Options{TLS: transport.TLSOptions{CACert: root, Cert: certFile, Key: keyFile, MaxVersion: version}}, srv.URL
				if version == "HTTP/3" { // the alert comes in a QUIC CRYPTO_ERROR
					o.Protocol, o.TLS.MaxVersion, url = transport.HTTP3, "", h3.URL
				}
				c := client(t, exchange.Options{}, o)
				_, err := c.Do(context.Background(), build(t, "GET", url+"/"), exchange.Observer{})
				if err == nil || !strings.Contains(err.Error(), tt.want) || exchange.ClassOf(err) != exchange.Handshake {
					t.Errorf("%v (class %v); want a handshake failure saying %q", err, exchange.ClassOf(err), tt.want)
				}
			})
		}
	}
	// None sent: over QUIC too the alert is in crypto/tls's words, not quic-go's CRYPTO_ERROR.
	c := client(t, exchange.Options{}, transport.Options{Protocol: transport.HTTP3, TLS: transport.TLSOptions{CACert: root}})
	_, err = c.Do(context.Background(), build(t, "GET", h3.URL+"/"), exchange.Observer{})
	if want := "failed: the server asked for a client certificate, hop had none, and it closed the connection: remote error: tls: certificate required ("; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("none sent over HTTP/3: %v; want %q", err, want)
	}
}

// TestBrokenServerCertificates: a server configured with bytes that are no certificate (a damaged file), or
// with a key that is not its certificate's, fails the handshake with that said, not with "does the port
// speak TLS?".
func TestBrokenServerCertificates(t *testing.T) {
	_, leaf := localLeaf(t)
	_, other := localLeaf(t)
	damaged, mismatched := leaf, leaf
	damaged.Certificate, damaged.Leaf = [][]byte{[]byte("not a certificate at all"), leaf.Certificate[1]}, nil
	mismatched.PrivateKey = other.PrivateKey
	for _, tt := range []struct {
		cert tls.Certificate
		want string
	}{
		{damaged, "(the server sent a certificate that cannot be read: its TLS configuration holds a damaged file, or one that is no certificate)"},
		{mismatched, "(the server signed with a key that is not its certificate's: its key and certificate files do not belong together, or something on the path answers for it)"},
	} {
		ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{tt.cert}})
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go http.Serve(ln, http.NotFoundHandler())
		for _, version := range []string{"1.2", "1.3"} {
			c := client(t, exchange.Options{}, transport.Options{TLS: transport.TLSOptions{Insecure: true, MaxVersion: version}})
			_, err = c.Do(context.Background(), build(t, "GET", "https://"+ln.Addr().String()+"/"), exchange.Observer{})
			if err == nil || !strings.HasSuffix(err.Error(), tt.want) || exchange.ClassOf(err) != exchange.Handshake {
				t.Errorf("TLS %s: %v (class %v); want a handshake failure ending %q", version, err, exchange.ClassOf(err), tt.want)
			}
		}
	}
}

// TestUnknownServerName: a server that serves nothing under the name sent as SNI ends the handshake with
// "unrecognized name" (nginx's ssl_reject_handshake; Go's server when it has no certificate for it): the
// error points to the host and to the flags a request has, not to TLS on the port.
func TestUnknownServerName(t *testing.T) {
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return nil, nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go http.Serve(ln, http.NotFoundHandler())
	c := client(t, exchange.Options{}, transport.Options{TLS: transport.TLSOptions{Insecure: true}})
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	_, err = c.Do(context.Background(), build(t, "GET", "https://localhost:"+port+"/"), exchange.Observer{})
	want := "remote error: tls: unrecognized name (the server serves nothing under the name hop sent: is the host right? --resolve NAME:PORT:ADDR or --connect-to reaches this address under another name (hop cert: --servername NAME))"
	if err == nil || !strings.HasSuffix(err.Error(), want) || exchange.ClassOf(err) != exchange.Handshake {
		t.Errorf("%v (class %v); want a handshake failure ending %q", err, exchange.ClassOf(err), want)
	}
}

// TestOptionalClientCertificateIsNotBlamed: a server that asks for a client certificate without requiring one
// (nginx's ssl_verify_client optional), then answers badly, fails for its answer: hop, having sent none, said
// "the server asked for a client certificate, hop had none, and it closed the connection" (exit 35) for any
// failure after such a handshake.
func TestOptionalClientCertificateIsNotBlamed(t *testing.T) {
	srv := testserver.Start(testserver.Config{TLS: true, HTTP1: true, ClientAuth: tls.RequestClientCert})
	defer srv.Close()
	c := client(t, exchange.Options{}, transport.Options{TLS: transport.TLSOptions{Insecure: true}})
	_, err := c.Do(context.Background(), build(t, "GET", srv.URL+"/hostile/cl-conflict"), exchange.Observer{})
	if err == nil || strings.Contains(err.Error(), "client certificate") || exchange.ClassOf(err) == exchange.Handshake {
		t.Errorf("%v (class %v); want the malformed answer blamed, not the certificate", err, exchange.ClassOf(err))
	}
}

// TestJarCookiesJoinTyped: the jar's cookies join every Cookie value the request carries, in one header;
// hop read the first value only and set the header to it and the jar's, dropping the rest (a HAR's
// request, or any caller's, may carry two).
func TestJarCookiesJoinTyped(t *testing.T) {
	got := make(chan []string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got <- r.Header.Values("Cookie") }))
	defer srv.Close()
	jar := session.NewJar()
	u, _ := url.Parse(srv.URL + "/")
	jar.SetCookieLines(u, []string{"j=3", "a=jar"})
	c := client(t, exchange.Options{}, transport.Options{})
	c.Jar = jar
	r := build(t, "GET", srv.URL+"/")
	r.Header.Add("Cookie", "a=1")
	r.Header.Add("Cookie", "b=2")
	if _, err := c.Do(context.Background(), r, exchange.Observer{}); err != nil {
		t.Fatal(err)
	}
	if v := <-got; !slices.Equal(v, []string{"a=1; b=2; j=3"}) {
		t.Errorf("the server got Cookie %q; want one header, the typed first and the jar's a left out", v)
	}
}

// TestServerCookieWinsAfterSet: a cookie typed wins over the jar's of its name until the server sets that
// name for the URL; the hops after (a redirect, a retry) send the server's, as HTTPie (requests) does on a
// redirect, where hop went on sending the value typed, one the server had just replaced.
func TestServerCookieWinsAfterSet(t *testing.T) {
	got := make(chan string, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Set-Cookie", "sid=new; Path=/")
		w.Header().Add("Set-Cookie", "theme=light; Path=/admin") // not for /home: the typed one stays
		http.Redirect(w, r, "/home", http.StatusFound)
	})
	mux.HandleFunc("/home", func(w http.ResponseWriter, r *http.Request) { got <- r.Header.Get("Cookie") })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := client(t, exchange.Options{Follow: true, MaxRedirects: 5}, transport.Options{})
	c.Jar = session.NewJar()
	r := build(t, "GET", srv.URL+"/login")
	r.Header.Set("Cookie", "sid=old; theme=dark")
	if _, err := c.Do(context.Background(), r, exchange.Observer{}); err != nil {
		t.Fatal(err)
	}
	if v := <-got; v != "theme=dark; sid=new" {
		t.Errorf("after the server set sid, /home got Cookie %q; want the typed theme and the server's sid", v)
	}
}

// TestDNSTimeoutPhase: a lookup the connect limit cuts short (here a DoH server that does not answer in
// time) is a timeout waiting for the DNS lookup, where hop said "waiting for the connection": the failed
// lookup's end was taken for its completion.
func TestDNSTimeoutPhase(t *testing.T) {
	slow := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(time.Second):
		}
	}))
	defer slow.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, testserver.CertPEM(slow.Certificate()), 0o600); err != nil {
		t.Fatal(err)
	}
	c := client(t, exchange.Options{}, transport.Options{DoHURL: slow.URL + "/dns-query", ConnectTimeout: 300 * time.Millisecond, TLS: transport.TLSOptions{CACert: ca}})
	_, err := c.Do(context.Background(), build(t, "GET", "http://api.hop.test/"), exchange.Observer{})
	if exchange.ClassOf(err) != exchange.Timeout || exchange.PhaseOf(err) != "the DNS lookup" {
		t.Errorf("%v (class %v, phase %q); want a timeout waiting for the DNS lookup", err, exchange.ClassOf(err), exchange.PhaseOf(err))
	}
}
