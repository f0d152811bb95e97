package request

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/hop-cli/hop/redact"
)

// ParseURL expands hop's URL shorthand and validates the result. An explicit scheme always wins;
// ":8080/x" means http://localhost:8080/x; "localhost" and loopback addresses mean http://; anything else
// means https://. Only http and https are accepted. "." and ".." segments of the path are resolved, as curl
// and HTTPie do. As HTTPie takes them, a space in the path or query goes as %20, a byte of the query that a
// request line cannot carry (non-ASCII, '"', '<', '>') percent-encoded, and a '%' in the path that begins
// no escape as %25; a control character is refused.
func ParseURL(raw string) (*url.URL, error) { return parseURL(raw, false, "", false) }

// parseURL is ParseURL, with the path's dot segments kept as typed when asIs (--path-as-is), when scheme is
// set (HTTPie's --default-scheme) that scheme for every URL typed without one, and the query's bytes as
// typed (but for spaces) when rawQuery (hop curl, as curl sends them).
func parseURL(raw string, asIs bool, scheme string, rawQuery bool) (*url.URL, error) {
	// A URL that cannot be used is echoed in the error, its password hidden.
	bad := func(format string, a ...any) error { return usageErrorf(redact.URL(raw), format, a...) }
	// Spaces around a pasted URL are not part of it (WHATWG's URL parser drops them, as xh does).
	raw = strings.Trim(raw, " ")
	if raw == "" {
		return nil, bad("empty URL")
	}
	if strings.IndexFunc(raw, isControl) >= 0 {
		return nil, bad("URL contains a tab, a line break or another control character")
	}
	// "://example.com" is a URL pasted after a command that ends in a scheme's name ("hop get" + "://x"
	// after deleting "http"): HTTPie reads it as the URL without a scheme, and so does hop.
	s := TwoSlashes(strings.TrimPrefix(raw, "://"))
	if !hasScheme(s) {
		switch {
		case strings.HasPrefix(s, ":"):
			// ":8080/x" and ":/x" are localhost shorthands, as in HTTPie. What follows the colon is a port and
			// nothing else: ":8080@example.com/x" must not reach example.com.
			rest := s[1:]
			end := strings.IndexAny(rest, "/?#")
			if end < 0 {
				end = len(rest)
			}
			port, tail := rest[:end], rest[end:]
			if strings.Trim(port, "0123456789") != "" {
				return nil, bad("after the leading ':' comes a port and a path (:8080/x), not %q", port)
			}
			s = cmpOr(scheme, "http") + "://localhost"
			if port != "" {
				s += ":" + port
			}
			if !strings.HasPrefix(tail, "/") {
				tail = "/" + tail
			}
			s += tail
		case scheme != "":
			s = scheme + "://" + s
		case isLoopbackAuthority(s):
			s = "http://" + s
		default:
			s = "https://" + s
		}
	}
	u, err := url.Parse(s)
	if errors.As(err, new(url.EscapeError)) {
		// A '%' that begins no escape (/100%.jpg): sent as %25, as HTTPie sends it, and as a Location gets.
		s = EscapeStrayPercents(s)
		u, err = url.Parse(s)
	}
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if bracketed := bracketIPv6(s); bracketed != "" {
			return nil, bad("malformed URL: %v (an IPv6 address goes in brackets: %s)", err, bracketed)
		}
		return nil, bad("malformed URL: %v", err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, bad("unsupported scheme %q (hop speaks http and https)", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, bad("URL has no host")
	}
	if p := u.Port(); p != "" {
		if n, err := parsePort(p); err != nil || n == 0 {
			return nil, bad("invalid port %q", p)
		}
	}
	NormalizeHost(u)
	if u.Path == "" {
		u.Path = "/"
	}
	KeepTypedPath(u, s)
	// A space in the path or query is sent as %20, as HTTPie, xh and browsers send it (Go escapes the
	// path's; the query it keeps raw, and a raw space would end the request line's target). So is the rest
	// of what HTTPie and xh percent-encode in a query: UTF-8 (q=ä is q=%C3%A4), '"', '<' and '>'.
	if rawQuery {
		u.RawQuery = strings.ReplaceAll(u.RawQuery, " ", "%20")
	} else {
		u.RawQuery = EscapeQuery(u.RawQuery)
	}
	if p := u.EscapedPath(); strings.Contains(p, ".") && !asIs {
		// /a/../b/./c is /b/c, as curl and HTTPie send it.
		clean := removeDotSegments(p)
		if unescaped, err := url.PathUnescape(clean); err == nil {
			u.Path, u.RawPath = unescaped, clean
		}
	}
	return u, nil
}

// KeepTypedPath makes u, parsed from the URL or reference s, send its path as typed in s, but for the bytes
// a URL cannot carry raw, percent-encoded as HTTPie and browsers encode them (a space, UTF-8, '"', '<',
// '>', '\\', '^', '`', '{', '|', '}'). Go keeps a typed path only when it holds none of those; with one,
// it writes the whole path its own way, escaping '!', an apostrophe, '(', ')' and '*' too and unescaping
// what was typed escaped (%2F too), so /a(1)^ went as /a%281%29%5E.
func KeepTypedPath(u *url.URL, s string) {
	typed := s
	if end := strings.IndexAny(typed, "?#"); end >= 0 {
		typed = typed[:end]
	}
	if u.Scheme != "" {
		_, typed, _ = strings.Cut(typed, ":")
	}
	if rest, ok := strings.CutPrefix(typed, "//"); ok { // an authority, up to the path
		start := strings.IndexByte(rest, '/')
		if start < 0 {
			return
		}
		typed = rest[start:]
	}
	if typed == "" {
		return
	}
	escaped := EscapeUncarried(typed)
	if p, err := url.PathUnescape(escaped); err == nil && p == u.Path {
		u.RawPath = escaped
	}
}

// EscapeUncarried percent-encodes the bytes of a path that a URL cannot carry raw (a space or another
// control byte, UTF-8, '"', '<', '>', '\\', '^', '`', '{', '|', '}'), as HTTPie and browsers encode them,
// and leaves the rest as it is.
func EscapeUncarried(path string) string {
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		if c := path[i]; c <= ' ' || c >= 0x7f || strings.IndexByte("\"<>\\^`{|}", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// bracketIPv6 is the authority of s written as it should be when it holds an IPv6 address without the
// brackets a URL needs ("::1:8080" → "[::1]:8080", the last group taken for the port when the rest is an
// address), or "" when it holds none.
func bracketIPv6(s string) string {
	_, rest, _ := strings.Cut(s, "://")
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		rest = rest[:end]
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	if strings.ContainsAny(rest, "[]") || strings.Count(rest, ":") < 2 {
		return ""
	}
	if i := strings.LastIndexByte(rest, ':'); strings.Trim(rest[i+1:], "0123456789") == "" && i+1 < len(rest) {
		if ip := net.ParseIP(rest[:i]); ip != nil && ip.To4() == nil {
			return "[" + rest[:i] + "]:" + rest[i+1:]
		}
	}
	if ip := net.ParseIP(rest); ip != nil && ip.To4() == nil {
		return "[" + rest + "]"
	}
	return ""
}

// hasScheme reports whether s starts with a scheme and "://" (RFC 3986: a letter, then letters, digits,
// "+", "-" or "."). A "://" later on, in a query (":8080/cb?next=http://x"), is not a scheme.
// TwoSlashes gives "http:/example.com" and "http:///example.com", typed with a slash too few or too many,
// the two of http://example.com, as curl does (it takes one to three after http: and https:) and browsers
// do: no one means the host "http" of HTTPie's shorthand (host:port/path) there.
func TwoSlashes(s string) string {
	for _, scheme := range []string{"http:", "https:"} {
		if len(s) < len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) {
			continue
		}
		rest := s[len(scheme):]
		if n := len(rest) - len(strings.TrimLeft(rest, "/")); n == 1 || n == 3 {
			return s[:len(scheme)] + "//" + rest[n:]
		}
	}
	return s
}

func hasScheme(s string) bool {
	i := strings.Index(s, "://")
	if i <= 0 {
		return false
	}
	for j, c := range s[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// removeDotSegments removes "." and ".." segments from an absolute path (RFC 3986, section 5.2.4).
func removeDotSegments(in string) string {
	var out []string // segments, each with its leading "/"
	for in != "" {
		switch {
		case strings.HasPrefix(in, "../"):
			in = in[3:]
		case strings.HasPrefix(in, "./"):
			in = in[2:]
		case strings.HasPrefix(in, "/./"):
			in = in[2:]
		case in == "/.":
			in = "/"
		case strings.HasPrefix(in, "/../"):
			in = in[3:]
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case in == "/..":
			in = "/"
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case in == "." || in == "..":
			in = ""
		default:
			end := strings.IndexByte(in[1:], '/')
			if end < 0 {
				out, in = append(out, in), ""
			} else {
				out, in = append(out, in[:end+1]), in[end+1:]
			}
		}
	}
	return strings.Join(out, "")
}

func parsePort(p string) (int, error) {
	n := 0
	for _, c := range p {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("not a number")
		}
		n = n*10 + int(c-'0')
		if n > 65535 {
			return 0, fmt.Errorf("out of range")
		}
	}
	return n, nil
}

// isLoopbackAuthority reports whether a scheme-less URL starts with localhost or a loopback address, which
// hop reaches over plain http by default.
func isLoopbackAuthority(s string) bool {
	host := s
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if ip, ok := NumericIPv4(host); ok {
		host = ip
	}
	if LocalhostName(host) {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// LocalhostName reports whether host is localhost or a name under .localhost (any case): names RFC 6761
// keeps for loopback, which curl and browsers resolve to 127.0.0.1 and ::1 without asking DNS.
func LocalhostName(host string) bool {
	return strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost")
}

// NormalizeHost writes u's host as the dotted IPv4 address it stands for when it is one in another form
// (NumericIPv4), so that the address connected to, the Host field and the origin that credentials, cookies
// and HSTS are kept for all say 127.0.0.1, as curl's do.
func NormalizeHost(u *url.URL) {
	ip, ok := NumericIPv4(u.Hostname())
	if !ok || ip == u.Hostname() {
		return
	}
	if p := u.Port(); p != "" {
		ip += ":" + p
	}
	u.Host = ip
}

// NumericIPv4 is host as a dotted-decimal IPv4 address when it is one written as curl and browsers (WHATWG's
// URL standard) read them: one to four parts, each decimal, octal (a leading 0) or hex (0x), the last one
// filling the bytes left, so that 127.1, 0x7f.1 and 2130706433 are all 127.0.0.1. ok is false for
// anything else: a name, to be resolved.
func NumericIPv4(host string) (ip string, ok bool) {
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return "", false
	}
	last := len(parts) - 1
	var addr uint64
	for i, p := range parts {
		n, ok := ipv4Part(p)
		switch {
		case !ok || i < last && n > 255 || i == last && n >= 1<<(8*(4-last)):
			return "", false
		case i < last:
			addr |= n << (8 * (3 - i))
		default:
			addr |= n
		}
	}
	return fmt.Sprintf("%d.%d.%d.%d", addr>>24, addr>>16&255, addr>>8&255, addr&255), true
}

// ipv4Part reads one part of a numeric IPv4 address: hex after 0x, octal after a leading 0, else decimal.
func ipv4Part(p string) (uint64, bool) {
	base, digits := 10, p
	switch {
	case len(p) > 1 && (p[:2] == "0x" || p[:2] == "0X"):
		base, digits = 16, p[2:]
	case len(p) > 1 && p[0] == '0':
		base, digits = 8, p[1:]
	}
	if digits == "" || strings.IndexFunc(digits, func(r rune) bool { return !isHexDigit(r) }) >= 0 {
		return 0, false // ParseUint would also take "_" and a sign
	}
	n, err := strconv.ParseUint(digits, base, 64)
	return n, err == nil
}

func isHexDigit(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F'
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// Origin is the scheme, host and port of a URL, with the default port filled in. Credentials stay within
// one origin.
func Origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch u.Scheme {
		case "https":
			port = "443"
		default:
			port = "80"
		}
	}
	return u.Scheme + "://" + strings.ToLower(net.JoinHostPort(u.Hostname(), port))
}

// EscapeQuery percent-encodes the bytes of a query that a request line cannot carry: controls, space, '"',
// '<', '>' and every byte above ASCII (UTF-8, encoded byte by byte).
func EscapeQuery(q string) string {
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// EscapeStrayPercents writes each '%' of a URL's path and fragment that two hex digits do not follow as
// %25. The query is left as it is: Go keeps it raw, and EscapeQuery makes it fit a request line.
func EscapeStrayPercents(loc string) string {
	var b strings.Builder
	inQuery, inFragment := false, false
	for i := 0; i < len(loc); i++ {
		c := loc[i]
		switch {
		case c == '?' && !inFragment:
			inQuery = true
		case c == '#':
			inQuery, inFragment = false, true
		case !inQuery && strayPercent(loc, i):
			b.WriteString("%25")
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// StrayPercentInPath reports whether the path of a URL as typed holds a '%' that two hex digits do not
// follow (the query and fragment are not looked at).
func StrayPercentInPath(raw string) bool {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		rest = raw
	}
	i := strings.IndexAny(rest, "/?#")
	if i < 0 || rest[i] != '/' {
		return false
	}
	path := rest[i:]
	if end := strings.IndexAny(path, "?#"); end >= 0 {
		path = path[:end]
	}
	for i := range len(path) {
		if strayPercent(path, i) {
			return true
		}
	}
	return false
}

// strayPercent reports whether s[i] is a '%' that two hex digits do not follow.
func strayPercent(s string, i int) bool {
	return s[i] == '%' && (i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]))
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
