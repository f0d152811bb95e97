package trace

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"net/url"
	"strings"
)

// Dump is told, as it happens, what goes over the connections of an exchange, in the order of curl's
// --trace: a connection being opened, the one a request got, and the heads and bodies sent and received.
// Its methods are called from the transport's goroutines, several at once (a request body is sent while the
// response is read): a Dump orders its output itself.
type Dump interface {
	Connecting(addr string) // a connection to addr (host:port) is being opened: TCP, or QUIC's over UDP
	// ConnectFailed is a TCP connection to addr that could not be opened, for err: refused, unreachable,
	// or given up (another address connected first, a timeout).
	ConnectFailed(addr string, err error)
	Connected(c Conn) // the request got its connection, new or reused
	SentHead(h Head)  // the request head, as written
	Sent(p []byte)    // bytes of the request body, as the transport reads them to send
	// ReceivedHead is a response head: an informational one (1xx) or the final one. header is canonical, as
	// Go keeps it; order is the names of its fields as received, in order (the final head over HTTP/1.x
	// only; nil when not known).
	ReceivedHead(proto string, code int, status string, header http.Header, order []string)
	Received(p []byte) // bytes of the response body as they come off the wire, before any decoding
	// Finished is the response's end, its body read whole: its connection goes back to the pool, or is
	// closed (closing: the server or the request said Connection: close).
	Finished(c Conn, closing bool)
	Following(r Redirect) // a redirect is followed
	// Tunneling is a new connection c to an HTTP proxy (c.Host is the proxy's; c.TLS its handshake, for an
	// https:// proxy) asking it, with head h, for a tunnel to target (HOST:PORT); TunnelAnswer is the proxy's answer on c. They come before the
	// request's Connected, which then tells of the connection's TLS with the server, not of the connection
	// again; after a refusal the connection is closed, and no request gets it.
	Tunneling(c Conn, target string, h Head)
	TunnelAnswer(c Conn, proto string, code int, status string, header http.Header)
	// SOCKSConnect is a new connection c to a SOCKS proxy (scheme socks4, socks4a, socks5 or socks5h) asked
	// to connect to host and port: by name (ip nil), or to ip, resolved here. SOCKSAnswer is the end of the
	// proxy's handshake: granted, or not (the connection is then closed, and no request gets it). Both come
	// before the request's Connected.
	SOCKSConnect(c Conn, scheme, host, port string, ip net.IP)
	SOCKSAnswer(c Conn, scheme string, granted bool)
}

// Redirect is a redirect an exchange follows: the next request goes from one URL to another. Trusted says
// that credentials go on to another origin (--location-trusted).
type Redirect struct {
	From, To *url.URL
	Trusted  bool
}

// Conn is the connection a request got.
type Conn struct {
	Host          string // the URL's host, or the proxy's when the request went through one
	Proxied       bool   // the connection is to a proxy (Host is the proxy's)
	Server        string // the URL's host, which the server's certificate (TLS) must name
	Remote, Local net.Addr
	Reused        bool
	// TLS is a new connection's handshake (the server's, in a tunnel through an https:// proxy); nil for a
	// reused or plain connection. ALPN is what it offered.
	TLS  *tls.ConnectionState
	ALPN []string
	QUIC bool // HTTP/3
}

// Head is a request head as written: its first line ("GET /x HTTP/1.1"; for HTTP/2 and HTTP/3, whose
// heads are fields, the line and Host field curl shows for them) and its fields in the order sent.
type Head struct {
	Line   string
	Fields [][2]string
}

// WithDump returns a context whose hops tell d what they send and receive.
func WithDump(ctx context.Context, d Dump) context.Context {
	return context.WithValue(ctx, dumpKey{}, d)
}

type dumpKey struct{}

// Tunneling tells the context's Dump, if it has one, that conn, a new connection to the HTTP proxy named
// proxy (host:port or a URL), asks it for a tunnel to target with head, a CONNECT request as written. A TLS
// connection (an https:// proxy) is told with its handshake, which offered alpn.
func Tunneling(ctx context.Context, conn net.Conn, proxy, target string, head []byte, alpn []string) {
	d := dumpOf(ctx)
	if d == nil {
		return
	}
	c := tunnelConn(conn, proxy)
	if tc, ok := conn.(*tls.Conn); ok {
		cs := tc.ConnectionState()
		c.TLS, c.ALPN = &cs, alpn
	}
	if h := hopOf(ctx); h != nil {
		h.mu.Lock()
		c.Server = h.rec.Host
		h.mu.Unlock()
	}
	lines := strings.Split(strings.TrimSuffix(string(head), "\r\n\r\n"), "\r\n")
	h := Head{Line: lines[0]}
	for _, l := range lines[1:] {
		name, value, _ := strings.Cut(l, ":")
		h.Fields = append(h.Fields, [2]string{name, strings.TrimLeft(value, " ")})
	}
	d.Tunneling(c, target, h)
}

// TunnelAnswered records the HTTP proxy's answer to a CONNECT on conn on the hop whose request ctx belongs
// to (its status, for -w's http_connect), and tells the context's Dump, if it has one.
func TunnelAnswered(ctx context.Context, conn net.Conn, proxy string, resp *http.Response) {
	proxyAnswered(ctx, resp.StatusCode)
	if d := dumpOf(ctx); d != nil {
		d.TunnelAnswer(tunnelConn(conn, proxy), resp.Proto, resp.StatusCode, resp.Status, resp.Header)
	}
}

// SOCKSConnect tells the context's Dump, if it has one, that conn, a new connection to a SOCKS proxy (a
// URL), asks it to connect to host and port: by name, or to ip when it was resolved here.
func SOCKSConnect(ctx context.Context, conn net.Conn, proxy *url.URL, host, port string, ip net.IP) {
	if d := dumpOf(ctx); d != nil {
		d.SOCKSConnect(tunnelConn(conn, proxy.Host), proxy.Scheme, host, port, ip)
	}
}

// SOCKSAnswered tells the context's Dump, if it has one, whether the SOCKS proxy on conn connected.
func SOCKSAnswered(ctx context.Context, conn net.Conn, proxy *url.URL, granted bool) {
	if d := dumpOf(ctx); d != nil {
		d.SOCKSAnswer(tunnelConn(conn, proxy.Host), proxy.Scheme, granted)
	}
}

// tunnelConn is a connection to the proxy named proxy (host:port or a URL), as a Dump is told of it.
func tunnelConn(conn net.Conn, proxy string) Conn {
	return Conn{Host: hostOf(proxy), Remote: conn.RemoteAddr(), Local: conn.LocalAddr()}
}

// Following tells the context's Dump, if it has one, that the exchange follows a redirect.
func Following(ctx context.Context, r Redirect) {
	if d := dumpOf(ctx); d != nil {
		d.Following(r)
	}
}

func dumpOf(ctx context.Context) Dump {
	d, _ := ctx.Value(dumpKey{}).(Dump)
	return d
}

// dumping is a hop's state for its Dump: the fields written so far and the protocol they were written in.
type dumping struct {
	d       Dump
	fields  [][2]string
	proto   string // "HTTP/1.1", "HTTP/2.0" or "HTTP/3.0", known once the head is written
	quic    bool
	conn    Conn // the connection the request got
	closing bool // the response closes its connection
	told100 bool // a 100 Continue was told
}

// finished tells the Dump, once, that the response ended with its body read whole.
func (h *Hop) finished() {
	h.mu.Lock()
	c, closing := h.dump.conn, h.dump.closing
	h.mu.Unlock()
	h.dump.d.Finished(c, closing)
}

// dumpHooks adds to ct the hooks that tell h's Dump what happens; ct's own hooks still run.
func (h *Hop) dumpHooks(ct *httptrace.ClientTrace) {
	d := h.dump.d
	connectStart := ct.ConnectStart
	ct.ConnectStart = func(network, addr string) {
		connectStart(network, addr)
		d.Connecting(addr)
	}
	connectDone := ct.ConnectDone
	ct.ConnectDone = func(network, addr string, err error) {
		if connectDone != nil {
			connectDone(network, addr, err)
		}
		if err != nil {
			d.ConnectFailed(addr, err)
		}
	}
	gotConn := ct.GotConn
	ct.GotConn = func(info httptrace.GotConnInfo) {
		gotConn(info)
		c := Conn{Reused: info.Reused}
		h.mu.Lock()
		c.Host, c.Server = h.rec.Host, h.rec.Host
		if h.rec.Proxy != "" {
			c.Host, c.Proxied = hostOf(h.rec.Proxy), true
		}
		if info.Conn != nil {
			c.Remote, c.Local = info.Conn.RemoteAddr(), info.Conn.LocalAddr()
			c.QUIC = c.Local != nil && c.Local.Network() == "udp"
		}
		if !info.Reused {
			c.TLS, c.ALPN = h.rec.TLS, h.rec.ALPN
		}
		h.dump.quic, h.dump.conn = c.QUIC, c
		h.mu.Unlock()
		d.Connected(c)
	}
	wroteField := ct.WroteHeaderField
	ct.WroteHeaderField = func(key string, values []string) {
		if wroteField != nil {
			wroteField(key, values)
		}
		h.mu.Lock()
		for _, v := range values {
			h.dump.fields = append(h.dump.fields, [2]string{key, v})
		}
		h.mu.Unlock()
	}
	wroteHeaders := ct.WroteHeaders
	ct.WroteHeaders = func() {
		wroteHeaders()
		h.mu.Lock()
		head := h.sentHead()
		h.mu.Unlock()
		d.SentHead(head)
	}
	// A 100 Continue is told once, by whichever hook comes first: net/http lets the body go before it calls
	// Got1xxResponse, so Got100Continue keeps the head before the body it lets go, as curl shows it.
	informed := func(in Inform) {
		h.mu.Lock()
		proto, told := h.dump.proto, in.Code == 100 && h.dump.told100
		h.dump.told100 = h.dump.told100 || in.Code == 100
		h.mu.Unlock()
		if !told {
			d.ReceivedHead(proto, in.Code, in.Status, in.Header, in.Order)
		}
	}
	got100 := ct.Got100Continue
	ct.Got100Continue = func() {
		if got100 != nil {
			got100()
		}
		h.mu.Lock()
		in := h.inform(len(h.rec.Informs), 100, http.Header{}) // read off the tap, before Got1xxResponse records it
		h.mu.Unlock()
		informed(in)
	}
	got1xx := ct.Got1xxResponse
	ct.Got1xxResponse = func(code int, header textproto.MIMEHeader) error {
		if err := got1xx(code, header); err != nil {
			return err
		}
		h.mu.Lock()
		in := h.rec.Informs[len(h.rec.Informs)-1] // the one got1xx recorded
		h.mu.Unlock()
		informed(in)
		return nil
	}
}

// sentHead is the head written from the fields the transport reported, as the bytes it wrote: for
// HTTP/1.1 the request line as Go writes it, then the fields in order; for HTTP/2 and HTTP/3, whose pseudo
// fields say what the request line would, that line and Host as curl shows them. Call it with h.mu held.
func (h *Hop) sentHead() Head {
	fields := h.dump.fields
	h.dump.fields = nil
	if len(fields) > 0 && strings.HasPrefix(fields[0][0], ":") {
		pseudo := map[string]string{}
		var rest [][2]string
		for _, f := range fields {
			if strings.HasPrefix(f[0], ":") {
				pseudo[f[0]] = f[1]
			} else {
				rest = append(rest, f)
			}
		}
		version := "HTTP/2"
		h.dump.proto = "HTTP/2.0"
		if h.dump.quic {
			version, h.dump.proto = "HTTP/3", "HTTP/3.0"
		}
		target := pseudo[":path"]
		if pseudo[":method"] == http.MethodConnect {
			target = pseudo[":authority"]
		}
		head := Head{Line: pseudo[":method"] + " " + target + " " + version}
		head.Fields = append([][2]string{{"Host", pseudo[":authority"]}}, rest...)
		return head
	}
	h.dump.proto = "HTTP/1.1"
	target := h.url.RequestURI()
	if h.rec.Forwarded && h.url.Opaque == "" && len(fields) > 0 {
		// Forwarded whole to a proxy: the request line holds the whole URL, with the Host written.
		target = h.url.Scheme + "://" + fields[0][1] + target
	}
	return Head{Line: h.rec.Method + " " + target + " HTTP/1.1", Fields: fields}
}

// hostOf is the host of a proxy URL as the trace records it (credentials redacted).
func hostOf(proxy string) string {
	if u, err := url.Parse(proxy); err == nil && u.Host != "" {
		return u.Hostname()
	}
	if host, _, err := net.SplitHostPort(proxy); err == nil {
		return host
	}
	return proxy
}
