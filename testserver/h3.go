package testserver

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/quic-go/quic-go"
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
	return ServeHTTP3TLS(&tls.Config{Certificates: []tls.Certificate{cert}}, handler)
}

// ServeHTTP3TLS serves handler over HTTP/3 with cfg, for a test that needs its own TLS (client certificates).
func ServeHTTP3TLS(cfg *tls.Config, handler http.Handler) (*H3, error) {
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := &H3{conn: conn, URL: "https://" + conn.LocalAddr().String()}
	h.srv = &http3.Server{
		Handler:   protoHeader(handler),
		TLSConfig: http3.ConfigureTLSConfig(cfg),
		ConnContext: func(ctx context.Context, c *quic.Conn) context.Context {
			return context.WithValue(ctx, quicConnKey{}, c)
		},
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

// quicConnKey is the request context's key for its QUIC connection.
type quicConnKey struct{}

// HostileHTTP3 answers with what a QUIC server can do and net/http's servers cannot, by path:
//
//	/reject      the stream is reset with H3_REQUEST_REJECTED: "not processed, try again"
//	/reset       the stream is reset with H3_INTERNAL_ERROR before any answer
//	/reset-body  200 promising 100 bytes, 8 of them, then the stream is reset (H3_INTERNAL_ERROR)
//	/close       the connection is closed with H3_EXCESSIVE_LOAD and a message holding an escape
//	/close-body  200 promising 100 bytes, 8 of them, then the connection is closed (H3_INTERNAL_ERROR)
//	/hints       8 × 103 Early Hints, then 200: more than quic-go's client takes (5)
//	/long        200 promising 5 bytes, sending 10
//	/lengths     two Content-Length fields that disagree (5 and 6)
//
// Serve it with ServeHTTP3.
func HostileHTTP3() http.Handler {
	mux := http.NewServeMux()
	// The stream is taken from the response writer before any body is written (it cannot be after): a
	// partial body is then written on it directly.
	stream := func(w http.ResponseWriter) *http3.Stream {
		s, err := w.(http3.HTTPStreamer).HTTPStream()
		if err != nil {
			panic(err) // only once a body was written, which these handlers never do before
		}
		return s
	}
	reset := func(s *http3.Stream, code http3.ErrCode) {
		s.CancelWrite(quic.StreamErrorCode(code))
		s.CancelRead(quic.StreamErrorCode(code))
	}
	closeConn := func(r *http.Request, code http3.ErrCode, msg string) {
		r.Context().Value(quicConnKey{}).(*quic.Conn).CloseWithError(quic.ApplicationErrorCode(code), msg)
	}
	partial := func(w http.ResponseWriter) *http3.Stream {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(http.StatusOK)
		s := stream(w)
		s.Write([]byte("partial\n"))
		time.Sleep(500 * time.Millisecond) // the client reads the head and 8 bytes before the end comes: a reset drops what is unread
		return s
	}
	mux.HandleFunc("/reject", func(w http.ResponseWriter, r *http.Request) { reset(stream(w), http3.ErrCodeRequestRejected) })
	mux.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) { reset(stream(w), http3.ErrCodeInternalError) })
	mux.HandleFunc("/reset-body", func(w http.ResponseWriter, r *http.Request) { reset(partial(w), http3.ErrCodeInternalError) })
	mux.HandleFunc("/close", func(w http.ResponseWriter, r *http.Request) {
		closeConn(r, http3.ErrCodeExcessiveLoad, "go away \x1b[31mnow")
	})
	mux.HandleFunc("/close-body", func(w http.ResponseWriter, r *http.Request) { partial(w); closeConn(r, http3.ErrCodeInternalError, "") })
	mux.HandleFunc("/long", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5")
		w.WriteHeader(http.StatusOK)
		s := stream(w)
		s.Write([]byte("0123456789"))
		s.Close()
	})
	mux.HandleFunc("/lengths", func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Length"] = []string{"5", "6"}
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "01234")
	})
	mux.HandleFunc("/hints", func(w http.ResponseWriter, r *http.Request) {
		for i := range 8 {
			w.Header().Set("Link", fmt.Sprintf("</%d.css>; rel=preload", i))
			w.WriteHeader(http.StatusEarlyHints)
		}
		w.Header().Del("Link")
		io.WriteString(w, "ok\n")
	})
	return mux
}
