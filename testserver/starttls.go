package testserver

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"strings"
)

// StartTLS is a server that speaks a plain protocol (smtp, imap, pop3, ftp, postgres, ldap, mysql, xmpp) until the client asks
// it to start TLS, then shakes hands with Cert and closes: what hop cert --starttls meets. Refuse answers the
// request with the protocol's no; Chatty, for smtp, answers EHLO with a reply that never ends.
type StartTLS struct {
	Proto  string
	Cert   tls.Certificate
	Refuse bool
	Chatty bool

	ln net.Listener
}

// StartStartTLS serves s on a loopback port.
func StartStartTLS(s *StartTLS) (*StartTLS, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.ln = ln
	go accept(ln, s.serve)
	return s, nil
}

// Addr is the server's HOST:PORT.
func (s *StartTLS) Addr() string { return s.ln.Addr().String() }

// Close stops accepting connections.
func (s *StartTLS) Close() { s.ln.Close() }

func (s *StartTLS) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(lines ...string) {
		for _, l := range lines {
			if _, err := io.WriteString(c, l+"\r\n"); err != nil {
				return
			}
		}
	}
	read := func() string {
		l, _ := r.ReadString('\n')
		return strings.TrimRight(l, "\r\n")
	}
	ok := false
	switch s.Proto {
	case "smtp":
		say("220-test.example ESMTP", "220 ready")
		if !strings.HasPrefix(read(), "EHLO ") {
			say("501 EHLO first")
			return
		}
		if s.Chatty {
			for {
				if _, err := io.WriteString(c, "250-EXTENSION\r\n"); err != nil {
					return
				}
			}
		}
		say("250-test.example", "250-PIPELINING", "250 STARTTLS")
		if read() != "STARTTLS" {
			return
		}
		if s.Refuse {
			say("454 4.7.0 TLS not available due to local problem")
			return
		}
		say("220 2.0.0 go ahead")
		ok = true
	case "imap":
		say("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready")
		tag, cmd, _ := strings.Cut(read(), " ")
		if cmd != "STARTTLS" {
			return
		}
		if s.Refuse {
			say(tag + " BAD STARTTLS not available")
			return
		}
		say("* CAPABILITY IMAP4rev1", tag+" OK begin TLS")
		ok = true
	case "pop3":
		say("+OK ready")
		if read() != "STLS" {
			return
		}
		if s.Refuse {
			say("-ERR not now")
			return
		}
		say("+OK begin TLS")
		ok = true
	case "ftp":
		say("220 ready")
		if read() != "AUTH TLS" {
			return
		}
		if s.Refuse {
			say("502 not implemented")
			return
		}
		say("234 AUTH TLS OK")
		ok = true
	case "postgres":
		msg := make([]byte, 8)
		if _, err := io.ReadFull(r, msg); err != nil || string(msg) != "\x00\x00\x00\x08\x04\xd2\x16\x2f" {
			return
		}
		if s.Refuse {
			c.Write([]byte("N"))
			return
		}
		c.Write([]byte("S"))
		ok = true
	}
	if s.Proto == "xmpp" {
		open, err := r.ReadString('>') // <?xml ...?>
		if err == nil && strings.HasPrefix(open, "<?xml") {
			open, err = r.ReadString('>') // <stream:stream to='...' ...>
		}
		if err != nil || !strings.Contains(open, "to='localhost'") {
			return
		}
		say := "<?xml version='1.0'?><stream:stream from='localhost' xmlns='jabber:client' " +
			"xmlns:stream='http://etherx.jabber.org/streams' version='1.0'><stream:features>"
		if !s.Refuse {
			say += "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
		}
		io.WriteString(c, say+"<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/></stream:features>")
		if req, err := r.ReadString('>'); err != nil || !strings.HasPrefix(req, "<starttls") {
			return
		}
		io.WriteString(c, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
		ok = true
	}
	if s.Proto == "mysql" {
		caps := "\xff\xf7" // everything but SSL (0x0800)
		if !s.Refuse {
			caps = "\xff\xff"
		}
		hello := "\x0a8.4.0-test\x00\x01\x00\x00\x00abcdefgh\x00" + caps + "\x21\x02\x00\xff\xdf"
		c.Write(append([]byte{byte(len(hello)), 0, 0, 0}, hello...))
		// Read from the connection itself: the client's TLS hello follows the request at once, and a
		// buffered reader would take it from under the TLS server.
		req := make([]byte, 36)
		if _, err := io.ReadFull(c, req); err != nil || req[0] != 32 || req[3] != 1 || req[5]&0x08 == 0 {
			return
		}
		ok = true
	}
	if s.Proto == "ldap" {
		req := make([]byte, 31)
		if _, err := io.ReadFull(r, req); err != nil || !strings.HasSuffix(string(req), "1.3.6.1.4.1.1466.20037") {
			return
		}
		if s.Refuse {
			c.Write([]byte("\x30\x17\x02\x01\x01\x78\x12\x0a\x01\x02\x04\x00\x04\x0bno TLS here"))
			return
		}
		c.Write([]byte("\x30\x0c\x02\x01\x01\x78\x07\x0a\x01\x00\x04\x00\x04\x00"))
		ok = true
	}
	if ok {
		tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{s.Cert}})
		tc.Handshake()
		tc.Close()
	}
}
