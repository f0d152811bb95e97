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
