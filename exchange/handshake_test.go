package exchange_test

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"testing"

	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/testserver"
	"github.com/hop-cli/hop/transport"
)

// TestHandshakeWaitsForTheServersWord: under TLS 1.3 a server judges the client certificate (or its absence)
// after the client has finished its handshake, so hop cert reads on: a session ticket says the server went
// on, an alert that it refused, and a server that sends neither leaves it unknown (after a second).
func TestHandshakeWaitsForTheServersWord(t *testing.T) {
	_, leaf := localLeaf(t)
	for _, tt := range []struct {
		name      string
		auth      tls.ClientAuthType
		noTickets bool
		taken     bool
		class     exchange.Class // of the error; 0 for none
	}{
		{"optional, with tickets", tls.RequestClientCert, false, true, 0},
		{"optional, without tickets", tls.RequestClientCert, true, false, 0},
		{"required", tls.RequireAnyClientCert, false, false, exchange.Handshake},
		{"not asked", tls.NoClientCert, false, false, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{leaf}, ClientAuth: tt.auth,
				SessionTicketsDisabled: tt.noTickets, MinVersion: tls.VersionTLS13})
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			testserver.ServeConns(ln, func(c net.Conn) {
				defer c.Close()
				if c.(*tls.Conn).Handshake() == nil {
					io.Copy(io.Discard, c) // until the client closes
				}
			})
			cfg, err := transport.TLSOptions{Insecure: true}.Config(nil)
			if err != nil {
				t.Fatal(err)
			}
			c := &exchange.Client{}
			addr := ln.Addr().String()
			res, err := c.Handshake(context.Background(), addr, cfg, func(ctx context.Context, cfg *tls.Config) (*tls.Conn, error) {
				d := tls.Dialer{Config: cfg}
				conn, err := d.DialContext(ctx, "tcp", addr)
				if err != nil {
					return nil, err
				}
				return conn.(*tls.Conn), nil
			})
			if res == nil || res.State == nil {
				t.Fatalf("no result (err %v): the handshake completed and its state must be shown", err)
			}
			if asked := res.Record.CertRequest != nil; asked != (tt.auth != tls.NoClientCert) {
				t.Errorf("CertRequest recorded = %v, want %v", asked, !asked)
			}
			if res.CertTaken != tt.taken || (err == nil) != (tt.class == 0) || err != nil && exchange.ClassOf(err) != tt.class {
				t.Errorf("CertTaken %v, err %v (class %v); want %v and class %v", res.CertTaken, err, exchange.ClassOf(err), tt.taken, tt.class)
			}
		})
	}
}
