package transport

import (
	"bytes"
	"crypto/tls"
	"net"
	"sync"
	"sync/atomic"
)

// headTap is an HTTP/1.x connection that, once asked (RecordHead), keeps the bytes it reads up to the end of
// the next response head that is not informational (1xx), so that the head, and the 1xx heads before it,
// can be shown as they came: net/http keeps neither the order of fields nor the case of their names, nor a
// 1xx response's reason phrase. Past the final head, and until asked again, a Read costs one atomic load.
type headTap struct {
	net.Conn
	on      atomic.Bool
	mu      sync.Mutex
	asked   bool     // RecordHead was called: until then the tap keeps what a new connection reads first
	buf     []byte   // what was read since RecordHead (or since the connection began), while on
	from    int      // where the head being read begins in buf (after the 1xx ones)
	scanned int      // how far past from the head being read was searched for its end, and none found
	informs [][]byte // the 1xx heads read whole, in order
	head    []byte   // the final head, once read whole
}

// tapHeads wraps an HTTP/1.x connection in a headTap; one that negotiated HTTP/2 (ALPN h2) stays as it is,
// for net/http hands only a *tls.Conn to HTTP/2, and HTTP/2's heads are no lines to keep (h2c is never
// tapped: see dialPlain).
func tapHeads(conn net.Conn) net.Conn {
	if tc, ok := conn.(*tls.Conn); ok {
		if tc.ConnectionState().NegotiatedProtocol == "h2" {
			return conn
		}
		return tlsHeadTap{newHeadTap(conn)}
	}
	return newHeadTap(conn)
}

// newHeadTap taps conn from its first byte: a server that speaks first (SSH's greeting) may be heard by
// net/http's read loop before the request's trace asks for the head, and its words are what hop says.
func newHeadTap(conn net.Conn) *headTap {
	t := &headTap{Conn: conn}
	t.on.Store(true)
	return t
}

// tlsHeadTap is a headTap over TLS: it tells its TLS state, as *tls.Conn does, to whoever asks a
// connection for it (the trace, for a connection used again).
type tlsHeadTap struct{ *headTap }

func (t tlsHeadTap) ConnectionState() tls.ConnectionState {
	return t.Conn.(*tls.Conn).ConnectionState()
}

// maxTapped bounds what a tap keeps: a head longer than net/http takes fails anyway, and 1xx heads before
// the final one are few (trace.MaxInformational).
const maxTapped = 2 * maxHeaderBytes

func (t *headTap) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	if n > 0 && t.on.Load() {
		t.mu.Lock()
		t.take(p[:n])
		t.mu.Unlock()
	}
	return n, err
}

// take adds read bytes to the head being kept, and stops keeping at the end of the final head. Call it
// with t.mu held.
func (t *headTap) take(p []byte) {
	if len(t.buf)+len(p) > maxTapped {
		t.on.Store(false) // no head that long is shown anyway
		t.buf = nil
		return
	}
	t.buf = append(t.buf, p...)
	for {
		end := headEnd(t.buf[t.from:], t.scanned)
		if end < 0 {
			t.scanned = len(t.buf) - t.from // a head that comes a byte at a time is searched once, not once a byte
			return
		}
		t.scanned = 0
		head := t.buf[t.from : t.from+end]
		if !informational(head) {
			t.head = bytes.Clone(head)
			t.on.Store(false)
			t.buf = nil
			return
		}
		t.informs = append(t.informs, bytes.Clone(head))
		t.from += end
	}
}

// RecordHead starts keeping the next response head read, and returns what reads what has come of it so far:
// the informational (1xx) heads read whole, in order, the final head (nil before it has come), and the
// first bytes (up to maxBegun) of a head begun and not ended: what a server that speaks no HTTP sent. The
// first time, what the connection read before it counts too.
func (t *headTap) RecordHead() func() (informs [][]byte, head, begun []byte) {
	t.mu.Lock()
	var early []byte
	if !t.asked && t.head != nil {
		// A whole head before any request (a server turning connections away): net/http reads it on an idle
		// connection and drops it; it is what the server sent, if nothing comes after it.
		early = t.head[:min(len(t.head), maxBegun)]
	}
	if t.asked || t.head != nil {
		t.buf, t.from, t.scanned, t.informs, t.head = nil, 0, 0, nil, nil
	}
	t.asked = true
	t.on.Store(true)
	t.mu.Unlock()
	return func() ([][]byte, []byte, []byte) {
		t.mu.Lock()
		defer t.mu.Unlock()
		var begun []byte
		if t.head == nil && t.from < len(t.buf) {
			begun = bytes.Clone(t.buf[t.from:min(len(t.buf), t.from+maxBegun)])
		}
		if t.head == nil && begun == nil {
			begun = early
		}
		return t.informs, t.head, begun
	}
}

// maxBegun bounds the bytes of an unfinished head that a tap gives back: enough for a greeting's first line.
const maxBegun = 128

// headEnd returns the length of the head at the start of b, its empty line included (CRLF or a bare LF
// ending each line, as net/http takes them), or -1 when b does not hold a whole one. b's first scanned bytes
// were searched before, when they were all of it, and held no end.
func headEnd(b []byte, scanned int) int {
	// An end the last search could not see whole begins in its last two bytes at the earliest ("\n\r" + "\n").
	for i := max(scanned-2, 0); i < len(b); i++ {
		if b[i] != '\n' {
			continue
		}
		switch {
		case i+1 < len(b) && b[i+1] == '\n':
			return i + 2
		case i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n':
			return i + 3
		}
	}
	return -1
}

// informational reports whether a head's status line is a 1xx one that a final response follows (101
// Switching Protocols ends the exchange's HTTP, as net/http takes it).
func informational(head []byte) bool {
	_, rest, ok := bytes.Cut(head, []byte(" "))
	return ok && len(rest) >= 3 && rest[0] == '1' && !bytes.HasPrefix(rest, []byte("101"))
}
