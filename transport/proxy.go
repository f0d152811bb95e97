package transport

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// proxies decides which proxy, if any, a request goes through: the one --proxy names, or the one the
// *_PROXY variables name for its URL.
type proxies struct {
	fixed *url.URL
}

func newProxies(raw string) (*proxies, error) {
	if raw == "" {
		return &proxies{}, nil
	}
	u, err := parseProxy(raw)
	if err != nil {
		return nil, err
	}
	return &proxies{fixed: u}, nil
}

// parseProxy reads a --proxy value: a URL with scheme http, https, socks5 or socks5h; a bare host:port
// means http.
func parseProxy(raw string) (*url.URL, error) {
	s := raw
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Hostname() == "" {
		return nil, optionErrorf("--proxy "+raw, "expected a proxy URL such as http://proxy:3128 or socks5://127.0.0.1:1080")
	}
	switch u.Scheme {
	case "http", "https", "socks5", "socks5h":
	default:
		return nil, optionErrorf("--proxy "+raw, "unsupported proxy scheme %q (http, https, socks5)", u.Scheme)
	}
	return u, nil
}

// forTarget returns the proxy for a request to target, or nil.
func (p *proxies) forTarget(target *url.URL) *url.URL {
	if p.fixed != nil {
		return p.fixed
	}
	if target == nil {
		return nil
	}
	u, err := http.ProxyFromEnvironment(&http.Request{URL: target})
	if err != nil {
		return nil
	}
	return u
}

func isSOCKS(u *url.URL) bool { return u.Scheme == "socks5" || u.Scheme == "socks5h" }

// proxyAddr is the HOST:PORT of a proxy, with the scheme's default port.
func proxyAddr(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443", "socks5": "1080", "socks5h": "1080"}[u.Scheme]
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// ProxyError is a proxy that refused to open the way to the server: an HTTP CONNECT answered with another
// status than 200, or a SOCKS5 request the proxy refused or failed.
type ProxyError struct {
	Proxy  string // the proxy URL, password redacted
	Target string // HOST:PORT
	Reason string // the proxy's status, or what it said in plain words
}

func (e *ProxyError) Error() string {
	return fmt.Sprintf("the proxy %s refused the connection to %s: %s", e.Proxy, e.Target, e.Reason)
}

// httpConnect asks an HTTP proxy on conn to open a tunnel to target (HOST:PORT).
func httpConnect(conn net.Conn, proxy *url.URL, target string) error {
	req := &http.Request{
		Method: http.MethodConnect,
		URL:    &url.URL{Opaque: target},
		Host:   target,
		Header: http.Header{},
	}
	if auth := basicAuth(proxy); auth != "" {
		req.Header.Set("Proxy-Authorization", auth)
	}
	if err := req.Write(conn); err != nil {
		return err
	}
	// The server behind the tunnel says nothing until spoken to, so reading ahead loses no byte of it.
	br := bufio.NewReader(io.LimitReader(conn, maxHeaderBytes))
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &ProxyError{Proxy: proxy.Redacted(), Target: target, Reason: resp.Status}
	}
	return nil
}

func basicAuth(u *url.URL) string {
	if u.User == nil {
		return ""
	}
	pass, _ := u.User.Password()
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(u.User.Username()+":"+pass))
}

// SOCKS5 (RFC 1928) with username/password authentication (RFC 1929).
const (
	socksVersion      = 5
	socksNoAuth       = 0
	socksUserPass     = 2
	socksNoAcceptable = 0xff
	socksConnect      = 1
	socksIPv4         = 1
	socksDomain       = 3
	socksIPv6         = 4
)

var socksReplies = map[byte]string{
	1: "general failure",
	2: "connection not allowed by its rules",
	3: "network unreachable",
	4: "host unreachable",
	5: "connection refused",
	6: "TTL expired",
	7: "command not supported",
	8: "address type not supported",
}

// socksConnect asks a SOCKS5 proxy on conn to connect to target (HOST:PORT). With socks5h the proxy
// resolves the name; with socks5, d resolves it here first.
func (d *dialer) socksConnect(ctx context.Context, conn net.Conn, proxy *url.URL, target string) error {
	host, portStr, err := net.SplitHostPort(target)
	if err != nil {
		return err
	}
	port, _ := strconv.Atoi(portStr)
	fail := func(reason string) error {
		return &ProxyError{Proxy: proxy.Redacted(), Target: target, Reason: reason}
	}

	methods := []byte{socksNoAuth}
	if proxy.User != nil {
		methods = append(methods, socksUserPass)
	}
	if _, err := conn.Write(append([]byte{socksVersion, byte(len(methods))}, methods...)); err != nil {
		return err
	}
	var reply [2]byte
	if _, err := io.ReadFull(conn, reply[:]); err != nil {
		return err
	}
	switch {
	case reply[0] != socksVersion:
		return fail("it does not speak SOCKS5")
	case reply[1] == socksUserPass && proxy.User != nil:
		if err := socksAuthenticate(conn, proxy.User); err != nil {
			if errors.Is(err, errSOCKSAuth) {
				return fail("the user name or password was refused")
			}
			return err
		}
	case reply[1] != socksNoAuth:
		return fail("it wants an authentication method hop does not offer (give user:password in the proxy URL)")
	}

	req := []byte{socksVersion, socksConnect, 0}
	if ip := net.ParseIP(host); ip == nil && proxy.Scheme == "socks5h" {
		if len(host) > 255 {
			return fail("the host name is too long for SOCKS5")
		}
		req = append(req, socksDomain, byte(len(host)))
		req = append(req, host...)
	} else {
		ip, err := d.lookup(ctx, host, portStr)
		if err != nil {
			return err
		}
		if ip4 := ip.To4(); ip4 != nil {
			req = append(append(req, socksIPv4), ip4...)
		} else {
			req = append(append(req, socksIPv6), ip.To16()...)
		}
	}
	req = binary.BigEndian.AppendUint16(req, uint16(port))
	if _, err := conn.Write(req); err != nil {
		return err
	}
	var head [4]byte
	if _, err := io.ReadFull(conn, head[:]); err != nil {
		return err
	}
	if head[1] != 0 {
		reason, ok := socksReplies[head[1]]
		if !ok {
			reason = fmt.Sprintf("reply code %d", head[1])
		}
		return fail(reason)
	}
	// The address the proxy bound: read and ignored.
	var skip int
	switch head[3] {
	case socksIPv4:
		skip = 4
	case socksIPv6:
		skip = 16
	case socksDomain:
		var n [1]byte
		if _, err := io.ReadFull(conn, n[:]); err != nil {
			return err
		}
		skip = int(n[0])
	default:
		return fail("it sent a malformed reply")
	}
	_, err = io.ReadFull(conn, make([]byte, skip+2))
	return err
}

var errSOCKSAuth = errors.New("SOCKS5 authentication refused")

func socksAuthenticate(conn net.Conn, user *url.Userinfo) error {
	name := user.Username()
	pass, _ := user.Password()
	if len(name) > 255 || len(pass) > 255 {
		return errSOCKSAuth
	}
	msg := append([]byte{1, byte(len(name))}, name...)
	msg = append(append(msg, byte(len(pass))), pass...)
	if _, err := conn.Write(msg); err != nil {
		return err
	}
	var reply [2]byte
	if _, err := io.ReadFull(conn, reply[:]); err != nil {
		return err
	}
	if reply[1] != 0 {
		return errSOCKSAuth
	}
	return nil
}
