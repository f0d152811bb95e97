package transport

import (
	"errors"
	"io"
	"math"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// idleConn fails a read or write when no byte has moved, either way, for idle: the idle timeout of the
// contract, applied to every byte on the wire, TLS and HTTP/2 frames included. Bytes moving one way keep a
// read or write pending the other way alive: a read waiting for the answer while a long upload goes out is
// not idle. It is armed once the connection is open: until then the connect budget alone bounds it, so a
// stalled handshake is reported against the right limit.
//
// Moving a deadline updates a runtime timer, which on a download costs more than the read it guards, so a
// deadline is moved only when less than idle is left of it, and then to idle plus slack from now: a stall
// still fails after idle, at most slack later, and the timer moves once per slack, not once per read.
type idleConn struct {
	net.Conn
	idle, slack     time.Duration
	armed           atomic.Bool
	readBy, writeBy atomic.Int64          // the deadlines set, in Unix nanoseconds
	expired         atomic.Bool           // a read ran out of time: every later read fails at once
	failed          atomic.Pointer[error] // the first error of a read or a write
	freeReads       atomic.Bool           // reads are not timed (HTTP/2, see unwatchReads)
	reads, writes   atomic.Int32          // the reads and writes pending
	holdMu          sync.Mutex            // orders hold and release with a read that starts meanwhile
	holds           atomic.Int32          // the request body's producer is being read (see hold)
}

func newIdleConn(c net.Conn, idle time.Duration) *idleConn {
	return &idleConn{Conn: c, idle: idle, slack: min(idle/16, time.Second)}
}

// arm starts enforcing the idle timeout.
func (c *idleConn) arm() { c.armed.Store(true) }

// unwatchReads stops timing reads, for HTTP/2: net/http reads its frames ahead of hop, so the read waits on
// a quiet connection whenever hop's reader pauses (hop get … | less) and the server, its window full,
// stops sending, and it is no wait of hop's. Those hop makes are bounded per request instead (waitWatch);
// writes stay timed here.
func (c *idleConn) unwatchReads() { c.freeReads.Store(true) }

// hold stops timing reads while the request body's producer is read (standard input fed by another
// program), and release times them again from now: net/http's HTTP/1.1 waits for the answer while it sends
// the body, and a producer slower than idle is no wait of the server's. (The upload's own count, in
// waitWatch, still bounds a transport that takes nothing.)
func (c *idleConn) hold() {
	c.holdMu.Lock()
	defer c.holdMu.Unlock()
	if c.holds.Add(1) == 1 {
		c.unsetRead()
	}
}

func (c *idleConn) release() {
	c.holdMu.Lock()
	defer c.holdMu.Unlock()
	if c.holds.Add(-1) == 0 && !c.freeReads.Load() {
		c.readBy.Store(0)
		if d, ok := c.extend(&c.readBy); ok {
			c.Conn.SetReadDeadline(d)
		}
	}
}

// unsetRead lifts the read deadline while held; holdMu is held.
func (c *idleConn) unsetRead() {
	if c.armed.Load() && !c.freeReads.Load() && !c.expired.Load() {
		c.readBy.Store(math.MaxInt64) // no write or read moves it meanwhile (extend sees plenty left)
		c.Conn.SetReadDeadline(time.Time{})
	}
}

func (c *idleConn) Read(p []byte) (int, error) {
	if c.expired.Load() {
		// A parser that shrugs off one error and reads again (textproto looking for a continued header line)
		// must not buy the server another idle period.
		return 0, os.ErrDeadlineExceeded
	}
	if c.freeReads.Load() {
		n, err := c.Conn.Read(p)
		return n, c.first(err)
	}
	if d, ok := c.extend(&c.readBy); ok {
		c.Conn.SetReadDeadline(d)
	}
	if c.holds.Load() > 0 { // a hold began as this read set its deadline
		c.holdMu.Lock()
		if c.holds.Load() > 0 {
			c.unsetRead()
		}
		c.holdMu.Unlock()
	}
	c.reads.Add(1)
	n, err := c.Conn.Read(p)
	c.reads.Add(-1)
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) && c.armed.Load() {
		c.expired.Store(true)
	}
	if n > 0 && c.writes.Load() > 0 {
		if d, ok := c.extend(&c.writeBy); ok {
			c.Conn.SetWriteDeadline(d)
		}
	}
	return n, c.first(err)
}

func (c *idleConn) Write(p []byte) (int, error) {
	if d, ok := c.extend(&c.writeBy); ok {
		c.Conn.SetWriteDeadline(d)
	}
	c.writes.Add(1)
	n, err := c.Conn.Write(p)
	c.writes.Add(-1)
	if n > 0 && c.reads.Load() > 0 && !c.expired.Load() && !c.freeReads.Load() {
		if d, ok := c.extend(&c.readBy); ok {
			c.Conn.SetReadDeadline(d) // a read waiting meanwhile (net/http's, for the answer) waits on
		}
	}
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		// The server closed the connection under a request being sent, most often an upload it answered
		// early (401, 413) and closed with the body unread, which resets the connection. Go's HTTP/1 client
		// reads the answer while it writes, but returns whichever of the answer and the write's error it
		// sees first, and the two come microseconds apart. curl shows the answer; so does hop, by giving
		// the read side the time to hand it over. (net/http waits 50 ms the other way round: a write that
		// ends after its answer came.)
		time.Sleep(answerGrace)
	}
	return n, c.first(err)
}

// answerGrace is how long a write the server refused waits before it fails: the read side meanwhile
// hands over the answer the server sent before it closed, if it sent one. It takes microseconds on an idle
// machine; the margin is for a loaded one, and costs only a failure that had no answer to wait for.
const answerGrace = 250 * time.Millisecond

// first is err, or, when the connection was closed under this read or write because the other failed, the
// other's error: net/http's read loop, waiting for an answer, and its write loop, sending a body, run side
// by side, and whichever fails first closes the connection under the other, whose "use of closed network
// connection" may be the error the round trip returns. The cause is the first: a deadline that ran out
// (a server that reads nothing), a reset (a server that closed with the body unread).
func (c *idleConn) first(err error) error {
	switch {
	case err == nil || err == io.EOF:
		return err
	case errors.Is(err, net.ErrClosed):
		if first := c.failed.Load(); first != nil {
			return *first
		}
		return err
	}
	c.failed.CompareAndSwap(nil, &err)
	return err
}

// A deadline set from outside lasts until the next read or write, which sets the idle deadline again.

func (c *idleConn) SetDeadline(t time.Time) error {
	c.readBy.Store(0)
	c.expired.Store(false)
	c.writeBy.Store(0)
	return c.Conn.SetDeadline(t)
}

func (c *idleConn) SetReadDeadline(t time.Time) error {
	c.readBy.Store(0)
	c.expired.Store(false)
	return c.Conn.SetReadDeadline(t)
}

func (c *idleConn) SetWriteDeadline(t time.Time) error {
	c.writeBy.Store(0)
	return c.Conn.SetWriteDeadline(t)
}

// extend reports the new deadline to set when the connection is armed and the deadline in by is less than
// idle away.
func (c *idleConn) extend(by *atomic.Int64) (time.Time, bool) {
	if !c.armed.Load() {
		return time.Time{}, false
	}
	now := time.Now()
	if by.Load()-now.UnixNano() >= int64(c.idle) {
		return time.Time{}, false
	}
	d := now.Add(c.idle + c.slack)
	by.Store(d.UnixNano())
	return d, true
}
