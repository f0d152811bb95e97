// Package redact hides credentials in what hop echoes back to the user. A URL that does not parse is still
// echoed in the error that says so, and the password in its userinfo must not reach a terminal or a CI log.
package redact

import "strings"

// URL returns raw with the password of its userinfo replaced by "xxxxx", as url.URL's Redacted does, whether
// or not raw parses as a URL: "http://ann:secret@[bad" → "http://ann:xxxxx@[bad".
func URL(raw string) string {
	scheme, rest := "", raw
	if i := strings.Index(raw, "://"); i >= 0 {
		scheme, rest = raw[:i+3], raw[i+3:]
	} else if strings.HasPrefix(raw, "//") {
		scheme, rest = "//", raw[2:] // a scheme-relative reference (a Location may be one)
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndexByte(rest[:end], '@')
	if at < 0 {
		return raw
	}
	user := rest[:at]
	if c := strings.IndexByte(user, ':'); c >= 0 {
		user = user[:c+1] + "xxxxx"
	}
	return scheme + user + rest[at:]
}
