package transport

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// TestStartTLSHostile: a server that sends a line without end, or says nothing, or closes, ends the
// dialogue with a bounded error; none makes hop read without end or wait past its deadline.
func TestStartTLSHostile(t *testing.T) {
	for _, tt := range []struct {
		name, proto string
		serve       func(net.Conn)
		want        string
	}{
		{"a greeting without end", "smtp", func(c net.Conn) { c.Write([]byte(strings.Repeat("x", 1<<20))) }, "did not agree to start TLS over smtp: xxx"},
		{"a close at once", "imap", func(c net.Conn) { c.Close() }, "the server closed the connection"},
		{"silence", "pop3", func(net.Conn) {}, "i/o timeout"},
		{"an LDAP answer of 16 MiB", "ldap", func(c net.Conn) { c.Read(make([]byte, 31)); c.Write([]byte{0x30, 0x83, 0xff, 0xff, 0xff}) }, "too long to be an answer"},
		{"an LDAP answer that is not one", "ldap", func(c net.Conn) { c.Read(make([]byte, 31)); c.Write([]byte{0x30, 0x03, 0x02, 0x01, 0x01}) }, "not an LDAP extended response"},
		{"not PostgreSQL", "postgres", func(c net.Conn) { b := make([]byte, 8); c.Read(b); c.Write([]byte("E")) }, `'E' (not a PostgreSQL server?)`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			client, server := net.Pipe()
			defer client.Close()
			go func() { tt.serve(server); time.Sleep(2 * time.Second); server.Close() }()
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			err := startTLS(ctx, client, tt.proto, "example.com")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("startTLS: %v; want %q", err, tt.want)
			}
			if len(err.Error()) > 300 {
				t.Errorf("an error of %d bytes quotes too much of the server", len(err.Error()))
			}
			var se *StartTLSError
			if errors.As(err, &se) && se.Proto != tt.proto {
				t.Errorf("the error names the protocol %q, want %q", se.Proto, tt.proto)
			}
		})
	}
}

// The XMPP stream header names the domain inside a quoted attribute, escaped: a --servername holding a
// quote cannot end the attribute and add markup of its own.
func TestXMPPStreamHeaderEscapes(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	header := make(chan string, 1)
	go func() {
		b := make([]byte, 512)
		n, _ := server.Read(b)
		header <- string(b[:n])
		server.Close()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	startTLS(ctx, client, "xmpp", `a'b"c&d<e>`)
	if got := <-header; !strings.Contains(got, "<stream:stream to='a&#39;b&#34;c&amp;d&lt;e&gt;' xmlns='jabber:client'") {
		t.Errorf("stream header %q", got)
	}
}

// TestMySQLStartTLSHostile: a MySQL handshake that is an error packet, is cut short, or claims a huge length
// is refused with what it said, never read without bound.
func TestMySQLStartTLSHostile(t *testing.T) {
	for _, tt := range []struct {
		name  string
		reply string
		want  string
	}{
		{"an error packet", "\x19\x00\x00\x00\xff\x6a\x04#HY000Host not allowed", "MySQL error: Host not allowed"},
		{"a huge packet", "\xff\xff\xff\x00", "a first packet of 16777215 bytes"},
		{"no version end", "\x05\x00\x00\x00\x0a8.4.0", "a malformed MySQL handshake"},
		{"another protocol", "\x01\x00\x00\x00\x09", "protocol version 9"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			client, server := net.Pipe()
			defer client.Close()
			go func() { server.Write([]byte(tt.reply)); time.Sleep(time.Second); server.Close() }()
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			if err := startTLS(ctx, client, "mysql", "example.com"); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("startTLS: %v; want %q", err, tt.want)
			}
		})
	}
}

// TestXMPPStartTLSHostile: an XMPP server that talks without end before its features, or says failure,
// is refused with a bounded error.
func TestXMPPStartTLSHostile(t *testing.T) {
	for _, tt := range []struct{ name, reply, want string }{
		{"features without end", "<stream:features>" + strings.Repeat("<x/>", 20000), "more than 64 KiB before </stream:features>"},
		{"a failure", "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features><failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", "<failure"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			client, server := net.Pipe()
			defer client.Close()
			go func() {
				go io.Copy(io.Discard, server)
				server.Write([]byte(tt.reply))
				time.Sleep(time.Second)
				server.Close()
			}()
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			if err := startTLS(ctx, client, "xmpp", "example.com"); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("startTLS: %v; want %q", err, tt.want)
			}
		})
	}
}
