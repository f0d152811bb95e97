package session

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/textproto"
	"slices"
	"strings"
	"time"
)

// HTTPie's session files (3.x) are read as they are, so that a session made with HTTPie goes on with hop:
// its headers, its cookies and its basic or bearer credentials. One is written back in HTTPie's layout
// (3.2's: lists of headers and cookies), so that HTTPie can go on reading it too; what only hop keeps
// (a cookie's HttpOnly, an @env: reference for credentials) stays out of it.

// httpieFile is an HTTPie session file, in the order HTTPie writes its keys (sorted).
type httpieFile struct {
	Meta    json.RawMessage `json:"__meta__,omitempty"`
	Auth    httpieAuth      `json:"auth"`
	Cookies json.RawMessage `json:"cookies"`
	Headers json.RawMessage `json:"headers"`
}

type httpieAuth struct {
	RawAuth  *string `json:"raw_auth,omitempty"`
	Type     *string `json:"type"`
	Username *string `json:"username,omitempty"` // HTTPie before 2.5's layout
	Password *string `json:"password,omitempty"`
}

type httpieCookie struct {
	Domain  *string  `json:"domain"`
	Expires *float64 `json:"expires"`
	Name    string   `json:"name"`
	Path    string   `json:"path"`
	Secure  bool     `json:"secure"`
	Value   string   `json:"value"`
}

type httpieHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// isHTTPie reports whether a session file's JSON is HTTPie's: an object with HTTPie's "__meta__", or
// without hop's "hop_session" but with HTTPie's keys.
func isHTTPie(data []byte) bool {
	var keys map[string]json.RawMessage
	if json.Unmarshal(data, &keys) != nil {
		return false
	}
	if _, hop := keys["hop_session"]; hop {
		return false
	}
	if meta, ok := keys["__meta__"]; ok {
		return bytes.Contains(meta, []byte("HTTPie"))
	}
	_, cookies := keys["cookies"]
	_, headers := keys["headers"]
	return cookies && headers
}

// openHTTPie reads an HTTPie session file into s. host is the host the session is for: HTTPie binds a
// cookie kept without a domain (one typed in a Cookie header) to no host; hop binds it to this one.
func openHTTPie(s *Session, data []byte, host string) error {
	var f httpieFile
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("not an HTTPie session file: %v", err)
	}
	s.httpie = &f
	if err := readHTTPieHeaders(s, f.Headers); err != nil {
		return err
	}
	if err := readHTTPieCookies(s, f.Cookies, host); err != nil {
		return err
	}
	return readHTTPieAuth(s, f.Auth)
}

func readHTTPieHeaders(s *Session, raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var list []httpieHeader
	if err := json.Unmarshal(raw, &list); err != nil {
		var old map[string]string // HTTPie before 3.2: one object
		if json.Unmarshal(raw, &old) != nil {
			return fmt.Errorf("its headers: %v", err)
		}
		for name, v := range old {
			list = append(list, httpieHeader{name, v})
		}
	}
	for _, h := range list {
		name := textproto.CanonicalMIMEHeaderKey(h.Name)
		if name == "" || notKept(name) || name == "User-Agent" && strings.HasPrefix(h.Value, "HTTPie/") {
			continue
		}
		s.Headers[name] = append(s.Headers[name], h.Value)
	}
	return nil
}

func readHTTPieCookies(s *Session, raw json.RawMessage, host string) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var list []httpieCookie
	if err := json.Unmarshal(raw, &list); err != nil {
		var old map[string]httpieCookie // HTTPie before 3.1: an object by name
		if json.Unmarshal(raw, &old) != nil {
			return fmt.Errorf("its cookies: %v", err)
		}
		for name, c := range old {
			c.Name = name
			list = append(list, c)
		}
	}
	for _, c := range list {
		if c.Name == "" {
			return errors.New("a cookie without a name")
		}
		jc := Cookie{Name: c.Name, Value: c.Value, Path: c.Path, Secure: c.Secure}
		domain := ""
		if c.Domain != nil {
			domain = strings.ToLower(*c.Domain)
		}
		switch {
		case domain == "":
			jc.Domain, jc.HostOnly = strings.ToLower(host), true
		case strings.HasPrefix(domain, "."):
			jc.Domain = strings.TrimPrefix(domain, ".") // set with a Domain attribute: its subdomains too
		case dotless(host) != "" && domain == dotless(host)+".local":
			jc.Domain, jc.HostOnly = strings.ToLower(host), true // Python's name for a host without a dot
		default:
			jc.Domain, jc.HostOnly = domain, true
		}
		if jc.Domain == "" {
			continue
		}
		if !strings.HasPrefix(jc.Path, "/") {
			jc.Path = "/"
		}
		if c.Expires != nil && *c.Expires > 0 {
			jc.Expires = time.Unix(int64(min(*c.Expires, 1<<40)), 0)
		}
		s.Jar.Add(jc)
	}
	return nil
}

// dotless is host when it is a name without a dot (localhost), the kind of host Python's cookie jar, and so
// HTTPie's sessions, keep cookies for under the name host.local (RFC 2965's effective host name); "" for
// any other host. IP addresses are left out: an IPv6 one, which has no dot either, is rarely a cookie's.
func dotless(host string) string {
	if host == "" || strings.ContainsAny(host, ".:[") {
		return ""
	}
	return strings.ToLower(host)
}

func readHTTPieAuth(s *Session, a httpieAuth) error {
	if a.Type == nil || *a.Type == "" {
		return nil
	}
	raw := ""
	switch {
	case a.RawAuth != nil:
		raw = *a.RawAuth
	case a.Username != nil:
		raw = *a.Username
		if a.Password != nil {
			raw += ":" + *a.Password
		}
	}
	if strings.HasPrefix(raw, "@") {
		raw = "@" + raw // a literal value: hop reads a leading @ as a file or @env: reference
	}
	switch *a.Type {
	case "basic":
		s.Auth.Basic = raw
	case "digest":
		s.Auth.Basic, s.Auth.Type = raw, "digest"
	case "bearer":
		s.Auth.Bearer = raw
	default:
		return fmt.Errorf("its %s credentials: hop's sessions keep basic, digest and bearer ones", *a.Type)
	}
	return nil
}

// httpieData is s as an HTTPie session file: the metadata and the credentials it was read with (unless
// hop's are literal values of their own), its headers and its cookies in 3.2's layout.
func (s *Session) httpieData() ([]byte, error) {
	f := *s.httpie
	literal := func(v string) (string, bool) {
		if rest, ok := strings.CutPrefix(v, "@@"); ok {
			return "@" + rest, true
		}
		return v, !strings.HasPrefix(v, "@") // an @env: or @FILE reference is not written out
	}
	str := func(v string) *string { return &v }
	if v, ok := literal(s.Auth.Basic); s.Auth.Basic != "" && ok && s.Auth.Type != "any" { // HTTPie has no "any"
		f.Auth = httpieAuth{Type: str(cmp.Or(s.Auth.Type, "basic")), RawAuth: str(v)}
	} else if v, ok := literal(s.Auth.Bearer); s.Auth.Bearer != "" && ok {
		f.Auth = httpieAuth{Type: str("bearer"), RawAuth: str(v)}
	}
	headers := []httpieHeader{}
	for _, name := range slices.Sorted(maps.Keys(s.Headers)) {
		for _, v := range s.Headers[name] {
			headers = append(headers, httpieHeader{name, v})
		}
	}
	cookies := []httpieCookie{}
	for _, c := range s.Jar.All() {
		hc := httpieCookie{Name: c.Name, Value: c.Value, Path: c.Path, Secure: c.Secure, Domain: str(c.Domain)}
		switch {
		case !c.HostOnly:
			hc.Domain = str("." + c.Domain)
		case dotless(c.Domain) != "":
			hc.Domain = str(c.Domain + ".local")
		}
		if !c.Expires.IsZero() {
			e := float64(c.Expires.Unix())
			hc.Expires = &e
		}
		cookies = append(cookies, hc)
	}
	var err error
	if f.Headers, err = json.Marshal(headers); err != nil {
		return nil, err
	}
	if f.Cookies, err = json.Marshal(cookies); err != nil {
		return nil, err
	}
	return json.MarshalIndent(f, "", "    ")
}
