package session

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/hop-cli/hop/argfile"
)

// Session is what --session keeps between runs for one host: the headers and credentials given on the
// command line, and the cookies.
type Session struct {
	Path    string
	New     bool // no file was there: HTTPie's --session-read-only makes one on its first run
	Headers http.Header
	Auth    Auth
	Jar     *Jar
	httpie  *httpieFile // read from an HTTPie session file, written back as one; nil for hop's own
}

// KeepCookies keeps the cookies of a Cookie header typed for u, as HTTPie's sessions keep them: each
// name=value pair becomes a cookie of u's host (not of any host, as HTTPie has it) for every path,
// replacing one of that name there; a pair that is no cookie is left out. They join the jar before the
// request is sent, so that the answer's Set-Cookie of the same name (a new value, a deletion) wins; this
// run sends them once all the same, as typed (the exchange leaves out the jar's of a name typed).
func (s *Session) KeepCookies(u *url.URL, lines []string) {
	host, ok := canonicalHost(u)
	if !ok {
		return
	}
	for _, line := range lines {
		for _, pair := range strings.Split(line, ";") {
			c, err := http.ParseCookie(strings.TrimSpace(pair))
			if err != nil || len(c) != 1 || len(c[0].Name)+len(c[0].Value) > maxCookieBytes {
				continue
			}
			s.Jar.Add(Cookie{Name: c[0].Name, Value: c[0].Value, Domain: host, HostOnly: true, Path: "/"})
		}
	}
}

// Auth is a session's credentials as -a and --bearer take them: "@env:VAR" and "@FILE" references stay
// references, so the secret they point at is not copied into the file. Type is how Basic's user and
// password go, as --auth-type says: "digest" or "any" answer the server's challenge; empty, at once.
type Auth struct {
	Basic  string `json:"basic,omitempty"`
	Bearer string `json:"bearer,omitempty"`
	Type   string `json:"type,omitempty"`
}

// fileVersion is the session file's format.
const fileVersion = 1

// maxSessionFile bounds a session file read.
const maxSessionFile = 16 << 20

// sessionFile is the JSON a session is stored as.
type sessionFile struct {
	Version int                 `json:"hop_session"`
	Headers map[string][]string `json:"headers"`
	Auth    Auth                `json:"auth"`
	Cookies []fileCookie        `json:"cookies"`
}

type fileCookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Domain   string `json:"domain"`
	HostOnly bool   `json:"host_only"`
	Path     string `json:"path"`
	Secure   bool   `json:"secure"`
	HTTPOnly bool   `json:"http_only"`
	Expires  int64  `json:"expires"` // Unix seconds; 0 for a session cookie
	Created  int64  `json:"created"` // Unix nanoseconds, to keep the order cookies are sent in
}

// validName reports whether a session name is letters, digits, "_", "-" and ".", not starting with ".".
func validName(name string) bool {
	if name == "" || name[0] == '.' {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// PathFor is where the session named by arg lives: arg itself when it is a path (it holds a "/" or ends in
// ".json"), else dir/HOST/NAME.json, HOST being u's host and port with ":" made "_", as HTTPie does. A name
// is letters, digits, "_", "-" and ".", not starting with "."; anything else is refused rather than
// allowed to climb out of dir.
func PathFor(arg string, u *url.URL, dir string) (string, error) {
	if strings.ContainsRune(arg, '/') || strings.ContainsRune(arg, filepath.Separator) || strings.HasSuffix(arg, ".json") {
		return arg, nil
	}
	if !validName(arg) {
		return "", fmt.Errorf("--session %q: a name is letters, digits, _ - and . (or give a file: a path with a /, or a name ending in .json)", arg)
	}
	host := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '_'
	}, strings.ToLower(u.Host))
	if host == "" || strings.Trim(host, ".") == "" {
		return "", fmt.Errorf("--session %q: the URL has no host to keep it under", arg)
	}
	return filepath.Join(dir, host, arg+".json"), nil
}

// Open reads the session at path, for host (the URL's host name); a missing file is a new, empty session.
// An HTTPie session file is read too, and written back as one (see openHTTPie). A file that cannot be read
// or parsed is a *FileError, and the file is left as it is.
func Open(path, host string) (*Session, error) {
	s := &Session{Path: path, Headers: http.Header{}, Jar: NewJar()}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		s.New = true
		return s, nil
	}
	data, err := argfile.Read(path, maxSessionFile)
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	if isHTTPie(data) {
		if err := openHTTPie(s, data, host); err != nil {
			return nil, &FileError{Path: path, Err: fmt.Errorf("an HTTPie session: %w", err)}
		}
		if err := s.sendable(); err != nil {
			return nil, &FileError{Path: path, Err: err}
		}
		s.Jar.changed = false
		return s, nil
	}
	var f sessionFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, &FileError{Path: path, Line: jsonLine(data, err), Err: fmt.Errorf("not a hop session file: %v", err)}
	}
	if f.Version != fileVersion {
		return nil, &FileError{Path: path, Err: fmt.Errorf("session format %d, this hop reads %d", f.Version, fileVersion)}
	}
	for name, vs := range f.Headers {
		s.Headers[textproto.CanonicalMIMEHeaderKey(name)] = vs
	}
	switch strings.ToLower(f.Auth.Type) {
	case "", "basic", "digest", "any": // what hop writes, and basic, which --auth-type also takes
	default:
		return nil, &FileError{Path: path, Err: fmt.Errorf("auth type %q: hop's sessions keep basic, digest or any", f.Auth.Type)}
	}
	s.Auth = f.Auth
	for _, c := range f.Cookies {
		if c.Name == "" || c.Domain == "" {
			return nil, &FileError{Path: path, Err: errors.New("a cookie needs a name and a domain")}
		}
		jc := Cookie{Name: c.Name, Value: c.Value, Domain: c.Domain, HostOnly: c.HostOnly, Path: c.Path, Secure: c.Secure,
			HTTPOnly: c.HTTPOnly, Created: time.Unix(0, c.Created)}
		if c.Expires > 0 {
			jc.Expires = time.Unix(min(c.Expires, 1<<40), 0)
		}
		s.Jar.Add(jc)
	}
	if err := s.sendable(); err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	s.Jar.changed = false
	return s, nil
}

// sendable refuses what a session holds that no request can carry (a damaged or forged file): a header
// name or value HTTP does not allow, a cookie with a control character or a name holding "=" or ";".
// The error names the header or cookie, never a value, which may be a secret.
func (s *Session) sendable() error {
	for name, vs := range s.Headers {
		if !httpguts.ValidHeaderFieldName(name) {
			return fmt.Errorf("header %q: not a valid header name", name)
		}
		for _, v := range vs {
			if !httpguts.ValidHeaderFieldValue(v) {
				return fmt.Errorf("header %s: its value holds a character a header cannot carry", name)
			}
		}
	}
	for _, c := range s.Jar.All() {
		if hasControl(c.Name) || strings.ContainsAny(c.Name, "=;") || hasControl(c.Value) || strings.Contains(c.Value, ";") {
			return fmt.Errorf("cookie %q: a control character, or a ; or = where a cookie cannot have one", c.Name)
		}
	}
	return nil
}

// MoveTo makes the session one of hop's own, kept at path from now on: an HTTPie session a named hop
// session starts from is read where HTTPie keeps it and saved where hop does, in hop's layout.
func (s *Session) MoveTo(path string) {
	s.Path, s.httpie = path, nil
}

// jsonLine is the line a JSON decoding error points at, 0 when it does not say.
func jsonLine(data []byte, err error) int {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var off int64
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	default:
		return 0
	}
	return bytes.Count(data[:min(int(off), len(data))], []byte("\n")) + 1
}

// notKept are headers a session does not keep: they describe one request's body or condition, or are kept
// elsewhere (cookies in the jar).
func notKept(name string) bool {
	switch {
	case strings.HasPrefix(name, "Content-"), strings.HasPrefix(name, "If-"):
		return true
	}
	switch name {
	case "Cookie", "Host", "Transfer-Encoding", "Expect", "Range":
		return true
	}
	return false
}

// Remember keeps the headers given on this run's command line, replacing the session's of the same name.
func (s *Session) Remember(given http.Header) {
	for name, vs := range given {
		if !notKept(name) {
			s.Headers[name] = append([]string(nil), vs...)
		}
	}
}

// Save writes the session, replacing its file atomically with mode 0600; the directories it needs are
// created 0700.
func (s *Session) Save() error {
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o700); err != nil {
		return fmt.Errorf("writing session %s: %w", s.Path, err)
	}
	if s.httpie != nil {
		data, err := s.httpieData()
		if err != nil {
			return err
		}
		return argfile.WriteFile(s.Path, append(data, '\n'))
	}
	f := sessionFile{Version: fileVersion, Headers: map[string][]string{}, Auth: s.Auth, Cookies: []fileCookie{}}
	for name, vs := range s.Headers {
		f.Headers[name] = vs
	}
	for _, c := range s.Jar.All() {
		fc := fileCookie{Name: c.Name, Value: c.Value, Domain: c.Domain, HostOnly: c.HostOnly, Path: c.Path,
			Secure: c.Secure, HTTPOnly: c.HTTPOnly, Created: c.Created.UnixNano()}
		if !c.Expires.IsZero() {
			fc.Expires = c.Expires.Unix()
		}
		f.Cookies = append(f.Cookies, fc)
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return argfile.WriteFile(s.Path, append(data, '\n'))
}
