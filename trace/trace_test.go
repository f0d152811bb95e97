package trace_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
	"github.com/hop-cli/hop/trace"
)

func TestTimingsFromEvents(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	full := trace.Events{Start: at(0), DNSStart: at(1), DNSDone: at(11), ConnectStart: at(12), ConnectDone: at(32),
		TLSStart: at(33), TLSDone: at(83), GotConn: at(84), WroteRequest: at(86), FirstByte: at(286), BodyDone: at(300)}
	tests := []struct {
		name   string
		rec    trace.Record
		want   map[string]time.Duration // a phase's duration
		skip   map[string]string        // a skipped phase's reason
		total  time.Duration
		offset map[string]time.Duration
	}{
		{
			name:   "fresh TLS connection",
			rec:    trace.Record{URL: "https://example.com/", Host: "example.com", Events: full},
			want:   map[string]time.Duration{"dns": 10 * time.Millisecond, "connect": 20 * time.Millisecond, "tls": 50 * time.Millisecond, "send": 2 * time.Millisecond, "server": 200 * time.Millisecond, "transfer": 14 * time.Millisecond},
			total:  300 * time.Millisecond,
			offset: map[string]time.Duration{"connect": 12 * time.Millisecond, "server": 86 * time.Millisecond},
		},
		{
			name: "through a proxy tunnel",
			rec: trace.Record{URL: "https://example.com/", Host: "example.com", Proxy: "http://proxy:3128",
				Events: trace.Events{Start: at(0), DNSStart: at(1), DNSDone: at(3), ConnectStart: at(3), ConnectDone: at(5),
					ProxyDone: at(25), TLSStart: at(25), TLSDone: at(45), GotConn: at(45), WroteRequest: at(46), FirstByte: at(60), BodyDone: at(61)}},
			want:   map[string]time.Duration{"connect": 2 * time.Millisecond, "proxy": 20 * time.Millisecond, "tls": 20 * time.Millisecond},
			offset: map[string]time.Duration{"proxy": 5 * time.Millisecond},
			total:  61 * time.Millisecond,
		},
		{
			name: "reused connection",
			rec: trace.Record{URL: "https://example.com/", Host: "example.com", Reused: true,
				Events: trace.Events{Start: at(0), GotConn: at(1), WroteRequest: at(2), FirstByte: at(52), BodyDone: at(53)}},
			want:  map[string]time.Duration{"send": time.Millisecond, "server": 50 * time.Millisecond, "transfer": time.Millisecond},
			skip:  map[string]string{"dns": trace.ReasonReused, "connect": trace.ReasonReused, "tls": trace.ReasonReused},
			total: 53 * time.Millisecond,
		},
		{
			name: "plain http to an IP literal",
			rec: trace.Record{URL: "http://127.0.0.1:8080/", Host: "127.0.0.1",
				Events: trace.Events{Start: at(0), ConnectStart: at(0), ConnectDone: at(1), GotConn: at(1), WroteRequest: at(2), FirstByte: at(5), BodyDone: at(6)}},
			want: map[string]time.Duration{"connect": time.Millisecond, "server": 3 * time.Millisecond},
			skip: map[string]string{"dns": trace.ReasonIPLiteral, "tls": trace.ReasonPlainHTTP},
		},
		{
			name: "address from --resolve",
			rec: trace.Record{URL: "http://api.example/", Host: "api.example", ResolvedBy: "--resolve",
				Events: trace.Events{Start: at(0), ConnectStart: at(0), ConnectDone: at(1), GotConn: at(1), WroteRequest: at(2), FirstByte: at(5), BodyDone: at(6)}},
			skip: map[string]string{"dns": "resolved by --resolve"},
		},
		{
			name: "no response",
			rec: trace.Record{URL: "http://127.0.0.1/", Host: "127.0.0.1",
				Events: trace.Events{Start: at(0), ConnectStart: at(0), ConnectDone: at(1), GotConn: at(1), WroteRequest: at(2)}},
			skip:  map[string]string{"server": trace.ReasonNoResponse, "transfer": trace.ReasonNoResponse},
			total: 2 * time.Millisecond,
		},
		{
			name: "body not read",
			rec: trace.Record{URL: "http://127.0.0.1/", Host: "127.0.0.1",
				Events: trace.Events{Start: at(0), GotConn: at(1), WroteRequest: at(2), FirstByte: at(3)}},
			skip: map[string]string{"transfer": trace.ReasonNotRead},
		},
		{
			name: "response before the request was written",
			rec: trace.Record{URL: "http://127.0.0.1/", Host: "127.0.0.1",
				Events: trace.Events{Start: at(0), GotConn: at(1), FirstByte: at(3), WroteRequest: at(5), BodyDone: at(6)}},
			skip: map[string]string{"server": trace.ReasonEarly},
		},
		{
			// A server answering a large upload early: its phase starts once the headers were out.
			name: "response while the body was still being written",
			rec: trace.Record{URL: "http://127.0.0.1/", Host: "127.0.0.1",
				Events: trace.Events{Start: at(0), GotConn: at(1), WroteHeaders: at(2), FirstByte: at(3), WroteRequest: at(5), BodyDone: at(6)}},
			want: map[string]time.Duration{"send": time.Millisecond, "server": time.Millisecond},
		},
		{
			// HTTP/2's writer goroutine stamped the write after the reader stamped the answer.
			name: "HTTP/2 events crossing",
			rec: trace.Record{URL: "http://127.0.0.1/", Host: "127.0.0.1",
				Events: trace.Events{Start: at(0), GotConn: at(1), FirstByte: at(3), WroteHeaders: at(4), WroteRequest: at(4), BodyDone: at(6)}},
			want: map[string]time.Duration{"send": 0, "server": 2 * time.Millisecond},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := tt.rec.Timings()
			if want := 6 + map[bool]int{true: 1}[tt.rec.Proxy != ""]; len(tm.Phases) != want {
				t.Fatalf("got %d phases, want %d", len(tm.Phases), want)
			}
			for _, p := range tm.Phases {
				if !p.Skipped && p.Duration < 0 {
					t.Errorf("%s is negative: %v", p.Name, p.Duration)
				}
			}
			for name, d := range tt.want {
				if p := tm.Get(name); p.Skipped || p.Duration != d {
					t.Errorf("%s = %v (skipped %v: %s), want %v", name, p.Duration, p.Skipped, p.Reason, d)
				}
			}
			for name, reason := range tt.skip {
				if p := tm.Get(name); !p.Skipped || p.Reason != reason {
					t.Errorf("%s skipped=%v reason %q, want skipped with %q", name, p.Skipped, p.Reason, reason)
				}
			}
			for name, off := range tt.offset {
				if p := tm.Get(name); p.Offset != off {
					t.Errorf("%s offset = %v, want %v", name, p.Offset, off)
				}
			}
			if tt.total != 0 && tm.Total != tt.total {
				t.Errorf("total = %v, want %v", tm.Total, tt.total)
			}
		})
	}
}

// recorder is a RoundTripper that traces every request it sends and keeps the hops, as a test needs them.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	hops []*trace.Hop
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, h, err := trace.RoundTrip(r.base, req)
	r.mu.Lock()
	r.hops = append(r.hops, h)
	r.mu.Unlock()
	return resp, err
}

func (r *recorder) records() []trace.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]trace.Record, len(r.hops))
	for i, h := range r.hops {
		out[i] = h.Snapshot()
	}
	return out
}

func get(t *testing.T, c *http.Client, url string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), "GET", url, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// TestRealServer checks what is deterministic against a real loopback server: an injected 300 ms delay
// shows in the server phase, an IP literal skips DNS, a second request reuses the connection.
func TestRealServer(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	tr := &recorder{base: http.DefaultTransport.(*http.Transport).Clone()}
	c := &http.Client{Transport: tr}
	get(t, c, srv.URL+"/misbehave/delay-first-byte/300")
	get(t, c, srv.URL+"/get")
	hops := tr.records()
	if len(hops) != 2 {
		t.Fatalf("recorded %d hops, want 2", len(hops))
	}
	first := hops[0].Timings()
	if s := first.Get(trace.Server); s.Skipped || s.Duration < 300*time.Millisecond {
		t.Errorf("server phase = %v (skipped %v), want at least 300ms", s.Duration, s.Skipped)
	}
	if first.Total < 300*time.Millisecond {
		t.Errorf("total = %v, want at least 300ms", first.Total)
	}
	if d := first.Get(trace.DNS); !d.Skipped || d.Reason != trace.ReasonIPLiteral {
		t.Errorf("dns = %+v, want skipped for an IP literal", d)
	}
	if c := first.Get(trace.Connect); c.Skipped {
		t.Errorf("connect skipped on a fresh connection: %s", c.Reason)
	}
	if !hops[0].BodyComplete || hops[0].BodyBytes == 0 || hops[0].Status != 200 || hops[0].RemoteAddr == "" {
		t.Errorf("first hop = %+v", hops[0])
	}
	second := hops[1].Timings()
	if !hops[1].Reused || second.Get(trace.Connect).Reason != trace.ReasonReused {
		t.Errorf("second hop reused=%v connect=%+v, want a reused connection", hops[1].Reused, second.Get(trace.Connect))
	}
}

// TestFailedWhileWaiting: a server that has not answered when the client gives up (a 300 ms limit) left
// a hop whose total counted nothing of the wait. The total runs to the failure, and the phase under way
// then, the server's, says how long it had run, while it stays a phase that did not complete.
func TestFailedWhileWaiting(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	tr := &recorder{base: http.DefaultTransport.(*http.Transport).Clone()}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/misbehave/delay-first-byte/5000", nil)
	if _, err := (&http.Client{Transport: tr}).Do(req); err == nil {
		t.Fatal("the request did not fail")
	}
	hops := tr.records()
	if len(hops) != 1 || hops[0].Err == nil {
		t.Fatalf("hops %+v, want one that failed", hops)
	}
	e := hops[0].Events
	if deadline, _ := ctx.Deadline(); e.Failed.Before(deadline) {
		t.Fatalf("failed at %v, before the deadline %v", e.Failed, deadline)
	}
	tm := hops[0].Timings()
	if waited := e.Failed.Sub(e.Start); tm.Total != waited {
		t.Errorf("total = %v, want the %v until the failure", tm.Total, waited)
	}
	s := tm.Get(trace.Server)
	if !s.Skipped || s.Reason != trace.ReasonNoResponse || s.Offset <= 0 || s.Offset+s.Unfinished != tm.Total {
		t.Errorf("server = %+v, want no response, under way until the failure", s)
	}
	for _, name := range []string{trace.Connect, trace.Send} {
		if p := tm.Get(name); p.Skipped || p.Unfinished != 0 {
			t.Errorf("%s = %+v, want it complete", name, p)
		}
	}
	if p := tm.Get(trace.Transfer); !p.Skipped || p.Reason != trace.ReasonNoResponse || p.Unfinished != 0 {
		t.Errorf("transfer = %+v, want it never begun, for want of a response", p)
	}
}

// A connect that failed (refused: nothing listens on the port) is the phase the time went to.
func TestFailedConnect(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	tr := &recorder{base: http.DefaultTransport.(*http.Transport).Clone()}
	req, _ := http.NewRequest("GET", "http://"+addr+"/", nil)
	if _, err := (&http.Client{Transport: tr}).Do(req); err == nil {
		t.Fatal("the request did not fail")
	}
	hops := tr.records()
	tm := hops[0].Timings()
	c := tm.Get(trace.Connect)
	if !c.Skipped || c.Reason != trace.ReasonFailed || c.Unfinished <= 0 || tm.Total < c.Unfinished {
		t.Errorf("connect = %+v, total %v: want it unfinished, within the total", c, tm.Total)
	}
	for _, name := range []string{trace.Send, trace.Server, trace.Transfer} {
		if p := tm.Get(name); !p.Skipped || p.Reason != trace.ReasonNotReached || p.Unfinished != 0 {
			t.Errorf("%s = %+v, want it not reached", name, p)
		}
	}
}

// A handshake that failed (a certificate the client does not trust) did not complete: it is not a tls
// phase done, and what would have followed it was not reached.
func TestFailedHandshake(t *testing.T) {
	srv := testserver.Start(testserver.Config{TLS: true})
	defer srv.Close()
	tr := &recorder{base: http.DefaultTransport.(*http.Transport).Clone()}
	req, _ := http.NewRequest("GET", srv.URL+"/get", nil)
	if _, err := (&http.Client{Transport: tr}).Do(req); err == nil {
		t.Fatal("the request did not fail")
	}
	rec := tr.records()[0]
	tm := rec.Timings()
	p := tm.Get(trace.TLS)
	if rec.TLSErr == nil || !p.Skipped || p.Reason != trace.ReasonFailed || p.Unfinished <= 0 || p.Unfinished != rec.Events.TLSDone.Sub(rec.Events.TLSStart) {
		t.Errorf("tls = %+v (error %v), want it not completed, with the handshake's time", p, rec.TLSErr)
	}
	if c := tm.Get(trace.Connect); c.Skipped {
		t.Errorf("connect = %+v, want it done", c)
	}
	if s := tm.Get(trace.Send); s.Reason != trace.ReasonNotReached {
		t.Errorf("send = %+v, want it not reached", s)
	}
}

// TestConcurrentHTTP2 fires many traced requests at once over one HTTP/2 connection; run with -race.
func TestConcurrentHTTP2(t *testing.T) {
	srv := testserver.Start(testserver.Config{TLS: true})
	defer srv.Close()
	base := srv.Client().Transport.(*http.Transport).Clone()
	base.ForceAttemptHTTP2 = true
	tr := &recorder{base: base}
	c := &http.Client{Transport: tr}
	// One request opens the connection; which of several concurrent requests would see the dial is up to
	// the transport, so the handshake is checked on this one.
	get(t, c, srv.URL+"/get")
	if first := tr.records()[0].Timings(); first.Get(trace.TLS).Skipped {
		t.Errorf("the first HTTPS request has no TLS phase: %s", first.Get(trace.TLS).Reason)
	}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			get(t, c, srv.URL+"/bytes/2048")
		}()
	}
	wg.Wait()
	hops := tr.records()[1:]
	if len(hops) != 20 {
		t.Fatalf("recorded %d concurrent hops, want 20", len(hops))
	}
	for _, h := range hops {
		if h.Proto != "HTTP/2.0" || h.Status != 200 || !h.BodyComplete || !h.Reused {
			t.Errorf("hop proto %q status %d complete %v reused %v", h.Proto, h.Status, h.BodyComplete, h.Reused)
		}
		for _, p := range h.Timings().Phases {
			if !p.Skipped && p.Duration < 0 {
				t.Errorf("%s is negative: %v", p.Name, p.Duration)
			}
		}
	}
}
