package transport

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
	"github.com/hop-cli/hop/trace"
	"golang.org/x/net/dns/dnsmessage"
)

// --connect-to sends the TCP connection elsewhere while the URL, the TLS name and the Host header stay:
// the server's certificate for example.com verifies, and the server sees Host: example.com.
func TestConnectTo(t *testing.T) {
	srv, ca := tlsBackend(t)
	_, port, _ := net.SplitHostPort(hostPort(srv.URL))
	for _, ct := range []string{"example.com:443:127.0.0.1:" + port, ":443:127.0.0.1:" + port, "example.com::[127.0.0.1]:" + port,
		"example.com:443:0x7f.1:" + port, "::2130706433:" + port} { // numeric forms, as curl's resolver reads them
		tr := newTransport(t, Options{ConnectTo: []string{"other.example:80:nowhere:1", ct}, TLS: TLSOptions{CACert: ca}})
		body, rec, err := get(t, tr, "https://example.com/")
		if err != nil || body != "hello from example.com" {
			t.Errorf("--connect-to %s: %q, %v", ct, body, err)
			continue
		}
		if rec.RouteName() != "connect-to" || rec.RemoteAddr != hostPort(srv.URL) {
			t.Errorf("--connect-to %s: route %q to %s", ct, rec.RouteName(), rec.RemoteAddr)
		}
	}
	// An entry that matches but names neither a host nor a port to go to routes nothing: curl reads on to
	// the next one that matches.
	tr := newTransport(t, Options{ConnectTo: []string{"example.com:443::", "example.com::127.0.0.1:" + port}, TLS: TLSOptions{CACert: ca}})
	if body, rec, err := get(t, tr, "https://example.com/"); err != nil || body != "hello from example.com" || rec.RemoteAddr != hostPort(srv.URL) {
		t.Errorf("an empty --connect-to before one that routes: %q, %v", body, err)
	}
	for _, bad := range []string{"a:1:b", "a:x:b:2", "[::1:80:b:2", "a:1:b:99999"} {
		if _, err := New(Options{ConnectTo: []string{bad}}); err == nil {
			t.Errorf("--connect-to %q was accepted", bad)
		}
	}
}

// --unix-socket: plain http and https over a unix socket; no DNS, and the route says so.
func TestUnixSocket(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "s.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "unix says hello to "+r.Host)
	}))
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	tr := newTransport(t, Options{UnixSocket: sock, Proxy: "http://127.0.0.1:1"}) // a unix socket takes no proxy
	body, rec, err := get(t, tr, "http://docker/v1/info")
	if err != nil || body != "unix says hello to docker" {
		t.Fatalf("over %s: %q, %v", sock, body, err)
	}
	if rec.RouteName() != "unix" || rec.Timings().Get(trace.DNS).Reason != "unix socket" {
		t.Errorf("route %q, dns %+v", rec.RouteName(), rec.Timings().Get(trace.DNS))
	}
	tr = newTransport(t, Options{UnixSocket: filepath.Join(dir, "missing.sock")})
	if _, _, err := get(t, tr, "http://docker/"); err == nil {
		t.Errorf("a missing socket: no error")
	}
}

// localhost and names under .localhost are loopback, 127.0.0.1 and ::1, without DNS or /etc/hosts (which
// may list one family only, or none): as curl, browsers and RFC 6761 have them. A server on ::1 alone is
// reached by name, -4 keeps to 127.0.0.1, and --resolve still wins.
func TestLocalhostIsLoopback(t *testing.T) {
	l, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	defer srv.Close()
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	for _, host := range []string{"localhost", "LocalHost", "app.localhost"} {
		for _, family := range []int{0, 6} {
			body, rec, err := get(t, newTransport(t, Options{Family: family}), "http://"+host+":"+port+"/")
			if err != nil || body != "ok" || rec.RemoteAddr != net.JoinHostPort("::1", port) {
				t.Errorf("%s (family %d): %q from %s, %v", host, family, body, rec.RemoteAddr, err)
			}
		}
	}
	if _, rec, err := get(t, newTransport(t, Options{Family: 4}), "http://localhost:"+port+"/"); err == nil {
		t.Errorf("-4 reached the IPv6 server at %s", rec.RemoteAddr)
	}
	if _, _, err := get(t, newTransport(t, Options{Resolve: []string{"localhost:" + port + ":127.0.0.1"}}), "http://localhost:"+port+"/"); err == nil {
		t.Errorf("--resolve localhost:%s:127.0.0.1 did not win", port)
	}
	// A --resolve entry with no address of the family -4 or -6 keeps to is passed over, as curl passes over
	// a cached entry without the family it needs: the name is resolved as without it (here as loopback);
	// one with addresses of both families gives those of the family kept to, and a refused connection is
	// said so, not taken for a name of the other family.
	for _, resolve := range [][]string{{"localhost:" + port + ":127.0.0.9"}, {"*:" + port + ":127.0.0.9"}, {"localhost:" + port + ":127.0.0.9", "*:" + port + ":[::1]"}} {
		if body, _, err := get(t, newTransport(t, Options{Family: 6, Resolve: resolve}), "http://localhost:"+port+"/"); err != nil || body != "ok" {
			t.Errorf("-6 --resolve %q: %q, %v", resolve, body, err)
		}
	}
	var fe *FamilyError
	if _, _, err := get(t, newTransport(t, Options{Family: 4, Resolve: []string{"x.test:" + port + ":127.0.0.9,[::1]"}}), "http://x.test:"+port+"/"); err == nil || errors.As(err, &fe) || !strings.Contains(err.Error(), "refused") {
		t.Errorf("-4 to --resolve's 127.0.0.9 and ::1: %v, want 127.0.0.9's refusal", err)
	}
}

// -4 and -6 keep to one address family.
func TestFamily(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer srv.Close()
	if body, _, err := get(t, newTransport(t, Options{Family: 4}), srv.URL); err != nil || body != "ok" {
		t.Errorf("-4 to an IPv4 server: %q, %v", body, err)
	}
	var fe *FamilyError
	if _, _, err := get(t, newTransport(t, Options{Family: 6}), srv.URL); !errors.As(err, &fe) || !fe.Literal || fe.Host != "127.0.0.1" ||
		fe.Reason() != "it is an IPv4 address, and -6 asks for IPv6" {
		t.Errorf("-6 to an IPv4 address: %v, want a family error naming the address", err)
	}
	// A name whose addresses (here --resolve's) are all of the other family was not resolved, as curl says.
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	resolve := []string{fmt.Sprintf("x.test:%d:127.0.0.1", port)}
	if _, _, err := get(t, newTransport(t, Options{Family: 6, Resolve: resolve}), fmt.Sprintf("http://x.test:%d/", port)); !errors.As(err, &fe) || fe.Literal || fe.Host != "x.test" ||
		fe.Reason() != "it has no IPv6 address, and -6 asks for IPv6" {
		t.Errorf("-6 to a name with IPv4 addresses only: %v, want a family error naming it", err)
	}
	if _, err := New(Options{Family: 5}); err == nil {
		t.Errorf("family 5 accepted")
	}
}

// The environment's proxies, as curl reads them: the lower case name first, ALL_PROXY as a fallback,
// loopback proxied too (Go's own rule skips it), NO_PROXY and --noproxy.
func TestEnvironmentProxies(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	u := func(s string) *urlT { return mustParse(t, s) }
	for _, tt := range []struct {
		vars    map[string]string
		noproxy *string
		target  string
		want    string
	}{
		{map[string]string{"HTTP_PROXY": "http://up:1"}, nil, "http://127.0.0.1:8080/", "http://up:1"},
		{map[string]string{"http_proxy": "http://low:1", "HTTP_PROXY": "http://up:1"}, nil, "http://a/", "http://low:1"},
		{map[string]string{"HTTP_PROXY": "http://up:1", "REQUEST_METHOD": "GET"}, nil, "http://a/", ""}, // httpoxy
		{map[string]string{"https_proxy": "socks5h://s:1080"}, nil, "https://a/", "socks5h://s:1080"},
		{map[string]string{"https_proxy": "socks5h://s:1080"}, nil, "http://a/", ""},
		{map[string]string{"ALL_PROXY": "http://all:1"}, nil, "https://a/", "http://all:1"},
		{map[string]string{"all_proxy": "http://all:1", "HTTPS_PROXY": "http://s:1"}, nil, "https://a/", "http://s:1"},
		{map[string]string{"ALL_PROXY": "http://all:1", "NO_PROXY": "example.com,10.0.0.0/8"}, nil, "https://www.example.com/", ""},
		{map[string]string{"ALL_PROXY": "http://all:1", "NO_PROXY": ".example.com"}, nil, "https://example.com/", ""},
		{map[string]string{"ALL_PROXY": "http://all:1", "NO_PROXY": "example.com"}, nil, "https://notexample.com/", "http://all:1"},
		{map[string]string{"ALL_PROXY": "http://all:1", "no_proxy": "10.0.0.0/8"}, nil, "http://10.1.2.3/", ""},
		{map[string]string{"ALL_PROXY": "http://all:1", "NO_PROXY": "*"}, nil, "http://a/", ""},
		{map[string]string{"ALL_PROXY": "http://all:1", "NO_PROXY": "*"}, ptr(""), "http://a/", "http://all:1"}, // --noproxy "" replaces it
		{map[string]string{"ALL_PROXY": "http://all:1"}, ptr("a,b"), "http://b/", ""},
		{map[string]string{"ALL_PROXY": "http://all:1", "NO_PROXY": "::1"}, nil, "http://[::1]:80/", ""},
		// A fully qualified name, its trailing dot, matches the name without one, either way round (curl 7.88).
		{map[string]string{"ALL_PROXY": "http://all:1", "NO_PROXY": "example.com."}, nil, "https://www.example.com/", ""},
		{map[string]string{"ALL_PROXY": "http://all:1", "NO_PROXY": "example.com"}, nil, "https://example.com./", ""},
	} {
		p, err := newProxies(Options{Getenv: env(tt.vars), NoProxy: tt.noproxy})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if pu := p.forTarget(u(tt.target)); pu != nil {
			got = pu.String()
		}
		if got != tt.want {
			t.Errorf("%v --noproxy %v, %s: proxy %q, want %q", tt.vars, tt.noproxy, tt.target, got, tt.want)
		}
	}
	// --noproxy applies to --proxy as well.
	p, _ := newProxies(Options{Proxy: "http://fixed:1", NoProxy: ptr("internal"), Getenv: env(nil)})
	if p.forTarget(u("http://api.internal/")) != nil || p.forTarget(u("http://api.example/")) == nil {
		t.Errorf("--noproxy with --proxy")
	}
	// A broken variable is an option error naming it.
	if _, err := newProxies(Options{Getenv: env(map[string]string{"HTTPS_PROXY": "ftp://x"})}); err == nil || !strings.Contains(err.Error(), "HTTPS_PROXY=ftp://x") {
		t.Errorf("a broken HTTPS_PROXY: %v", err)
	}
	// An unusable proxy URL is echoed without its password, from the command line or the environment.
	for _, raw := range []string{"http://ann:s3cret@[bad", "ftp://ann:s3cret@x:1", "ann:s3cret@[::1", "socks5://ann:s3cret@/x"} {
		_, err1 := newProxies(Options{Proxy: raw, Getenv: env(nil)})
		_, err2 := newProxies(Options{Getenv: env(map[string]string{"HTTPS_PROXY": raw})})
		for _, err := range []error{err1, err2} {
			if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "ann:xxxxx@") {
				t.Errorf("proxy %q: error %v, want it with the password hidden", raw, err)
			}
		}
	}
}

func ptr(s string) *string { return &s }

// A proxy URL that names no port is reached on curl's default: 1080, SOCKS or HTTP; 443 for https://.
func TestProxyDefaultPort(t *testing.T) {
	for raw, want := range map[string]string{"http://proxy": "proxy:1080", "proxy": "proxy:1080", "https://proxy": "proxy:443",
		"socks5h://proxy": "proxy:1080", "socks4://proxy": "proxy:1080", "http://proxy:3128": "proxy:3128", "http://[::1]": "[::1]:1080",
		"http://0x7f.1:3128": "127.0.0.1:3128", "socks5://2130706433": "127.0.0.1:1080", "0177.0.0.1:8080": "127.0.0.1:8080"} {
		u, err := parseProxy("--proxy ", raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := proxyAddr(u); got != want {
			t.Errorf("%s: %s, want %s", raw, got, want)
		}
	}
}

// An https:// proxy's certificate is verified on its own terms: --proxy-cacert or --proxy-insecure, never
// the server's --cacert, -k or --pin.
func TestHTTPSProxyTrust(t *testing.T) {
	srv, ca := tlsBackend(t)
	backend := hostPort(srv.URL)
	proxy := httptest.NewTLSServer(&testserver.Proxy{Route: func(string) string { return backend }})
	defer proxy.Close()
	proxyCA := t.TempDir() + "/proxy-ca.pem"
	writeFile(t, proxyCA, testserver.CertPEM(proxy.Certificate()))
	base := Options{Proxy: proxy.URL, TLS: TLSOptions{CACert: ca}, ConnectTimeout: 5 * time.Second}

	if _, _, err := get(t, newTransport(t, base), "https://example.com/"); !isUnknownAuthority(err) {
		t.Errorf("an https proxy signed by an unknown CA: %v; want it refused", err)
	}
	withK := base
	withK.TLS.Insecure = true
	if _, _, err := get(t, newTransport(t, withK), "https://example.com/"); !isUnknownAuthority(err) {
		t.Errorf("-k also skipped the proxy's verification: %v", err)
	}
	for name, o := range map[string]TLSOptions{"--proxy-cacert": {CACert: proxyCA}, "--proxy-insecure": {Insecure: true}} {
		opt := base
		opt.ProxyTLS = o
		body, rec, err := get(t, newTransport(t, opt), "https://example.com/")
		if err != nil || body != "hello from example.com" || rec.Proxy == "" {
			t.Errorf("%s: %q, %v", name, body, err)
		}
	}
	// --pin is the server's: pinning the server's key through the proxy works.
	opt := base
	opt.ProxyTLS = TLSOptions{CACert: proxyCA}
	opt.TLS.Pin = "sha256//" + spkiPin(srv.Certificate().RawSubjectPublicKeyInfo)
	if _, _, err := get(t, newTransport(t, opt), "https://example.com/"); err != nil {
		t.Errorf("the server's pin through an https proxy: %v", err)
	}
}

func isUnknownAuthority(err error) bool {
	var ua x509UnknownAuthority
	return errors.As(err, &ua)
}

// --http2 meets a server that does not speak it; --http1.1 one that only speaks HTTP/2: each is a TLS
// failure that says so, never a bare EOF.
func TestForcedProtocolNotSpoken(t *testing.T) {
	h1 := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer h1.Close()
	h1CA := t.TempDir() + "/h1.pem"
	writeFile(t, h1CA, testserver.CertPEM(h1.Certificate()))
	_, _, err := get(t, newTransport(t, Options{Protocol: HTTP2, TLS: TLSOptions{CACert: h1CA}}), h1.URL)
	if err == nil || !strings.Contains(err.Error(), "no application protocol") && !strings.Contains(err.Error(), "did not agree to h2") {
		t.Errorf("--http2 to an HTTP/1.1 server: %v", err)
	}

	// A server that speaks only HTTP/2, as nghttpd does: it agrees to no protocol when offered http/1.1,
	// then closes the connection when HTTP/1.1 arrives.
	h2only := httptest.NewUnstartedServer(nil)
	h2only.StartTLS() // for its certificate; the listener below answers instead
	h2only.Close()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: h2only.TLS.Certificates, NextProtos: []string{"h2"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.Read(make([]byte, 4096))
			}()
		}
	}()
	h2CA := t.TempDir() + "/h2.pem"
	writeFile(t, h2CA, testserver.CertPEM(h2only.Certificate()))
	_, rec, err := get(t, newTransport(t, Options{Protocol: HTTP1, TLS: TLSOptions{CACert: h2CA}}), "https://"+ln.Addr().String()+"/")
	if err == nil || rec.TLS == nil || rec.TLS.NegotiatedProtocol != "" {
		t.Errorf("--http1.1 to an HTTP/2-only server: %v; want a failure after a handshake that agreed no protocol", err)
	}
}

type urlT = url.URL

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

type x509UnknownAuthority = x509.UnknownAuthorityError

func spkiPin(spki []byte) string {
	sum := sha256.Sum256(spki)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// --local-port: connections leave from the first free port of the range, over TCP and QUIC, as the server
// sees; when every port is taken, the error says so, keeping the address dialled.
func TestLocalPort(t *testing.T) {
	srv := httptest.NewServer(testserver.Handler())
	defer srv.Close()
	h3, ca := h3Backend(t)
	for _, network := range []string{"tcp", "udp"} {
		taken, free := consecutivePorts(t, network)
		tr := newTransport(t, Options{LocalPort: fmt.Sprintf("%d-%d", taken, free), TLS: TLSOptions{CACert: ca}})
		u := srv.URL
		if network == "udp" {
			tr = newTransport(t, Options{LocalPort: fmt.Sprintf("%d-%d", taken, free), Protocol: HTTP3, TLS: TLSOptions{CACert: ca}})
			u = h3.URL
		}
		body, _, err := get(t, tr, u+"/peer")
		if want := fmt.Sprintf("127.0.0.1:%d", free); err != nil || body != want {
			t.Errorf("%s from %d-%d (%d taken): the server saw %q, %v; want %s", network, taken, free, taken, body, err, want)
		}
		tr = newTransport(t, Options{LocalPort: strconv.Itoa(taken), Protocol: map[string]Protocol{"udp": HTTP3}[network], TLS: TLSOptions{CACert: ca}})
		_, _, err = get(t, tr, u+"/peer")
		var pt *PortsTakenError
		var op *net.OpError
		if !errors.As(err, &pt) || !errors.As(err, &op) || op.Addr == nil || !strings.Contains(err.Error(), fmt.Sprintf("local port %d is in use", taken)) {
			t.Errorf("%s from %d, taken: %v (%T)", network, taken, err, err)
		}
	}
	for _, bad := range []string{"0", "65536", "10-5", "a", "1-", "-3"} {
		var oe *OptionError
		if _, err := New(Options{LocalPort: bad}); !errors.As(err, &oe) {
			t.Errorf("--local-port %q: %v, want an *OptionError", bad, err)
		}
	}
}

// consecutivePorts holds a port on 127.0.0.1 for the test's life and returns it with the next one, free.
func consecutivePorts(t *testing.T, network string) (taken, free int) {
	t.Helper()
	for range 50 {
		var hold, probe io.Closer
		var err error
		if network == "tcp" {
			var ln net.Listener
			if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
				t.Fatal(err)
			}
			hold, taken = ln, ln.Addr().(*net.TCPAddr).Port
			probe, err = net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", taken+1))
		} else {
			var pc net.PacketConn
			if pc, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
				t.Fatal(err)
			}
			hold, taken = pc, pc.LocalAddr().(*net.UDPAddr).Port
			probe, err = net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", taken+1))
		}
		if err == nil {
			probe.Close()
			t.Cleanup(func() { hold.Close() })
			return taken, taken + 1
		}
		hold.Close()
	}
	t.Fatal("no two consecutive free ports")
	return 0, 0
}

// dnsBackend starts a DNS server that knows hop.test and an HTTP server, and returns the DNS server and the
// HTTP server's port, both stopped when the test ends.
func dnsBackend(t *testing.T) (*testserver.DNS, string) {
	t.Helper()
	dns, err := testserver.StartDNS(&testserver.DNS{Zone: "hop.test."})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dns.Close)
	srv := httptest.NewServer(testserver.Handler())
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(hostPort(srv.URL))
	return dns, port
}

// curl's --dns-ipv4-addr (and --dns-interface's addresses) are where DNS queries leave from; the
// connection to the server leaves as it would anyway. DNS over HTTPS is not theirs.
func TestDNSFrom(t *testing.T) {
	dns, port := dnsBackend(t)
	for _, o := range []Options{
		{DNSServers: dns.Addr(), DNSIPv4Addr: "127.0.0.2"},
		{DNSServers: dns.Addr(), DNSInterface: "lo", DNSIPv4Addr: "127.0.0.2"}, // the address given wins
	} {
		before := len(dns.From())
		body, _, err := get(t, newTransport(t, o), "http://api.hop.test:"+port+"/peer")
		from := dns.From()[before:]
		if err != nil || !strings.HasPrefix(body, "127.0.0.1:") || len(from) == 0 || slices.ContainsFunc(from, func(a string) bool { return a != "127.0.0.2" }) {
			t.Errorf("--dns-ipv4-addr %s --dns-interface %q: %q, %v; queries from %q", o.DNSIPv4Addr, o.DNSInterface, body, err, from)
		}
	}
	before := len(dns.From())
	if _, _, err := get(t, newTransport(t, Options{DNSServers: dns.Addr(), DNSInterface: "lo"}), "http://api.hop.test:"+port+"/peer"); err != nil || len(dns.From()) == before || dns.From()[before] != "127.0.0.1" {
		t.Errorf("--dns-interface lo: %v, queries from %q", err, dns.From()[before:])
	}
	for _, bad := range []Options{{DNSIPv4Addr: "::1"}, {DNSIPv6Addr: "127.0.0.1"}, {DNSIPv4Addr: "dns.example"}, {DNSInterface: "nosuch0"},
		{DoHURL: "https://dns.example/dns-query", DNSIPv4Addr: "127.0.0.2"}} {
		var oe *OptionError
		if _, err := New(bad); !errors.As(err, &oe) {
			t.Errorf("%+v: %v, want an *OptionError", bad, err)
		}
	}
}

// --dns-servers: names are resolved by the servers given (the system's resolver knows none of these), the
// QUIC dial's too; one that answers nothing fails to resolve; bad values are refused.
func TestDNSServers(t *testing.T) {
	dns, port := dnsBackend(t)
	tr := newTransport(t, Options{DNSServers: "127.0.0.1:1," + dns.Addr()}) // the first answers nothing: the next query goes to the second
	var (
		body string
		rec  trace.Record
		err  error
	)
	for range 2 {
		if body, rec, err = get(t, tr, "http://api.hop.test:"+port+"/peer"); err == nil {
			break
		}
	}
	if err != nil || !strings.HasPrefix(body, "127.0.0.1:") || rec.Timings().Get(trace.DNS).Skipped {
		t.Errorf("via %s: %q, %v, dns %+v", dns.Addr(), body, err, rec.Timings().Get(trace.DNS))
	}
	if dns.Queries.Load() == 0 {
		t.Error("the DNS server was not asked")
	}
	tr = newTransport(t, Options{DNSServers: dns.Addr()})
	var dnsErr *net.DNSError
	if _, _, err := get(t, tr, "http://nowhere.example:"+port+"/"); !errors.As(err, &dnsErr) {
		t.Errorf("a name the server does not know: %v", err)
	}
	// The QUIC dial looks names up through them too (-k: the test certificate does not name hop.test).
	h3, _ := h3Backend(t)
	_, h3port, _ := net.SplitHostPort(strings.TrimPrefix(h3.URL, "https://"))
	before := dns.Queries.Load()
	tr = newTransport(t, Options{DNSServers: dns.Addr(), Protocol: HTTP3, TLS: TLSOptions{Insecure: true}})
	if _, rec, err := get(t, tr, "https://api.hop.test:"+h3port+"/get"); err != nil || rec.Proto != "HTTP/3.0" || dns.Queries.Load() == before {
		t.Errorf("HTTP/3 to a name only the DNS server knows: %v, %s", err, rec.Proto)
	}
	for _, bad := range []string{"dns.example", "1.1.1.1:0", "1.1.1.1:x", "1.1.1.1,", "[::1]:99999"} {
		var oe *OptionError
		if _, err := New(Options{DNSServers: bad}); !errors.As(err, &oe) {
			t.Errorf("--dns-servers %q: %v, want an *OptionError", bad, err)
		}
	}
}

// --doh-url: names are resolved by DNS over HTTPS at the URL (a test DoH server that knows hop.test), its
// certificate verified with --cacert's roots; a name it does not know does not resolve.
func TestDoH(t *testing.T) {
	dns := &testserver.DNS{Zone: "hop.test."}
	doh := httptest.NewUnstartedServer(dns)
	doh.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshakes refused on purpose below
	doh.StartTLS()
	defer doh.Close()
	ca := t.TempDir() + "/ca.pem"
	writeFile(t, ca, testserver.CertPEM(doh.Certificate()))
	srv := httptest.NewServer(testserver.Handler())
	defer srv.Close()
	_, port, _ := net.SplitHostPort(hostPort(srv.URL))
	tr := newTransport(t, Options{DoHURL: doh.URL + "/dns-query", TLS: TLSOptions{CACert: ca}})
	body, rec, err := get(t, tr, "http://api.hop.test:"+port+"/peer")
	if err != nil || !strings.HasPrefix(body, "127.0.0.1:") || rec.Timings().Get(trace.DNS).Skipped || dns.Queries.Load() == 0 {
		t.Errorf("via DoH: %q, %v, dns %+v, %d queries", body, err, rec.Timings().Get(trace.DNS), dns.Queries.Load())
	}
	// The DoH server's own exchange is not the request's: its TLS handshake is not timed as the request's.
	if tls := rec.Timings().Get(trace.TLS); !tls.Skipped {
		t.Errorf("an http:// request via DoH has a tls phase: %+v", tls)
	}
	var dnsErr *net.DNSError
	if _, _, err := get(t, tr, "http://nowhere.example:"+port+"/"); !errors.As(err, &dnsErr) {
		t.Errorf("a name the DoH server does not know: %v", err)
	}
	// Without its CA, the DoH server is not trusted: nothing resolves.
	if _, _, err := get(t, newTransport(t, Options{DoHURL: doh.URL + "/dns-query"}), "http://api.hop.test:"+port+"/"); err == nil {
		t.Error("resolved through a DoH server whose certificate is not trusted")
	}
	for _, o := range []Options{{DoHURL: "http://dns.example/dns-query"}, {DoHURL: "dns.example"}, {DoHURL: doh.URL, DNSServers: "1.1.1.1"}} {
		var oe *OptionError
		if _, err := New(o); !errors.As(err, &oe) {
			t.Errorf("%+v: %v, want an *OptionError", o, err)
		}
	}
}

// TestDoHOverStream: Go's resolver asks over "tcp" (resolv.conf's use-vc, or a truncated answer) with DNS's
// stream framing, a two-byte length before each message; the DoH connection takes it off the query and
// puts it before the answer, where it posted the length as part of the message and every lookup failed.
func TestDoHOverStream(t *testing.T) {
	dns := &testserver.DNS{Zone: "hop.test."}
	doh := httptest.NewTLSServer(dns)
	defer doh.Close()
	ca := t.TempDir() + "/ca.pem"
	writeFile(t, ca, testserver.CertPEM(doh.Certificate()))
	tr := newTransport(t, Options{DoHURL: doh.URL + "/dns-query", TLS: TLSOptions{CACert: ca}})
	conn, err := tr.conn.dial.resolver.Dial(context.Background(), "tcp", "doh:53")
	if err != nil {
		t.Fatal(err)
	}
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: 0x1234, RecursionDesired: true})
	b.StartQuestions()
	b.Question(dnsmessage.Question{Name: dnsmessage.MustNewName("api.hop.test."), Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET})
	q, _ := b.Finish()
	if _, err := conn.Write(append([]byte{byte(len(q) >> 8), byte(len(q))}, q...)); err != nil {
		t.Fatal(err)
	}
	length := make([]byte, 2)
	if _, err := io.ReadFull(conn, length); err != nil {
		t.Fatalf("reading the answer's length: %v", err)
	}
	answer := make([]byte, int(length[0])<<8|int(length[1]))
	if _, err := io.ReadFull(conn, answer); err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	var m dnsmessage.Message
	if err := m.Unpack(answer); err != nil || m.ID != 0x1234 || len(m.Answers) == 0 {
		t.Errorf("answer over the stream: %+v, %v", m.Header, err)
	}
}

// TestDoHFailures: a DoH server that cannot be reached, is not trusted, does not speak TLS or answers with
// something else than a DNS message is said so, with what to check, where hop gave Go's `Post "URL": dial
// tcp ADDR: connect: ...` or `tls: failed to verify certificate: ...`, or "no answer".
func TestDoHFailures(t *testing.T) {
	srv := httptest.NewServer(testserver.Handler())
	defer srv.Close()
	_, port, _ := net.SplitHostPort(hostPort(srv.URL))
	answer := func(contentType string, body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			w.Write(body)
		}
	}
	untrusted := httptest.NewUnstartedServer(answer("text/html", nil))
	untrusted.Config.ErrorLog = log.New(io.Discard, "", 0) // its handshakes are refused on purpose
	untrusted.StartTLS()
	defer untrusted.Close()
	html := httptest.NewTLSServer(answer("text/html; charset=utf-8", []byte("<!doctype html><p>not here</p>")))
	defer html.Close()
	short := httptest.NewTLSServer(answer("application/dns-message", []byte{0, 0, 0x81, 0x80}))
	defer short.Close()
	ca := t.TempDir() + "/ca.pem"
	writeFile(t, ca, testserver.CertPEM(html.Certificate())) // httptest's servers share one certificate
	closed := testserver.ServeLoopback(t, func(c net.Conn) { c.Close() })
	closed = closed[:strings.LastIndexByte(closed, ':')] + ":1" // a port nothing listens on
	for _, c := range []struct {
		doh, ca, want string
	}{
		{"https://" + closed + "/dns-query", ca, "DNS over HTTPS: could not connect to " + closed + ": connect: connection refused (is --doh-url right, and its server running?)"},
		{untrusted.URL + "/dns-query", "", "DNS over HTTPS: the certificate of " + hostPort(untrusted.URL) + " is not trusted: x509: certificate signed by unknown authority (--cacert names its CA; --doh-insecure skips the check)"},
		{"https://" + hostPort(srv.URL) + "/dns-query", ca, "DNS over HTTPS: " + hostPort(srv.URL) + " answered in plain HTTP, not HTTPS (is --doh-url's port right?)"},
		{html.URL + "/", ca, "DNS over HTTPS: " + html.URL + "/ answered with no DNS message (Content-Type \"text/html; charset=utf-8\", 30 bytes; is --doh-url's path right?)"},
		{short.URL + "/dns-query", ca, "DNS over HTTPS: " + short.URL + "/dns-query answered with no DNS message (Content-Type \"application/dns-message\", 4 bytes; is --doh-url's path right?)"},
	} {
		_, _, err := get(t, newTransport(t, Options{DoHURL: c.doh, TLS: TLSOptions{CACert: c.ca}}), "http://api.hop.test:"+port+"/")
		var dnsErr *net.DNSError
		if !errors.As(err, &dnsErr) || dnsErr.Err != c.want {
			t.Errorf("%s: %v\nwant the reason %q", c.doh, err, c.want)
		}
	}
}

// curl's --happy-eyeballs-timeout-ms becomes the dialer's fallback delay (RFC 8305), the time the first
// address family has before the other is tried; unset, Go's own.
func TestHappyEyeballs(t *testing.T) {
	for set, want := range map[time.Duration]time.Duration{0: 0, 150 * time.Millisecond: 150 * time.Millisecond} {
		d, err := newDialer(Options{HappyEyeballs: set})
		if err != nil || d.net.FallbackDelay != want {
			t.Errorf("HappyEyeballs %v: fallback delay %v, %v", set, d.net.FallbackDelay, err)
		}
	}
}
