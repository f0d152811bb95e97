package transport

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
	"github.com/hop-cli/hop/trace"
)

// udpHole is a UDP socket on addr that reads and never answers: a network that drops QUIC.
func udpHole(t *testing.T, addr string) string {
	t.Helper()
	hole, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hole.Close() })
	go func() {
		buf := make([]byte, 2048)
		for {
			if _, _, err := hole.ReadFrom(buf); err != nil {
				return
			}
		}
	}()
	return hole.LocalAddr().String()
}

// countingListener is a TCP port on loopback that counts the connections opened to it and closes each at
// once: an origin that must not be dialled.
func countingListener(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	accepted := new(atomic.Int32)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	return ln.Addr().String(), accepted
}

// altSvcFile is an --alt-svc cache sending origin's requests to the HTTP/3 alternative alt.
func altSvcFile(t *testing.T, origin, alt string) string {
	t.Helper()
	oh, op, _ := net.SplitHostPort(origin)
	ah, ap, _ := net.SplitHostPort(alt)
	path := filepath.Join(t.TempDir(), "alt-svc.txt")
	future := time.Now().Add(time.Hour).UTC().Format(altSvcTime)
	writeFile(t, path, []byte("h2 "+oh+" "+op+" h3 "+ah+" "+ap+" \""+future+"\" 0 0\n"))
	return path
}

// curl's --http3 races: when QUIC has not connected after its head start, a TCP connection is opened beside
// it, and the first one ready carries the request. Against a server whose UDP is dropped, the request goes
// over the TCP connection opened during the attempt (one connection, traced as the hop's, its connect
// beginning before the attempt ended), not one opened after the attempt's whole budget; the attempt is
// said to have lost to TCP. The same for an --alt-svc alternative that is dropped.
func TestQUICRaceTCPFirst(t *testing.T) {
	var accepted atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			accepted.Add(1)
		}
	}
	srv.StartTLS()
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	writeFile(t, ca, testserver.CertPEM(srv.Certificate()))
	origin := hostPort(srv.URL)
	for _, tc := range []struct {
		name string
		o    Options
	}{
		{"http3-try", Options{Protocol: HTTP3Try}}, // QUIC to the same port, over UDP
		{"alt-svc", Options{AltSvc: altSvcFile(t, origin, udpHole(t, "127.0.0.1:0"))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "http3-try" {
				udpHole(t, origin)
			}
			accepted.Store(0)
			tc.o.TLS, tc.o.ConnectTimeout = TLSOptions{CACert: ca}, 30*time.Second
			_, rec, err := get(t, newTransport(t, tc.o), srv.URL+"/")
			if err != nil {
				t.Fatal(err)
			}
			m := rec.AltSvcMissed
			if m == nil || m.Via != tc.name || m.Reason != errTCPFirst.Error() {
				t.Fatalf("the attempt: %+v, want one that lost to TCP", m)
			}
			if rec.Proto == "HTTP/3.0" || accepted.Load() != 1 {
				t.Errorf("spoke %s over %d TCP connections, want one", rec.Proto, accepted.Load())
			}
			tm := rec.Timings()
			if c, tl := tm.Get(trace.Connect), tm.Get(trace.TLS); c.Skipped || tl.Skipped {
				t.Errorf("the TCP connection is not the hop's: connect %+v, tls %+v", c, tl)
			}
			if e := rec.Events; !e.ConnectStart.Before(e.Start.Add(m.Took)) {
				t.Errorf("TCP began connecting %v into the hop, after the attempt's %v: no race", e.ConnectStart.Sub(e.Start), m.Took)
			}
			if rec.TLS == nil || len(rec.TLS.PeerCertificates) == 0 {
				t.Errorf("no TLS state for the TCP connection")
			}
		})
	}
}

// QUIC that connects while the TCP connection raced beside it is still being opened carries the request:
// the TCP connection is closed, unused, and leaves nothing in the hop's trace. The server's QUIC packets
// are held until the TCP connection is open, so QUIC cannot win before the race began.
func TestQUICRaceQUICFirst(t *testing.T) {
	h3, ca := h3Backend(t)
	// The origin's TCP port accepts and never answers: its TLS handshake cannot finish before QUIC's.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted, closed := make(chan struct{}), make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		close(accepted)
		for err == nil {
			_, err = c.Read(make([]byte, 4096))
		}
		closed <- err
	}()
	alt := udpRelay(t, hostPort(h3.URL), false, accepted, nil) // nothing reaches QUIC's server before TCP's accept
	origin := ln.Addr().String()
	o := Options{AltSvc: altSvcFile(t, origin, alt), TLS: TLSOptions{CACert: ca},
		HappyEyeballs: time.Millisecond, ConnectTimeout: 30 * time.Second}
	_, rec, err := get(t, newTransport(t, o), "https://"+origin+"/get")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Proto != "HTTP/3.0" || rec.AltSvcMissed != nil {
		t.Fatalf("spoke %s (attempt missed: %+v), want HTTP/3", rec.Proto, rec.AltSvcMissed)
	}
	tm := rec.Timings()
	if q, c := tm.Get(trace.QUIC), tm.Get(trace.Connect); q.Skipped || c.Reason != trace.ReasonInQUIC || !rec.Events.ConnectStart.IsZero() {
		t.Errorf("the raced TCP connection got into the hop's trace: quic %+v, connect %+v", q, c)
	}
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Error("the TCP connection raced beside QUIC was left open")
	}
}

// A request that ends before its HTTP/3 attempt's head start is over (cancelled, out of time) leaves the
// attempt running on quic-go's goroutine; the TCP connection it would race is then not opened, for nobody
// would take or close it.
func TestQUICRaceAfterRequestEnded(t *testing.T) {
	origin, accepted := countingListener(t)
	udpHole(t, origin)
	const head = 300 * time.Millisecond
	tr := newTransport(t, Options{Protocol: HTTP3Try, HappyEyeballs: head, ConnectTimeout: 30 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), head/6)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "https://"+origin+"/", nil)
	if _, _, err := trace.RoundTrip(tr, req); err == nil {
		t.Fatal("a request out of time was answered")
	}
	time.Sleep(2 * head) // past the head start, when the attempt would open its TCP connection
	if n := accepted.Load(); n != 0 {
		t.Errorf("%d TCP connections opened for a request already over", n)
	}
}

// While an HTTP/3 attempt has heard nothing from the server, its head start is halved, as curl's "soft"
// timeout: a network that drops UDP costs half the wait. The TCP connection begins before the whole head
// start is over.
func TestQUICRaceSoftHeadStart(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	writeFile(t, ca, testserver.CertPEM(srv.Certificate()))
	udpHole(t, hostPort(srv.URL))
	const head = 2 * time.Second
	o := Options{Protocol: HTTP3Try, HappyEyeballs: head, TLS: TLSOptions{CACert: ca}, ConnectTimeout: 30 * time.Second}
	_, rec, err := get(t, newTransport(t, o), srv.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	if m := rec.AltSvcMissed; m == nil || m.Reason != errTCPFirst.Error() {
		t.Fatalf("the attempt: %+v, want one that lost to TCP", m)
	}
	if began := rec.Events.ConnectStart.Sub(rec.Events.Start); began >= head {
		t.Errorf("TCP began connecting %v into the hop: the whole head start of %v, though QUIC heard nothing", began, head)
	}
}

// An HTTP/3 attempt that has heard from its server keeps its whole head start: a server that answers
// slowly (its packets held past half the head start, a datagram sent at once) connects over QUIC, and no
// TCP connection is opened beside it.
func TestQUICRaceHeardKeepsHeadStart(t *testing.T) {
	h3, ca := h3Backend(t)
	origin, accepted := countingListener(t)
	const head = 3 * time.Second
	alt := udpRelay(t, hostPort(h3.URL), true, nil, after(head*3/4)) // heard at once, answered late
	o := Options{AltSvc: altSvcFile(t, origin, alt), TLS: TLSOptions{CACert: ca}, HappyEyeballs: head, ConnectTimeout: 30 * time.Second}
	_, rec, err := get(t, newTransport(t, o), "https://"+origin+"/get")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Proto != "HTTP/3.0" || accepted.Load() != 0 {
		t.Errorf("spoke %s, %d TCP connections opened beside QUIC; want HTTP/3 and none", rec.Proto, accepted.Load())
	}
}

// udpRelay relays UDP to server from an address of its own. Datagrams go on to the server once toServer is
// closed, and back to the client once toClient is (nil: at once; 10 s at most); with hello, the relay
// answers the client's first datagram with one of its own, which QUIC drops: a server that is there.
func udpRelay(t *testing.T, server string, hello bool, toServer, toClient <-chan struct{}) string {
	t.Helper()
	relay, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	up, err := net.Dial("udp", server)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { relay.Close(); up.Close() })
	wait := func(gate <-chan struct{}) {
		if gate != nil {
			select {
			case <-gate:
			case <-time.After(10 * time.Second):
			}
		}
	}
	var client atomic.Value
	go func() {
		buf := make([]byte, 65536)
		for {
			n, from, err := relay.ReadFrom(buf)
			if err != nil {
				return
			}
			if client.Swap(from) == nil && hello {
				relay.WriteTo([]byte{0}, from)
			}
			wait(toServer)
			up.Write(buf[:n])
		}
	}()
	go func() {
		buf := make([]byte, 65536)
		for {
			n, err := up.Read(buf)
			if err != nil {
				return
			}
			wait(toClient)
			if to, ok := client.Load().(net.Addr); ok {
				relay.WriteTo(buf[:n], to)
			}
		}
	}()
	return relay.LocalAddr().String()
}

// after is a channel closed once d has passed.
func after(d time.Duration) <-chan struct{} {
	c := make(chan struct{})
	time.AfterFunc(d, func() { close(c) })
	return c
}
