package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strconv"
	"strings"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"

	"github.com/hop-cli/hop/trace"
)

// newHTTP3 is HTTP/3 over QUIC (quic-go), beside HTTP/1.1 and HTTP/2: the same TLS configuration (QUIC
// needs TLS 1.3), routes from --resolve and --connect-to, and the idle timeout as QUIC's own idle timeout.
func newHTTP3(c *connector, tlsCfg *tls.Config, o Options) (*http3.Transport, error) {
	switch {
	case o.Proxy != "":
		return nil, optionErrorf("--http3", "HTTP/3 runs over UDP, which hop does not send through proxies; drop --proxy")
	case o.UnixSocket != "":
		return nil, optionErrorf("--http3", "HTTP/3 runs over UDP, not over a unix socket")
	case o.TLS.MaxVersion != "" && o.TLS.MaxVersion != "1.3":
		return nil, optionErrorf("--http3", "QUIC carries TLS 1.3 only; --tls-max %s rules it out", o.TLS.MaxVersion)
	}
	cfg := tlsCfg.Clone()
	cfg.MinVersion = tls.VersionTLS13
	qcfg := &quic.Config{MaxIdleTimeout: o.IdleTimeout, HandshakeIdleTimeout: o.ConnectTimeout}
	return &http3.Transport{
		TLSClientConfig:        cfg,
		QUICConfig:             qcfg,
		Dial:                   c.dialQUIC,
		DisableCompression:     true, // hop asks for and decodes encodings itself
		MaxResponseHeaderBytes: maxHeaderBytes,
	}, nil
}

// dialQUIC is http3.Transport's Dial: the address from --connect-to, --resolve or DNS (traced as the dns
// phase), then the QUIC handshake, traced as the quic phase, all within the connect budget.
func (c *connector) dialQUIC(ctx context.Context, addr string, tlsCfg *tls.Config, qcfg *quic.Config) (*quic.Conn, error) {
	if c.budget > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.budget)
		defer cancel()
	}
	if tlsCfg.RootCAs == nil && !tlsCfg.InsecureSkipVerify {
		c.warm.Do(warmSystemRoots)
	}
	d := c.dial
	if to, ok := d.redirect(addr); ok {
		addr = to
		trace.Routed(ctx, "connect-to")
	}
	if to, ok := d.resolve[strings.ToLower(addr)]; ok {
		addr = to
		trace.Resolved(ctx, "--resolve")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ip, err := d.lookup(ctx, host, port)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: "udp", Err: err}
	}
	n, _ := strconv.Atoi(port)
	udpAddr := &net.UDPAddr{IP: ip, Port: n}
	trace.QUICStarted(ctx)
	conn, err := quic.DialAddr(ctx, udpAddr.String(), tlsCfg, qcfg)
	var cs *tls.ConnectionState
	if conn != nil {
		state := conn.ConnectionState().TLS
		cs = &state
	}
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = &quicTimeout{err}
	}
	trace.QUICDone(ctx, cs, err)
	return conn, err
}

// quicTimeout is a QUIC handshake that ran out of the connect budget: a timeout (exit 28) naming the
// handshake, typically a UDP path that is blocked.
type quicTimeout struct{ err error }

func (e *quicTimeout) Error() string   { return "no answer to the QUIC handshake: " + e.err.Error() }
func (e *quicTimeout) Unwrap() error   { return e.err }
func (e *quicTimeout) Timeout() bool   { return true }
func (e *quicTimeout) Temporary() bool { return true }
