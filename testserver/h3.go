package testserver

import (
	"crypto/tls"
	"net"
	"net/http"

	"github.com/quic-go/quic-go/http3"
)

// H3 is the test server over HTTP/3: the same handlers, on a UDP port of loopback.
type H3 struct {
	srv  *http3.Server
	conn net.PacketConn
	URL  string // https://127.0.0.1:PORT
}

// StartHTTP3 serves Handler over HTTP/3 with cert (the certificate of a TLS test server, so that one CA
// file trusts both). The handler sees r.Proto "HTTP/3.0", which /anything and /get report back.
func StartHTTP3(cert tls.Certificate) (*H3, error) { return ServeHTTP3(cert, Handler()) }

// ServeHTTP3 serves handler over HTTP/3 with cert, for a test that needs its own handler.
func ServeHTTP3(cert tls.Certificate, handler http.Handler) (*H3, error) {
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := &H3{conn: conn, URL: "https://" + conn.LocalAddr().String()}
	h.srv = &http3.Server{
		Handler:   protoHeader(handler),
		TLSConfig: http3.ConfigureTLSConfig(&tls.Config{Certificates: []tls.Certificate{cert}}),
	}
	go h.srv.Serve(conn)
	return h, nil
}

// Close stops the server.
func (h *H3) Close() {
	h.srv.Close()
	h.conn.Close()
}

// protoHeader tells the client which protocol the server saw, in X-Seen-Proto.
func protoHeader(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Seen-Proto", r.Proto)
		next.ServeHTTP(w, r)
	})
}
