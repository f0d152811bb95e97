package transport

import (
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
)

// TestRenegotiation: a TLS 1.2 server that asks to renegotiate after the request came (as IIS does to ask
// for a client certificate on one path) gets its renegotiation and the answer is read, as curl (OpenSSL)
// reads it. Go's default refused it: "local error: tls: no renegotiation". The server is openssl s_server,
// driven through its standard input: Go's own TLS server never renegotiates.
func TestRenegotiation(t *testing.T) {
	dir := t.TempDir()
	testserver.RunOpenSSL(t, dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", "key.pem", "-out", "cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
	srv, err := testserver.StartOpenSSL(dir, "-tls1_2", "-cert", "cert.pem", "-key", "key.pem")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	await := func(prefix string) {
		t.Helper()
		if err := srv.Await(prefix, 10*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	tr := newTransport(t, Options{Protocol: HTTP1, TLS: TLSOptions{CACert: filepath.Join(dir, "cert.pem")}})
	type result struct {
		body string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest("GET", "https://"+srv.Addr+"/", nil)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		done <- result{string(b), err}
	}()
	await("Host:") // the request came
	io.WriteString(srv.Stdin, "r\n")
	await("SSL_do_handshake")
	io.WriteString(srv.Stdin, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
	select {
	case r := <-done:
		if r.err != nil || r.body != "ok\n" {
			t.Errorf("after the server renegotiated: %q, %v; want \"ok\\n\"", r.body, r.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no answer 10 s after the server renegotiated")
	}
}
