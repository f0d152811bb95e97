package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"
	"golang.org/x/net/ipv4"

	"github.com/hop-cli/hop/trace"
)

// newHTTP3 is HTTP/3 over QUIC (quic-go), beside HTTP/1.1 and HTTP/2: the same TLS configuration (QUIC
// needs TLS 1.3), routes from --resolve and --connect-to, and the idle timeout as QUIC's own idle timeout.
func newHTTP3(c *connector, tlsCfg *tls.Config, o Options) (*http3.Transport, error) {
	if err := o.quicRuledOut(); err != nil {
		return nil, err
	}
	cfg := tlsCfg.Clone()
	cfg.MinVersion = tls.VersionTLS13
	// PINGs every half idle keep a connection alive while hop's reader pauses (the server, its window
	// full, sends nothing); a peer gone still times it out. The waits hop makes are bounded per request.
	qcfg := &quic.Config{MaxIdleTimeout: o.IdleTimeout, KeepAlivePeriod: o.IdleTimeout / 2, HandshakeIdleTimeout: o.ConnectTimeout}
	return &http3.Transport{
		TLSClientConfig:        cfg,
		QUICConfig:             qcfg,
		Dial:                   c.dialQUIC,
		DisableCompression:     true, // hop asks for and decodes encodings itself
		MaxResponseHeaderBytes: maxHeaderBytes,
	}, nil
}

// quicRuledOut says why the options leave HTTP/3 no way to go, or is nil: --http3 refuses them, while
// --http3-try and --alt-svc go over TCP.
func (o Options) quicRuledOut() error {
	switch {
	case o.Proxy != "" || o.PreProxy != "":
		return optionErrorf("--http3", "HTTP/3 runs over UDP, which hop does not send through proxies; drop --proxy and --preproxy")
	case o.UnixSocket != "":
		return optionErrorf("--http3", "HTTP/3 runs over UDP, not over a unix socket")
	case o.TLS.MaxVersion != "" && o.TLS.MaxVersion != "1.3":
		return optionErrorf("--http3", "QUIC carries TLS 1.3 only; --tls-max %s rules it out", o.TLS.MaxVersion)
	case o.HAProxy || o.HAProxyClientIP != "":
		return optionErrorf("--http3", "the PROXY line of --haproxy-protocol (or --haproxy-clientip) begins a TCP connection; QUIC has no place for it")
	}
	return nil
}

// dialQUIC is http3.Transport's Dial: the address from --connect-to, --resolve or DNS (traced as the dns
// phase), then the QUIC handshake, traced as the quic phase, all within the connect budget.
func (c *connector) dialQUIC(ctx context.Context, addr string, tlsCfg *tls.Config, qcfg *quic.Config) (*quic.Conn, error) {
	if c.budget > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.budget)
		defer cancel()
	}
	later := c.needsRoots(tlsCfg, true)
	d := c.dial
	name := tlsCfg.ServerName
	if name == "" {
		name, _, _ = net.SplitHostPort(addr)
	}
	ech := c.lookupECH(ctx, nil, name, "") // beside the server's address
	if to, ok := d.redirect(addr); ok {
		addr = to
		trace.Routed(ctx, "connect-to")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ip, err := d.lookup(ctx, host, port, "")
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: "udp", Err: err}
	}
	n, _ := strconv.Atoi(port)
	udpAddr := &net.UDPAddr{IP: ip, Port: n}
	if later || ech != nil {
		tlsCfg = tlsCfg.Clone() // quic-go's copy, which it may keep, stays as it was
	}
	if later {
		tlsCfg.RootCAs = c.roots()
	}
	if ech != nil {
		if err := c.withECH(tlsCfg, <-ech); err != nil {
			return nil, err
		}
	}
	trace.QUICStarted(ctx, udpAddr.String())
	var conn *quic.Conn
	err = d.ports.each(func(port int) (err error) {
		conn, err = dialConnectedQUIC(ctx, &net.UDPAddr{IP: d.local, Port: port}, udpAddr, tlsCfg, qcfg)
		return err
	})
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return nil, err // no handshake took place: the quic phase did not complete, as a refused connect
	}
	var cs *tls.ConnectionState
	if conn != nil {
		state := conn.ConnectionState().TLS
		cs = &state
	}
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = &quicTimeout{err}
	}
	if err != nil {
		err = echRejected(err)
	}
	trace.QUICDone(ctx, cs, err)
	return conn, err
}

// dialConnectedQUIC runs the QUIC handshake over a UDP socket connected to addr, which quic-go's own dial
// does not do: only a connected socket hears the ICMP "port unreachable" of a host with nothing on that
// port, so that --http3 to a server without HTTP/3 fails at once with "connection refused" (exit 7), as
// curl's does, instead of waiting out the connect timeout. The socket is closed with the connection.
func dialConnectedQUIC(ctx context.Context, local, addr *net.UDPAddr, tlsCfg *tls.Config, qcfg *quic.Config) (*quic.Conn, error) {
	if local.IP == nil && local.Port == 0 {
		local = nil // the system's choice; else --interface, --local-port
	}
	udp, err := net.DialUDP("udp", local, addr)
	if err != nil {
		return nil, err
	}
	heard, _ := ctx.Value(quicHeardKey{}).(*atomic.Bool) // raceQUIC's
	conn, err := quic.Dial(ctx, connectedUDP{udp, ipv4.NewPacketConn(udp), heard}, addr, tlsCfg, qcfg)
	if err != nil {
		udp.Close()
		if errors.Is(err, syscall.ECONNREFUSED) {
			// Nothing listens on the port: a connection refused, as TCP's would be (exit 7), not a handshake
			// that failed.
			return nil, &net.OpError{Op: "dial", Net: "udp", Addr: addr, Err: syscall.ECONNREFUSED}
		}
		return nil, err
	}
	go func() {
		<-conn.Context().Done()
		udp.Close()
	}()
	return conn, nil
}

// connectedUDP is a connected UDP socket as quic-go's packet connection: it writes to its peer whatever
// address quic-go names (the peer's), and keeps quic-go's fast path (batched reads, GSO, ECN) through the
// socket's own methods.
type connectedUDP struct {
	c     *net.UDPConn
	batch *ipv4.PacketConn // recvmmsg, as quic-go reads its own sockets
	heard *atomic.Bool     // set at the first datagram received, when not nil
}

// got notes a read that returned n datagrams or bytes.
func (u connectedUDP) got(n int) {
	if n > 0 && u.heard != nil && !u.heard.Load() {
		u.heard.Store(true)
	}
}

func (u connectedUDP) ReadBatch(ms []ipv4.Message, flags int) (int, error) {
	n, err := u.batch.ReadBatch(ms, flags)
	u.got(n)
	return n, err
}

func (u connectedUDP) ReadFrom(b []byte) (int, net.Addr, error) {
	n, err := u.c.Read(b)
	u.got(n)
	return n, u.c.RemoteAddr(), err
}
func (u connectedUDP) WriteTo(b []byte, _ net.Addr) (int, error) { return u.c.Write(b) }
func (u connectedUDP) ReadMsgUDP(b, oob []byte) (int, int, int, *net.UDPAddr, error) {
	n, oobn, flags, addr, err := u.c.ReadMsgUDP(b, oob)
	u.got(n)
	return n, oobn, flags, addr, err
}
func (u connectedUDP) WriteMsgUDP(b, oob []byte, _ *net.UDPAddr) (int, int, error) {
	return u.c.WriteMsgUDP(b, oob, nil) // a connected socket takes no address
}
func (u connectedUDP) SyscallConn() (syscall.RawConn, error) { return u.c.SyscallConn() }
func (u connectedUDP) SetReadBuffer(n int) error             { return u.c.SetReadBuffer(n) }
func (u connectedUDP) SetWriteBuffer(n int) error            { return u.c.SetWriteBuffer(n) }
func (u connectedUDP) Close() error                          { return u.c.Close() }
func (u connectedUDP) LocalAddr() net.Addr                   { return u.c.LocalAddr() }
func (u connectedUDP) SetDeadline(t time.Time) error         { return u.c.SetDeadline(t) }
func (u connectedUDP) SetReadDeadline(t time.Time) error     { return u.c.SetReadDeadline(t) }
func (u connectedUDP) SetWriteDeadline(t time.Time) error    { return u.c.SetWriteDeadline(t) }

// quicTimeout is a QUIC handshake that ran out of the connect budget: a timeout (exit 28) naming the
// handshake, typically a UDP path that is blocked.
type quicTimeout struct{ err error }

func (e *quicTimeout) Error() string   { return "no answer to the QUIC handshake: " + e.err.Error() }
func (e *quicTimeout) Unwrap() error   { return e.err }
func (e *quicTimeout) Timeout() bool   { return true }
func (e *quicTimeout) Temporary() bool { return true }
