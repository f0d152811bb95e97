package session

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hop-cli/hop/download"
)

// SetCookieLines stores the cookies of a response's Set-Cookie lines, read as RFC 6265 (5.2) tells a user
// agent to read them, as browsers and curl do, rather than by net/http's stricter grammar, which drops a
// cookie whose value holds JSON, a backslash, a quote or UTF-8, or whose name holds a space: a session that
// works in a browser and in curl must work in hop.
func (j *Jar) SetCookieLines(u *url.URL, lines []string) {
	var cookies []*http.Cookie
	for _, l := range lines {
		if c, ok := parseSetCookie(l); ok {
			cookies = append(cookies, c)
		}
	}
	j.SetCookies(u, cookies)
}

// parseSetCookie reads one Set-Cookie value by RFC 6265's algorithm (5.2): the name and value before the
// first ";" (trimmed, the value as it is, quotes included), then the attributes hop's jar uses; an
// attribute it cannot read is left out, as the RFC says, and a cookie without "=" or a name, or with a
// control character in its name, value, Path or Domain (a tab would break the Netscape file), is ignored.
func parseSetCookie(line string) (*http.Cookie, bool) {
	pair, attrs, _ := strings.Cut(line, ";")
	name, value, ok := strings.Cut(pair, "=")
	name, value = strings.Trim(name, " \t"), strings.Trim(value, " \t")
	if !ok || name == "" || hasControl(name) || hasControl(value) {
		return nil, false
	}
	c := &http.Cookie{Name: name, Value: value}
	for attrs != "" {
		var a string
		a, attrs, _ = strings.Cut(attrs, ";")
		key, v, _ := strings.Cut(a, "=")
		key, v = strings.ToLower(strings.Trim(key, " \t")), strings.Trim(v, " \t")
		if (key == "path" || key == "domain") && hasControl(v) {
			return nil, false // a tab inside would break the Netscape file, as in the name or value (curl drops it too)
		}
		switch key {
		case "expires":
			if t, ok := download.ParseDate(v); ok { // curl reads it with the parser -z uses
				c.Expires = t
			}
		case "max-age":
			n, err := strconv.Atoi(v)
			if err != nil || v == "" || v[0] == '+' {
				continue
			}
			if n <= 0 {
				c.MaxAge = -1 // now: net/http's word for "delete"
			} else {
				c.MaxAge = n
			}
		case "domain":
			c.Domain = v
		case "path":
			c.Path = v // one not starting with "/" becomes the default path in SetCookies
		case "secure":
			c.Secure = true
		case "httponly":
			c.HttpOnly = true
		}
	}
	return c, true
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0
}
