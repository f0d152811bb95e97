package trace_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hop-cli/hop/trace"
)

// dumpRecorder keeps what a Dump is told, in order.
type dumpRecorder struct {
	mu       sync.Mutex
	events   []string // "connected", "head", "sent", "1xx", "final", "received"
	conns    []trace.Conn
	heads    []trace.Head
	received []string // response heads: proto, status
	sent     strings.Builder
	body     strings.Builder
}

func (d *dumpRecorder) add(ev string) { d.events = append(d.events, ev) }

func (d *dumpRecorder) Connecting(string) {}
func (d *dumpRecorder) Connected(c trace.Conn) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.add("connected")
	d.conns = append(d.conns, c)
}
func (d *dumpRecorder) SentHead(h trace.Head) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.add("head")
	d.heads = append(d.heads, h)
}
func (d *dumpRecorder) Sent(p []byte) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.add("sent")
	d.sent.Write(p)
}
func (d *dumpRecorder) ReceivedHead(proto string, code int, status string, _ http.Header, _ []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.add(map[bool]string{true: "1xx", false: "final"}[code < 200])
	d.received = append(d.received, proto+" "+status)
}
func (d *dumpRecorder) Finished(_ trace.Conn, closing bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.add(map[bool]string{true: "closed", false: "kept"}[closing])
}
func (d *dumpRecorder) ConnectFailed(string, error)                               {}
func (d *dumpRecorder) Following(trace.Redirect)                                  {}
func (d *dumpRecorder) Tunneling(trace.Conn, string, trace.Head)                  {}
func (d *dumpRecorder) TunnelAnswer(trace.Conn, string, int, string, http.Header) {}
func (d *dumpRecorder) SOCKSConnect(trace.Conn, string, string, string, net.IP)   {}
func (d *dumpRecorder) SOCKSAnswer(trace.Conn, string, bool)                      {}
func (d *dumpRecorder) Received(p []byte) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.add("received")
	d.body.Write(p)
}

func echo(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	w.Header().Set("X-Seen", r.Header.Get("X-A"))
	io.WriteString(w, "got:"+string(b))
}

func send(t *testing.T, d trace.Dump, rt http.RoundTripper, req *http.Request) {
	t.Helper()
	req = req.WithContext(trace.WithDump(context.Background(), d))
	resp, _, err := trace.RoundTrip(rt, req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// TestDumpOverHTTP2 checks what an HTTP/2 exchange tells the Dump: the TLS connection, the head as curl
// shows HTTP/2's (the request line and Host from the pseudo fields), the body sent, the head and the
// body received.
func TestDumpOverHTTP2(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(echo))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	d := &dumpRecorder{}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/echo?q=1", strings.NewReader("hello h2"))
	req.Header.Set("X-A", "1")
	send(t, d, srv.Client().Transport, req)

	if len(d.conns) != 1 || d.conns[0].Reused || d.conns[0].TLS == nil || d.conns[0].TLS.NegotiatedProtocol != "h2" || d.conns[0].Remote == nil {
		t.Fatalf("connections: %+v", d.conns)
	}
	if len(d.heads) != 1 {
		t.Fatalf("heads sent: %+v", d.heads)
	}
	h := d.heads[0]
	if h.Line != "POST /echo?q=1 HTTP/2" || h.Fields[0] != [2]string{"Host", req.URL.Host} || !slices.Contains(h.Fields, [2]string{"x-a", "1"}) {
		t.Errorf("head sent: %+v", h)
	}
	for _, f := range h.Fields {
		if strings.HasPrefix(f[0], ":") {
			t.Errorf("a pseudo field among the fields: %v", f)
		}
	}
	if d.sent.String() != "hello h2" || d.body.String() != "got:hello h2" {
		t.Errorf("sent %q, received %q", d.sent.String(), d.body.String())
	}
	if !slices.Equal(d.received, []string{"HTTP/2.0 200 OK"}) {
		t.Errorf("heads received: %q", d.received)
	}
}

// TestDumpSeesInformational checks that a 100 Continue is told as a head of its own, in HTTP/1.1, before the
// body it let go, that a second request on the connection says it was reused, and that each response's
// end says whether its connection stays (a body read whole; a HEAD's head) or closes (Connection: close).
func TestDumpSeesInformational(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(echo))
	defer srv.Close()
	d := &dumpRecorder{}
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/up", strings.NewReader("the body"))
	req.Header.Set("Expect", "100-continue")
	tr := srv.Client().Transport.(*http.Transport)
	tr.ExpectContinueTimeout = 5e9
	send(t, d, tr, req)
	req, _ = http.NewRequest(http.MethodGet, srv.URL+"/again", nil)
	send(t, d, tr, req)
	req, _ = http.NewRequest(http.MethodHead, srv.URL+"/last", nil)
	req.Close = true
	send(t, d, tr, req)

	want := []string{"connected", "head", "1xx", "sent", "final", "received", "kept", "connected", "head", "final", "received", "kept",
		"connected", "head", "final", "closed"}
	if got := slices.Compact(slices.Clone(d.events)); !slices.Equal(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
	if !slices.Equal(d.received, []string{"HTTP/1.1 100 Continue", "HTTP/1.1 200 OK", "HTTP/1.1 200 OK", "HTTP/1.1 200 OK"}) {
		t.Errorf("heads received: %q", d.received)
	}
	if len(d.heads) != 3 || d.heads[0].Line != "PUT /up HTTP/1.1" || d.heads[0].Fields[0] != [2]string{"Host", req.URL.Host} || d.heads[1].Line != "GET /again HTTP/1.1" {
		t.Errorf("heads sent: %+v", d.heads)
	}
	if len(d.conns) != 3 || d.conns[0].Reused || !d.conns[1].Reused || d.conns[0].Local.String() != d.conns[1].Local.String() {
		t.Errorf("connections: %+v", d.conns)
	}
}
