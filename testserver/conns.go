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
