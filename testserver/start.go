package testserver

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
)

// Config says how to serve Handler on loopback.
type Config struct {
	TLS   bool
	HTTP1 bool             // HTTPS offers HTTP/1.1 only (the default offers HTTP/2 too)
	H2C   bool             // plain HTTP also speaks HTTP/2 with prior knowledge
	Cert  *tls.Certificate // the server certificate; nil means httptest's own
	// ClientAuth and ClientCAs ask for client certificates (mutual TLS).
	ClientAuth tls.ClientAuthType
	ClientCAs  *x509.CertPool
	// ConnState, when set, is told of every connection's state, as http.Server.ConnState.
	ConnState func(net.Conn, http.ConnState)
}

// Start serves Handler on a loopback port. The server's error log is discarded: the handshakes a client
// refuses on purpose would otherwise fill the test output. Close it when done.
func Start(c Config) *httptest.Server {
	srv := httptest.NewUnstartedServer(Handler())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Config.ConnState = c.ConnState
	if !c.TLS {
		if c.H2C {
			srv.Config.Protocols = new(http.Protocols)
			srv.Config.Protocols.SetHTTP1(true)
			srv.Config.Protocols.SetUnencryptedHTTP2(true)
		}
		srv.Start()
		return srv
	}
	srv.EnableHTTP2 = !c.HTTP1
	srv.TLS = &tls.Config{ClientAuth: c.ClientAuth, ClientCAs: c.ClientCAs}
	if c.Cert != nil {
		srv.TLS.Certificates = []tls.Certificate{*c.Cert}
	}
	if c.HTTP1 {
		srv.TLS.NextProtos = []string{"http/1.1"}
	}
	srv.StartTLS()
	return srv
}
