package testserver

import (
	"bufio"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// Proxy is a forward proxy for tests: it tunnels CONNECT requests and forwards absolute-form plain HTTP
// requests, sending HOST:PORT where Route says (so a name like example.com:443 can reach a loopback server
// without any DNS). Connects counts the tunnels opened. Delay holds every CONNECT answer back; Refuse, when
// set, is the status every CONNECT is answered with instead of opening the tunnel.
type Proxy struct {
	Route    func(hostport string) string
	Delay    time.Duration
	Refuse   int
	Connects atomic.Int64
	// User and Password, when set, are required in Proxy-Authorization (Basic); anything else gets a 407.
	User, Password string
	// Eager sends a CONNECT's answer together with the first bytes the server sends (a server that speaks
	// first, as SMTP's does), in one write: the client reads both at once.
	Eager bool
	// Answer, when set, is the head a CONNECT is answered with before the tunnel opens, in place of
	// "HTTP/1.1 200 Connection established\r\n\r\n": a proxy's sloppy 2xx (a Transfer-Encoding, a
	// Content-Length, another 2xx code).
	Answer string

	mu     sync.Mutex
	agents []string // the User-Agent of each CONNECT
}

// Agents are the User-Agent headers the CONNECTs came with, in order ("" for none).
func (p *Proxy) Agents() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.agents...)
}

// ServeHTTP implements http.Handler.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.User != "" {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(p.User+":"+p.Password))
		if r.Header.Get("Proxy-Authorization") != want {
			w.Header().Set("Proxy-Authenticate", `Basic realm="test proxy"`)
			http.Error(w, "proxy credentials wanted", http.StatusProxyAuthRequired)
			return
		}
	}
	if r.Method != http.MethodConnect {
		target := *r.URL
		target.Host = p.Route(r.URL.Host)
		rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL = &url.URL{Scheme: "http", Host: target.Host, Path: target.Path, RawQuery: target.RawQuery}
			pr.Out.Host = r.Host
		}}
		rp.ServeHTTP(w, r)
		return
	}
	p.mu.Lock()
	p.agents = append(p.agents, r.Header.Get("User-Agent"))
	p.mu.Unlock()
	time.Sleep(p.Delay)
	if p.Refuse != 0 {
		http.Error(w, http.StatusText(p.Refuse), p.Refuse)
		return
	}
	upstream, err := net.Dial("tcp", p.Route(r.Host))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		upstream.Close()
		http.Error(w, "cannot tunnel", http.StatusInternalServerError)
		return
	}
	client, buf, err := hj.Hijack()
	if err != nil {
		upstream.Close()
		return
	}
	p.Connects.Add(1)
	answer := []byte("HTTP/1.1 200 Connection established\r\n\r\n")
	if p.Answer != "" {
		answer = []byte(p.Answer)
	}
	if p.Eager {
		first := make([]byte, 4096)
		upstream.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, _ := upstream.Read(first)
		upstream.SetReadDeadline(time.Time{})
		answer = append(answer, first[:n]...)
	}
	client.Write(answer)
	splice(client, buf, upstream)
	upstream.Close()
}

// Tunnel opens the tunnel a CONNECT asks for, to addr, from a handler of its own (a proxy that checks
// credentials its own way): 502 when addr cannot be reached, else "200 Connection established" and the
// bytes both ways until both ends are done.
func Tunnel(w http.ResponseWriter, addr string) {
	upstream, err := net.Dial("tcp", addr)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer upstream.Close()
	client, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	io.WriteString(client, "HTTP/1.1 200 Connection established\r\n\r\n")
	splice(client, buf, upstream)
}

// splice copies between a hijacked client connection (buf holding what it sent already) and upstream,
// both ways, until both are done; it closes the client.
func splice(client net.Conn, buf *bufio.ReadWriter, upstream net.Conn) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); io.Copy(upstream, buf); upstream.(*net.TCPConn).CloseWrite() }()
	go func() { defer wg.Done(); io.Copy(client, upstream); client.Close() }()
	wg.Wait()
}
