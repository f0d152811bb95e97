package transport

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/trace"
)

// AltSvc is curl's --alt-svc cache: the HTTP/3 alternatives origins announced in Alt-Svc headers (RFC
// 7838), kept in a file between runs in curl's format, so that curl and hop can share one. A request to an
// origin with a live entry goes over HTTP/3 to the alternative; one that cannot get there falls back to
// TCP, and the entry is dropped.
type AltSvc struct {
	mu      sync.Mutex
	entries map[string]altEntry  // by origin host:port
	broken  map[string]time.Time // origins whose alternative could not be reached, until when it is not tried
	changed bool
	now     func() time.Time
}

// brokenFor is how long an alternative that could not be reached is left alone, so that a network that
// drops UDP does not cost the wait on every other run (the next TCP answer announces it again). The mark
// is kept in the file as a comment, which curl passes over.
const brokenFor = time.Hour

// brokenPrefix starts the comment line that marks an origin's alternative unreachable.
const brokenPrefix = "# hop: h3 unreachable for "

type altEntry struct {
	srcALPN string // how the origin was reached when it announced the alternative (h1, h2)
	dst     string // the alternative's host:port
	expires time.Time
	persist bool
}

// maxAltSvcFile bounds the cache file: a few lines per origin.
const maxAltSvcFile = 1 << 20

// altSvcTime is the format of the cache's expiry dates, in UTC.
const altSvcTime = "20060102 15:04:05"

// LoadAltSvc reads the cache at path: no file is an empty cache; lines that cannot be read, and entries
// for other protocols than h3 or already expired, are left out.
func LoadAltSvc(path string) (*AltSvc, error) {
	a := &AltSvc{entries: map[string]altEntry{}, broken: map[string]time.Time{}, now: time.Now}
	if _, err := os.Stat(path); os.IsNotExist(err) {
		return a, nil
	}
	data, err := argfile.Read(path, maxAltSvcFile) // bounded: a path such as /dev/zero cannot exhaust memory
	if err != nil {
		return nil, optionErrorf("--alt-svc "+path, "%v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, brokenPrefix); ok {
			// # hop: h3 unreachable for example.com 443 until "20261204 12:00:00"
			if f := strings.Fields(rest); len(f) == 5 && f[2] == "until" {
				if until, ok := a.live(f[3], f[4]); ok {
					a.broken[net.JoinHostPort(unbracket(f[0]), f[1])] = until
				}
			}
			continue
		}
		// h2 example.com 443 h3 example.com 443 "20261204 12:00:00" 0 0
		if f := strings.Fields(line); len(f) == 10 && f[0][0] != '#' && f[3] == "h3" {
			if exp, ok := a.live(f[6], f[7]); ok {
				a.entries[net.JoinHostPort(unbracket(f[1]), f[2])] = altEntry{srcALPN: f[0], dst: net.JoinHostPort(unbracket(f[4]), f[5]), expires: exp, persist: f[8] == "1"}
			}
		}
	}
	return a, nil
}

// live reads a date the file writes in two fields ("20261204 12:00:00", quoted), and whether it is still to
// come.
func (a *AltSvc) live(day, clock string) (time.Time, bool) {
	t, err := time.Parse(altSvcTime, strings.Trim(day+" "+clock, `"`))
	return t, err == nil && t.After(a.now())
}

// Lookup returns the HTTP/3 alternative for origin (host:port of an https URL), if one is live.
func (a *AltSvc) Lookup(origin string) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	e, ok := a.entries[strings.ToLower(origin)]
	if !ok || !e.expires.After(a.now()) {
		return "", false
	}
	return e.dst, true
}

// Forget drops origin's entry, whose alternative could not be reached, and leaves the origin's
// announcements alone for brokenFor.
func (a *AltSvc) Forget(origin string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	origin = strings.ToLower(origin)
	delete(a.entries, origin)
	if a.broken == nil {
		a.broken = map[string]time.Time{}
	}
	a.broken[origin] = a.now().Add(brokenFor).UTC().Truncate(time.Second)
	a.changed = true
}

// Learn takes in the Alt-Svc header of a response from origin, reached over proto ("HTTP/1.1", "HTTP/2.0"):
// its first h3 alternative replaces the entry, "clear" drops it, anything else leaves it as it was.
func (a *AltSvc) Learn(origin, proto string, h http.Header) {
	values := h.Values("Alt-Svc")
	if len(values) == 0 {
		return
	}
	origin = strings.ToLower(origin)
	host, _, _ := net.SplitHostPort(origin)
	a.mu.Lock()
	defer a.mu.Unlock()
	if until, ok := a.broken[origin]; ok && until.After(a.now()) {
		return // its alternative could not be reached a moment ago
	}
	for _, v := range values {
		if strings.TrimSpace(v) == "clear" {
			if _, ok := a.entries[origin]; ok {
				delete(a.entries, origin)
				a.changed = true
			}
			return
		}
		for _, alt := range splitOutsideQuotes(v, ',') {
			dst, maxAge, persist, ok := parseAltValue(alt, host)
			if !ok {
				continue
			}
			src := "h1"
			if strings.HasPrefix(proto, "HTTP/2") {
				src = "h2"
			}
			a.entries[origin] = altEntry{srcALPN: src, dst: dst, expires: a.now().Add(maxAge).UTC().Truncate(time.Second), persist: persist}
			a.changed = true
			return
		}
	}
}

// parseAltValue reads one alternative, `h3=":443"; ma=3600; persist=1`, for an origin on host: its
// host:port (the origin's host when it names none), how long it holds (24 hours unless ma says), and
// whether it outlives a network change. Only h3 is taken.
func parseAltValue(alt, host string) (dst string, maxAge time.Duration, persist, ok bool) {
	parts := splitOutsideQuotes(alt, ';')
	proto, authority, found := strings.Cut(strings.TrimSpace(parts[0]), "=")
	if !found || proto != "h3" {
		return "", 0, false, false
	}
	authority, err := strconv.Unquote(strings.TrimSpace(authority))
	if err != nil {
		return "", 0, false, false
	}
	h, p, err := net.SplitHostPort(authority)
	if n, perr := strconv.Atoi(p); err != nil || perr != nil || n <= 0 || n > 65535 || !altHost(h) {
		return "", 0, false, false
	}
	maxAge = 24 * time.Hour
	for _, param := range parts[1:] {
		k, v, _ := strings.Cut(strings.TrimSpace(param), "=")
		switch strings.ToLower(k) {
		case "ma":
			if n, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64); err == nil && n >= 0 && n < 1<<31 {
				maxAge = time.Duration(n) * time.Second
			}
		case "persist":
			persist = strings.Trim(v, `"`) == "1"
		}
	}
	if maxAge == 0 {
		return "", 0, false, false
	}
	return net.JoinHostPort(cmpOr(h, host), p), maxAge, persist, true
}

// bracket writes an IPv6 address in brackets, as curl's file has them (its altsvc_out); unbracket reads one.
func bracket(host string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]"
	}
	return host
}

func unbracket(field string) string {
	return strings.TrimSuffix(strings.TrimPrefix(field, "["), "]")
}

// altHost reports whether h can be an alternative's host (RFC 7838's uri-host): empty (the origin's), an IP
// address, or a name of RFC 3986's reg-name characters. Anything else (a space, a tab, a quote) is no host,
// and would break curl's space-separated file.
func altHost(h string) bool {
	if h == "" || net.ParseIP(h) != nil {
		return true
	}
	for _, c := range []byte(h) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~!$&'()*+,;=%", c) >= 0) {
			return false
		}
	}
	return true
}

// splitOutsideQuotes splits s at sep, except inside double quotes.
func splitOutsideQuotes(s string, sep byte) []string {
	var out []string
	quoted, start := false, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"':
			quoted = !quoted
		case s[i] == sep && !quoted:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// Save writes the cache to path, in curl's format, when it changed, as -c writes a jar (argfile.WriteFile):
// a failed write leaves the old cache, a symbolic link stays one.
func (a *AltSvc) Save(path string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.changed {
		return nil
	}
	var b strings.Builder
	b.WriteString("# Your alt-svc cache. https://curl.se/docs/alt-svc.html\n# Written by hop, in curl's format.\n")
	for origin, until := range a.broken {
		if until.After(a.now()) {
			h, p, _ := net.SplitHostPort(origin)
			fmt.Fprintf(&b, "%s%s %s until \"%s\"\n", brokenPrefix, bracket(h), p, until.UTC().Format(altSvcTime))
		}
	}
	for origin, e := range a.entries {
		if !e.expires.After(a.now()) {
			continue
		}
		sh, sp, _ := net.SplitHostPort(origin)
		dh, dp, _ := net.SplitHostPort(e.dst)
		persist := 0
		if e.persist {
			persist = 1
		}
		fmt.Fprintf(&b, "%s %s %s h3 %s %s \"%s\" %d 0\n", e.srcALPN, bracket(sh), sp, bracket(dh), dp, e.expires.UTC().Format(altSvcTime), persist)
	}
	if err := argfile.WriteFile(path, []byte(b.String())); err != nil {
		return fmt.Errorf("--alt-svc: %w", err)
	}
	return nil
}

// altDialBudget bounds an HTTP/3 attempt (an alternative, --http3-try's), within the connect budget: the
// wait for QUIC when the TCP connection raced beside it failed too.
const altDialBudget = 3 * time.Second

// altDialError is an alternative that could not be reached: the request has not left, and goes over TCP.
type altDialError struct{ err error }

func (e *altDialError) Error() string { return e.err.Error() }
func (e *altDialError) Unwrap() error { return e.err }

// useAltSvc loads --alt-svc's cache and, unless the options rule HTTP/3 out (a protocol forced, a proxy, a
// unix socket, TLS below 1.3), the HTTP/3 transport that reaches the alternatives it names.
func (t *Transport) useAltSvc(o Options, tlsConfig *tls.Config) error {
	cache, err := LoadAltSvc(o.AltSvc)
	if err != nil {
		return err
	}
	t.altSvc, t.altSvcFile = cache, o.AltSvc
	if o.Protocol != Auto || o.quicRuledOut() != nil {
		return nil // the cache is still kept up to date
	}
	alt, err := quicAttempt(t.conn, tlsConfig, o, func(ctx context.Context, addr string) string {
		if dst, ok := cache.Lookup(addr); ok {
			trace.Routed(ctx, "alt-svc")
			return dst // the SNI and :authority stay the origin's
		}
		return addr
	})
	if err != nil {
		return err
	}
	t.alt = alt
	return nil
}

// quicAttempt is an HTTP/3 transport for an attempt that may fail or be slow: its dial races a TCP
// connection after a head start (raceQUIC) and gives up within altDialBudget, with an *altDialError, so that
// the request goes over TCP instead. route, when not nil, says where to dial for an origin's address.
func quicAttempt(c *connector, tlsConfig *tls.Config, o Options, route func(ctx context.Context, addr string) string) (*http3.Transport, error) {
	cfg := tlsConfig.Clone()
	cfg.NextProtos = []string{"h3"}
	alt, err := newHTTP3(c, cfg, o)
	if err != nil {
		return nil, err
	}
	head := cmp.Or(o.HappyEyeballs, quicHeadStart)
	alt.Dial = func(ctx context.Context, addr string, tlsCfg *tls.Config, qcfg *quic.Config) (*quic.Conn, error) {
		origin := addr // the TCP connection goes to the origin, an alternative's address is QUIC's only
		if route != nil {
			addr = route(ctx, addr)
		}
		return c.raceQUIC(ctx, origin, addr, head, tlsCfg, qcfg)
	}
	return alt, nil
}

// roundTripAltSvc sends an https request over HTTP/3 when the cache names an alternative for its origin
// and no proxy is in the way, over TCP otherwise or when the alternative cannot be reached (the entry is
// then dropped); either way the response's Alt-Svc updates the cache.
func (t *Transport) roundTripAltSvc(req *http.Request) (*http.Response, error) {
	origin := originAddr(req.URL)
	if dst, ok := t.altSvc.Lookup(origin); ok && t.alt != nil && t.conn.proxies.forTarget(req.URL) == nil {
		ctx, drop := withSpare(req.Context())
		defer drop()
		req = req.WithContext(ctx)
		resp, err := t.alt.RoundTrip(req)
		var unreachable *altDialError
		switch {
		case err == nil:
			t.altSvc.Learn(origin, resp.Proto, resp.Header)
			return resp, nil
		case !errors.As(err, &unreachable):
			return nil, err
		}
		t.altSvc.Forget(origin)
		resp, err = t.overTCP(req, "alt-svc", dst, unreachable.err)
		if err == nil {
			t.altSvc.Learn(origin, resp.Proto, resp.Header)
		}
		return resp, err
	}
	resp, err := t.roundTripTCP(req)
	if err == nil {
		t.altSvc.Learn(origin, resp.Proto, resp.Header)
	}
	return resp, err
}

// overTCP sends req over TCP after an HTTP/3 attempt (via: alt-svc, http3-try) that could not reach dst
// (nothing was sent): the trace shows the attempt, and a body is opened again.
func (t *Transport) overTCP(req *http.Request, via, dst string, unreachable error) (*http.Response, error) {
	trace.QUICAbandoned(req.Context(), via, dst, unreachable)
	if req.GetBody != nil && req.Body != nil && req.Body != http.NoBody {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		req = req.Clone(req.Context())
		req.Body = body
	}
	return t.roundTripTCP(req)
}

// originAddr is an https URL's host:port, lowercase, with 443 when it names no port.
func originAddr(u *url.URL) string {
	return strings.ToLower(net.JoinHostPort(u.Hostname(), cmpOr(u.Port(), "443")))
}

// SaveAltSvc writes --alt-svc's cache back, when there is one and it changed.
func (t *Transport) SaveAltSvc() error {
	if t.altSvc == nil {
		return nil
	}
	return t.altSvc.Save(t.altSvcFile)
}
