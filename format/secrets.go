package format

import (
	"net/http"
	"strings"

	"github.com/hop-cli/hop/redact"
)

// Secrets says how credentials are shown. The zero value masks them, so that forgetting to pass it can
// only hide a secret, never show one; Show (--show-secrets) prints them as they are.
type Secrets struct {
	Show bool
}

// mask stands for a credential's value wherever one is hidden.
const mask = "****"

// Header returns h with credentials masked: Authorization and Proxy-Authorization keep their scheme (and,
// for a long token, its last four characters, enough to tell two tokens apart: "Bearer ****3456"), Cookie
// keeps its names, Set-Cookie its name and attributes, a Location or Content-Location its URL but the
// password of its userinfo (hop sends a Location's credentials on: they are credentials), and a header
// named as an API key or a token (redact.KeyHeader: X-Api-Key, X-Auth-Token) a long value's last four.
func (s Secrets) Header(h http.Header) http.Header {
	if s.Show || h == nil {
		return h
	}
	out := h
	cloned := false
	set := func(name string, i int, v string) {
		if !cloned {
			out, cloned = h.Clone(), true
		}
		out[name][i] = v
	}
	for _, name := range []string{"Authorization", "Proxy-Authorization"} {
		for i, v := range h[name] {
			set(name, i, maskCredential(v))
		}
	}
	for i, v := range h["Cookie"] {
		var parts []string
		for _, c := range strings.Split(v, ";") {
			name, _, _ := strings.Cut(strings.TrimSpace(c), "=")
			parts = append(parts, name+"="+mask)
		}
		set("Cookie", i, strings.Join(parts, "; "))
	}
	for i, v := range h["Set-Cookie"] {
		set("Set-Cookie", i, MaskSetCookie(v))
	}
	for _, name := range []string{"Location", "Content-Location"} {
		for i, v := range h[name] {
			if r := redact.URL(v); r != v {
				set(name, i, r)
			}
		}
	}
	for name, vs := range h {
		if redact.KeyHeader(name) {
			for i, v := range vs {
				set(name, i, maskToken(strings.TrimSpace(v)))
			}
		}
	}
	return out
}

// Field returns the value of one header field as Header would show it: name in any case.
func (s Secrets) Field(name, v string) string {
	if s.Show {
		return v
	}
	k := http.CanonicalHeaderKey(name)
	return s.Header(http.Header{k: {v}})[k][0]
}

// maskCredential masks an Authorization value. Basic and Digest hide all of it: the end of a Basic
// credential is the end of the password.
func maskCredential(v string) string {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok {
		return mask
	}
	switch strings.ToLower(scheme) {
	case "basic", "digest":
		return scheme + " " + mask
	}
	return scheme + " " + maskToken(strings.TrimSpace(cred))
}

// maskToken masks a token: a long one (16 characters or more) keeps its last four, enough to tell two
// apart ("****3456").
func maskToken(v string) string {
	if len(v) >= 16 {
		return mask + v[len(v)-4:]
	}
	return mask
}

// MaskSetCookie masks a Set-Cookie value: "sid=****; Path=/; HttpOnly".
func MaskSetCookie(v string) string {
	pair, attrs, hasAttrs := strings.Cut(v, ";")
	name, _, _ := strings.Cut(pair, "=")
	out := strings.TrimSpace(name) + "=" + mask
	if hasAttrs {
		out += ";" + attrs
	}
	return out
}

// URL returns u with the password of its userinfo replaced as url.URL.Redacted does ("xxxxx"), as the
// errors of request, exchange and transport word it: redact's rule, for a string that parses or not.
func (s Secrets) URL(u string) string {
	if s.Show {
		return u
	}
	return redact.URL(u)
}
