package transport

import (
	"bufio"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
	"github.com/hop-cli/hop/trace"
)

// TestIdleConnTrickle: a peer that sends a byte every 2/5 of the idle limit, for longer than the limit in
// all, never trips it; once it goes quiet, the next read fails with a deadline error.
func TestIdleConnTrickle(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	const idle = 150 * time.Millisecond
	quiet := make(chan struct{})
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		for range 8 {
			time.Sleep(idle * 2 / 5)
			if _, err := c.Write([]byte{'x'}); err != nil {
				return
			}
		}
		<-quiet
	}()
	defer close(quiet)
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := newIdleConn(raw, idle)
	c.arm()
	defer c.Close()
	buf := make([]byte, 1)
	for i := range 8 {
		if _, err := c.Read(buf); err != nil {
			t.Fatalf("read %d of a trickle: %v, want no idle timeout", i, err)
		}
	}
	if _, err := c.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read from a quiet peer: %v, want a deadline error", err)
	}
}

// TestSlowUpload: an upload that takes longer than the idle limit, a byte at a time but never idle that
// long, goes through, over HTTP/1.1 and HTTP/2: the read waiting for the answer meanwhile is not idle. It
// timed out, "read tcp …: i/o timeout": any upload longer than --timeout (30 s) to a server that answers at
// its end failed.
func TestSlowUpload(t *testing.T) {
	const idle = 300 * time.Millisecond
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Write(b)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	ca := t.TempDir() + "/ca.pem"
	writeFile(t, ca, testserver.CertPEM(srv.Certificate()))
	for _, p := range []Protocol{HTTP1, HTTP2} {
		tr := newTransport(t, Options{IdleTimeout: idle, Protocol: p, TLS: TLSOptions{CACert: ca}})
		req, _ := http.NewRequest(http.MethodPost, srv.URL, &slowBody{left: 6, every: idle / 2})
		req.ContentLength = 6
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Errorf("a %s upload (protocol %v): %v", 6*idle/2, p, err)
			continue
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "......" || err != nil {
			t.Errorf("over %s: echo %q, %v", resp.Proto, b, err)
		}
	}
}

// slowBody gives left bytes, one every every.
type slowBody struct {
	left  int
	every time.Duration
}

func (b *slowBody) Read(p []byte) (int, error) {
	if b.left == 0 {
		return 0, io.EOF
	}
	time.Sleep(b.every)
	b.left--
	p[0] = '.'
	return 1, nil
}

// TestIdleUpload: a server that takes the connection and never reads the request fails an upload after the
// idle limit with a deadline error, whichever of net/http's loops sees it first. The read that waits for the
// answer and the write that waits for room both run out; the first to notice closes the connection, and
// the other then fails with "use of closed network connection", which hop reported as exit 1 about as often
// as not.
func TestIdleUpload(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	testserver.HoldConns(ln)
	tr := newTransport(t, Options{IdleTimeout: 200 * time.Millisecond})
	for i := range 6 {
		body := io.LimitReader(zeros{}, 256<<20) // more than loopback's buffers hold
		req, _ := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+"/", body)
		_, err := tr.RoundTrip(req)
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("upload %d to a server that does not read: %v, want a deadline error", i, err)
		}
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// get sends a GET for rawURL through tr on a traced hop and returns the response body and the hop's record.
func get(t *testing.T, tr *Transport, rawURL string) (string, trace.Record, error) {
	t.Helper()
	req, _ := http.NewRequest("GET", rawURL, nil)
	resp, hop, err := trace.RoundTrip(tr, req)
	if err != nil {
		return "", hop.Snapshot(), err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return string(body), hop.Snapshot(), err
}

func newTransport(t *testing.T, o Options) *Transport {
	t.Helper()
	tr, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// tlsBackend is an HTTPS server for example.com and a CA file that trusts it.
func tlsBackend(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello from "+r.Host)
	}))
	t.Cleanup(srv.Close)
	ca := t.TempDir() + "/ca.pem"
	if err := os.WriteFile(ca, testserver.CertPEM(srv.Certificate()), 0o644); err != nil {
		t.Fatal(err)
	}
	return srv, ca
}

func hostPort(srvURL string) string {
	u, _ := url.Parse(srvURL)
	return u.Host
}

// TestProxyRoutes sends https requests through an HTTP CONNECT proxy and through SOCKS5 proxies (with
// the name resolved here, socks5, or by the proxy, socks5h, with and without a password) and SOCKS4 ones
// (socks4, socks4a, with a user ID): each handshake is
// traced as the proxy phase, between connect and tls, and the server's TLS is verified as usual.
func TestProxyRoutes(t *testing.T) {
	srv, ca := tlsBackend(t)
	backend := hostPort(srv.URL) // httptest's certificate is valid for example.com
	route := func(hostport string) string {
		if strings.HasPrefix(hostport, "example.com:") || strings.HasPrefix(hostport, "127.0.0.1:") {
			return backend
		}
		return hostport
	}
	connect := httptest.NewServer(&testserver.Proxy{Route: route})
	defer connect.Close()
	open, err := testserver.StartSOCKS(&testserver.SOCKS{Route: route})
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close()
	locked, err := testserver.StartSOCKS(&testserver.SOCKS{Route: route, User: "ann", Password: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	defer locked.Close()
	tests := []struct {
		proxy, wantHost string
		socks           *testserver.SOCKS
	}{
		{proxy: connect.URL},
		{proxy: "socks5h://" + open.Addr(), wantHost: "example.com", socks: open},
		// socks5 resolves here: --resolve supplies the address, and the proxy is sent that address.
		{proxy: "socks5://" + open.Addr(), wantHost: "127.0.0.1", socks: open},
		{proxy: "socks5h://ann:s3cret@" + locked.Addr(), wantHost: "example.com", socks: locked},
		// SOCKS4 takes an address, resolved here; SOCKS4a a name; the user name is the user ID.
		{proxy: "socks4://" + open.Addr(), wantHost: "127.0.0.1", socks: open},
		{proxy: "socks4a://" + open.Addr(), wantHost: "example.com", socks: open},
		{proxy: "socks4a://ann@" + locked.Addr(), wantHost: "example.com", socks: locked},
	}
	for _, tt := range tests {
		tr := newTransport(t, Options{Proxy: tt.proxy, ConnectTimeout: 5 * time.Second, TLS: TLSOptions{CACert: ca},
			Resolve: []string{"example.com:443:127.0.0.1"}})
		body, rec, err := get(t, tr, "https://example.com/")
		if err != nil || body != "hello from example.com" {
			t.Errorf("through %s: %q, %v", tt.proxy, body, err)
			continue
		}
		tm := rec.Timings()
		if p := tm.Get(trace.Proxy); p.Skipped || rec.Proxy == "" || strings.Contains(rec.Proxy, "s3cret") {
			t.Errorf("through %s: proxy phase %+v, proxy %q; want it timed and named without the password", tt.proxy, p, rec.Proxy)
		}
		if p := tm.Get(trace.TLS); p.Skipped || rec.TLS == nil || len(rec.TLS.PeerCertificates) == 0 {
			t.Errorf("through %s: tls phase %+v; want the handshake with the server traced", tt.proxy, p)
		}
		if tt.socks != nil {
			if hosts := tt.socks.Hosts(); len(hosts) == 0 || hosts[len(hosts)-1] != tt.wantHost {
				t.Errorf("through %s: the proxy was asked for %q, want %q", tt.proxy, hosts, tt.wantHost)
			}
		}
	}
}

// refusingSOCKS4 is the address of a server that answers anything with a SOCKS5 refusal, as a SOCKS5-only
// proxy answers a SOCKS4 request it misreads.
func refusingSOCKS4(t *testing.T) string {
	return testserver.ServeLoopback(t, func(c net.Conn) {
		c.Write([]byte{5, 0xff, 0, 0, 0, 0, 0, 0})
		c.Close()
	})
}

// hangingUp is the address of a server that reads what a client says first, then closes the connection,
// or resets it.
func hangingUp(t *testing.T, reset bool) string {
	return testserver.ServeLoopback(t, func(c net.Conn) {
		c.Read(make([]byte, 512))
		if reset {
			c.(*net.TCPConn).SetLinger(0)
		}
		c.Close()
	})
}

// TestSloppyTunnelAnswers: a proxy's 2xx to CONNECT opens the tunnel, whatever framing its head names. RFC
// 9110 (9.3.6) has the client ignore a Content-Length or Transfer-Encoding there, as curl does ("Ignoring
// Transfer-Encoding in CONNECT 200 response"); read as a body's framing, it has hop wait for bytes the
// server never sends first, until the connect limit. Any 2xx means the tunnel is open, as in curl.
func TestSloppyTunnelAnswers(t *testing.T) {
	srv, ca := tlsBackend(t)
	for _, answer := range []string{
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", // a Go handler's WriteHeader(200) before it hijacks
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
		"HTTP/1.0 200 Connection established\r\nProxy-Agent: x\r\n\r\n",
		"HTTP/1.1 204 No Content\r\n\r\n",
	} {
		proxy := httptest.NewServer(&testserver.Proxy{Route: func(string) string { return hostPort(srv.URL) }, Answer: answer})
		defer proxy.Close()
		tr := newTransport(t, Options{Proxy: proxy.URL, ConnectTimeout: 5 * time.Second, TLS: TLSOptions{CACert: ca},
			Resolve: []string{"example.com:443:127.0.0.1"}})
		start := time.Now()
		body, _, err := get(t, tr, "https://example.com/")
		if err != nil || body != "hello from example.com" {
			t.Errorf("through a proxy answering %q: %q, %v (after %s)", answer, body, err, time.Since(start).Round(time.Millisecond))
		}
	}
}

// TestReusedTunnelKeepsItsProxy: a request sent over a tunnel's connection used again went through the
// proxy as much as the first (%{proxy_used}, the waterfall's "via proxy"), though no tunnel was opened for
// it; a request forwarded whole is marked so, a tunnelled one not.
func TestReusedTunnelKeepsItsProxy(t *testing.T) {
	srv, ca := tlsBackend(t)
	proxy := httptest.NewServer(&testserver.Proxy{Route: func(string) string { return hostPort(srv.URL) }})
	defer proxy.Close()
	tr := newTransport(t, Options{Proxy: proxy.URL, ConnectTimeout: 5 * time.Second, TLS: TLSOptions{CACert: ca},
		Resolve: []string{"example.com:443:127.0.0.1"}})
	for i := range 2 {
		_, rec, err := get(t, tr, "https://example.com/")
		if err != nil {
			t.Fatal(err)
		}
		if rec.Reused != (i == 1) || rec.Proxy != proxy.URL || rec.Forwarded {
			t.Errorf("request %d: reused %v, proxy %q, forwarded %v; want the proxy %s named, not forwarded", i+1, rec.Reused, rec.Proxy, rec.Forwarded, proxy.URL)
		}
	}
}

// TestTunnelUserAgent: a CONNECT carries the User-Agent of the request it opens the way for, as curl's
// carries -A's, not net/http's Go-http-client; a request sent without one asks with none; --proxy-header's
// wins.
func TestTunnelUserAgent(t *testing.T) {
	srv, ca := tlsBackend(t)
	for _, tt := range []struct {
		agent        []string // the request's User-Agent values; nil: none set
		proxyHeaders []string
		want         string
	}{
		{agent: []string{"hop/test"}, want: "hop/test"},
		{agent: []string{""}, want: ""},
		{agent: []string{"hop/test"}, proxyHeaders: []string{"User-Agent: for-the-proxy"}, want: "for-the-proxy"},
	} {
		p := &testserver.Proxy{Route: func(string) string { return hostPort(srv.URL) }}
		proxy := httptest.NewServer(p)
		defer proxy.Close()
		tr := newTransport(t, Options{Proxy: proxy.URL, ProxyHeaders: tt.proxyHeaders, ConnectTimeout: 5 * time.Second,
			TLS: TLSOptions{CACert: ca}, Resolve: []string{"example.com:443:127.0.0.1"}})
		req, _ := http.NewRequest("GET", "https://example.com/", nil)
		if tt.agent != nil {
			req.Header["User-Agent"] = tt.agent
		}
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := p.Agents(); len(got) != 1 || got[0] != tt.want {
			t.Errorf("a request with User-Agent %q (--proxy-header %q): the CONNECT came with %q, want %q", tt.agent, tt.proxyHeaders, got, tt.want)
		}
	}
}

func TestProxyRefusals(t *testing.T) {
	srv, ca := tlsBackend(t)
	refusing := httptest.NewServer(&testserver.Proxy{Refuse: http.StatusServiceUnavailable})
	defer refusing.Close()
	noRoute, err := testserver.StartSOCKS(&testserver.SOCKS{Reply: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer noRoute.Close()
	locked, err := testserver.StartSOCKS(&testserver.SOCKS{User: "ann", Password: "right"})
	if err != nil {
		t.Fatal(err)
	}
	defer locked.Close()
	// A 407 says what to do: give credentials, other ones, or (for a proxy that speaks only NTLM and
	// Negotiate) that hop sends Basic.
	asking := httptest.NewServer(&testserver.Proxy{User: "ann", Password: "right"})
	defer asking.Close()
	ntlm := httptest.NewServer(&testserver.Proxy{Route: func(string) string { return hostPort(srv.URL) },
		Answer: "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\nProxy-Authenticate: Negotiate\r\nContent-Length: 0\r\n\r\n"})
	defer ntlm.Close()
	// A proxy that answers a CONNECT with no HTTP at all fails as the proxy (curl's 56), not as the server.
	silent := func(reply []byte, reset bool) string {
		return "http://" + testserver.ServeLoopback(t, func(c net.Conn) {
			bufio.NewReader(c).ReadString('\n')
			c.Write(reply)
			if reset {
				c.(*net.TCPConn).SetLinger(0)
			}
			c.Close()
		})
	}
	for proxy, want := range map[string]string{
		silent(nil, false): ": it closed the connection without answering the CONNECT",
		silent(nil, true):  ": it reset the connection without answering the CONNECT",
		silent([]byte("SSH-2.0-OpenSSH_9.2\r\n"), false): `: it did not answer the CONNECT in HTTP: its answer began "SSH-2.0-OpenSSH_9.2"`,
		refusing.URL: "refused the tunnel to " + hostPort(srv.URL) + ": 503 Service Unavailable",
		asking.URL:   ": 407 Proxy Authentication Required (it wants credentials: -U USER:PASSWORD, or USER:PASSWORD@ in the proxy's URL)",
		"http://ann:wrong@" + strings.TrimPrefix(asking.URL, "http://"): ": 407 Proxy Authentication Required (the credentials given were refused)",
		ntlm.URL:                              ": 407 Proxy Authentication Required (it asks for NTLM, Negotiate, which hop does not speak to proxies; hop sends Basic)",
		"socks5://" + noRoute.Addr():          "connection refused",
		"socks5://ann:wrong@" + locked.Addr(): "the user name or password was refused",
		"socks5://" + locked.Addr():           "wants an authentication method",
		"socks4://" + noRoute.Addr():          "the SOCKS4 proxy socks4://" + noRoute.Addr() + " did not connect to " + hostPort(srv.URL) + ": the request was rejected or failed",
		"socks4a://bob@" + locked.Addr():      "the user ID was refused",
		"socks4://" + refusingSOCKS4(t):       "it does not speak SOCKS4",
		// A SOCKS proxy that hangs up mid-handshake: the proxy's failure (curl's 97), not a bare EOF.
		"socks5h://" + hangingUp(t, false): "the SOCKS5 proxy socks5h://",
		"socks5h://" + hangingUp(t, true):  "it reset the connection during the SOCKS handshake",
		"socks4a://" + hangingUp(t, false): "it closed the connection during the SOCKS handshake",
	} {
		tr := newTransport(t, Options{Proxy: proxy, ConnectTimeout: 5 * time.Second, TLS: TLSOptions{CACert: ca}})
		_, _, err := get(t, tr, srv.URL)
		var pe *ProxyError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "wrong") {
			t.Errorf("through %s: error %v, want a *ProxyError saying %q, without the password", proxy, err, want)
		}
	}
}

// TestConnectBudgetIsOne: the connect timeout bounds DNS, TCP connect, the proxy's handshake and the TLS
// handshake together. Here the proxy answers the CONNECT after 0.6 of the budget and the server begins its
// handshake 0.6 of the budget later: each step fits the limit, the two together do not.
func TestConnectBudgetIsOne(t *testing.T) {
	const budget = 500 * time.Millisecond
	srv, ca := tlsBackend(t)
	slowTLS := delayedListener(t, hostPort(srv.URL), budget*6/10)
	proxy := httptest.NewServer(&testserver.Proxy{Delay: budget * 6 / 10, Route: func(string) string { return slowTLS }})
	defer proxy.Close()
	tr := newTransport(t, Options{Proxy: proxy.URL, ConnectTimeout: budget, TLS: TLSOptions{CACert: ca}})
	_, rec, err := get(t, tr, "https://example.com/")
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("error %v, want a timeout: the proxy and the handshake share one budget", err)
	}
	if rec.Events.ProxyDone.IsZero() || rec.Waiting() != "the TLS handshake" {
		t.Errorf("the timeout came while waiting for %q (proxy done %v), want the TLS handshake after the proxy", rec.Waiting(), !rec.Events.ProxyDone.IsZero())
	}
	// The same route with room for both steps works.
	tr = newTransport(t, Options{Proxy: proxy.URL, ConnectTimeout: 10 * time.Second, TLS: TLSOptions{CACert: ca}})
	if _, _, err := get(t, tr, "https://example.com/"); err != nil {
		t.Errorf("with a budget for both steps: %v", err)
	}
}

// TestProxyDripsItsAnswer: a proxy that drips its answer to CONNECT, a header line without its end, is cut
// off by the connect budget and the failure is a timeout while waiting for the proxy. The fragment the
// deadline cut used to win about three times in four, as "malformed MIME header: missing colon", said of
// the server.
func TestProxyDripsItsAnswer(t *testing.T) {
	proxy := testserver.ServeLoopback(t, func(c net.Conn) {
		defer c.Close()
		c.Read(make([]byte, 4096))
		c.Write([]byte("HTTP/1.1 200 OK\r\nX"))
		for range 100 {
			time.Sleep(10 * time.Millisecond)
			if _, err := c.Write([]byte("X")); err != nil {
				return
			}
		}
	})
	tr := newTransport(t, Options{Proxy: "http://" + proxy, ConnectTimeout: 200 * time.Millisecond})
	for range 5 {
		_, rec, err := get(t, tr, "https://example.com/")
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("error %v, want a timeout", err)
		}
		if got := rec.Waiting(); got != "the proxy to open the tunnel" {
			t.Errorf("the timeout came while waiting for %q, want the proxy to open the tunnel", got)
		}
	}
}

// delayedListener forwards connections to backend, holding back the backend's first bytes for delay.
func delayedListener(t *testing.T, backend string, delay time.Duration) string {
	t.Helper()
	return testserver.ServeLoopback(t, func(c net.Conn) {
		defer c.Close()
		up, err := net.Dial("tcp", backend)
		if err != nil {
			return
		}
		defer up.Close()
		go io.Copy(up, c)
		time.Sleep(delay)
		io.Copy(c, up)
	})
}

// --resolve as curl reads it: several addresses tried in turn (the first refuses here), "+HOST:PORT:ADDR"
// as a plain entry, "-HOST:PORT" taking an earlier entry back.
func TestResolveForms(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok "+r.Host) }))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for _, resolve := range [][]string{
		{"example.com:" + port + ":127.0.0.2,[127.0.0.1]"},
		{"+example.com:" + port + ":127.0.0.1"},
		{"example.com:" + port + ":127.0.0.2", "-example.com:" + port, "*:" + port + ":127.0.0.1"},
	} {
		tr := newTransport(t, Options{Resolve: resolve, ConnectTimeout: 5 * time.Second})
		body, _, err := get(t, tr, "http://example.com:"+port+"/")
		if err != nil || body != "ok example.com:"+port {
			t.Errorf("--resolve %q: %q, %v", resolve, body, err)
		}
	}
	m, err := parseResolve([]string{"a.example:80:10.0.0.1", "b.example:80:10.0.0.2", "-A.example:80"})
	if err != nil || len(m) != 1 || m["b.example:80"][0] != "10.0.0.2:80" {
		t.Errorf("-HOST:PORT left %v, %v", m, err)
	}
}

func TestBadOptions(t *testing.T) {
	for _, o := range []Options{
		{Resolve: []string{"api.example:80:not-an-ip"}},
		{Resolve: []string{"api.example:0:127.0.0.1"}},
		{Resolve: []string{"api.example:99999:127.0.0.1"}},
		{Resolve: []string{"api.example:80:127.0.0.1,"}},
		{Resolve: []string{"-api.example"}},
		{Resolve: []string{"-api.example:80:127.0.0.1"}},
		{Proxy: "ftp://x:21"},
		{TLS: TLSOptions{CACert: "/nonexistent.pem"}},
		{TLS: TLSOptions{MinVersion: "1.4"}},
		{TLS: TLSOptions{MinVersion: "1.3", MaxVersion: "1.2"}},
		{TLS: TLSOptions{Key: "k.pem"}},
		{TLS: TLSOptions{Pin: "md5//abc"}},
	} {
		var oe *OptionError
		if _, err := New(o); !errors.As(err, &oe) {
			t.Errorf("New(%+v) error = %v, want an *OptionError", o, err)
		}
	}
}

// TestALPN: what each protocol setting offers, as the server saw it, and what was spoken.
func TestALPN(t *testing.T) {
	offered := make(chan []string, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	srv.TLS.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		offered <- hello.SupportedProtos
		return nil, nil
	}
	ca := t.TempDir() + "/ca.pem"
	os.WriteFile(ca, testserver.CertPEM(srv.Certificate()), 0o644)
	for p, want := range map[Protocol]struct{ offer, proto string }{
		Auto:  {"h2,http/1.1", "HTTP/2.0"},
		HTTP1: {"http/1.1", "HTTP/1.1"},
		HTTP2: {"h2", "HTTP/2.0"},
	} {
		tr := newTransport(t, Options{Protocol: p, TLS: TLSOptions{CACert: ca}})
		_, rec, err := get(t, tr, srv.URL)
		if err != nil {
			t.Fatalf("protocol %d: %v", p, err)
		}
		if got := strings.Join(<-offered, ","); got != want.offer || rec.Proto != want.proto {
			t.Errorf("protocol %d offered %q and spoke %s, want %q and %s", p, got, rec.Proto, want.offer, want.proto)
		}
	}
}

// TestCiphers: --ciphers takes OpenSSL's and IANA's names in curl's separators, refuses what it cannot
// offer, and gives up on HTTP/2 only when TLS 1.2 at most leaves it no suite RFC 9113 allows.
func TestCiphers(t *testing.T) {
	for v, want := range map[string][]uint16{
		"ECDHE-RSA-AES128-GCM-SHA256":                            {tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256},
		"ecdhe-rsa-aes128-gcm-sha256:AES256-SHA":                 {tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_AES_256_CBC_SHA},
		"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, RC4-SHA": {tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, tls.TLS_RSA_WITH_RC4_128_SHA},
	} {
		got, err := parseCiphers(v)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("parseCiphers(%q) = %v, %v; want %v", v, got, err, want)
		}
	}
	for _, bad := range []string{"HIGH", "!aNULL", "DEFAULT", "TLS_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256:NOPE", ":,"} {
		var oe *OptionError
		if _, err := (TLSOptions{Ciphers: bad}).Config(nil); !errors.As(err, &oe) {
			t.Errorf("--ciphers %q: %v, want an *OptionError", bad, err)
		}
	}
	for _, c := range []struct {
		o     TLSOptions
		unfit bool
	}{
		{TLSOptions{Ciphers: "AES128-SHA:ECDHE-RSA-AES128-SHA", MaxVersion: "1.2"}, true},
		{TLSOptions{Ciphers: "AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256", MaxVersion: "1.2"}, false},
		{TLSOptions{Ciphers: "AES128-SHA", MaxVersion: "1.3"}, false}, // TLS 1.3 may be spoken, with its own suites
		{TLSOptions{Ciphers: "AES128-SHA"}, false},
		{TLSOptions{MaxVersion: "1.2"}, false},
	} {
		if got := c.o.http2Unfit(); got != c.unfit {
			t.Errorf("%+v: http2Unfit = %v", c.o, got)
		}
	}
}

// TestCurves: --curves offers only the groups named (OpenSSL's, the RFCs' or Go's names): a server that
// takes P-384 alone agrees with a client that offers it, and refuses one that offers P-256 alone.
func TestCurves(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	srv.TLS = &tls.Config{CurvePreferences: []tls.CurveID{tls.CurveP384}}
	srv.StartTLS()
	defer srv.Close()
	ca := t.TempDir() + "/ca.pem"
	os.WriteFile(ca, testserver.CertPEM(srv.Certificate()), 0o644)
	for _, names := range []string{"secp384r1", "P-256:p-384", "CurveP384,X25519"} {
		body, rec, err := get(t, newTransport(t, Options{TLS: TLSOptions{CACert: ca, Curves: names}}), srv.URL)
		if err != nil || body != "ok" || rec.TLS == nil || rec.TLS.CurveID != tls.CurveP384 {
			t.Errorf("--curves %s: %q, %v", names, body, err)
		}
	}
	if _, _, err := get(t, newTransport(t, Options{TLS: TLSOptions{CACert: ca, Curves: "prime256v1"}}), srv.URL); err == nil {
		t.Error("--curves prime256v1 agreed with a server that takes P-384 alone")
	}
	for _, bad := range []string{"P-999", ":", "brainpoolP256r1"} {
		var oe *OptionError
		if _, err := (TLSOptions{Curves: bad}).Config(nil); !errors.As(err, &oe) {
			t.Errorf("--curves %q: %v, want an *OptionError", bad, err)
		}
	}
}

// TestProxyTunnel: plain http through an HTTP proxy is forwarded whole, and with ProxyTunnel (curl's -p) it
// goes through a CONNECT tunnel instead, as the proxy counts.
func TestProxyTunnel(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "target "+r.RequestURI) }))
	defer backend.Close()
	p := &testserver.Proxy{Route: func(string) string { return hostPort(backend.URL) }}
	proxy := httptest.NewServer(p)
	defer proxy.Close()
	for _, tunnel := range []bool{false, true} {
		before := p.Connects.Load()
		body, rec, err := get(t, newTransport(t, Options{Proxy: proxy.URL, ProxyTunnel: tunnel}), "http://example.com/x?y=1")
		opened := p.Connects.Load() - before
		if err != nil || body != "target /x?y=1" || (opened == 1) != tunnel || rec.Timings().Get(trace.Proxy).Skipped == tunnel {
			t.Errorf("tunnel %v: %q, %v; tunnels opened %d, proxy phase %+v", tunnel, body, err, opened, rec.Timings().Get(trace.Proxy))
		}
	}
}

// TestHeadOverPeerLimit: an HTTP/2 server that takes request heads up to a size (its
// SETTINGS_MAX_HEADER_LIST_SIZE, here from MaxHeaderBytes) gets none larger: net/http refuses to send it,
// and the error says so in words, not in net/http's.
func TestHeadOverPeerLimit(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.EnableHTTP2 = true
	srv.Config.MaxHeaderBytes = 1 // net/http advertises 1 plus room for ten typical fields: 321 bytes
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := t.TempDir() + "/ca.pem"
	writeFile(t, ca, testserver.CertPEM(srv.Certificate()))
	tr := newTransport(t, Options{Protocol: HTTP2, TLS: TLSOptions{CACert: ca}})
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, err := tr.RoundTrip(req) // the first request, which fits, brings the server's SETTINGS
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	req, _ = http.NewRequest(http.MethodGet, srv.URL, nil)
	req.Header.Set("X-Large", strings.Repeat("x", 1000))
	_, err = tr.RoundTrip(req)
	want := "the request's head is larger than 127.0.0.1 takes over HTTP/2 (its SETTINGS_MAX_HEADER_LIST_SIZE): it was not sent"
	if err == nil || err.Error() != want {
		t.Fatalf("a head over the server's limit: %v, want %q", err, want)
	}
}
