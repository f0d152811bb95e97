package testserver

import "net"

// ServeConns hands each connection ln accepts to handle, in a goroutine of its own, until ln is closed:
// the accept loop of the tests' servers that speak bytes rather than HTTP.
func ServeConns(ln net.Listener, handle func(net.Conn)) {
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go handle(c)
		}
	}()
}

// TB is what ServeLoopback needs of a test (testing.TB's methods), so that this package, which the demo
// links, does not import testing.
type TB interface {
	Helper()
	Fatal(args ...any)
	Cleanup(func())
}

// ServeLoopback is the HOST:PORT of a loopback listener that gives each connection to handle, in a
// goroutine of its own, until the test ends.
func ServeLoopback(t TB, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ServeConns(ln, handle)
	return ln.Addr().String()
}

// HoldConns accepts connections on ln and holds them open, reading nothing and saying nothing, until ln is
// closed; it then closes them: a server that never answers, nor reads what it is sent.
func HoldConns(ln net.Listener) {
	go func() {
		var held []net.Conn
		for {
			c, err := ln.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
}
