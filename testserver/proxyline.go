package testserver

import (
	"bufio"
	"fmt"
	"net"
	"slices"
	"sync"
	"time"
)

// PROXYLines is a listener that takes the PROXY protocol v1 line (HAProxy's, what curl's
// --haproxy-protocol sends) off the start of every connection it accepts, and keeps it beside the line the
// connection's own addresses make: what a client connected directly should have said.
type PROXYLines struct {
	net.Listener
	mu   sync.Mutex
	seen []PROXYLine
}

// PROXYLine is one accepted connection's: Got, the line it began with ("" when none), and Want, the line
// its addresses as the server sees them make.
type PROXYLine struct{ Got, Want string }

// Accept waits for a connection's first bytes (a client speaks first, in HTTP and TLS alike) and takes a
// PROXY line off it.
func (l *PROXYLines) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	br := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got := ""
	if b, err := br.Peek(6); err == nil && string(b) == "PROXY " {
		got, _ = br.ReadString('\n')
	}
	c.SetReadDeadline(time.Time{})
	want := "PROXY UNKNOWN\r\n"
	if remote, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		local := c.LocalAddr().(*net.TCPAddr)
		family := "TCP6"
		if remote.IP.To4() != nil {
			family = "TCP4"
		}
		want = fmt.Sprintf("PROXY %s %s %s %d %d\r\n", family, remote.IP, local.IP, remote.Port, local.Port)
	}
	l.mu.Lock()
	l.seen = append(l.seen, PROXYLine{got, want})
	l.mu.Unlock()
	return &bufferedConn{Conn: c, r: br}, nil
}

// Seen are the lines of the connections accepted so far.
func (l *PROXYLines) Seen() []PROXYLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.seen)
}

// bufferedConn reads what its reader holds before the connection's own bytes.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(b []byte) (int, error) { return c.r.Read(b) }
