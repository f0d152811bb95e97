package session

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
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
// control character (a tab would break the Netscape file), is ignored.
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
		switch key {
		case "expires":
			if t, ok := cookieDate(v); ok {
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

// cookieDate reads an Expires attribute in the forms servers write: HTTP's three, and the dashed and
// two-digit-year variants of Netscape's original cookies.
func cookieDate(s string) (time.Time, bool) {
	if t, err := http.ParseTime(s); err == nil {
		return t, true
	}
	for _, layout := range []string{"Mon, 02-Jan-2006 15:04:05 MST", "Mon, 02-Jan-06 15:04:05 MST", "Mon, 02 Jan 06 15:04:05 MST",
		"Mon, 2 Jan 2006 15:04:05 MST", time.RFC1123Z, "Monday, 02 Jan 2006 15:04:05 MST"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
