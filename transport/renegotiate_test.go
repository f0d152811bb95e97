package transport

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRenegotiation: a TLS 1.2 server that asks to renegotiate after the request came (as IIS does to ask
// for a client certificate on one path) gets its renegotiation and the answer is read, as curl (OpenSSL)
// reads it. Go's default refused it: "local error: tls: no renegotiation". The server is openssl s_server,
// driven through its standard input: Go's own TLS server never renegotiates.
func TestRenegotiation(t *testing.T) {
	dir := t.TempDir()
	openssl(t, dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", "key.pem", "-out", "cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // s_server takes the port; another taking it meanwhile fails the test loudly, not wrongly
	srv := exec.Command("openssl", "s_server", "-tls1_2", "-cert", "cert.pem", "-key", "key.pem", "-accept", "127.0.0.1:"+strconv.Itoa(port))
	srv.Dir = dir
	stdin, _ := srv.StdinPipe()
	stdout, _ := srv.StdoutPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	await := func(prefix string) {
		t.Helper()
		timeout := time.After(10 * time.Second)
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					t.Fatalf("openssl s_server ended before it printed %q", prefix)
				}
				if strings.HasPrefix(line, prefix) {
					return
				}
			case <-timeout:
				t.Fatalf("openssl s_server did not print %q", prefix)
			}
		}
	}
	await("ACCEPT")
	tr := newTransport(t, Options{Protocol: HTTP1, TLS: TLSOptions{CACert: filepath.Join(dir, "cert.pem")}})
	type result struct {
		body string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest("GET", "https://127.0.0.1:"+strconv.Itoa(port)+"/", nil)
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
	io.WriteString(stdin, "r\n")
	await("SSL_do_handshake")
	io.WriteString(stdin, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
	select {
	case r := <-done:
		if r.err != nil || r.body != "ok\n" {
			t.Errorf("after the server renegotiated: %q, %v; want \"ok\\n\"", r.body, r.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no answer 10 s after the server renegotiated")
	}
}
