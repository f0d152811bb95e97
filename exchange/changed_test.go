package exchange_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/testserver"
	"github.com/hop-cli/hop/transport"
)

// TestFileChangedWhileSent: a file body (or part) that shrinks or grows after the request promised its
// size fails naming the file, over HTTP/1.1, HTTP/2 and HTTP/3, where net/http said "ContentLength=N with
// Body length M", HTTP/2 sent a shrunk body as if whole (exit 0), and HTTP/3 returned the server's answer
// to the cut-short request. The server changes the file before it reads the body; what hop has not yet written (the file
// is larger than the socket buffers) is read from the changed file.
func TestFileChangedWhileSent(t *testing.T) {
	const size = 32 << 20
	dir := t.TempDir()
	path := filepath.Join(dir, "up.bin")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/grow" {
			f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			f.Write([]byte("more"))
			f.Close()
		} else {
			os.Truncate(path, 1000)
		}
		io.Copy(io.Discard, r.Body)
	})
	h1 := httptest.NewServer(h)
	defer h1.Close()
	h2c := httptest.NewUnstartedServer(h)
	h2c.Config.Protocols = new(http.Protocols)
	h2c.Config.Protocols.SetUnencryptedHTTP2(true)
	h2c.Start()
	defer h2c.Close()
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	defer tlsSrv.Close()
	h3, err := testserver.ServeHTTP3(tlsSrv.TLS.Certificates[0], h)
	if err != nil {
		t.Fatal(err)
	}
	defer h3.Close()

	for _, tt := range []struct {
		name, url string
		proto     transport.Protocol
		item      string
		grows     bool
	}{
		{"HTTP/1.1 body shrinks", h1.URL + "/shrink", transport.HTTP1, "@" + path, false},
		{"HTTP/1.1 body grows", h1.URL + "/grow", transport.HTTP1, "@" + path, true},
		{"HTTP/1.1 part shrinks", h1.URL + "/shrink", transport.HTTP1, "f@" + path, false},
		{"HTTP/2 body shrinks", h2c.URL + "/shrink", transport.HTTP2, "@" + path, false},
		{"HTTP/2 part grows", h2c.URL + "/grow", transport.HTTP2, "f@" + path, true},
		{"HTTP/3 body shrinks", h3.URL + "/shrink", transport.HTTP3, "@" + path, false},
		{"HTTP/3 part grows", h3.URL + "/grow", transport.HTTP3, "f@" + path, true},
	} {
		if err := os.WriteFile(path, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := request.Build(request.Spec{Method: "PUT", URL: tt.url, Items: []string{tt.item}})
		if err != nil {
			t.Fatal(err)
		}
		c := client(t, exchange.Options{}, transport.Options{Protocol: tt.proto, TLS: transport.TLSOptions{Insecure: true}})
		ex, err := c.Do(context.Background(), r, exchange.Observer{})
		if err == nil {
			ex.Close()
		}
		var changed *request.ChangedError
		if !errors.As(err, &changed) || exchange.ClassOf(err) != exchange.Other {
			t.Errorf("%s: %v (class %v); want the file named as changed", tt.name, err, exchange.ClassOf(err))
			continue
		}
		want := "ended after"
		if tt.grows {
			want = "it grew"
		}
		if msg := err.Error(); !strings.HasPrefix(msg, path+" changed while it was being sent") || !strings.Contains(msg, want) {
			t.Errorf("%s: %q", tt.name, msg)
		}
	}
}
