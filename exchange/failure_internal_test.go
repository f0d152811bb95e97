package exchange

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"
	"time"

	"github.com/hop-cli/hop/trace"
)

// An https:// proxy that forwards plain http refuses the client's certificate under TLS 1.3 after the
// handshake: the alert comes back from the request's read, wrapped by net/http in words of its own, which
// the message leaves out. The failure is the proxy's, never the server's.
func TestForwardingProxyAlert(t *testing.T) {
	alert := errors.New("remote error: tls: certificate required")
	rec := trace.Record{URL: "http://example.com/get", Host: "example.com", Proxy: "https://10.0.0.1:3128"}
	for _, err := range []error{alert, fmt.Errorf("readLoopPeekFailLocked: %w", alert)} {
		got := (&Client{}).classify(context.Background(), err, rec)
		var e *Error
		want := "TLS handshake with the proxy 10.0.0.1:3128 failed: remote error: tls: certificate required (the proxy wants a client certificate it trusts: --proxy-cert FILE --proxy-key FILE)"
		if !errors.As(got, &e) || e.Error() != want || e.Class() != Handshake || e.Host != "10.0.0.1:3128" {
			t.Errorf("%v: %v", err, got)
		}
	}
}

// The https:// URL an http:// request to a TLS port is told to try keeps the port it went to (80 when the
// URL named none, never 443 in its place), and no password.
func TestHTTPSURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://u:pw@example.com/x?q=1": "https://u:xxxxx@example.com:80/x?q=1",
		"http://[::1]:8443/":            "https://[::1]:8443/",
		"http://127.0.0.1:9/a%20b":      "https://127.0.0.1:9/a%20b",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := httpsURL(u); got != want {
			t.Errorf("httpsURL(%s) = %s, want %s", in, got, want)
		}
	}
}

// A 400 whose body is a server's words for a plain request on its TLS port (nginx's page, Apache's,
// Tomcat's, Go's line) names the https:// URL meant; another 400, or one to an https:// URL, does not.
func TestTLSPortHint(t *testing.T) {
	nginx := "<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n"
	apache := "<p>Your browser sent a request that this server could not understand.<br />\nReason: You're speaking plain HTTP to an SSL-enabled server port.<br />"
	tomcat := "Bad Request\nThis combination of host and port requires TLS.\n"
	for _, tt := range []struct {
		url, body string
		code      int
		want      string
	}{
		{"http://h.example:8443/x", nginx, 400, "the port speaks TLS: is it https://h.example:8443/x?"},
		{"http://h.example/", apache, 400, "the port speaks TLS: is it https://h.example:80/?"},
		{"http://h.example:8443/", tomcat, 400, "the port speaks TLS: is it https://h.example:8443/?"},
		{"http://h.example/", `{"error": "name is required"}`, 400, ""},
		{"https://h.example/", nginx, 400, ""},
		{"http://h.example/", nginx, 404, ""},
	} {
		u, _ := url.Parse(tt.url)
		resp := &http.Response{StatusCode: tt.code, Request: &http.Request{URL: u}}
		if got := TLSPortHint(resp, []byte(tt.body)); got != tt.want {
			t.Errorf("%d to %s with %q: %q, want %q", tt.code, tt.url, tt.body, got, tt.want)
		}
	}
}

// TestNotHTTP: the first line of what came is quoted when it is no status line; a status line in any
// case, or one cut short, is HTTP gone wrong and keeps net/http's words.
func TestNotHTTP(t *testing.T) {
	for begun, want := range map[string]string{
		"just a body\nmore":        "just a body",
		"-ERR unknown command\r\n": "-ERR unknown command",
		"\x00\x01binary":           "\x00\x01binary",
		"HTTP/1.1 099 Low\r\n":     "",
		"http/1.1 200 OK\r\n":      "",
		"HTT":                      "",
		"":                         "",
		"\r\n":                     "",
	} {
		line, ok := notHTTP([]byte(begun))
		if line != want || ok != (want != "") {
			t.Errorf("notHTTP(%q) = %q, %v; want %q", begun, line, ok, want)
		}
	}
}

// A server that speaks first, heard before the request was handed over: net/http says only
// "readLoopPeekFailLocked" of bytes on an idle connection, and hop names what the tap heard, as it does for
// a greeting net/http read as a status line.
func TestGreetingBeforeRequest(t *testing.T) {
	peek := fmt.Errorf("readLoopPeekFailLocked: %w", error(nil))
	for begun, want := range map[string]string{
		"SSH-2.0-OpenSSH_9.2p1\r\n": `127.0.0.1 answered in SSH, not HTTP: "SSH-2.0-OpenSSH_9.2p1" (is the port right?)`,
		"\x00\x01binary":            `127.0.0.1 answered without an HTTP status line: "\x00\x01binary" (an HTTP/0.9 reply, which hop does not take, or another protocol on this port?)`,
		// An HTTP answer before the request (a server turning connections away, or answering a --haproxy-protocol
		// header it does not take with a 400): net/http's words were "readLoopPeekFailLocked: %!w(<nil>)".
		"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n": `127.0.0.1 answered before the request was sent ("HTTP/1.1 400 Bad Request"), an answer to no request of hop's (is it turning connections away, or waiting for something else first?)`,
		"": `127.0.0.1 sent bytes before the request was sent, an answer to no request of hop's (is it turning connections away, or waiting for something else first?)`,
	} {
		rec := trace.Record{URL: "http://127.0.0.1:22/", Host: "127.0.0.1", HeadBegun: []byte(begun)}
		got := (&Client{}).classify(context.Background(), peek, rec)
		if got == nil || got.Error() != want || ClassOf(got) != Protocol {
			t.Errorf("begun %q: %v (%v); want %q", begun, got, ClassOf(got), want)
		}
	}
}

// A body whose connection broke under one of the client's own writes (HTTP/2 writes WINDOW_UPDATEs as the
// body comes), or whose HTTP/2 connection net/http found closed or had closed itself, is told in hop's words, not Go's "write
// tcp a->b: write: broken pipe" or "http2: client conn is closed" (the random HTTP/2 server found them;
// the timing is not made again here, the errors are).
func TestBodyBrokenPipe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("abc")) }))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, th, err := trace.RoundTrip(http.DefaultTransport, req)
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(resp.Body) // 3 bytes came; then, as it were, the connection broke
	resp.Body.Close()
	pipe := &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", syscall.EPIPE)}
	// A write on the connection net/http had closed already (on an HTTP/2 protocol error of the server's,
	// a PUSH_PROMISE hop never allows): "write tcp a->b: use of closed network connection".
	closed := &net.OpError{Op: "write", Net: "tcp", Err: net.ErrClosed}
	for _, cause := range []error{pipe, errors.New("http2: client conn is closed"), closed} {
		b := &checkedBody{ReadCloser: io.NopCloser(iotest.ErrReader(cause)), ctx: context.Background(), client: &Client{}, hop: th, length: -1}
		_, err = b.Read(make([]byte, 8))
		want := "the response body ended early: 127.0.0.1 closed the connection (3 bytes came)"
		if err == nil || err.Error() != want || ClassOf(err) != Body {
			t.Errorf("%v: %v; want %q, a Body failure", cause, err, want)
		}
	}
}

// An HTTP/2 connection that closed before the answer (net/http: "http2: client conn is closed") is an empty
// reply, as an HTTP/1.1 connection closed then is.
func TestHTTP2ClosedBeforeTheAnswer(t *testing.T) {
	rec := trace.Record{URL: "http://example.com/", Host: "example.com"}
	rec.Events.GotConn = time.Now()
	got := (&Client{}).classify(context.Background(), errors.New("http2: client conn is closed"), rec)
	var e *Error
	if !errors.As(got, &e) || e.Class() != EmptyReply || !strings.HasPrefix(e.Error(), "empty reply from example.com: it closed the connection without answering") {
		t.Errorf("%v; want an empty reply", got)
	}
}
