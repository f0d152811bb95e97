package session

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPathFor(t *testing.T) {
	dir := "/cfg"
	u, _ := url.Parse("https://API.example.com:8443/x")
	for arg, want := range map[string]string{
		"work":       "/cfg/api.example.com_8443/work.json",
		"v1.2":       "/cfg/api.example.com_8443/v1.2.json",
		"./s.json":   "./s.json",
		"/abs/s":     "/abs/s",
		"other.json": "other.json",
	} {
		if got, err := PathFor(arg, u, dir); err != nil || got != want {
			t.Errorf("PathFor(%q) = %q, %v; want %q", arg, got, err, want)
		}
	}
	for _, bad := range []string{"", ".hidden", "a b", "..", "x:y"} {
		if got, err := PathFor(bad, u, dir); err == nil {
			t.Errorf("PathFor(%q) = %q; want an error", bad, got)
		}
	}
	v6, _ := url.Parse("http://[::1]:8080/")
	if got, _ := PathFor("s", v6, dir); strings.ContainsAny(strings.TrimPrefix(got, dir), ":[]") {
		t.Errorf("an IPv6 host made the directory %q", got)
	}
}

// A session saved and opened again holds the same headers, credentials and cookies; Remember keeps only
// the headers that describe the client, not one request.
func TestSessionRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "s.json")
	s, err := Open(path, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	s.Remember(http.Header{"X-Team": {"red"}, "Content-Type": {"application/json"}, "If-None-Match": {"x"}, "Cookie": {"a=1"}})
	s.Auth = Auth{Bearer: "@env:TOKEN"}
	u, _ := url.Parse("https://example.com/")
	s.Jar.SetCookies(u, []*http.Cookie{{Name: "sid", Value: "1", HttpOnly: true}, {Name: "t", Value: "2", MaxAge: 60}})
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	back, err := Open(path, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Headers) != 1 || back.Headers.Get("X-Team") != "red" || back.Auth != s.Auth {
		t.Errorf("read back headers %v, auth %+v", back.Headers, back.Auth)
	}
	if got := sent(back.Jar, t, "https://example.com/"); got != "sid=1; t=2" {
		t.Errorf("read back cookies %q", got)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %o", fi.Mode().Perm())
	}
}

func TestOpenDamaged(t *testing.T) {
	dir := t.TempDir()
	for text, want := range map[string]string{
		"{\n\"hop_session\": 1,\n\"headers\": [}\n":                              "line 3",
		`{"hop_session": 2}`:                                                     "session format 2",
		`{"hop_session": 1, "surprise": true}`:                                   "unknown field",
		`{"hop_session": 1, "cookies": [{"name": "a"}]}`:                         "needs a name and a domain",
		`{"hop_session": 1, "auth": {"basic": "u:p", "type": "ntlm"}}`:           `auth type "ntlm": hop's sessions keep basic, digest or any`,
		"{\"hop_session\": 1, \"headers\": {\"X-A\": [\"a\\r\\nInjected: 1\"]}}": "header X-A: its value holds a character",
		`{"hop_session": 1, "headers": {"Bad Name": ["x"]}}`:                     `header "Bad Name": not a valid header name`,
		"{\"hop_session\": 1, \"cookies\": [{\"name\": \"c\", \"value\": \"v\\r\\nX: 1\", \"domain\": \"x.example\", \"path\": \"/\"}]}": `cookie "c": a control character`,
		`{"__meta__": {"about": "HTTPie session file"}, "headers": [{"name": "X-B", "value": "a\u0000b"}], "cookies": []}`:               "header X-B",
	} {
		p := filepath.Join(dir, "s.json")
		os.WriteFile(p, []byte(text), 0o600)
		if _, err := Open(p, "example.com"); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%q: error %v; want %q naming the file", text, err, want)
		}
	}
}

// A Cookie header typed is kept as cookies of the host typed, for every path, when the session is saved;
// a pair that is no cookie is left out.
func TestKeepCookies(t *testing.T) {
	s, _ := Open(filepath.Join(t.TempDir(), "s.json"), "api.example.com")
	u, _ := url.Parse("https://API.example.com/v1/x")
	s.KeepCookies(u, []string{"a=1; b=two words; =nameless; c", "d=4"})
	if got := sent(s.Jar, t, "https://api.example.com/other"); got != "a=1; b=two words; d=4" {
		t.Errorf("sent %q, want a=1; b=two words; d=4", got)
	}
	if got := sent(s.Jar, t, "https://www.example.com/"); got != "" {
		t.Errorf("sent to another host: %q", got)
	}
	// Kept before the answer: its Set-Cookie of a name typed (a new value, a deletion) wins, and is saved.
	s.Jar.SetCookieLines(u, []string{"a=2; Path=/", "d=; Path=/; Max-Age=0"})
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	back, err := Open(s.Path, "api.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if got := sent(back.Jar, t, "https://api.example.com/"); got != "b=two words; a=2" && got != "a=2; b=two words" {
		t.Errorf("saved after the answer: %q, want a=2 and b", got)
	}
}
