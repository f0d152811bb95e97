package transport

import (
	"cmp"
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"
)

// Go 1.26's HTTP/2 client (net/http's bundled copy of x/net/http2) can deadlock on a hostile server: a
// WINDOW_UPDATE that overflows a stream's window makes the connection's read loop lock a mutex it already
// holds (processWindowUpdate, then endStreamError → abortStream). Everything that needs that connection
// after it — the round trip waiting for its head, a read or a Close of its body, a later request the pool
// hands it, CloseIdleConnections — then blocks for good, whatever its context says: hop would sit through
// --timeout, -m and Ctrl-C. x/net's current copy and Go 1.27 no longer do this. Until hop is built with one of
// them, the calls into net/http's TCP transport are made so that hop can leave them behind: once a call's
// context is done and the call has not returned within stuckGrace, hop goes on with the context's cause
// (the idle limit's, -m's, the interrupt's) as the call's error, and the pool the stuck connection sits in is
// dropped for a fresh one, so that a retry, a next URL or the clean-up at exit does not meet it again.

// stuckGrace is how long a call may take to return after its context is done before it is left behind. A
// call that is not stuck returns within milliseconds of its cancellation.
const stuckGrace = 2 * time.Second

// leave runs f on its own goroutine and returns what it returns; or, once ctx is done and f has not
// returned within stuckGrace, zero, ctx's cause and left = true. drop, if not nil, is given what a call
// left behind returns should it ever return. A panic in f is raised again in the caller, so that it
// ends in hop's one-line report as any other would.
func leave[T any](ctx context.Context, f func() (T, error), drop func(T)) (v T, err error, left bool) {
	type result struct {
		v     T
		err   error
		panic any
		ok    bool
	}
	done := make(chan result, 1)
	var mu sync.Mutex
	abandoned := false
	go func() {
		var r result
		defer func() {
			if !r.ok {
				r.panic = recover()
			}
			mu.Lock()
			gone := abandoned
			if !gone {
				done <- r // (buffered: never blocks) under mu, so that the caller sees it or leaves it, not both
			}
			mu.Unlock()
			if gone && r.ok && drop != nil {
				drop(r.v)
			}
		}()
		r.v, r.err = f()
		r.ok = true
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		t := time.NewTimer(stuckGrace)
		defer t.Stop()
		select {
		case r = <-done:
		case <-t.C:
			mu.Lock()
			defer mu.Unlock()
			select {
			case r = <-done: // it returned as the grace ran out: nothing is left behind
			default:
				abandoned = true
				return v, context.Cause(ctx), true
			}
		}
	}
	if !r.ok {
		panic(r.panic)
	}
	return r.v, r.err, false
}

// dropPool replaces old, in which a call was left behind, with a fresh transport of the same options. Its
// connections are not closed: closing the stuck one would block as the call did.
func (t *Transport) dropPool(old *http.Transport) {
	t.http.CompareAndSwap(old, t.freshPool())
}

// leavableBody is an HTTP/2 response body whose reads and Close hop can leave behind (see leave). A goroutine
// of its own reads the body ahead into two chunks that take turns; Read serves from them, and waits, when
// both are spent, until the goroutine brings one, or until the body's context is done and stuckGrace has
// passed. The memory a read left behind may still write into is the goroutine's own. Once a read is left
// behind the body is done: every later call says so. Reading ahead in large chunks is also the faster way:
// an h2c download on loopback runs at about 1,000 MB/s this way, 370 MB/s read straight from net/http 32 KiB
// at a time, and about 330 MB/s with a goroutine started for each Read (BenchmarkBody/h2c; HTTP/1.1, read
// straight, runs at about 1,300 MB/s beside it).
type leavableBody struct {
	rc     io.ReadCloser
	ctx    context.Context
	t      *Transport
	from   *http.Transport
	next   chan chunk    // chunks read, in order; one with an error is the last
	free   chan []byte   // chunks handed back for reading
	done   chan struct{} // closed by Close: the goroutine stops
	cur    chunk         // the chunk Read serves from, up to cur.n
	off    int
	stuck  error
	closed bool
}

// errReadClosed is net/http's word for a read after Close.
var errReadClosed = errors.New("http: read on closed response body")

type chunk struct {
	buf []byte
	n   int
	err error
}

// A chunk starts at minChunk bytes and doubles, up to maxChunk, while reads fill it: a small answer costs
// a small buffer, a download reads in large gulps (an HTTP/2 body with data waiting returns up to the
// chunk's size in one read).
const minChunk, maxChunk = 16 << 10, 256 << 10

func newLeavableBody(ctx context.Context, rc io.ReadCloser, t *Transport, from *http.Transport) *leavableBody {
	b := &leavableBody{rc: rc, ctx: ctx, t: t, from: from,
		next: make(chan chunk, 2), free: make(chan []byte, 2), done: make(chan struct{})}
	go b.readAhead()
	return b
}

func (b *leavableBody) readAhead() {
	size, made := minChunk, 0
	for {
		var buf []byte
		select {
		case buf = <-b.free:
		default:
			if made < 2 {
				buf, made = make([]byte, size), made+1
				break
			}
			select {
			case buf = <-b.free:
			case <-b.done:
				return
			}
		}
		if len(buf) < size {
			buf = make([]byte, size)
		}
		n, err := b.rc.Read(buf)
		if n == len(buf) && size < maxChunk {
			size *= 2
		}
		select {
		case b.next <- chunk{buf, n, err}:
		case <-b.done:
			return
		}
		if err != nil {
			return
		}
	}
}

func (b *leavableBody) Read(p []byte) (int, error) {
	if b.closed {
		return 0, errReadClosed // (the goroutine has stopped: nothing more would come)
	}
	for b.off == b.cur.n {
		if b.stuck != nil || b.cur.err != nil {
			return 0, cmp.Or(b.stuck, b.cur.err)
		}
		if b.cur.buf != nil {
			b.free <- b.cur.buf
		}
		b.cur, b.off = b.wait(), 0
	}
	n := copy(p, b.cur.buf[b.off:b.cur.n])
	b.off += n
	if b.off == b.cur.n {
		return n, b.cur.err
	}
	return n, nil
}

// wait is the next chunk; or, once the body's context is done and none has come within stuckGrace, none,
// with the body left stuck.
func (b *leavableBody) wait() chunk {
	select {
	case c := <-b.next:
		return c
	case <-b.ctx.Done():
	}
	t := time.NewTimer(stuckGrace)
	defer t.Stop()
	select {
	case c := <-b.next:
		return c
	case <-t.C:
		b.stuck = context.Cause(b.ctx)
		b.t.dropPool(b.from)
		return chunk{}
	}
}

// Close is given stuckGrace whatever the body's context says: hop closes a body it stops reading early (a
// --max-filesize, a HEAD-like display), and a stuck connection would hold that Close with nothing to end it.
func (b *leavableBody) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	close(b.done)
	if b.stuck != nil {
		return nil
	}
	closing, cancel := context.WithCancel(context.Background())
	cancel()
	_, err, left := leave(closing, func() (struct{}, error) { return struct{}{}, b.rc.Close() }, nil)
	if left {
		b.stuck = err
		b.t.dropPool(b.from)
		return nil
	}
	return err
}
