package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hop-cli/hop/trace"
)

// connector opens connections: the route to the server (directly, or through a proxy's tunnel), then TLS.
// All of it, DNS included, shares one budget.
type connector struct {
	dial    *dialer
	proxies *proxies
	tls     *tls.Config // for servers
	// roots are the server's CA certificates when an environment variable names them, parsed beside the
	// first dial that needs them (TLSOptions.laterRoots, needsRoots); nil when tls holds them, or Go's
	// system roots serve.
	roots    func() *x509.CertPool
	proxyTLS *tls.Config // for https:// proxies: their own trust, never the server's
	// proxyHeader goes to an HTTP(S) proxy only (--proxy-header): in CONNECT, or with what it forwards.
	proxyHeader http.Header
	budget      time.Duration
	warm        sync.Once
	// tunnelAll sends plain http through a CONNECT tunnel too (--proxytunnel), not forwarded to the proxy.
	tunnelAll bool
	haproxy   bool   // --haproxy-protocol: a PROXY line first, to whatever the route leads to
	clientIP  string // --haproxy-clientip: the address that line gives, "" for the connection's own
	h2c       bool   // --http2 on http:// URLs: HTTP/2 from the first byte
	proxyAuth string // Options.ProxyAuth: ProxyBasic, ProxyDigest or ProxyAny
	ech       echOption
}

// dialPlain is http.Transport's DialContext: a connection for plain http, to the server (directly or
// through a SOCKS proxy) or to an HTTP proxy that forwards the request.
func (c *connector) dialPlain(ctx context.Context, _, addr string) (net.Conn, error) {
	target := targetOf(ctx, "http", addr)
	if p := c.proxies.forTarget(target); p != nil && !isSOCKS(p) && !c.tunnelAll {
		return tapped(c.connect(ctx, nil, addr, nil, "")) // addr is the forwarding proxy
	}
	conn, err := c.connect(ctx, target, addr, nil, "")
	if c.h2c {
		return conn, err // HTTP/2 from the first byte: no HTTP/1.x head to keep
	}
	return tapped(conn, err)
}

// tapped is a connection for HTTP/1.x or HTTP/2, its heads kept as they come (tapHeads), or its error.
func tapped(conn net.Conn, err error) (net.Conn, error) {
	if err != nil {
		return nil, err
	}
	return tapHeads(conn), nil
}

// dialTLS is http.Transport's DialTLSContext: a TLS connection to an https server (directly or through a
// proxy), or to an https proxy that forwards a plain-http request.
func (c *connector) dialTLS(ctx context.Context, _, addr string) (net.Conn, error) {
	target := targetOf(ctx, "https", addr)
	if target.Scheme != "https" {
		return tapped(c.connect(ctx, nil, addr, withServerName(c.proxyTLS, addr), "")) // addr is the forwarding proxy
	}
	if conn, recorded, err, ok := spareFor(ctx, addr); ok {
		trace.Adopt(ctx, recorded) // the connection raced beside an HTTP/3 attempt that lost
		return tapped(conn, err)
	}
	return tapped(c.connect(ctx, target, addr, withServerName(c.tls, addr), ""))
}

// forwardingProxy is http.Transport's Proxy: an HTTP or HTTPS proxy that plain-http requests are sent to
// in full. Every other route is the dialer's own: for tunnels and SOCKS the transport sees only the
// server's address.
func (c *connector) forwardingProxy(req *http.Request) (*url.URL, error) {
	if c.forwards(req.URL) {
		p := c.proxies.forTarget(req.URL)
		if req.URL.Opaque != "" {
			// The request line to a forwarding proxy holds the whole URL: no place for a target of its own.
			return nil, &unusable{optionErrorf("--request-target "+req.URL.Opaque, "a proxy that forwards plain http takes whole URLs; send it to the server directly (--noproxy)")}
		}
		trace.ProxyForwarded(req.Context(), p.Redacted())
		withPort := *p
		withPort.Host = proxyAddr(p) // net/http would dial an http:// proxy that names no port on 80
		if c.proxyAuth != ProxyBasic {
			withPort.User = nil // net/http sends Basic; the credentials go only to answer a challenge (AnswerProxy)
		}
		return &withPort, nil
	}
	return nil, nil
}

// proxyFor is the proxy a request to u goes through last: --proxy's (or the environment's), else
// --preproxy's; nil when it goes straight to the server.
func (c *connector) proxyFor(u *url.URL) *url.URL {
	if p := c.proxies.forTarget(u); p != nil {
		return p
	}
	return c.proxies.preFor(u)
}

// forwards reports whether a request to u is sent whole to an HTTP(S) proxy, which forwards it: plain http
// without --proxytunnel, through a proxy that is not SOCKS.
func (c *connector) forwards(u *url.URL) bool {
	if u.Scheme != "http" || c.tunnelAll {
		return false
	}
	p := c.proxies.forTarget(u)
	return p != nil && !isSOCKS(p)
}

// needsRoots reports whether a handshake with cfg, a server's (not a proxy's), verifies with the roots an
// environment variable names; when it does, they are parsed now, beside the dial, as Go's system roots are
// warmed, and given to cfg (the caller's own copy) once the handshake is due. Otherwise Go's system roots
// are warmed when cfg verifies with them.
func (c *connector) needsRoots(cfg *tls.Config, server bool) bool {
	switch {
	case cfg == nil || cfg.RootCAs != nil || cfg.InsecureSkipVerify:
		return false
	case c.roots != nil && server:
		go c.roots()
		return true
	}
	c.warm.Do(warmSystemRoots)
	return false
}

// connect opens a connection to addr, the server of target: through the proxy the options give for
// target, or directly when target is nil (addr is then a proxy that forwards plain http, and its TLS
// handshake failing a *ProxyTLSError); then TLS with cfg unless it is nil (cfg is the caller's copy, which
// connect completes). It must all happen within the budget.
func (c *connector) connect(ctx context.Context, target *url.URL, addr string, cfg *tls.Config, starttls string) (net.Conn, error) {
	later := c.needsRoots(cfg, target != nil)
	if c.budget > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.budget)
		defer cancel()
	}
	var chain []*url.URL
	if pre := c.proxies.preFor(target); pre != nil {
		chain = append(chain, pre)
	}
	if target != nil {
		if proxy := c.proxies.forTarget(target); proxy != nil {
			chain = append(chain, proxy)
		}
	}
	var ech <-chan echFound
	if target != nil && cfg != nil {
		ech = c.lookupECH(ctx, chain, cfg.ServerName, starttls) // beside the route: it is asked of DNS while that connects
	}
	raw, err := c.route(ctx, chain, addr)
	if err != nil {
		return nil, err
	}
	conn := raw
	if c.haproxy {
		if err := sendPROXY(ctx, raw, c.clientIP); err != nil {
			raw.Close()
			return nil, err
		}
	}
	if starttls != "" {
		name := ""
		if cfg != nil {
			name = cfg.ServerName
		}
		if err := startTLS(ctx, raw, starttls, name); err != nil {
			raw.Close()
			return nil, err
		}
	}
	if cfg != nil {
		if later {
			cfg.RootCAs = c.roots()
		}
		if ech != nil {
			if err := c.withECH(cfg, <-ech); err != nil {
				raw.Close()
				return nil, err
			}
		}
		tc, err := handshake(ctx, raw, cfg)
		if err == nil {
			err = checkALPN(tc, cfg)
		}
		if err != nil && target != nil {
			err = echRejected(err)
		}
		if err != nil {
			raw.Close()
			if target == nil {
				err = &ProxyTLSError{Proxy: addr, Err: err}
			}
			return nil, err
		}
		if target == nil {
			trace.ProxyTLSDone(ctx, tc.ConnectionState())
		}
		conn = tc
	}
	if ic, ok := underlying(raw).(*idleConn); ok {
		ic.arm()
		if tc, ok := conn.(*tls.Conn); ok && tc.ConnectionState().NegotiatedProtocol == "h2" || cfg == nil && c.h2c && target != nil && target.Scheme == "http" {
			ic.unwatchReads()
		}
	}
	return conn, nil
}

// route opens a TCP connection that leads to addr: directly, or through the proxies of chain in turn, each
// asked for the next one's address, the last for addr.
func (c *connector) route(ctx context.Context, chain []*url.URL, addr string) (net.Conn, error) {
	if len(chain) == 0 {
		return c.dial.dial(ctx, addr)
	}
	conn, err := c.routeWith(ctx, chain, addr, "")
	if again, ok := err.(*answerOnNewConnection); ok {
		// The proxy's challenge, answered, goes on a connection of its own: it closed the one it came on.
		conn, err = c.routeWith(ctx, chain, addr, again.authorization)
	}
	return conn, err
}

// routeWith is route through at least one proxy, an HTTP proxy's CONNECT sending authorization ("" for
// its first, which sends what ProxyAuth sends unasked).
func (c *connector) routeWith(ctx context.Context, chain []*url.URL, addr, authorization string) (net.Conn, error) {
	conn, err := c.dial.dial(ctx, proxyAddr(chain[0]))
	if err != nil {
		// Typed as net/http types it, so that the message names the proxy (--preproxy's, when it is first).
		op := "proxyconnect"
		if chain[0] == c.proxies.pre {
			op = "preproxyconnect"
		}
		return nil, &net.OpError{Op: op, Net: "tcp", Err: err}
	}
	trace.ProxyStarted(ctx)
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	tunnel := conn
	for i, proxy := range chain {
		next := addr
		if i+1 < len(chain) {
			next = proxyAddr(chain[i+1])
		}
		if tunnel, err = c.throughProxy(ctx, tunnel, proxy, next, authorization); err != nil {
			break
		}
	}
	stop()
	if err != nil {
		conn.Close()
		if _, again := err.(*answerOnNewConnection); again {
			return nil, err
		}
		if deadline, ok := ctx.Deadline(); ok && !time.Now().Before(deadline) {
			// The connection's deadline is the context's, and fires as soon: a proxy's answer cut short by it
			// is a timeout, however its fragment parses ("malformed MIME header", said of the server).
			err = context.DeadlineExceeded
		} else if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, err
	}
	conn.SetDeadline(time.Time{})
	trace.ProxyConnected(ctx, chain[len(chain)-1].Redacted())
	return tunnel, nil
}

// throughProxy does the proxy's handshake on conn and returns the connection that now leads to addr:
// conn itself, or for an https:// proxy the TLS connection to the proxy that carries the tunnel.
func (c *connector) throughProxy(ctx context.Context, conn net.Conn, proxy *url.URL, addr, authorization string) (net.Conn, error) {
	if isSOCKS(proxy) {
		return conn, c.dial.socksConnect(ctx, conn, proxy, addr)
	}
	if proxy.Scheme != "https" {
		return c.httpConnect(ctx, conn, proxy, addr, authorization)
	}
	tc := tls.Client(conn, withServerName(c.proxyTLS, proxyAddr(proxy)))
	err := tc.HandshakeContext(ctx)
	if err == nil {
		trace.ProxyTLSDone(ctx, tc.ConnectionState())
		var tunnel net.Conn
		tunnel, err = c.httpConnect(ctx, tc, proxy, addr, authorization)
		// Under TLS 1.3 a proxy refuses the client's certificate (or its absence) after the handshake, in
		// an alert the CONNECT's answer meets.
		if err == nil || !strings.Contains(err.Error(), "remote error: tls:") {
			return tunnel, err
		}
	}
	return nil, &ProxyTLSError{Proxy: proxyAddr(proxy), Err: err}
}

// sendPROXY writes the PROXY protocol v1 header (HAProxy's proxy-protocol.txt, 2.1) first on a connection,
// as curl's --haproxy-protocol does: before TLS, inside a proxy's tunnel, to a proxy that forwards plain
// http. It gives the addresses of the connection's own socket, the way they leave this machine (through a
// proxy, the proxy's); over a unix socket it says UNKNOWN, as curl does. With clientIP (curl's
// --haproxy-clientip), the line gives that address as curl writes it: as the source and the destination
// both, TCP4 when it reads as IPv4 and TCP6 otherwise, with the connection's ports.
func sendPROXY(ctx context.Context, conn net.Conn, clientIP string) error {
	line := "PROXY UNKNOWN\r\n"
	local, ok1 := conn.LocalAddr().(*net.TCPAddr)
	remote, ok2 := conn.RemoteAddr().(*net.TCPAddr)
	switch {
	case ok1 && ok2 && clientIP != "":
		family := "TCP6"
		if ip := net.ParseIP(clientIP); ip != nil && ip.To4() != nil && !strings.Contains(clientIP, ":") {
			family = "TCP4"
		}
		line = fmt.Sprintf("PROXY %s %s %s %d %d\r\n", family, clientIP, clientIP, local.Port, remote.Port)
	case ok1 && ok2:
		family := "TCP6"
		if local.IP.To4() != nil && remote.IP.To4() != nil {
			family = "TCP4"
		}
		line = fmt.Sprintf("PROXY %s %s %s %d %d\r\n", family, local.IP, remote.IP, local.Port, remote.Port)
	}
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetWriteDeadline(deadline)
		defer conn.SetWriteDeadline(time.Time{})
	}
	_, err := io.WriteString(conn, line)
	return err
}

// underlying is the TCP connection under a tunnel through an https:// proxy, or one whose first bytes came
// with the proxy's answer.
// idleOf is the timed connection under c, a connection as net/http has it (its heads tapped, TLS, a
// proxy's tunnel), or nil when it is not timed.
func idleOf(c net.Conn) *idleConn {
	for {
		switch w := c.(type) {
		case *idleConn:
			return w
		case *headTap:
			c = w.Conn
		case tlsHeadTap:
			c = w.Conn
		case *readAhead:
			c = w.Conn
		case *tls.Conn:
			c = w.NetConn()
		default:
			return nil
		}
	}
}

func underlying(c net.Conn) net.Conn {
	if ra, ok := c.(*readAhead); ok {
		c = ra.Conn
	}
	if tc, ok := c.(*tls.Conn); ok {
		return tc.NetConn()
	}
	return c
}

// unusable is an option found unusable for a request as it is about to go, before anything is sent: a
// usage error (exit 2), as if refused before.
type unusable struct{ error }

func (unusable) Usage() bool { return true }

// ALPNError is a server that did not agree to the one protocol hop was told to speak (--http2).
type ALPNError struct {
	Offered    string // what hop offered
	Negotiated string // what the server chose; empty when it chose none
}

func (e *ALPNError) Error() string {
	return fmt.Sprintf("the server did not agree to %s (it chose %s)", e.Offered, cmpOr(e.Negotiated, "no protocol"))
}

// TLSHandshakeFailure marks the failure for the exchange's classification (exit 35).
func (e *ALPNError) TLSHandshakeFailure() bool { return true }

// checkALPN fails a connection on which the server did not choose the one protocol offered: with --http2,
// a server that ignores ALPN or picks http/1.1 would otherwise meet HTTP/2 frames it cannot read.
func checkALPN(tc *tls.Conn, cfg *tls.Config) error {
	if len(cfg.NextProtos) != 1 || cfg.NextProtos[0] != "h2" {
		return nil
	}
	if got := tc.ConnectionState().NegotiatedProtocol; got != "h2" {
		return &ALPNError{Offered: "h2", Negotiated: got}
	}
	return nil
}

// handshake completes a TLS handshake on conn and reports it to the trace itself: the transport's own TLS
// hooks do not fire for connections it did not set up.
func handshake(ctx context.Context, conn net.Conn, cfg *tls.Config) (*tls.Conn, error) {
	tc := tls.Client(conn, cfg)
	trace.TLSStarted(ctx, cfg.NextProtos)
	err := tc.HandshakeContext(ctx)
	cs := tc.ConnectionState()
	trace.TLSDone(ctx, &cs, err)
	if err == nil && cs.Version == tls.VersionTLS13 {
		// A TLS 1.3 server judges a client certificate after the handshake; its alert, read by net/http,
		// may not reach the error (see Record.ReadAlert), but crypto/tls keeps it for the next Read.
		trace.KeepAlertReader(ctx, func() error {
			tc.SetReadDeadline(time.Now()) // never a wait: the alert came, or it did not
			_, err := tc.Read(make([]byte, 1))
			return err
		})
	}
	return tc, err
}

// warmSystemRoots starts loading the system's trusted certificates on another goroutine. The load is Go's
// own, done once per process; whoever verifies a certificate later finds the pool ready or waits for the
// load in progress. On Debian it costs about 13 ms (Go parses the bundle and then every file in
// /etc/ssl/certs), more than the rest of a request on loopback; started before DNS and connect, it overlaps
// with them instead of following the server's first reply.
func warmSystemRoots() { go x509.SystemCertPool() }

// SpeaksTLS reports whether the server at addr (HOST:PORT), reached directly by the dialer's route
// (--resolve, --connect-to, --unix-socket and the rest, no proxy), answers a TLS hello in TLS: a handshake
// that completes, or that the server ends with an alert. It asks what an http:// request that got no answer
// leaves open: is that port for https://? It sends no HTTP and checks no certificate, waits at most wait,
// and is no part of any trace: ctx gives only its cancellation.
func (t *Transport) SpeaksTLS(ctx context.Context, addr string, wait time.Duration) bool {
	probe, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	defer context.AfterFunc(ctx, cancel)()
	raw, err := t.conn.dial.dial(probe, addr)
	if err != nil {
		return false
	}
	defer raw.Close()
	host, _, _ := net.SplitHostPort(addr)
	cfg := &tls.Config{InsecureSkipVerify: true, ServerName: host} // only whether it answers in TLS
	if net.ParseIP(host) != nil {
		cfg.ServerName = ""
	}
	err = tls.Client(raw, cfg).HandshakeContext(probe)
	return err == nil || strings.Contains(err.Error(), "remote error: tls:")
}
