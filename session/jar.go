package session

import (
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/publicsuffix"
)

// Cookie is one stored cookie, with the attributes that scope it (RFC 6265, 5.3).
type Cookie struct {
	Name, Value string
	Domain      string    // lower case, no leading dot
	HostOnly    bool      // sent to Domain exactly, not to its subdomains
	Path        string    // starts with "/"
	Secure      bool      // sent over https only
	HTTPOnly    bool      // kept for the file: hop is not a browser, scripts do not read cookies
	Expires     time.Time // zero for a session cookie
	Created     time.Time // orders cookies of equal path length
}

// expired reports whether c is past its expiry at now.
func (c *Cookie) expired(now time.Time) bool { return !c.Expires.IsZero() && !c.Expires.After(now) }

// Limits a jar keeps to, so that a hostile server cannot make it grow without bound.
const (
	maxCookieBytes     = 4096 // name plus value
	maxCookiesPerHost  = 180
	maxCookies         = 3000
	maxPublicSuffixLen = 253
)

// Jar is a cookie jar for hop's own redirect loop: the exchange asks it for the cookies of each hop's URL
// and gives it each response's Set-Cookie headers. It implements http.CookieJar.
type Jar struct {
	mu      sync.Mutex
	saving  sync.Mutex // SaveJar's: one file written at a time, so the last written holds the newest state
	cookies []*Cookie
	now     func() time.Time
	changed bool
	// headerCookies are Set-Cookie values a cookie file held as HTTP headers, waiting for Place.
	headerCookies []string
}

// NewJar returns an empty jar.
func NewJar() *Jar { return &Jar{now: time.Now} }

// Changed reports whether a response changed the jar since it was made or loaded.
func (j *Jar) Changed() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.changed
}

// All returns the cookies that have not expired, in the order they were stored.
func (j *Jar) All() []Cookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now()
	var out []Cookie
	for _, c := range j.cookies {
		if !c.expired(now) {
			out = append(out, *c)
		}
	}
	return out
}

// Add stores c as read from a file: replacing the cookie it names (see same). An expired one
// is dropped.
func (j *Jar) Add(c Cookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if c.Created.IsZero() {
		c.Created = j.now()
	}
	if c.expired(j.now()) {
		return
	}
	j.store(&c)
}

// Place stores the cookies a cookie file held as Set-Cookie headers as if u's origin had set them (for its
// whole site, Path=/, when they name no path), under SetCookies' rules: curl reads such files (a -D dump)
// and sends their cookies without a domain to any host; hop scopes them to the host the command is for.
// Without u they are dropped.
func (j *Jar) Place(u *url.URL) {
	j.mu.Lock()
	pending, changed := j.headerCookies, j.changed
	j.headerCookies = nil
	j.mu.Unlock()
	if len(pending) == 0 || u == nil {
		return
	}
	site := *u
	site.Path, site.RawPath = "/", ""
	j.SetCookieLines(&site, pending)
	j.mu.Lock()
	j.changed = changed // read from a file, as the others: nothing a response changed
	j.mu.Unlock()
}

// DropSessionCookies removes the cookies that have no expiry (curl's -j, --junk-session-cookies): a jar
// read from a file then starts a new browser session, as if the browser had been closed.
func (j *Jar) DropSessionCookies() {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := len(j.cookies)
	j.cookies = slices.DeleteFunc(j.cookies, func(c *Cookie) bool { return c.Expires.IsZero() })
	j.changed = j.changed || len(j.cookies) != n
}

// same reports whether a and b are one cookie: of one name, domain, host-only flag and path (RFC 6265bis,
// 5.7). A host-only cookie and a Domain cookie of one name and path are two, as browsers and curl keep them.
func same(a, b *Cookie) bool {
	return a.Name == b.Name && a.Domain == b.Domain && a.HostOnly == b.HostOnly && a.Path == b.Path
}

// store puts c in the jar, replacing the cookie it matches (keeping that one's creation time).
func (j *Jar) store(c *Cookie) {
	for i, old := range j.cookies {
		if same(old, c) {
			c.Created = old.Created
			j.cookies[i] = c
			return
		}
	}
	n := 0
	for _, old := range j.cookies {
		if old.Domain == c.Domain {
			n++
		}
	}
	if n >= maxCookiesPerHost || len(j.cookies) >= maxCookies {
		return
	}
	j.cookies = append(j.cookies, c)
}

// remove deletes the cookie c names (see same).
func (j *Jar) remove(c *Cookie) {
	j.cookies = slices.DeleteFunc(j.cookies, func(old *Cookie) bool { return same(old, c) })
}

// SetCookies stores the cookies a response to u set, under RFC 6265's rules: a Domain attribute must match
// u's host and must not be a public suffix (Domain=com is refused); a cookie without one is host-only; a
// missing Path is the default path of u; Max-Age wins over Expires; a cookie expiring now deletes the one
// it names; a Secure cookie from plain http is refused (but for a loopback host: secureOrigin), as browsers
// and curl do, and so is one whose name claims a prefix it does not live up to (prefixKept), and one from
// plain http that would overlay a Secure cookie (shadowsSecure). The cookies are as SetCookieLines reads
// them: a quoted value with its quotes (RFC 6265, 4.1.1).
func (j *Jar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	if len(cookies) == 0 {
		return
	}
	host, ok := canonicalHost(u)
	if !ok {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now()
	secure := secureOrigin(u, host)
	for _, hc := range cookies {
		if len(hc.Name)+len(hc.Value) > maxCookieBytes || hc.Name == "" {
			continue
		}
		if hc.Secure && !secure || !prefixKept(hc) {
			continue
		}
		c := &Cookie{Name: hc.Name, Value: hc.Value, Secure: hc.Secure, HTTPOnly: hc.HttpOnly, Created: now}
		if !c.setDomain(host, hc.Domain) {
			continue
		}
		c.Path = hc.Path
		if c.Path == "" || c.Path[0] != '/' {
			c.Path = defaultPath(u.EscapedPath())
		}
		switch {
		case hc.MaxAge < 0:
			c.Expires = now
		case hc.MaxAge > 0:
			c.Expires = now.Add(time.Duration(hc.MaxAge) * time.Second)
		case !hc.Expires.IsZero():
			c.Expires = hc.Expires
		}
		if !secure && j.shadowsSecure(c, now) {
			continue
		}
		j.changed = true
		if c.expired(now) {
			j.remove(c)
			continue
		}
		j.store(c)
	}
}

// shadowsSecure reports whether c, set without Secure from plain http, would overlay a Secure cookie of the
// jar's: one of its name whose domain and c's domain-match either way and whose path c's path-matches
// (RFC 6265bis, 5.7, "Strict Secure Cookies", as browsers and curl keep them). Such a cookie is ignored, so
// that an answer a network attacker forges over http can neither replace nor delete, nor stand in front
// of, what the https origin set.
func (j *Jar) shadowsSecure(c *Cookie, now time.Time) bool {
	for _, old := range j.cookies {
		if old.Secure && old.Name == c.Name && !old.expired(now) &&
			(domainMatches(old.Domain, c.Domain) || domainMatches(c.Domain, old.Domain)) && pathMatch(c.Path, old.Path) {
			return true
		}
	}
	return false
}

// prefixKept applies the cookie name prefixes (RFC 6265bis, 4.1.3), in any case as browsers and curl
// match them: a __Secure- cookie must be Secure, and a __Host- cookie Secure, without a Domain and for
// Path=/. So a cookie that plain http or a sibling subdomain set cannot pass for one the host's https
// origin set.
func prefixKept(hc *http.Cookie) bool {
	hasPrefix := func(p string) bool { return len(hc.Name) >= len(p) && strings.EqualFold(hc.Name[:len(p)], p) }
	switch {
	case hasPrefix("__Secure-"):
		return hc.Secure
	case hasPrefix("__Host-"):
		return hc.Secure && hc.Domain == "" && hc.Path == "/"
	}
	return true
}

// setDomain scopes c by its Domain attribute, given for host.
func (c *Cookie) setDomain(host, attr string) bool {
	attr = strings.ToLower(strings.TrimPrefix(attr, "."))
	if attr == "" {
		c.Domain, c.HostOnly = host, true
		return true
	}
	if net.ParseIP(host) != nil {
		// An IP address has no subdomains: Domain must be the address itself, and the cookie is host-only.
		c.Domain, c.HostOnly = host, true
		return attr == host
	}
	if len(attr) <= maxPublicSuffixLen {
		if ps, _ := publicsuffix.PublicSuffix(attr); ps == attr {
			// A public suffix (com, co.uk, github.io) may only name the host itself.
			c.Domain, c.HostOnly = host, true
			return attr == host
		}
	}
	if host != attr && !strings.HasSuffix(host, "."+attr) {
		return false
	}
	c.Domain, c.HostOnly = attr, false
	return true
}

// Cookies returns the cookies to send to u, longer paths first, then older first (RFC 6265, 5.4).
func (j *Jar) Cookies(u *url.URL) []*http.Cookie {
	host, ok := canonicalHost(u)
	if !ok {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now()
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	secure := secureOrigin(u, host)
	var match []*Cookie
	for _, c := range j.cookies {
		if c.expired(now) || c.Secure && !secure || !c.domainMatch(host) || !pathMatch(path, c.Path) {
			continue
		}
		match = append(match, c)
	}
	slices.SortStableFunc(match, func(a, b *Cookie) int {
		if len(a.Path) != len(b.Path) {
			return len(b.Path) - len(a.Path)
		}
		return a.Created.Compare(b.Created)
	})
	out := make([]*http.Cookie, len(match))
	for i, c := range match {
		out[i] = &http.Cookie{Name: c.Name, Value: c.Value}
	}
	return out
}

func (c *Cookie) domainMatch(host string) bool {
	if c.HostOnly {
		return host == c.Domain
	}
	return domainMatches(host, c.Domain)
}

// domainMatches is RFC 6265's domain-match (5.1.3): s is domain, or a host name under it.
func domainMatches(s, domain string) bool {
	return s == domain || strings.HasSuffix(s, "."+domain) && net.ParseIP(s) == nil
}

// pathMatch is RFC 6265's path-match: /a matches /a, /a/ and /a/b, not /ab.
func pathMatch(reqPath, cookiePath string) bool {
	if reqPath == cookiePath {
		return true
	}
	if !strings.HasPrefix(reqPath, cookiePath) {
		return false
	}
	return strings.HasSuffix(cookiePath, "/") || reqPath[len(cookiePath)] == '/'
}

// defaultPath is the directory of a request path (RFC 6265, 5.1.4).
func defaultPath(p string) string {
	if p == "" || p[0] != '/' {
		return "/"
	}
	i := strings.LastIndex(p, "/")
	if i == 0 {
		return "/"
	}
	return p[:i]
}

// secureOrigin reports whether Secure cookies may be set by and sent to u, whose canonical host is host:
// over https, or to a loopback host over plain http (localhost, a name under .localhost, 127.0.0.0/8, ::1),
// which browsers and curl count as secure since its traffic never leaves the machine. So a development
// server's Secure session cookie works over http://localhost as it does in a browser.
func secureOrigin(u *url.URL, host string) bool {
	if u.Scheme == "https" || host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// canonicalHost is u's host in lower case, without port or trailing dot; false for a URL that cannot carry
// cookies.
func canonicalHost(u *url.URL) (string, bool) {
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	return host, host != ""
}
