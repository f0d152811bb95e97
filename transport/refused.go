package transport

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"

	"github.com/hop-cli/hop/trace"
)

// maxRefusals is how many times one round trip lets a server turn the request away unanswered before it
// gives up: an HTTP/2 REFUSED_STREAM, or a GOAWAY that took no stream. curl tries again once; so does hop.
const maxRefusals = 2

// RefusedError is a request the server turned away Times times without answering it. HTTP/2 says such a
// request was not processed, and net/http sends it again on its own, with no bound that holds: its HTTP/2
// client backs off for up to 32 s a try, its own loop dials again each time, and no byte waits all the while,
// so no timeout hop keeps ever fires. Over HTTP/3 it is one H3_REQUEST_REJECTED: quic-go does not send
// the request again.
type RefusedError struct {
	Host  string
	Times int
	QUIC  bool // said over HTTP/3 (H3_REQUEST_REJECTED), else over HTTP/2
}

func (e *RefusedError) Error() string {
	times := ""
	switch {
	case e.Times == 2:
		times = " twice"
	case e.Times > 2:
		times = fmt.Sprintf(" %d times", e.Times)
	}
	why := "HTTP/2 REFUSED_STREAM or GOAWAY"
	if e.QUIC {
		why = "HTTP/3 H3_REQUEST_REJECTED"
	}
	return fmt.Sprintf("%s turned the request away%s without processing it (%s)", e.Host, times, why)
}

// OverQUIC says the refusal came over HTTP/3, for exchange's advice.
func (e *RefusedError) OverQUIC() bool { return e.QUIC }

// Refusals is the number of times, for exchange, which does not import transport.
func (e *RefusedError) Refusals() int { return e.Times }

// refusals follows a round trip's tries by the connections net/http takes for them: a try that follows
// another was sent again after a refusal, unless the one before was on a pooled connection met for the first
// time and this one is on another: net/http moves past a pooled connection the server has closed (no
// refusal, and no limit on how many).
type refusals struct {
	host      string
	seen      []net.Conn
	tries     int  // the tries begun
	refused   int  // the tries that followed a refusal
	lastStale bool // the last try was on a pooled connection met for the first time
	cancel    context.CancelCauseFunc
}

func (r *refusals) gotConn(info httptrace.GotConnInfo) {
	met := false
	for _, c := range r.seen {
		met = met || c == info.Conn
	}
	if !met {
		r.seen = append(r.seen, info.Conn)
	}
	if r.tries > 0 && (!r.lastStale || met) { // (a stale connection is closed, never taken again)
		r.refused++
	}
	r.lastStale = info.Reused && !met
	if r.refused >= maxRefusals {
		r.cancel(&RefusedError{Host: r.host, Times: r.tries})
		return
	}
	r.tries++
}

// roundTripTCP is http's round trip with the refusals bounded.
func (t *Transport) roundTripTCP(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	r := &refusals{host: req.URL.Hostname(), cancel: cancel}
	ctx = trace.With(ctx, &httptrace.ClientTrace{GotConn: r.gotConn})
	if t.conn.h2c && req.URL.Scheme == "http" && !t.conn.forwards(req.URL) {
		trace.Speaks(ctx, "HTTP/2.0")
	}
	pool := t.pool()
	resp, err, left := leave(ctx, func() (*http.Response, error) { return pool.RoundTrip(req.WithContext(ctx)) },
		func(resp *http.Response) { resp.Body.Close() })
	if left || err != nil && ctx.Err() != nil {
		// A call left behind sits on a stuck connection; one that returned when its context ended (the idle
		// limit, -m) may have left its connection so too, the deadlock coming a frame later: the next request
		// (a retry, --repeat's next run) goes on a fresh pool rather than wait on it for good.
		t.dropPool(pool)
	}
	if err != nil {
		if refused, ok := context.Cause(ctx).(*RefusedError); ok {
			err = refused
		}
		cancel(nil)
		return nil, err
	}
	if resp.Body == http.NoBody { // a HEAD's, a 204's: the response is whole, and stays recognisably body-less
		cancel(nil)
		return resp, nil
	}
	if resp.ProtoMajor == 2 {
		resp.Body = newLeavableBody(ctx, resp.Body, t, pool)
	}
	// The body is read under ctx: it is released when the body is closed.
	resp.Body = cancelOnClose{resp.Body, cancel}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelCauseFunc
}

func (c cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel(nil)
	return err
}
