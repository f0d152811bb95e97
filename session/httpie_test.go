package session

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// httpie321 is a session file as HTTPie 3.2.1 wrote it: a cookie typed in a Cookie header (no domain), one
// set by the host, one set for the domain and its subdomains, a header, basic credentials.
const httpie321 = `{
    "__meta__": {
        "about": "HTTPie session file",
        "help": "https://httpie.io/docs#sessions",
        "httpie": "3.2.1"
    },
    "auth": {
        "raw_auth": "ann:pw",
        "type": "basic"
    },
    "cookies": [
        {
            "domain": "",
            "expires": null,
            "name": "typed",
            "path": "/",
            "secure": false,
            "value": "1"
        },
        {
            "domain": "api.example.com",
            "expires": 4102444800,
            "name": "sid",
            "path": "/v1",
            "secure": true,
            "value": "abc"
        },
        {
            "domain": ".example.com",
            "expires": null,
            "name": "wide",
            "path": "/",
            "secure": false,
            "value": "w"
        }
    ],
    "headers": [
        {
            "name": "X-Team",
            "value": "blue"
        },
        {
            "name": "User-Agent",
            "value": "HTTPie/3.2.1"
        }
    ]
}
`

func TestOpenHTTPieSession(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.json")
	os.WriteFile(path, []byte(httpie321), 0o600)
	s, err := Open(path, "api.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if s.Headers.Get("X-Team") != "blue" || s.Headers.Get("User-Agent") != "" || s.Auth.Basic != "ann:pw" {
		t.Errorf("headers %v, auth %+v", s.Headers, s.Auth)
	}
	for u, want := range map[string]string{
		"https://api.example.com/v1/x": "sid=abc; typed=1; wide=w",
		"http://api.example.com/v1/x":  "typed=1; wide=w", // sid is Secure
		"https://www.example.com/":     "wide=w",          // typed is bound to the session's host
	} {
		if got := sent(s.Jar, t, u); got != want {
			t.Errorf("%s: cookies %q, want %q", u, got, want)
		}
	}

	// Written back in HTTPie's layout, its metadata kept; read again, the same session.
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for _, want := range []string{"{\n    \"__meta__\": {\n        \"about\": \"HTTPie session file\",", `"raw_auth": "ann:pw"`,
		"\"domain\": \".example.com\",\n            \"expires\": null,", `"expires": 4102444800,`, `"domain": "api.example.com"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("written back without %q:\n%s", want, data)
		}
	}
	if strings.Contains(string(data), "hop_session") || strings.Contains(string(data), "http_only") {
		t.Errorf("hop's layout in an HTTPie file:\n%s", data)
	}
	var generic map[string]any
	if err := json.Unmarshal(data, &generic); err != nil || len(generic["cookies"].([]any)) != 3 {
		t.Errorf("written back: %v, %v", generic, err)
	}
	back, err := Open(path, "api.example.com")
	if err != nil || sent(back.Jar, t, "https://api.example.com/v1/") != "sid=abc; typed=1; wide=w" || back.Auth != s.Auth {
		t.Errorf("read back: %v, %+v", err, back)
	}
}

// Older layouts (headers as an object before 3.2, cookies as one before 3.1, username and password before
// raw_auth), bearer tokens, a literal leading @, and what hop cannot keep.
func TestOpenHTTPieLayouts(t *testing.T) {
	dir := t.TempDir()
	for text, check := range map[string]func(*Session) bool{
		`{"headers": {"X-A": "1"}, "cookies": {"c": {"value": "2", "path": "/"}}, "auth": {"type": "basic", "username": "u", "password": "p"}}`: func(s *Session) bool {
			return s.Headers.Get("X-A") == "1" && s.Auth.Basic == "u:p" && sent(s.Jar, t, "http://h.example/") == "c=2"
		},
		`{"__meta__": {"about": "HTTPie session file"}, "headers": [], "cookies": [], "auth": {"type": "bearer", "raw_auth": "@tok"}}`: func(s *Session) bool {
			return s.Auth.Bearer == "@@tok" // a literal: not the file "tok"
		},
		`{"__meta__": {"about": "HTTPie session file"}, "headers": [], "cookies": [], "auth": {"type": null, "raw_auth": null}}`: func(s *Session) bool {
			return s.Auth == Auth{}
		},
	} {
		p := filepath.Join(dir, "s.json")
		os.WriteFile(p, []byte(text), 0o600)
		s, err := Open(p, "h.example")
		if err != nil || !check(s) {
			t.Errorf("%s: %v, %+v", text, err, s)
		}
	}
	// Digest credentials are kept as digest ones, and written back so; a type hop has no word for is
	// refused, naming the file.
	p := filepath.Join(dir, "d.json")
	os.WriteFile(p, []byte(`{"__meta__": {"about": "HTTPie session file"}, "headers": [], "cookies": [], "auth": {"type": "digest", "raw_auth": "u:p"}}`), 0o600)
	s, err := Open(p, "h.example")
	if err != nil || s.Auth != (Auth{Basic: "u:p", Type: "digest"}) {
		t.Fatalf("digest: %v, %+v", err, s)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(p); !strings.Contains(string(data), `"type": "digest"`) || !strings.Contains(string(data), `"raw_auth": "u:p"`) {
		t.Errorf("digest written back as:\n%s", data)
	}
	os.WriteFile(p, []byte(`{"__meta__": {"about": "HTTPie session file"}, "headers": [], "cookies": [], "auth": {"type": "ntlm", "raw_auth": "u:p"}}`), 0o600)
	if _, err := Open(p, "h.example"); err == nil || !strings.Contains(err.Error(), "ntlm credentials") || !strings.Contains(err.Error(), p) {
		t.Errorf("ntlm: %v", err)
	}
}

// A credential kept as an @env: reference is not written into an HTTPie file, which would send it as it
// is: the file keeps the credentials it had; a literal one replaces them.
func TestHTTPieAuthWrittenBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.json")
	os.WriteFile(path, []byte(httpie321), 0o600)
	s, _ := Open(path, "api.example.com")
	s.Auth = Auth{Bearer: "@env:TOKEN"}
	s.Save()
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), `"raw_auth": "ann:pw"`) || strings.Contains(string(data), "TOKEN") {
		t.Errorf("a reference written:\n%s", data)
	}
	s.Auth = Auth{Bearer: "@@lit"}
	s.Save()
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), `"raw_auth": "@lit"`) || !strings.Contains(string(data), `"type": "bearer"`) {
		t.Errorf("a literal not written:\n%s", data)
	}
}

// HTTPie (Python's cookie jar) keeps a cookie of a host without a dot, localhost, under the domain
// localhost.local: hop reads it as that host's when the session is used for it, and writes such a host's
// cookies back so, for HTTPie to send them there; a real .local host keeps its name.
func TestHTTPieDotlessHosts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.json")
	os.WriteFile(path, []byte(`{"__meta__": {"about": "HTTPie session file"}, "headers": [], "auth": {"type": null},
		"cookies": [{"domain": "localhost.local", "expires": null, "name": "sid", "path": "/", "secure": false, "value": "1"},
			{"domain": "", "expires": null, "name": "typed", "path": "/", "secure": false, "value": "2"},
			{"domain": "printer.local", "expires": null, "name": "p", "path": "/", "secure": false, "value": "3"}]}`), 0o600)
	s, err := Open(path, "localhost")
	if err != nil {
		t.Fatal(err)
	}
	for u, want := range map[string]string{
		"http://localhost:8080/x":     "sid=1; typed=2",
		"http://printer.local/":       "p=3",
		"http://localhost.local:80/x": "",
	} {
		if got := sent(s.Jar, t, u); got != want {
			t.Errorf("%s: cookies %q, want %q", u, got, want)
		}
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	var f struct{ Cookies []httpieCookie }
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	domains := map[string]string{}
	for _, c := range f.Cookies {
		domains[c.Name] = *c.Domain
	}
	if want := map[string]string{"sid": "localhost.local", "typed": "localhost.local", "p": "printer.local"}; !maps.Equal(domains, want) {
		t.Errorf("written back with the domains %v, want %v\n%s", domains, want, data)
	}
	// Opened for another host, localhost.local is a name like any.
	s, err = Open(path, "127.0.0.1")
	if err != nil || sent(s.Jar, t, "http://localhost.local/") != "sid=1; typed=2" || sent(s.Jar, t, "http://localhost/") != "" {
		t.Errorf("for 127.0.0.1: %v, %q", err, sent(s.Jar, t, "http://localhost.local/"))
	}
}
