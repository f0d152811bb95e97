package request

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hop-cli/hop/tlsinfo"
	"github.com/hop-cli/hop/trace"
)

// Options are the transport and redirect settings of a Client.
type Options struct {
	ConnectTimeout time.Duration // TCP connect and TLS handshake; 0 means none
	IdleTimeout    time.Duration // no bytes read or written for this long; 0 means none
	MaxTime        time.Duration // the whole exchange, body included; 0 means none

	TLS         TLSOptions
	HTTPVersion string   // "" (negotiate), "1.1" or "2"
	Proxy       string   // proxy URL (http, https, socks5); "" means the *_PROXY variables
	Resolve     []string // curl's --resolve HOST:PORT:ADDR: connect to ADDR for HOST:PORT, without DNS

	Follow          bool // follow redirects
	MaxRedirects    int
	LocationTrusted bool // keep credentials across origins
	AllowDowngrade  bool // follow https → http
}

// Client sends Requests through a traced transport.
type Client struct {
	opts   Options
	Tracer *trace.Transport
	hc     *http.Client

	certAsked   atomic.Bool // the server sent a CertificateRequest
	haveCert    bool        // hop had a client certificate to answer with
	systemRoots bool        // certificates are verified against the system's roots (loaded before the dial)
}

// maxHeaderBytes caps response headers, like curl's 100 KiB but roomier: a hostile server cannot make hop
// buffer without bound.
const maxHeaderBytes = 1 << 20

// NewClient builds a client on a clone of http.DefaultTransport (keeping its proxy settings and pool limits).
// It fails only on unusable TLS files, with a *UsageError.
func NewClient(opts Options) (*Client, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	dialer := &net.Dialer{Timeout: opts.ConnectTimeout, KeepAlive: 30 * time.Second}
	resolve, err := parseResolve(opts.Resolve)
	if err != nil {
		return nil, err
	}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if to, ok := resolve[strings.ToLower(addr)]; ok {
			addr = to
			trace.Resolved(ctx, "--resolve")
		}
		c, err := dialer.DialContext(ctx, network, addr)
		if err != nil || opts.IdleTimeout <= 0 {
			return c, err
		}
		return newIdleConn(c, opts.IdleTimeout), nil
	}
	t.TLSHandshakeTimeout = opts.ConnectTimeout
	t.DisableCompression = true // hop asks for and decodes encodings itself, visibly
	if opts.Proxy != "" {
		u, err := ParseProxy(opts.Proxy)
		if err != nil {
			return nil, err
		}
		t.Proxy = http.ProxyURL(u)
	}
	t.OnProxyConnectResponse = func(ctx context.Context, proxy *url.URL, _ *http.Request, _ *http.Response) error {
		trace.ProxyConnected(ctx, proxy.Redacted())
		return nil
	}
	t.MaxResponseHeaderBytes = maxHeaderBytes
	t.ReadBufferSize = 64 << 10
	t.WriteBufferSize = 64 << 10
	cfg, err := opts.TLS.TLSConfig()
	if err != nil {
		return nil, err
	}
	t.TLSClientConfig = cfg
	c := &Client{opts: opts, haveCert: len(cfg.Certificates) > 0, systemRoots: cfg.RootCAs == nil && !cfg.InsecureSkipVerify}
	// Under TLS 1.3 a server rejects a missing client certificate after the client has finished its side of
	// the handshake, so the client may see only a reset; remembering that it was asked lets hop say why.
	certs := cfg.Certificates
	cfg.Certificates = nil
	cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
		c.certAsked.Store(true)
		if len(certs) > 0 {
			return &certs[0], nil
		}
		return &tls.Certificate{}, nil
	}
	switch opts.HTTPVersion {
	case "1.1":
		t.Protocols = new(http.Protocols)
		t.Protocols.SetHTTP1(true)
	case "2":
		t.Protocols = new(http.Protocols)
		t.Protocols.SetHTTP2(true)
		t.Protocols.SetUnencryptedHTTP2(true)
	}
	c.Tracer = trace.NewTransport(t)
	c.hc = &http.Client{
		Transport: c.Tracer,
		// Redirects are followed by hand in Send, so that each hop is traced and the origin rules hold.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c, nil
}

// parseResolve reads --resolve values, HOST:PORT:ADDR (ADDR may be a bracketed IPv6 address), into a map
// from host:port to the address to dial.
func parseResolve(values []string) (map[string]string, error) {
	out := map[string]string{}
	for _, v := range values {
		host, rest, ok1 := strings.Cut(v, ":")
		port, addr, ok2 := strings.Cut(rest, ":")
		addr = strings.Trim(addr, "[]")
		if !ok1 || !ok2 || host == "" || net.ParseIP(addr) == nil {
			return nil, usageErrorf("--resolve "+v, "expected HOST:PORT:ADDR with ADDR an IP address")
		}
		if n, err := parsePort(port); err != nil || n == 0 {
			return nil, usageErrorf("--resolve "+v, "invalid port %q", port)
		}
		out[strings.ToLower(net.JoinHostPort(host, port))] = net.JoinHostPort(addr, port)
	}
	return out, nil
}

// ParseProxy reads a --proxy value: a URL with scheme http, https, socks5 or socks5h; a bare host:port means
// http.
func ParseProxy(raw string) (*url.URL, error) {
	s := raw
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Hostname() == "" {
		return nil, usageErrorf("--proxy "+raw, "expected a proxy URL such as http://proxy:3128 or socks5://127.0.0.1:1080")
	}
	switch u.Scheme {
	case "http", "https", "socks5", "socks5h":
	default:
		return nil, usageErrorf("--proxy "+raw, "unsupported proxy scheme %q (http, https, socks5)", u.Scheme)
	}
	return u, nil
}

// idleConn fails a read or write that makes no progress for idle: the idle timeout of the contract, applied
// to every byte on the wire, TLS and HTTP/2 frames included.
//
// Moving a deadline updates a runtime timer, which on a download costs more than the read it guards, so a
// deadline is moved only when less than idle is left of it, and then to idle plus slack from now: a stall
// still fails after idle, at most slack later, and the timer moves once per slack, not once per read.
type idleConn struct {
	net.Conn
	idle, slack     time.Duration
	readBy, writeBy atomic.Int64 // the deadlines set, in Unix nanoseconds
}

func newIdleConn(c net.Conn, idle time.Duration) *idleConn {
	return &idleConn{Conn: c, idle: idle, slack: min(idle/16, time.Second)}
}

func (c *idleConn) Read(p []byte) (int, error) {
	if d, ok := c.extend(&c.readBy); ok {
		c.Conn.SetReadDeadline(d)
	}
	return c.Conn.Read(p)
}

func (c *idleConn) Write(p []byte) (int, error) {
	if d, ok := c.extend(&c.writeBy); ok {
		c.Conn.SetWriteDeadline(d)
	}
	return c.Conn.Write(p)
}

// A deadline set from outside lasts until the next read or write, which sets the idle deadline again.

func (c *idleConn) SetDeadline(t time.Time) error {
	c.readBy.Store(0)
	c.writeBy.Store(0)
	return c.Conn.SetDeadline(t)
}

func (c *idleConn) SetReadDeadline(t time.Time) error {
	c.readBy.Store(0)
	return c.Conn.SetReadDeadline(t)
}

func (c *idleConn) SetWriteDeadline(t time.Time) error {
	c.writeBy.Store(0)
	return c.Conn.SetWriteDeadline(t)
}

// extend reports the new deadline to set when the one in by is less than idle away.
func (c *idleConn) extend(by *atomic.Int64) (time.Time, bool) {
	now := time.Now()
	if by.Load()-now.UnixNano() >= int64(c.idle) {
		return time.Time{}, false
	}
	d := now.Add(c.idle + c.slack)
	by.Store(d.UnixNano())
	return d, true
}

// errTotalTimeout is the cause recorded on the context when -m/--max-time runs out.
var errTotalTimeout = errors.New("total time limit reached")

// WithDeadline applies the total time limit, if any, to ctx. The returned context must be used for the whole
// exchange, body included.
func (c *Client) WithDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.opts.MaxTime <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, c.opts.MaxTime, errTotalTimeout)
}

// BodyError is a response body that ended early or could not be decoded: truncated, badly framed or badly
// compressed.
type BodyError struct{ Err error }

func (e *BodyError) Error() string {
	return fmt.Sprintf("the response body ended early or is malformed: %v", e.Err)
}

func (e *BodyError) Unwrap() error { return e.Err }

// classify turns a transport error into hop's typed errors: the total deadline and interrupts first, then
// certificate and handshake failures, then timeouts named by their limit and phase.
func (c *Client) classify(ctx context.Context, err error, hop *trace.Hop, isTLS bool) error {
	var te *TimeoutError
	if err == nil || errors.As(err, &te) {
		return err
	}
	var rec trace.Record
	waiting := "the response"
	if hop != nil {
		rec = hop.Snapshot()
		waiting = rec.Waiting(isTLS)
	}
	switch {
	case errors.Is(context.Cause(ctx), errTotalTimeout):
		return &TimeoutError{Limit: "total", After: c.opts.MaxTime, Phase: waiting, Err: err}
	case errors.Is(err, context.Canceled):
		return err
	}
	var ve *tls.CertificateVerificationError
	var pe *PinError
	switch {
	case errors.As(err, &ve):
		return &CertificateError{Host: rec.Host, Reason: tlsinfo.Explain(err, time.Now()), Chain: ve.UnverifiedCertificates, Err: err}
	case errors.As(err, &pe):
		return &CertificateError{Host: rec.Host, Reason: pe.Error(), Err: err}
	case isTimeout(err) && rec.Events.GotConn.IsZero():
		return &TimeoutError{Limit: "connect", After: c.opts.ConnectTimeout, Phase: waiting, Err: err}
	case isTimeout(err):
		return &TimeoutError{Limit: "idle", After: c.opts.IdleTimeout, Phase: waiting, Err: err}
	case c.certAsked.Load() && !c.haveCert:
		// Under TLS 1.3 a server rejects a missing client certificate after the client's side of the
		// handshake is done: whatever the transport then reports (EPIPE, a reset, HTTP/2's "client conn
		// could not be established"), the missing certificate is the cause.
		return &HandshakeError{Host: rec.Host, Err: fmt.Errorf("the server asked for a client certificate, hop had none, and it closed the connection: %w", err)}
	case rec.TLSErr != nil || strings.Contains(err.Error(), "remote error: tls:"):
		return &HandshakeError{Host: rec.Host, Err: err}
	}
	return err
}

// protocolError recognises a response net/http refused because it breaks HTTP. net/http does not type
// these errors, so their wording is matched; a reworded one falls back to the generic error.
func protocolError(err error, host string) error {
	msg := err.Error()
	for _, sign := range []string{"malformed HTTP", "malformed MIME header", "headers exceeded", "bogus", "invalid header"} {
		if strings.Contains(msg, sign) {
			return &ProtocolError{Host: host, Err: err}
		}
	}
	return err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// checkedBody types the errors of a response body: timeouts name their phase, anything else that stops the
// body before its end is a BodyError.
type checkedBody struct {
	io.ReadCloser
	ctx    context.Context
	client *Client
	hop    *trace.Hop
	isTLS  bool
}

func (b *checkedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = b.client.classify(b.ctx, err, b.hop, b.isTLS)
		var te *TimeoutError
		if !errors.As(err, &te) && !errors.Is(err, context.Canceled) {
			err = &BodyError{Err: err}
		}
	}
	return n, err
}
