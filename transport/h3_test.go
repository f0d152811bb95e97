package transport

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
	"github.com/hop-cli/hop/trace"
)

// h3Backend is the test server over HTTP/3, with a certificate for example.com and 127.0.0.1, and a CA file
// trusting it.
func h3Backend(t *testing.T) (*testserver.H3, string) {
	t.Helper()
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(tlsSrv.Close)
	h3, err := testserver.StartHTTP3(tlsSrv.TLS.Certificates[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h3.Close)
	ca := t.TempDir() + "/ca.pem"
	writeFile(t, ca, testserver.CertPEM(tlsSrv.Certificate()))
	return h3, ca
}

// --http3: the request goes over QUIC, the server sees HTTP/3, and the trace has one quic phase (the
// handshake, TLS included) where connect and tls would be, with the TLS details of that handshake.
func TestHTTP3(t *testing.T) {
	h3, ca := h3Backend(t)
	tr := newTransport(t, Options{Protocol: HTTP3, TLS: TLSOptions{CACert: ca}, ConnectTimeout: 5 * time.Second, IdleTimeout: 5 * time.Second})
	req, _ := http.NewRequest("GET", h3.URL+"/get", nil)
	resp, hop, err := trace.RoundTrip(tr, req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	rec := hop.Snapshot()
	if resp.Proto != "HTTP/3.0" || resp.Header.Get("X-Seen-Proto") != "HTTP/3.0" || rec.Proto != "HTTP/3.0" {
		t.Errorf("spoke %s, the server saw %q", resp.Proto, resp.Header.Get("X-Seen-Proto"))
	}
	tm := rec.Timings()
	if q := tm.Get(trace.QUIC); q.Skipped || q.Duration <= 0 {
		t.Errorf("quic phase %+v", q)
	}
	for _, name := range []string{trace.Connect, trace.TLS} {
		if p := tm.Get(name); !p.Skipped || p.Reason != trace.ReasonInQUIC {
			t.Errorf("%s phase %+v, want it skipped as part of quic", name, p)
		}
	}
	if rec.TLS == nil || rec.TLS.NegotiatedProtocol != "h3" || len(rec.TLS.PeerCertificates) == 0 {
		t.Errorf("TLS state of the QUIC handshake: %+v", rec.TLS)
	}
	if send := tm.Get(trace.Send); send.Skipped {
		t.Errorf("send phase skipped: %+v", send)
	}

	// A second request reuses the QUIC connection.
	req, _ = http.NewRequest("GET", h3.URL+"/get", nil)
	resp, hop, err = trace.RoundTrip(tr, req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if rec := hop.Snapshot(); !rec.Reused || rec.Timings().Get(trace.QUIC).Reason != trace.ReasonReused {
		t.Errorf("second request: reused %v, quic %+v", rec.Reused, rec.Timings().Get(trace.QUIC))
	}

	// --resolve and --connect-to route QUIC too; the certificate's name is the URL's.
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(h3.URL, "https://"))
	for _, o := range []Options{
		{Resolve: []string{"example.com:" + port + ":127.0.0.1"}},
		{Resolve: []string{"*:" + port + ":127.0.0.1"}}, // curl's any host on that port
		{ConnectTo: []string{"example.com:443:127.0.0.1:" + port}},
	} {
		o.Protocol, o.TLS = HTTP3, TLSOptions{CACert: ca}
		u := "https://example.com:" + port + "/get"
		if len(o.ConnectTo) > 0 {
			u = "https://example.com/get"
		}
		if _, rec, err := get(t, newTransport(t, o), u); err != nil || rec.Proto != "HTTP/3.0" {
			t.Errorf("%+v: %v", o, err)
		}
	}
}

// A UDP path that is blocked (a socket that reads and never answers) is a timeout naming the QUIC
// handshake, within the connect budget, never a hang.
func TestHTTP3Blocked(t *testing.T) {
	hole, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hole.Close()
	go func() {
		buf := make([]byte, 2048)
		for {
			if _, _, err := hole.ReadFrom(buf); err != nil {
				return
			}
		}
	}()
	tr := newTransport(t, Options{Protocol: HTTP3, ConnectTimeout: 300 * time.Millisecond})
	_, rec, err := get(t, tr, "https://"+hole.LocalAddr().String()+"/")
	var ne net.Error
	if err == nil || !errorsAs(err, &ne) || !ne.Timeout() || rec.Waiting() != "the QUIC handshake" {
		t.Errorf("blocked UDP: %v (waiting for %q)", err, rec.Waiting())
	}
}

// A host with nothing on the UDP port refuses at once (ICMP port unreachable, heard on a connected socket):
// a refused connection naming the port, as TCP's, never a wait for the connect timeout nor a TLS failure.
func TestHTTP3Refused(t *testing.T) {
	free, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := free.LocalAddr().String()
	free.Close()
	tr := newTransport(t, Options{Protocol: HTTP3, ConnectTimeout: time.Minute})
	_, rec, err := get(t, tr, "https://"+addr+"/")
	var op *net.OpError
	if !errorsAs(err, &op) || op.Op != "dial" || !errors.Is(err, syscall.ECONNREFUSED) || !strings.Contains(err.Error(), addr) {
		t.Fatalf("nothing on UDP %s: %v, want a refused dial naming it", addr, err)
	}
	if rec.TLSErr != nil || rec.Waiting() != "the QUIC handshake" {
		t.Errorf("refused: TLS error %v, waiting for %q; want no handshake, the quic phase unfinished", rec.TLSErr, rec.Waiting())
	}
}

// -4 and -6 hold over QUIC too: an address or --resolve's of the other family is not dialled.
func TestHTTP3Family(t *testing.T) {
	h3, ca := h3Backend(t)
	if _, _, err := get(t, newTransport(t, Options{Protocol: HTTP3, Family: 4, TLS: TLSOptions{CACert: ca}}), h3.URL+"/get"); err != nil {
		t.Fatalf("-4 to an IPv4 address over QUIC: %v", err)
	}
	port := h3.URL[strings.LastIndex(h3.URL, ":")+1:]
	for _, tt := range []struct {
		url     string
		resolve []string
		literal bool
	}{
		{h3.URL + "/get", nil, true},
		{"https://example.com:" + port + "/get", []string{"example.com:" + port + ":127.0.0.1"}, false},
	} {
		tr := newTransport(t, Options{Protocol: HTTP3, Family: 6, Resolve: tt.resolve, TLS: TLSOptions{CACert: ca}})
		var fe *FamilyError
		if _, _, err := get(t, tr, tt.url); !errorsAs(err, &fe) || fe.Literal != tt.literal || fe.Family != 6 {
			t.Errorf("-6 over QUIC to %s (--resolve %v): %v, want a family error", tt.url, tt.resolve, err)
		}
	}
}

func TestHTTP3Options(t *testing.T) {
	for _, o := range []Options{
		{Protocol: HTTP3, Proxy: "http://p:1"},
		{Protocol: HTTP3, UnixSocket: "/tmp/x.sock"},
		{Protocol: HTTP3, TLS: TLSOptions{MaxVersion: "1.2"}},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
	if _, _, err := get(t, newTransport(t, Options{Protocol: HTTP3}), "http://127.0.0.1:1/"); err == nil || !strings.Contains(err.Error(), "https://") {
		t.Errorf("--http3 with http://: %v", err)
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
