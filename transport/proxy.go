package transport

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/net/http/httpguts"

	"github.com/hop-cli/hop/auth"
	"github.com/hop-cli/hop/redact"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/trace"
)

// proxies decides which proxy, if any, a request goes through, as curl decides: --proxy (HTTPie's
// --proxy SCHEME:URL first, for its scheme), else the environment (http_proxy for http, https_proxy for https, all_proxy for either; each also in upper case,
// the lower case winning), except for the hosts --noproxy or NO_PROXY lists. Unlike Go's own rule, loopback
// hosts are proxied too, so that a local service can be watched through mitmproxy.
type proxies struct {
	pre      *url.URL // --preproxy: a SOCKS proxy before the others, or before the server when there is none
	fixed    *url.URL
	byScheme map[string]*url.URL // scheme → proxy from HTTPie's --proxy SCHEME:URL
	byEnv    map[string]*url.URL // scheme → proxy from the environment
	noProxy  noProxy
	off      bool // --unix-socket: no proxy at all
}

func newProxies(o Options) (*proxies, error) {
	p := &proxies{byEnv: map[string]*url.URL{}, byScheme: map[string]*url.URL{}, off: o.UnixSocket != ""}
	if o.Proxy != "" {
		u, err := parseProxy("--proxy ", o.Proxy)
		if err != nil {
			return nil, err
		}
		p.fixed = u
	}
	for scheme, raw := range o.ProxyFor {
		u, err := parseProxy("--proxy "+scheme+":", raw)
		if err != nil {
			return nil, err
		}
		p.byScheme[scheme] = u
	}
	if o.PreProxy != "" {
		raw := o.PreProxy
		if !strings.Contains(raw, "://") {
			raw = "socks4://" + raw // curl's default for a pre-proxy
		}
		if !strings.HasPrefix(raw, "socks") {
			return nil, optionErrorf("--preproxy "+redact.URL(o.PreProxy), "a pre-proxy is a SOCKS proxy: socks4://, socks4a://, socks5:// or socks5h://")
		}
		u, err := parseProxy("--preproxy ", raw)
		if err != nil {
			return nil, err
		}
		p.pre = u
	}
	getenv := o.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	env := func(name string) (string, string) {
		for _, n := range []string{strings.ToLower(name), strings.ToUpper(name)} {
			if n == "HTTP_PROXY" && getenv("REQUEST_METHOD") != "" {
				continue // under CGI, HTTP_PROXY can come from a request's Proxy header (httpoxy)
			}
			if v := getenv(n); v != "" {
				return n, v
			}
		}
		return "", ""
	}
	for scheme, name := range map[string]string{"http": "http_proxy", "https": "https_proxy", "all": "all_proxy"} {
		if n, v := env(name); v != "" && !o.ProxyOff {
			u, err := parseProxy(n+"=", v)
			if err != nil {
				return nil, err
			}
			p.byEnv[scheme] = u
		}
	}
	if o.ProxyUser != "" {
		user, pass, _ := strings.Cut(o.ProxyUser, ":")
		for _, u := range append(append(slices.Collect(maps.Values(p.byEnv)), slices.Collect(maps.Values(p.byScheme))...), p.fixed) {
			if u != nil {
				u.User = url.UserPassword(user, pass)
			}
		}
	}
	list := ""
	if o.NoProxy != nil {
		list = *o.NoProxy
	} else {
		_, list = env("no_proxy")
	}
	p.noProxy = parseNoProxy(list)
	return p, nil
}

// ProxySchemes are the proxy URL schemes hop speaks, in the order its messages name them.
var ProxySchemes = []string{"http", "https", "socks5", "socks5h", "socks4", "socks4a"}

// parseProxy reads a proxy URL (from, "--proxy " or "NAME=", says where it came from): scheme http, https,
// socks5, socks5h, socks4 or socks4a; a bare host:port means http. An unusable one is echoed in the error with its password
// hidden: proxy URLs carry credentials, often from a CI's environment, whose logs must not show them.
func parseProxy(from, raw string) (*url.URL, error) {
	arg := from + redact.URL(raw)
	s := raw
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Hostname() == "" {
		return nil, optionErrorf(arg, "expected a proxy URL such as http://proxy:3128 or socks5://127.0.0.1:1080")
	}
	if !slices.Contains(ProxySchemes, u.Scheme) {
		return nil, optionErrorf(arg, "unsupported proxy scheme %q (%s)", u.Scheme, strings.Join(ProxySchemes, ", "))
	}
	request.NormalizeHost(u) // http://0x7f.1:3128 is 127.0.0.1, as curl reads it
	return u, nil
}

// forTarget returns the proxy for a request to target, or nil.
func (p *proxies) forTarget(target *url.URL) *url.URL {
	if target == nil || p.off || p.noProxy.matches(target.Hostname()) {
		return nil
	}
	if u := p.byScheme[target.Scheme]; u != nil {
		return u
	}
	if p.fixed != nil {
		return p.fixed
	}
	if u := p.byEnv[target.Scheme]; u != nil {
		return u
	}
	return p.byEnv["all"]
}

// preFor returns --preproxy's SOCKS proxy for a connection towards target (nil: to a proxy that forwards
// plain http), or nil: the hosts --noproxy or NO_PROXY lists are reached directly, as curl reaches them.
func (p *proxies) preFor(target *url.URL) *url.URL {
	if p.pre == nil || p.off || target != nil && p.noProxy.matches(target.Hostname()) {
		return nil
	}
	return p.pre
}

// noProxy is a NO_PROXY list as curl reads it: "*" for every host; names that match themselves and their
// subdomains (a leading dot is optional, a trailing one too); IP addresses and CIDR ranges.
type noProxy struct {
	all   bool
	names []string
	nets  []*net.IPNet
}

func parseNoProxy(list string) noProxy {
	var n noProxy
	for _, e := range strings.Split(list, ",") {
		e = strings.ToLower(strings.TrimSpace(e))
		switch {
		case e == "":
		case e == "*":
			n.all = true
		case strings.Contains(e, "/"):
			if _, ipnet, err := net.ParseCIDR(e); err == nil {
				n.nets = append(n.nets, ipnet)
			}
		default:
			n.names = append(n.names, strings.TrimSuffix(strings.Trim(strings.TrimPrefix(e, "."), "[]"), "."))
		}
	}
	return n
}

func (n noProxy) matches(host string) bool {
	if n.all {
		return true
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	ip := net.ParseIP(host)
	for _, name := range n.names {
		if host == name || ip == nil && strings.HasSuffix(host, "."+name) {
			return true
		}
		if ip != nil && ip.Equal(net.ParseIP(name)) {
			return true
		}
	}
	for _, ipnet := range n.nets {
		if ip != nil && ipnet.Contains(ip) {
			return true
		}
	}
	return false
}

func isSOCKS(u *url.URL) bool { return strings.HasPrefix(u.Scheme, "socks") }

// proxyAddr is the HOST:PORT of a proxy, with curl's default port when it names none.
func proxyAddr(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "1080" // curl's default for a proxy, SOCKS and HTTP alike (Go's and Python's is 80 for http://)
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// ProxyError is a proxy that refused to open the way to the server: an HTTP CONNECT answered with another
// status than 2xx, or a SOCKS request the proxy refused or failed.
type ProxyError struct {
	Proxy  string // the proxy URL, password redacted
	Target string // HOST:PORT
	Reason string // the proxy's status, or what it said in plain words
	SOCKS  bool   // a SOCKS proxy (curl's exit 97), not an HTTP CONNECT (curl's 56)
	answer []byte // the first bytes of an answer to the CONNECT that is not HTTP
}

// NotHTTP is the proxy, the target and the first bytes of an answer to the CONNECT that is not HTTP, for
// the exchange to name another protocol's greeting in them (it does not import transport).
func (e *ProxyError) NotHTTP() (proxy, target string, answer []byte) {
	return e.Proxy, e.Target, e.answer
}

func (e *ProxyError) Error() string {
	if e.SOCKS {
		version := map[bool]string{true: "SOCKS4", false: "SOCKS5"}[strings.HasPrefix(e.Proxy, "socks4")]
		return fmt.Sprintf("the %s proxy %s did not connect to %s: %s", version, e.Proxy, e.Target, e.Reason)
	}
	return fmt.Sprintf("the proxy %s refused the tunnel to %s: %s", e.Proxy, e.Target, e.Reason)
}

// ProxyRefused marks the failure for the exchange's classification, which does not import transport.
func (e *ProxyError) ProxyRefused() bool { return true }

// ProxyTLSError is a TLS handshake with an https:// proxy that failed: its certificate not trusted (by the
// proxy's own trust, --proxy-cacert, never the server's), or no handshake at all.
type ProxyTLSError struct {
	Proxy string // HOST:PORT
	Err   error
}

func (e *ProxyTLSError) Error() string {
	return fmt.Sprintf("TLS with the proxy %s: %v", e.Proxy, e.Err)
}
func (e *ProxyTLSError) Unwrap() error { return e.Err }

// ProxyHandshake names the proxy for the exchange's classification, which does not import transport.
func (e *ProxyTLSError) ProxyHandshake() string { return e.Proxy }

// httpConnect asks an HTTP proxy on conn to open a tunnel to target (HOST:PORT), with the headers
// --proxy-header names on top of hop's own, and the credentials ProxyAuth sends: Basic from the first
// CONNECT; or (digest, any) none until the proxy's 407 asks, then the answer to its challenge, sent on the
// same connection, or when the proxy closes it on a new one (answerOnNewConnection). authorization, when
// set, is that answer already made.
func (c *connector) httpConnect(ctx context.Context, conn net.Conn, proxy *url.URL, target, authorization string) (net.Conn, error) {
	login := proxyLoginOf(ctx)
	if login == nil {
		login = &proxyLogin{} // this CONNECT's own
	}
	answered := authorization != ""
	switch {
	case answered:
	case c.proxyAuth == ProxyBasic:
		authorization = basicAuth(proxy)
	default:
		// When the exchange met the proxy's challenge already, it is answered at once, as curl does.
		authorization, answered = c.answerProxy(login, proxy, http.MethodConnect, target, true)
	}
	for {
		req := &http.Request{
			Method: http.MethodConnect,
			URL:    &url.URL{Opaque: target},
			Host:   target,
			Header: http.Header{},
		}
		if authorization != "" {
			req.Header.Set("Proxy-Authorization", authorization)
		}
		if agent, ok := userAgentOf(ctx); ok {
			// The request's own, as curl sends -A's ("" writes none), not net/http's Go-http-client.
			req.Header["User-Agent"] = []string{agent}
		}
		setProxyHeaders(req.Header, c.proxyHeader)
		var head bytes.Buffer
		if err := req.Write(&head); err != nil {
			return nil, err
		}
		trace.Tunneling(ctx, conn, proxy.Host, target, head.Bytes(), proxyALPN)
		if _, err := conn.Write(head.Bytes()); err != nil {
			return nil, err
		}
		first := &firstBytes{}
		br := bufio.NewReader(io.TeeReader(io.LimitReader(conn, maxHeaderBytes), first))
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			return nil, unanswered(err, proxy, target, first.b)
		}
		trace.TunnelAnswered(ctx, conn, proxy.Host, resp)
		// A 2xx's body is never read: the tunnel's bytes follow the head, whatever framing it names (a
		// client must ignore a Content-Length or Transfer-Encoding there, RFC 9110 9.3.6; reading it would
		// wait for the server, which waits for the TLS handshake). Any 2xx opens the tunnel, as in curl. A
		// refusal drops the connection, but for a 407 whose body ends soon, read to carry the answer to its
		// challenge.
		if resp.StatusCode/100 == 2 {
			if n := br.Buffered(); n > 0 {
				// A server that speaks first (SMTP's greeting) may be heard in the same read as the answer.
				ahead, _ := br.Peek(n)
				return &readAhead{Conn: conn, r: io.MultiReader(bytes.NewReader(bytes.Clone(ahead)), conn)}, nil
			}
			return conn, nil
		}
		if resp.StatusCode == http.StatusProxyAuthRequired && !answered {
			login.take(resp)
			if answer, ok := c.answerProxy(login, proxy, http.MethodConnect, target, true); ok {
				answered, authorization = true, answer
				if !resp.Close && drained(resp.Body) && br.Buffered() == 0 {
					continue
				}
				return nil, &answerOnNewConnection{authorization: answer}
			}
		}
		return nil, &ProxyError{Proxy: proxy.Redacted(), Target: target, Reason: refusal(resp, authorization != "", c.proxyAuth, proxy.User != nil)}
	}
}

// answerOnNewConnection is a proxy's challenge to a CONNECT answered on a connection it closed: the answer
// goes on a new one.
type answerOnNewConnection struct{ authorization string }

func (*answerOnNewConnection) Error() string {
	return "the proxy closed the connection its challenge came on"
}

// proxyLogin is what a proxy's 407 challenged with, answered again with every request of the exchange
// after it, as curl answers it (a Digest answer with its nonce count going up, or Basic under
// --proxy-anyauth): a forwarded request or a CONNECT. WithProxyLogin puts one in an exchange's context.
type proxyLogin struct {
	mu         sync.Mutex
	challenges []string // the 407's Proxy-Authenticate lines; nil before one came
	count      int      // the requests answered since
}

type proxyLoginKey struct{}

// WithProxyLogin returns ctx with room for the challenge of the proxy its requests go through, for
// Options.ProxyAuth digest and any: taken from a 407 (AnswerProxy, or a CONNECT's), it is answered again
// with each request sent with ctx after it, rather than drawn again by each.
func WithProxyLogin(ctx context.Context) context.Context {
	return context.WithValue(ctx, proxyLoginKey{}, &proxyLogin{})
}

func proxyLoginOf(ctx context.Context) *proxyLogin {
	l, _ := ctx.Value(proxyLoginKey{}).(*proxyLogin)
	return l
}

// challenged reports whether the exchange of ctx holds a proxy's challenge to answer.
func challenged(ctx context.Context) bool {
	l := proxyLoginOf(ctx)
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.challenges != nil
}

// take keeps the challenge of a proxy's 407, resp, for the requests after it.
func (l *proxyLogin) take(resp *http.Response) {
	l.mu.Lock()
	l.challenges, l.count = resp.Header.Values("Proxy-Authenticate"), 0
	l.mu.Unlock()
}

// answerProxy is the Proxy-Authorization answering l's challenge for a request of method to uri (a path
// and query; a CONNECT's HOST:PORT) through proxy, by ProxyAuth's rule (digest, any), counted as sent
// when send is true; false when there is none (no credentials, Basic sent already, no challenge, none hop
// can answer).
func (c *connector) answerProxy(l *proxyLogin, proxy *url.URL, method, uri string, send bool) (string, bool) {
	if c.proxyAuth == ProxyBasic || proxy.User == nil || l == nil {
		return "", false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.challenges == nil {
		return "", false
	}
	pass, _ := proxy.User.Password()
	d := auth.Digest{User: proxy.User.Username(), Password: pass, AnyScheme: c.proxyAuth == ProxyAny, Count: l.count}
	answer, ok := d.AnswerChallenges(l.challenges, method, uri)
	switch {
	case !ok:
		l.challenges = nil
	case send:
		l.count++
	}
	return answer, ok
}

// drained reads a refusal's body to its end, for the connection to carry another request: false when it
// does not end soon (64 KiB), or fails.
func drained(body io.ReadCloser) bool {
	n, err := io.Copy(io.Discard, io.LimitReader(body, 64<<10+1))
	body.Close()
	return err == nil && n <= 64<<10
}

// readAhead is a connection some of whose first bytes were read already, with a proxy's answer: they come
// first.
type readAhead struct {
	net.Conn
	r io.Reader
}

func (c *readAhead) Read(b []byte) (int, error) { return c.r.Read(b) }

// parseProxyHeaders reads curl's --proxy-header lines: "Name: value" a header for the proxy, "Name:" one
// left out.
func parseProxyHeaders(lines []string) (http.Header, error) {
	if len(lines) == 0 {
		return nil, nil
	}
	h := http.Header{}
	for _, line := range lines {
		name, value, ok := strings.Cut(line, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || !httpguts.ValidHeaderFieldName(name) || !httpguts.ValidHeaderFieldValue(value) {
			return nil, optionErrorf("--proxy-header "+line, `expected "Name: value" ("Name:" leaves one out)`)
		}
		key := http.CanonicalHeaderKey(name)
		h[key] = append(h[key], value)
	}
	return h, nil
}

// setProxyHeaders puts --proxy-header's headers in a CONNECT's h, in place of any of the same name: an
// empty value leaves that header out (net/http then sends no User-Agent of its own either).
func setProxyHeaders(h, extra http.Header) {
	for name, values := range extra {
		h.Del(name)
		for _, v := range values {
			if v != "" {
				h.Add(name, v)
			}
		}
		if len(h[name]) == 0 && name == "User-Agent" {
			h[name] = []string{""}
		}
	}
}

// unanswered is a CONNECT the proxy gave no HTTP answer to, as the proxy's failure (curl's 56), not the
// server's: it closed or reset the connection, or answered in another protocol. A timeout and a TLS alert
// from an https:// proxy stay as they are, for the caller to word.
func unanswered(err error, proxy *url.URL, target string, answer []byte) error {
	var ne net.Error
	var op *net.OpError
	switch how := hungUp(err); {
	case errors.As(err, &ne) && ne.Timeout(), errors.As(err, &op) && op.Op == "remote error":
		return err
	case how != "":
		return &ProxyError{Proxy: proxy.Redacted(), Target: target, Reason: "it " + how + " the connection without answering the CONNECT"}
	case len(answer) > 0:
		line, _, _ := strings.Cut(string(answer), "\n")
		return &ProxyError{Proxy: proxy.Redacted(), Target: target, answer: answer,
			Reason: fmt.Sprintf("it did not answer the CONNECT in HTTP: its answer began %q", strings.TrimSuffix(line, "\r"))}
	}
	return &ProxyError{Proxy: proxy.Redacted(), Target: target, Reason: "it did not answer the CONNECT in HTTP: " + err.Error()}
}

// firstBytes keeps the first bytes written to it, up to 256.
type firstBytes struct{ b []byte }

func (f *firstBytes) Write(p []byte) (int, error) {
	if n := 256 - len(f.b); n > 0 {
		f.b = append(f.b, p[:min(n, len(p))]...)
	}
	return len(p), nil
}

// hungUp says how the other end ended a connection hop was reading from or writing to, "closed" or "reset",
// or "" when err is something else.
func hungUp(err error) string {
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "closed"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "reset"
	}
	return ""
}

// refusal is a proxy's refusal of a CONNECT in words: its status, and for a 407 what to do about it: give
// credentials, or other ones, or send them by the scheme it asks for (mode is ProxyAuth's, credentials
// whether the proxy's URL or -U gave some); or, when it asks only for schemes hop does not speak (NTLM,
// Negotiate), that hop sends Basic.
func refusal(resp *http.Response, sent bool, mode string, credentials bool) string {
	if resp.StatusCode != http.StatusProxyAuthRequired {
		return resp.Status
	}
	var others []string
	basic, digest := false, false
	for _, challenge := range resp.Header.Values("Proxy-Authenticate") {
		scheme, _, _ := strings.Cut(strings.TrimSpace(challenge), " ")
		switch {
		case strings.EqualFold(scheme, "Basic"):
			basic = true
		case strings.EqualFold(scheme, "Digest"):
			digest = true
		case len(others) < 4 && scheme != "" && httpguts.ValidHeaderFieldName(scheme):
			others = append(others, scheme)
		}
	}
	switch {
	case len(others) > 0 && !basic && !digest:
		return fmt.Sprintf("%s (it asks for %s, which hop does not speak to proxies; hop sends Basic)", resp.Status, strings.Join(others, ", "))
	case mode == ProxyBasic && digest && !basic:
		return resp.Status + " (it asks for Digest: --proxy-auth-type digest answers it, curl's --proxy-digest)"
	case mode == ProxyDigest && basic && !digest:
		return resp.Status + " (it asks for Basic, which --proxy-auth-type digest does not send; basic or any does)"
	case sent:
		return resp.Status + " (the credentials given were refused)"
	case credentials && digest:
		return resp.Status + " (its Digest challenge is not one hop can answer)"
	}
	return resp.Status + " (it wants credentials: -U USER:PASSWORD, or USER:PASSWORD@ in the proxy's URL)"
}

func basicAuth(u *url.URL) string {
	if u.User == nil {
		return ""
	}
	pass, _ := u.User.Password()
	return request.BasicAuth(u.User.Username(), pass)
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
// resolves the name; with socks5, d resolves it here first. A SOCKS4 proxy is asked as socks4Connect does.
func (d *dialer) socksConnect(ctx context.Context, conn net.Conn, proxy *url.URL, target string) error {
	host, portStr, err := net.SplitHostPort(target)
	if err != nil {
		return err
	}
	port, _ := strconv.Atoi(portStr)
	fail := func(reason string) error {
		return &ProxyError{Proxy: proxy.Redacted(), Target: target, Reason: reason, SOCKS: true}
	}
	if strings.HasPrefix(proxy.Scheme, "socks4") {
		err = d.socks4Connect(ctx, conn, proxy, host, portStr, port, fail)
	} else {
		err = d.socks5Connect(ctx, conn, proxy, host, portStr, port, fail)
	}
	trace.SOCKSAnswered(ctx, conn, proxy, err == nil)
	if how := hungUp(err); how != "" {
		// The proxy's failure (curl's 97), not a bare "EOF" or "connection reset by peer".
		return fail("it " + how + " the connection during the SOCKS handshake")
	}
	return err
}

// socks5Connect is socksConnect's SOCKS5 (RFC 1928), with RFC 1929's user name and password.
func (d *dialer) socks5Connect(ctx context.Context, conn net.Conn, proxy *url.URL, host, portStr string, port int, fail func(string) error) error {
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
	var resolved net.IP // nil: the proxy resolves the name
	if ip := net.ParseIP(host); ip == nil && proxy.Scheme == "socks5h" {
		if len(host) > 255 {
			return fail("the host name is too long for SOCKS5")
		}
		req = append(req, socksDomain, byte(len(host)))
		req = append(req, host...)
	} else {
		ip, err := d.lookup(ctx, host, portStr, "")
		if err != nil {
			return err
		}
		resolved = ip
		if ip4 := ip.To4(); ip4 != nil {
			req = append(append(req, socksIPv4), ip4...)
		} else {
			req = append(append(req, socksIPv6), ip.To16()...)
		}
	}
	req = binary.BigEndian.AppendUint16(req, uint16(port))
	trace.SOCKSConnect(ctx, conn, proxy, host, portStr, resolved)
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
	_, err := io.ReadFull(conn, make([]byte, skip+2))
	return err
}

var errSOCKSAuth = errors.New("SOCKS5 authentication refused")

// socks4Replies are SOCKS4's failure codes, in plain words.
var socks4Replies = map[byte]string{
	91: "the request was rejected or failed",
	92: "it could not reach an identd on this machine to check the user ID",
	93: "the user ID was refused",
}

// socks4Connect asks a SOCKS4 proxy on conn to connect to host and port (portStr as typed), as curl's
// socks4:// does (d resolves the name: SOCKS4 takes an IPv4 address) or socks4a:// (the proxy resolves
// it); fail makes socksConnect's error. The proxy's user name, when given, is the request's user ID;
// SOCKS4 has no password.
func (d *dialer) socks4Connect(ctx context.Context, conn net.Conn, proxy *url.URL, host, portStr string, port int, fail func(string) error) error {
	req := binary.BigEndian.AppendUint16([]byte{4, socksConnect}, uint16(port))
	name := ""
	var resolved net.IP // nil: the proxy resolves the name
	if ip := net.ParseIP(host); ip == nil && proxy.Scheme == "socks4a" {
		name = host
		req = append(req, 0, 0, 0, 1) // SOCKS4a: 0.0.0.x, the name follows
	} else {
		ip, err := d.lookup(ctx, host, portStr, "ip4")
		if err != nil {
			return err
		}
		if ip.To4() == nil {
			return fail("SOCKS4 takes IPv4 addresses only (socks5h:// or socks4a:// let the proxy resolve the name)")
		}
		resolved = ip.To4()
		req = append(req, ip.To4()...)
	}
	user := ""
	if proxy.User != nil {
		user = proxy.User.Username()
	}
	if len(user) > 255 || len(name) > 255 || strings.ContainsRune(user+name, 0) {
		return fail("the user name or host name is too long for SOCKS4, or holds a NUL byte")
	}
	req = append(append(req, user...), 0)
	if name != "" {
		req = append(append(req, name...), 0)
	}
	trace.SOCKSConnect(ctx, conn, proxy, host, portStr, resolved)
	if _, err := conn.Write(req); err != nil {
		return err
	}
	var reply [8]byte
	if _, err := io.ReadFull(conn, reply[:]); err != nil {
		return err
	}
	switch {
	case reply[0] != 0:
		return fail("it does not speak SOCKS4")
	case reply[1] == 90:
		return nil
	}
	reason, ok := socks4Replies[reply[1]]
	if !ok {
		reason = fmt.Sprintf("reply code %d", reply[1])
	}
	return fail(reason)
}

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
