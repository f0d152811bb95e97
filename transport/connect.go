package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/url"
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
	budget  time.Duration
	warm    sync.Once
}

// dialPlain is http.Transport's DialContext: a connection for plain http, to the server (directly or
// through a SOCKS proxy) or to an HTTP proxy that forwards the request.
func (c *connector) dialPlain(ctx context.Context, _, addr string) (net.Conn, error) {
	target := targetOf(ctx)
	if p := c.proxies.forTarget(target); p != nil && !isSOCKS(p) {
		return c.connect(ctx, nil, addr, nil) // addr is the forwarding proxy
	}
	return c.connect(ctx, target, addr, nil)
}

// dialTLS is http.Transport's DialTLSContext: a TLS connection to an https server (directly or through a
// proxy), or to an https proxy that forwards a plain-http request.
func (c *connector) dialTLS(ctx context.Context, _, addr string) (net.Conn, error) {
	target := targetOf(ctx)
	if target != nil && target.Scheme != "https" {
		return c.connect(ctx, nil, addr, proxyTLSConfig(addr)) // addr is the forwarding proxy
	}
	return c.connect(ctx, target, addr, withServerName(c.tls, addr))
}

// forwardingProxy is http.Transport's Proxy: an HTTP or HTTPS proxy that plain-http requests are sent to
// in full. Every other route is the dialer's own: for tunnels and SOCKS the transport sees only the
// server's address.
func (c *connector) forwardingProxy(req *http.Request) (*url.URL, error) {
	if req.URL.Scheme != "http" {
		return nil, nil
	}
	if p := c.proxies.forTarget(req.URL); p != nil && !isSOCKS(p) {
		return p, nil
	}
	return nil, nil
}

// connect opens a connection to addr, the server of target: through the proxy the options give for
// target, or directly when target is nil; then TLS with cfg unless it is nil. It must all happen within
// the budget.
func (c *connector) connect(ctx context.Context, target *url.URL, addr string, cfg *tls.Config) (net.Conn, error) {
	if cfg != nil && cfg.RootCAs == nil && !cfg.InsecureSkipVerify {
		c.warm.Do(warmSystemRoots)
	}
	if c.budget > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.budget)
		defer cancel()
	}
	var proxy *url.URL
	if target != nil {
		proxy = c.proxies.forTarget(target)
	}
	raw, err := c.route(ctx, proxy, addr)
	if err != nil {
		return nil, err
	}
	conn := raw
	if cfg != nil {
		if conn, err = handshake(ctx, raw, cfg); err != nil {
			raw.Close()
			return nil, err
		}
	}
	if ic, ok := raw.(*idleConn); ok {
		ic.arm()
	}
	return conn, nil
}

// route opens a TCP connection that leads to addr: directly, or through proxy.
func (c *connector) route(ctx context.Context, proxy *url.URL, addr string) (net.Conn, error) {
	if proxy == nil {
		return c.dial.dial(ctx, addr)
	}
	conn, err := c.dial.dial(ctx, proxyAddr(proxy))
	if err != nil {
		// Typed as net/http types it, so that the message names the proxy.
		return nil, &net.OpError{Op: "proxyconnect", Net: "tcp", Err: err}
	}
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	err = c.throughProxy(ctx, conn, proxy, addr)
	stop()
	if err != nil {
		conn.Close()
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, err
	}
	conn.SetDeadline(time.Time{})
	trace.ProxyConnected(ctx, proxy.Redacted())
	return conn, nil
}

// throughProxy does the proxy's handshake on conn, after which conn leads to addr.
func (c *connector) throughProxy(ctx context.Context, conn net.Conn, proxy *url.URL, addr string) error {
	if isSOCKS(proxy) {
		return c.dial.socksConnect(ctx, conn, proxy, addr)
	}
	if proxy.Scheme == "https" {
		tc := tls.Client(conn, proxyTLSConfig(proxyAddr(proxy)))
		if err := tc.HandshakeContext(ctx); err != nil {
			return err
		}
		conn = tc
	}
	return httpConnect(conn, proxy, addr)
}

// handshake completes a TLS handshake on conn and reports it to the trace itself: the transport's own TLS
// hooks do not fire for connections it did not set up.
func handshake(ctx context.Context, conn net.Conn, cfg *tls.Config) (*tls.Conn, error) {
	tc := tls.Client(conn, cfg)
	trace.TLSStarted(ctx)
	err := tc.HandshakeContext(ctx)
	cs := tc.ConnectionState()
	trace.TLSDone(ctx, &cs, err)
	return tc, err
}

// proxyTLSConfig verifies an https proxy against the system's roots: the server's CA, pins and client
// certificate are not the proxy's.
func proxyTLSConfig(addr string) *tls.Config {
	host, _, _ := net.SplitHostPort(addr)
	return &tls.Config{ServerName: host, NextProtos: []string{"http/1.1"}}
}

// warmSystemRoots starts loading the system's trusted certificates on another goroutine. The load is Go's
// own, done once per process; whoever verifies a certificate later finds the pool ready or waits for the
// load in progress. On Debian it costs about 13 ms (Go parses the bundle and then every file in
// /etc/ssl/certs), more than the rest of a request on loopback; started before DNS and connect, it overlaps
// with them instead of following the server's first reply.
func warmSystemRoots() { go x509.SystemCertPool() }
