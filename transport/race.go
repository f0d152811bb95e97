package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quic-go/quic-go"

	"github.com/hop-cli/hop/trace"
)

// quicHeadStart is how long an HTTP/3 attempt (--http3-try, an --alt-svc alternative) has on its own before
// a TCP connection to the origin is opened beside it: curl's --http3 rule, its happy-eyeballs default of
// 200 ms (--happy-eyeballs-timeout-ms sets both). Whichever connects first carries the request. As curl's,
// the head start is halved while the attempt has heard nothing from the server: a network that drops UDP
// costs 100 ms, not the attempt's whole budget, and a server that answers keeps its 200 ms.
const quicHeadStart = 200 * time.Millisecond

// quicHeardKey is the context key of an HTTP/3 attempt's *atomic.Bool, set once its socket receives a
// datagram (connectedUDP).
type quicHeardKey struct{}

// errTCPFirst is an HTTP/3 attempt given up because the TCP connection raced beside it was ready first.
var errTCPFirst = errors.New("TCP connected first")

// spare is the TCP connection raced beside an HTTP/3 attempt, for the request whose context holds it
// (withSpare): opened while the attempt goes on, and taken by the dial of that request's TCP transport if
// the attempt loses, or closed unused.
type spare struct {
	origin string          // host:port, as the TCP transport dials it
	ctx    context.Context // the dial's, from trace.Aside: what it records waits for trace.Adopt
	cancel context.CancelFunc
	done   chan struct{} // closed when the dial has ended
	conn   net.Conn
	err    error
	mu     sync.Mutex
	taken  bool // the TCP transport has it
	drop   bool // nobody will: closed once the dial ends
}

type spareKey struct{}

// sparePlace is where a request's context keeps its spare connection. The HTTP/3 dial that opens it runs
// on quic-go's goroutine, and may outlive the request (cancelled, or out of time): a place closed by then
// takes no spare, so none is opened that nobody would close.
type sparePlace struct {
	mu     sync.Mutex
	s      *spare
	closed bool
}

func (p *sparePlace) get() *spare {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.s
}

// withSpare returns ctx holding an empty place for a TCP connection raced beside an HTTP/3 attempt, and
// the function that closes it, unless a request took it; call that once the request is answered.
func withSpare(ctx context.Context) (context.Context, func()) {
	p := &sparePlace{}
	return context.WithValue(ctx, spareKey{}, p), func() {
		p.mu.Lock()
		s := p.s
		p.closed = true
		p.mu.Unlock()
		if s != nil {
			s.discard()
		}
	}
}

// openSpare starts a TCP connection (and TLS) to origin beside an HTTP/3 attempt, in the place ctx holds;
// nil when it holds none (a dial for no request of ours), or its request is over.
func (c *connector) openSpare(ctx context.Context, origin string) *spare {
	p, _ := ctx.Value(spareKey{}).(*sparePlace)
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.s != nil || p.closed {
		return nil
	}
	dialCtx, cancel := context.WithCancel(trace.Aside(ctx))
	s := &spare{origin: origin, ctx: dialCtx, cancel: cancel, done: make(chan struct{})}
	p.s = s
	go func() {
		target := targetOf(dialCtx, "https", origin)
		conn, err := c.connect(dialCtx, target, origin, withServerName(c.tls, origin), "")
		s.mu.Lock()
		s.conn, s.err = conn, err
		if s.drop && conn != nil {
			conn.Close()
		}
		s.mu.Unlock()
		close(s.done)
	}()
	return s
}

// spareFor returns the spare connection ctx holds for a dial to addr, waiting for its dial to end, and the
// context it recorded its events in; ok is false when there is none to take.
func spareFor(ctx context.Context, addr string) (conn net.Conn, recorded context.Context, err error, ok bool) {
	p, _ := ctx.Value(spareKey{}).(*sparePlace)
	if p == nil {
		return nil, nil, nil, false
	}
	s := p.get()
	if s == nil || !strings.EqualFold(s.origin, addr) {
		return nil, nil, nil, false
	}
	select {
	case <-s.done:
	case <-ctx.Done():
		return nil, nil, nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.taken || s.drop {
		return nil, nil, nil, false
	}
	s.taken = true
	return s.conn, s.ctx, s.err, true
}

// discard closes the spare connection unless it was taken, now or when its dial ends.
func (s *spare) discard() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.taken || s.drop {
		return
	}
	s.drop = true
	s.cancel()
	select {
	case <-s.done:
		if s.conn != nil {
			s.conn.Close()
		}
	default: // the dial's goroutine closes what it gets
	}
}

// raceQUIC dials QUIC to addr for origin, and, when that has not connected within head (half of it while
// the server has not been heard from), a TCP connection to origin beside it (see spare). QUIC that connects first is the connection; TCP that connects first ends
// the attempt with errTCPFirst, and the request's TCP transport takes that connection. An attempt that
// fails, or runs out of altDialBudget, is an *altDialError either way: the request goes over TCP.
func (c *connector) raceQUIC(ctx context.Context, origin, addr string, head time.Duration, tlsCfg *tls.Config, qcfg *quic.Config) (*quic.Conn, error) {
	qctx, cancel := context.WithTimeout(ctx, altDialBudget)
	defer cancel()
	heard := new(atomic.Bool)
	qctx = context.WithValue(qctx, quicHeardKey{}, heard)
	type dialed struct {
		conn *quic.Conn
		err  error
	}
	quicDone := make(chan dialed, 1)
	go func() {
		conn, err := c.dialQUIC(qctx, addr, tlsCfg, qcfg)
		quicDone <- dialed{conn, err}
	}()
	result := func(d dialed) (*quic.Conn, error) {
		if d.err != nil {
			return nil, &altDialError{err: d.err}
		}
		return d.conn, nil
	}
	timer := time.NewTimer(head / 2) // curl's soft head start: the server has not been heard from
	defer timer.Stop()
	select {
	case d := <-quicDone:
		return result(d)
	case <-timer.C:
	}
	if heard.Load() {
		timer.Reset(head - head/2) // it answers: the rest of the head start
		select {
		case d := <-quicDone:
			return result(d)
		case <-timer.C:
		}
	}
	s := c.openSpare(ctx, origin)
	if s == nil {
		return result(<-quicDone)
	}
	select {
	case d := <-quicDone:
		if d.err == nil {
			s.discard()
		}
		return result(d)
	case <-s.done:
	}
	if s.err != nil {
		return result(<-quicDone) // TCP failed: QUIC may still connect
	}
	cancel()
	d := <-quicDone // its events are all recorded before the hop forgets them
	if d.err == nil {
		d.conn.CloseWithError(0, "")
	}
	return nil, &altDialError{err: errTCPFirst}
}
