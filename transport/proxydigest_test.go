package transport

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
)

// digestProxy is a CONNECT proxy that wants ann:s3cret as Digest (MD5, qop=auth, the nonce "n1"), or
// Basic when basic is set, and tunnels to backend. Its 407s close their connection when closing is set.
// It records each CONNECT's Proxy-Authorization, and the connections they came on.
type digestProxy struct {
	backend        string
	basic, closing bool
	challenge      string // the Proxy-Authenticate it sends

	mu    sync.Mutex
	seen  []string // each CONNECT's Proxy-Authorization
	conns map[string]bool
}

func (p *digestProxy) valid(authz, method, uri string) bool {
	if p.basic {
		return authz == "Basic YW5uOnMzY3JldA==" // ann:s3cret
	}
	rest, ok := strings.CutPrefix(authz, "Digest ")
	if !ok {
		return false
	}
	params := map[string]string{}
	for _, kv := range strings.Split(rest, ", ") {
		k, v, _ := strings.Cut(kv, "=")
		params[k] = strings.Trim(v, `"`)
	}
	h := func(s string) string { sum := md5.Sum([]byte(s)); return hex.EncodeToString(sum[:]) }
	ha1, ha2 := h("ann:proxy:s3cret"), h(method+":"+uri)
	want := h(ha1 + ":n1:" + params["nc"] + ":" + params["cnonce"] + ":auth:" + ha2)
	return params["username"] == "ann" && params["uri"] == uri && params["response"] == want
}

func (p *digestProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	authz := r.Header.Get("Proxy-Authorization")
	p.mu.Lock()
	p.seen = append(p.seen, authz)
	p.conns[r.RemoteAddr] = true
	p.mu.Unlock()
	if !p.valid(authz, r.Method, r.RequestURI) {
		w.Header().Set("Proxy-Authenticate", p.challenge)
		if p.closing {
			w.Header().Set("Connection", "close")
		}
		http.Error(w, "credentials wanted", http.StatusProxyAuthRequired)
		return
	}
	testserver.Tunnel(w, p.backend)
}

// TestProxyDigestTunnel: with ProxyAuth digest (curl's --proxy-digest) a CONNECT goes without credentials,
// and the proxy's Digest challenge is answered on the same connection, or on a new one when the proxy
// closed it; the exchange's context keeps the challenge, so that its next CONNECT is answered at once, the
// nonce count going up. any answers Basic when Basic is all the proxy asks for; basic sends Basic at once.
func TestProxyDigestTunnel(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "target "+r.RequestURI) }))
	defer backend.Close()
	for _, c := range []struct {
		mode           string
		basic, closing bool
		wantSeen       []string // the schemes of each CONNECT's Proxy-Authorization, "-" for none
		wantConns      int
	}{
		{mode: ProxyDigest, wantSeen: []string{"-", "Digest"}, wantConns: 1},
		{mode: ProxyDigest, closing: true, wantSeen: []string{"-", "Digest"}, wantConns: 2},
		{mode: ProxyAny, wantSeen: []string{"-", "Digest"}, wantConns: 1},
		{mode: ProxyAny, basic: true, wantSeen: []string{"-", "Basic"}, wantConns: 1},
		{mode: ProxyBasic, basic: true, wantSeen: []string{"Basic"}, wantConns: 1},
	} {
		name := fmt.Sprintf("%s, Basic %v, closing %v", c.mode, c.basic, c.closing)
		p := &digestProxy{backend: hostPort(backend.URL), basic: c.basic, closing: c.closing, conns: map[string]bool{},
			challenge: `Digest realm="proxy", nonce="n1", qop="auth", algorithm=MD5`}
		if c.basic {
			p.challenge = `Basic realm="proxy"`
		}
		proxy := httptest.NewServer(p)
		tr := newTransport(t, Options{Proxy: proxy.URL, ProxyUser: "ann:s3cret", ProxyTunnel: true, ProxyAuth: c.mode})
		ctx := WithProxyLogin(context.Background())
		for i, path := range []string{"/a", "/b"} {
			req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.com"+path, nil)
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != "target "+path {
				t.Errorf("%s: %q", name, body)
			}
			if i == 0 {
				tr.CloseIdleConnections() // the next request opens a tunnel of its own
			}
		}
		proxy.Close()
		var schemes []string
		for _, a := range p.seen {
			scheme, _, _ := strings.Cut(a, " ")
			schemes = append(schemes, max(scheme, "-"))
		}
		// The second tunnel: the challenge known, answered at once, with the next nonce count.
		want := append(c.wantSeen, c.wantSeen[len(c.wantSeen)-1])
		if strings.Join(schemes, " ") != strings.Join(want, " ") || len(p.conns) != c.wantConns+1 {
			t.Errorf("%s: Proxy-Authorization %q on %d connections, want %q on %d", name, p.seen, len(p.conns), want, c.wantConns+1)
		}
		if !c.basic && !strings.Contains(p.seen[len(p.seen)-1], "nc=00000002") {
			t.Errorf("%s: the second tunnel's answer %q, want nc=00000002", name, p.seen[len(p.seen)-1])
		}
	}
}

// TestProxyDigestRefusals: a 407 that hop cannot get past says what would: the scheme the proxy asks
// for, or that the credentials were refused.
func TestProxyDigestRefusals(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer backend.Close()
	digest := `Digest realm="proxy", nonce="n1", qop="auth"`
	for _, c := range []struct {
		mode, user, challenge, want string
	}{
		{ProxyBasic, "ann:s3cret", digest, "(it asks for Digest: --proxy-auth-type digest answers it, curl's --proxy-digest)"},
		{ProxyDigest, "ann:s3cret", `Basic realm="proxy"`, "(it asks for Basic, which --proxy-auth-type digest does not send; basic or any does)"},
		{ProxyDigest, "ann:wrong", digest, "(the credentials given were refused)"},
		{ProxyAny, "ann:s3cret", `Digest realm="proxy", nonce="n1", qop="auth-int"`, "(its Digest challenge is not one hop can answer)"},
		{ProxyDigest, "", digest, "(it wants credentials: -U USER:PASSWORD, or USER:PASSWORD@ in the proxy's URL)"},
	} {
		p := &digestProxy{backend: hostPort(backend.URL), conns: map[string]bool{}, challenge: c.challenge}
		proxy := httptest.NewServer(p)
		tr := newTransport(t, Options{Proxy: proxy.URL, ProxyUser: c.user, ProxyTunnel: true, ProxyAuth: c.mode, ConnectTimeout: 5 * time.Second})
		_, _, err := get(t, tr, "http://example.com/")
		proxy.Close()
		var pe *ProxyError
		if !errors.As(err, &pe) || !strings.HasSuffix(err.Error(), "407 Proxy Authentication Required "+c.want) || strings.Contains(err.Error(), "wrong") {
			t.Errorf("%s, %q, challenged with %q: %v, want %q", c.mode, c.user, c.challenge, err, c.want)
		}
	}
}
