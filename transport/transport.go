// Package transport builds the http.RoundTripper that hop sends requests through, in layers that read in
// order: the dialer (addresses from --resolve, TCP, the idle deadline), the route (directly, or through an
// http, https, SOCKS5 or SOCKS4 proxy, whose credentials go as Basic or answer its Digest challenge, by
// auth's rules), TLS (trusted CAs, client certificate, pins, versions) and HTTP/1.1 and HTTP/2 on top.
// Opening a connection (DNS, TCP connect, the proxy's handshake and TLS) is bounded by one budget, the
// connect timeout. What httptrace cannot see (an address from --resolve, a proxy handshake, the
// TLS handshake done here) is reported to the trace through the request context. Nothing here prints.
package transport

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quic-go/quic-go/http3"

	"github.com/hop-cli/hop/trace"
)

// Protocol is the HTTP version to speak.
type Protocol int

const (
	// Auto negotiates HTTP/2 or HTTP/1.1 over TLS by ALPN, and speaks HTTP/1.1 in the clear.
	Auto Protocol = iota
	// HTTP1 speaks HTTP/1.1 only.
	HTTP1
	// HTTP2 speaks HTTP/2 only: by ALPN over TLS, with prior knowledge in the clear.
	HTTP2
	// HTTP3 speaks HTTP/3 over QUIC (UDP); https only.
	HTTP3
	// HTTP3Try is curl's --http3: HTTP/3 first, and Auto over TCP when QUIC cannot reach the server (for
	// the rest of the run, for that origin); plain http goes over TCP.
	HTTP3Try
)

// Options are the settings of a Transport; cmd binds its flags to them.
type Options struct {
	ConnectTimeout time.Duration // DNS, TCP connect, proxy handshake and TLS handshake together; 0 means none
	IdleTimeout    time.Duration // no byte read or written for this long; 0 means none
	// Expect100Timeout is how long a request sent with Expect: 100-continue waits for the server's 100
	// before its body goes anyway (curl's --expect100-timeout); 0 is curl's and Go's 1 s.
	Expect100Timeout time.Duration
	Resolve          []string // curl's --resolve HOST:PORT:ADDR: connect to ADDR for HOST:PORT, without DNS
	ConnectTo        []string // curl's --connect-to HOST1:PORT1:HOST2:PORT2
	UnixSocket       string   // connect to this unix socket instead, whatever the URL's host
	Family           int      // 4 or 6: only that IP version; 0 means either
	// HappyEyeballs is curl's --happy-eyeballs-timeout-ms: how long the first address family's connection
	// attempt has before the other family's starts (RFC 8305; 0 is Go's 300 ms), and an HTTP/3 attempt
	// before a TCP connection is raced beside it (0 is curl's 200 ms).
	HappyEyeballs time.Duration
	Interface     string // curl's --interface: send from this interface, address or host name
	LocalPort     string // curl's --local-port NUM or FROM-TO: the local ports connections leave from
	DNSServers    string // curl's --dns-servers ADDR[:PORT][,...]: ask these servers, not the system's
	// DNSIPv4Addr, DNSIPv6Addr and DNSInterface are curl's --dns-ipv4-addr, --dns-ipv6-addr and
	// --dns-interface: the addresses DNS queries leave from (an interface's first, for --dns-interface).
	DNSIPv4Addr, DNSIPv6Addr, DNSInterface string
	DoHURL                                 string // curl's --doh-url: resolve names by DNS over HTTPS at this URL
	DoHInsecure                            bool   // curl's --doh-insecure: the DoH server's certificate is not verified (-k is the server's)
	DoHCertStatus                          bool   // curl's --doh-cert-status: the DoH server must staple an OCSP response saying it is good
	Proxy                                  string // proxy URL (http, https, socks5, socks5h, socks4, socks4a); "" means the *_PROXY variables
	// ProxyFor is HTTPie's --proxy SCHEME:URL: scheme (http or https) → the proxy for the requests of that
	// scheme, before Proxy and the *_PROXY variables.
	ProxyFor map[string]string
	// ProxyOff is curl's -x "": no proxy, whatever the *_PROXY variables say (--preproxy still holds).
	ProxyOff bool
	// PreProxy is curl's --preproxy: a SOCKS proxy every connection goes through first, to the proxy or,
	// when there is none, to the server; the hosts NO_PROXY lists excepted.
	PreProxy string
	NoProxy  *string // --noproxy: hosts reached directly, replacing NO_PROXY; nil when not given
	// AltSvc is curl's --alt-svc: a file keeping the HTTP/3 alternatives servers announce, read before and
	// written after the exchange; a request to an origin it names goes over HTTP/3 (see AltSvc).
	AltSvc string
	// ProxyUser is curl's -U: "user:password" for whichever proxy is used, replacing any in its URL (cmd
	// resolves @FILE, @env: and the prompt first).
	ProxyUser string
	// ProxyAuth is how a proxy's credentials go to an HTTP(S) proxy: ProxyBasic ("" too), Basic with every
	// request; ProxyDigest (curl's --proxy-digest), none until the proxy's 407 challenges, then the answer
	// to its Digest challenge; ProxyAny (--proxy-anyauth), the answer to its challenge, Digest or Basic.
	ProxyAuth string
	// ProxyTunnel is curl's --proxytunnel (-p): plain http goes through an HTTP(S) proxy in a CONNECT tunnel
	// too, rather than being forwarded whole.
	ProxyTunnel bool
	// ProxyTLS is an https:// proxy's own TLS, apart from the server's as curl's --proxy-cacert and
	// --proxy-insecure are from --cacert and -k.
	ProxyTLS TLSOptions
	// ProxyHeaders are curl's --proxy-header lines, "Name: value", for an HTTP(S) proxy only: in its CONNECT
	// request, or with a plain-http request it forwards; "Name:" leaves out one hop would send it.
	ProxyHeaders []string
	// HAProxy is curl's --haproxy-protocol: every connection over TCP or a unix socket begins with a PROXY
	// protocol v1 line that gives its addresses, for a server behind a load balancer that expects one.
	HAProxy bool
	// HAProxyClientIP is curl's --haproxy-clientip: the PROXY line gives this address, as curl writes it
	// (as the source and the destination both, the ports the connection's), and is sent without HAProxy.
	HAProxyClientIP string
	Protocol        Protocol
	TLS             TLSOptions
	Getenv          func(string) string // reads the *_PROXY variables (the command's environment); nil: none is set
}

// OptionError is an option that cannot be used: a malformed value or an unusable file. It is found when
// the Transport is built, before anything is sent.
type OptionError struct {
	Arg string // the option as typed
	Err error
}

func (e *OptionError) Error() string { return fmt.Sprintf("%q: %v", e.Arg, e.Err) }
func (e *OptionError) Unwrap() error { return e.Err }

func optionErrorf(arg, format string, a ...any) error {
	return &OptionError{Arg: arg, Err: fmt.Errorf(format, a...)}
}

// The ways a proxy's credentials go (Options.ProxyAuth).
const (
	ProxyBasic  = "basic"
	ProxyDigest = "digest"
	ProxyAny    = "any"
)

// Transport sends requests as Options say. It is an http.RoundTripper; hop cert also opens bare TLS
// connections through it.
type Transport struct {
	conn      *connector
	http      atomic.Pointer[http.Transport] // HTTP/1.1 and HTTP/2; see pool
	freshPool func() *http.Transport
	h3        *http3.Transport // --http3: every request goes over QUIC
	// alt sends over HTTP/3 the requests whose origin altSvc names (--alt-svc), when nothing rules it out.
	alt        *http3.Transport
	altSvc     *AltSvc
	altSvcFile string
	sessions   *SessionFile // --ssl-sessions
	// try is curl's --http3 (HTTP3Try): HTTP/3 first; quicFailed holds the origins QUIC could not reach.
	try        *http3.Transport
	mu         sync.Mutex
	quicFailed map[string]bool
	idle       time.Duration // the idle limit, which bounds the wait for a response head too
	expect100  time.Duration // how long a request with Expect: 100-continue waits for the 100 (Go's 1 s unless set)
}

// New builds a Transport. It fails only on unusable options, with an *OptionError.
func New(o Options) (*Transport, error) {
	alpn := o.Protocol.alpn()
	if (o.Protocol == Auto || o.Protocol == HTTP3Try) && o.TLS.http2Unfit() {
		alpn = HTTP1.alpn()
	}
	tlsConfig, err := o.TLS.Config(alpn)
	if err != nil {
		return nil, err
	}
	roots, err := o.TLS.laterRoots()
	if err != nil {
		return nil, err
	}
	var sessions *SessionFile
	if o.TLS.Sessions != "" {
		if sessions, err = LoadSessionFile(o.TLS.Sessions); err != nil {
			return nil, err
		}
		tlsConfig.ClientSessionCache = sessions
	}
	if strings.ContainsFunc(o.HAProxyClientIP, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return nil, optionErrorf("--haproxy-clientip "+o.HAProxyClientIP, "an address is one word, without blanks or control characters")
	}
	ech, err := parseECH(o.TLS.ECH)
	if err != nil {
		return nil, err
	}
	if ech.lookup || ech.list != nil {
		if tlsConfig.MaxVersion != 0 && tlsConfig.MaxVersion < tls.VersionTLS13 {
			return nil, optionErrorf("--ech "+o.TLS.ECH, "ECH is TLS 1.3's; --tls-max %s rules it out", o.TLS.MaxVersion)
		}
		if ech.list != nil {
			tlsConfig.EncryptedClientHelloConfigList, tlsConfig.MinVersion = ech.list, tls.VersionTLS13
		}
	}
	d, err := newDialer(o)
	if err != nil {
		return nil, err
	}
	if o.DoHURL != "" {
		if o.DNSServers != "" {
			return nil, optionErrorf("--doh-url "+o.DoHURL, "give --dns-servers or --doh-url, not both")
		}
		if o.DNSIPv4Addr != "" || o.DNSIPv6Addr != "" || o.DNSInterface != "" {
			return nil, optionErrorf("--doh-url "+o.DoHURL, "--dns-ipv4-addr, --dns-ipv6-addr and --dns-interface are for DNS over UDP and TCP; DNS over HTTPS leaves as any connection does")
		}
		dohRoots := tlsConfig.RootCAs
		if roots != nil {
			dohRoots = roots()
		}
		if d.resolver, err = dohResolver(o.DoHURL, dohRoots, o.DoHInsecure, o.DoHCertStatus, o.TLS.KeyLog); err != nil {
			return nil, err
		}
		d.net.Resolver = d.resolver
	}
	proxies, err := newProxies(o)
	if err != nil {
		return nil, err
	}
	proxyTLS, err := o.ProxyTLS.proxyConfig()
	if err != nil {
		return nil, err
	}
	proxyHeader, err := parseProxyHeaders(o.ProxyHeaders)
	if err != nil {
		return nil, err
	}
	switch o.ProxyAuth {
	case "":
		o.ProxyAuth = ProxyBasic
	case ProxyBasic, ProxyDigest, ProxyAny:
	default:
		return nil, optionErrorf("--proxy-auth-type "+o.ProxyAuth, "expected basic, digest or any")
	}
	c := &connector{dial: d, proxies: proxies, tls: tlsConfig, roots: roots, proxyTLS: proxyTLS, proxyHeader: proxyHeader,
		budget: o.ConnectTimeout, tunnelAll: o.ProxyTunnel, haproxy: o.HAProxy || o.HAProxyClientIP != "", clientIP: o.HAProxyClientIP, h2c: o.Protocol == HTTP2, proxyAuth: o.ProxyAuth, ech: ech}
	t := &Transport{conn: c, idle: o.IdleTimeout, expect100: cmp.Or(o.Expect100Timeout, time.Second), sessions: sessions}
	t.freshPool = func() *http.Transport { return newHTTP(c, o.Protocol, o.Expect100Timeout) }
	t.http.Store(t.freshPool())
	if o.Protocol == HTTP3 {
		if t.h3, err = newHTTP3(c, tlsConfig, o); err != nil {
			return nil, err
		}
	}
	// curl's --http3 tries, unless the options rule QUIC out (a proxy, a unix socket, TLS below 1.3).
	if o.Protocol == HTTP3Try && o.quicRuledOut() == nil {
		if t.try, err = quicAttempt(c, tlsConfig, o, nil); err != nil {
			return nil, err
		}
		t.quicFailed = map[string]bool{}
	}
	if o.AltSvc != "" {
		if err := t.useAltSvc(o, tlsConfig); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// RoundTrip sends one request, with what the server did to end it early in words (a *PeerError or a
// *RefusedError), whichever protocol carried it. The wait for the response head is bounded by the idle
// limit (a *HeadTimeoutError), whatever else keeps the connection busy.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var (
		resp *http.Response
		err  error
	)
	if t.idle > 0 {
		req, watch := watchWaits(req, t.idle, t.expect100)
		resp, err = t.roundTrip(req)
		resp, err = watch.end(req.Context(), resp, err)
	} else {
		resp, err = t.roundTrip(req)
	}
	if err != nil {
		return nil, inWords(err, req.URL.Hostname())
	}
	if err := lengthsAgree(resp); err != nil {
		resp.Body.Close()
		return nil, err
	}
	if resp.Body != http.NoBody { // a body-less response stays recognisable (trace ends its dump on it)
		resp.Body = wordedBody{resp.Body, req.URL.Hostname()}
	}
	return resp, nil
}

// AnswerProxy takes in the challenge of the 407 resp that the proxy forwarding req gave, by
// Options.ProxyAuth's rule (digest, any), and reports whether req should go again to answer it (the
// transport sends the answer, Proxy-Authorization, with it and with each request of the exchange after
// it: WithProxyLogin); false when there is no answer (Basic went with req already, no credentials were
// given, no challenge is one hop can answer), or req was not forwarded.
func (t *Transport) AnswerProxy(resp *http.Response, req *http.Request) bool {
	if !t.conn.forwards(req.URL) {
		return false
	}
	login := proxyLoginOf(req.Context())
	if login == nil {
		return false // nowhere to keep the answer for the request sent again
	}
	login.take(resp)
	_, ok := t.conn.answerProxy(login, t.conn.proxies.forTarget(req.URL), req.Method, req.URL.RequestURI(), false)
	return ok
}

// ProxyUnanswered reports whether a request to u with ctx goes whole to a proxy that takes its credentials
// only in answer to its challenge (Options.ProxyAuth digest or any, with credentials given), a challenge
// the exchange has not met yet: curl's --proxy-digest sends the body of such a request only with the
// answer.
func (t *Transport) ProxyUnanswered(ctx context.Context, u *url.URL) bool {
	return t.conn.proxyAuth != ProxyBasic && t.conn.forwards(u) && t.conn.proxies.forTarget(u).User != nil && !challenged(ctx)
}

// roundTrip sends one request by the protocol and route the options choose. It remembers the request in
// the context, so that the dialer knows which route the connection it opens is for (and a CONNECT which
// User-Agent to send).
func (t *Transport) roundTrip(req *http.Request) (*http.Response, error) {
	req = req.WithContext(context.WithValue(req.Context(), targetKey{}, req))
	if p := t.conn.proxyFor(req.URL); p != nil && !t.conn.forwards(req.URL) {
		// Said here too, not only when a connection is opened: a tunnel's connection may be used again.
		trace.ProxyRoute(req.Context(), p.Redacted())
	}
	if t.conn.forwards(req.URL) && challenged(req.Context()) {
		// The proxy challenged this request, or one before it in the exchange: the answer goes with it.
		p := t.conn.proxies.forTarget(req.URL)
		if answer, ok := t.conn.answerProxy(proxyLoginOf(req.Context()), p, req.Method, req.URL.RequestURI(), true); ok {
			req = req.Clone(req.Context())
			req.Header.Set("Proxy-Authorization", answer)
		}
	}
	if t.conn.proxyHeader != nil && t.conn.forwards(req.URL) {
		// The proxy's headers go along with a request it forwards, as curl sends them (one left out with
		// "Name:" is a CONNECT's: the request's own stay); the caller's request is left as it was.
		req = req.Clone(req.Context())
		for name, values := range t.conn.proxyHeader {
			for _, v := range values {
				if v != "" {
					req.Header.Add(name, v)
				}
			}
		}
	}
	if t.h3 != nil {
		if req.URL.Scheme != "https" {
			return nil, optionErrorf("--http3", "HTTP/3 needs an https:// URL, not %s://", req.URL.Scheme)
		}
		if p := t.conn.proxies.forTarget(req.URL); p != nil {
			// --proxy is refused with --http3 before anything is sent; a *_PROXY variable is one only for the
			// URLs it covers. Going round it over UDP would leave the proxy a network asked for.
			return nil, &unusable{optionErrorf("--http3", "the proxy %s (from the *_PROXY variables) is set for %s, and HTTP/3 does not go through proxies: add --noproxy %s to go direct, or drop --http3",
				p.Redacted(), req.URL.Hostname(), req.URL.Hostname())}
		}
		return t.h3.RoundTrip(req)
	}
	if t.try != nil && req.URL.Scheme == "https" {
		return t.roundTripTry(req)
	}
	if t.altSvc == nil || req.URL.Scheme != "https" {
		return t.roundTripTCP(req)
	}
	return t.roundTripAltSvc(req)
}

// roundTripTry is curl's --http3: over HTTP/3 first, over TCP when QUIC cannot reach the origin or a TCP
// connection raced beside it was ready first (nothing was sent over QUIC); that origin is then not tried
// over QUIC again in this run. A proxy keeps the request on TCP.
func (t *Transport) roundTripTry(req *http.Request) (*http.Response, error) {
	origin := originAddr(req.URL)
	t.mu.Lock()
	failed := t.quicFailed[origin]
	t.mu.Unlock()
	if failed || t.conn.proxies.forTarget(req.URL) != nil {
		return t.roundTripTCP(req)
	}
	ctx, drop := withSpare(req.Context())
	defer drop()
	req = req.WithContext(ctx)
	resp, err := t.try.RoundTrip(req)
	var unreachable *altDialError
	if !errors.As(err, &unreachable) {
		return resp, err
	}
	t.mu.Lock()
	t.quicFailed[origin] = true
	t.mu.Unlock()
	return t.overTCP(req, "http3-try", origin, unreachable.err)
}

// TLSConfig returns a copy of the TLS configuration for servers, for a caller that opens its own
// connections with DialTLS and adjusts it.
func (t *Transport) TLSConfig() *tls.Config {
	cfg := t.conn.tls.Clone()
	if t.conn.roots != nil {
		cfg.RootCAs = t.conn.roots()
	}
	return cfg
}

// Roots are the CA certificates the transport trusts: the server's, and an https:// proxy's (nil: the
// system's), as its handshakes verify with them.
func (t *Transport) Roots() (server, proxy *x509.CertPool) {
	if t.conn.proxyTLS != nil {
		proxy = t.conn.proxyTLS.RootCAs
	}
	server = t.conn.tls.RootCAs
	if t.conn.roots != nil {
		server = t.conn.roots()
	}
	return server, proxy
}

// pool is the HTTP/1.1 and HTTP/2 transport requests go through now. It is replaced, by one of the same
// options (freshPool), when a connection in it is stuck (see stuck.go).
func (t *Transport) pool() *http.Transport { return t.http.Load() }

// CloseIdleConnections closes connections kept for reuse.
func (t *Transport) CloseIdleConnections() {
	t.pool().CloseIdleConnections()
	for _, h3 := range []*http3.Transport{t.h3, t.try, t.alt} {
		if h3 != nil {
			h3.CloseIdleConnections()
		}
	}
}

// DialTLS opens a TLS connection to addr (HOST:PORT) with cfg, along the route a request to https://addr
// would take, within the connect budget. The handshake is reported to the trace in ctx.
func (t *Transport) DialTLS(ctx context.Context, addr string, cfg *tls.Config) (*tls.Conn, error) {
	return t.DialStartTLS(ctx, addr, cfg, "")
}

// DialStartTLS is DialTLS for a server that speaks proto (one of StartTLSProtocols) in plain first: hop
// asks it to start TLS, then shakes hands. An empty proto is DialTLS.
func (t *Transport) DialStartTLS(ctx context.Context, addr string, cfg *tls.Config, proto string) (*tls.Conn, error) {
	conn, err := t.conn.connect(ctx, &url.URL{Scheme: "https", Host: addr}, addr, withServerName(cfg, addr), proto)
	if err != nil {
		return nil, err
	}
	return conn.(*tls.Conn), nil
}

type targetKey struct{}

// targetOf returns the URL of the request a dial is for; never nil, so that a nil target in connect means
// only a proxy that forwards plain http.
func targetOf(ctx context.Context, scheme, addr string) *url.URL {
	if r, ok := ctx.Value(targetKey{}).(*http.Request); ok && r != nil {
		return r.URL
	}
	return &url.URL{Scheme: scheme, Host: addr} // a dial that did not come through RoundTrip
}

// userAgentOf returns the User-Agent of the request a dial is for ("" when it is sent without one), and
// false for a dial that did not come through RoundTrip.
func userAgentOf(ctx context.Context) (string, bool) {
	r, ok := ctx.Value(targetKey{}).(*http.Request)
	if !ok || r == nil {
		return "", false
	}
	return r.Header.Get("User-Agent"), true
}

func (p Protocol) alpn() []string {
	switch p {
	case HTTP1:
		return []string{"http/1.1"}
	case HTTP2:
		return []string{"h2"}
	case HTTP3:
		return []string{"h3"}
	}
	return []string{"h2", "http/1.1"}
}

// maxHeaderBytes caps response headers, like curl's 100 KiB but roomier: a hostile server cannot make hop
// buffer without bound.
const maxHeaderBytes = 1 << 20

// newHTTP is HTTP/1.1 and HTTP/2 over the connector, on a clone of http.DefaultTransport (which keeps its
// pool limits and timeouts, and waits 1 s for a 100 Continue unless expect100 says otherwise).
func newHTTP(c *connector, p Protocol, expect100 time.Duration) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = c.forwardingProxy
	t.DialContext = c.dialPlain
	t.DialTLSContext = c.dialTLS
	t.DisableCompression = true // hop asks for and decodes encodings itself, visibly
	t.MaxResponseHeaderBytes = maxHeaderBytes
	if expect100 > 0 {
		t.ExpectContinueTimeout = expect100
	}
	// An HTTP/2 stream may hold 2 MiB the reader has not taken yet (Go's default is 4 MiB): a 1 GiB download
	// then peaks under 16 MiB, and 2 MiB still fills about 500 Mbit/s at 30 ms of round trip.
	t.HTTP2 = &http.HTTP2Config{MaxReceiveBufferPerStream: 2 << 20}
	t.ReadBufferSize, t.WriteBufferSize = 64<<10, 64<<10
	switch p {
	case HTTP1:
		t.Protocols = new(http.Protocols)
		t.Protocols.SetHTTP1(true)
	case HTTP2:
		t.Protocols = new(http.Protocols)
		t.Protocols.SetHTTP2(true)
		t.Protocols.SetUnencryptedHTTP2(true)
	}
	return t
}
