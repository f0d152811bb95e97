package transport

import (
	"context"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/hop-cli/hop/trace"
)

// dialer opens TCP connections: to the address --resolve gives for a name, or through DNS. Every connection
// it opens enforces the idle timeout once armed.
type dialer struct {
	resolve map[string]string // lower-case HOST:PORT → ADDR:PORT
	idle    time.Duration
	net     net.Dialer
}

func newDialer(resolve []string, idle time.Duration) (*dialer, error) {
	m, err := parseResolve(resolve)
	if err != nil {
		return nil, err
	}
	return &dialer{resolve: m, idle: idle, net: net.Dialer{KeepAlive: 30 * time.Second}}, nil
}

// dial connects to addr (HOST:PORT) within ctx.
func (d *dialer) dial(ctx context.Context, addr string) (net.Conn, error) {
	if to, ok := d.resolve[strings.ToLower(addr)]; ok {
		addr = to
		trace.Resolved(ctx, "--resolve")
	}
	c, err := d.net.DialContext(ctx, "tcp", addr)
	if err != nil || d.idle <= 0 {
		return c, err
	}
	return newIdleConn(c, d.idle), nil
}

// lookup resolves host for a proxy that wants an address (socks5): from --resolve, or DNS.
func (d *dialer) lookup(ctx context.Context, host, port string) (net.IP, error) {
	if to, ok := d.resolve[strings.ToLower(net.JoinHostPort(host, port))]; ok {
		trace.Resolved(ctx, "--resolve")
		h, _, _ := net.SplitHostPort(to)
		return net.ParseIP(h), nil
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip, nil
	}
	addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil {
		return nil, err
	}
	return addrs[0].IP, nil
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
			return nil, optionErrorf("--resolve "+v, "expected HOST:PORT:ADDR with ADDR an IP address")
		}
		if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
			return nil, optionErrorf("--resolve "+v, "invalid port %q", port)
		}
		out[strings.ToLower(net.JoinHostPort(host, port))] = net.JoinHostPort(addr, port)
	}
	return out, nil
}
