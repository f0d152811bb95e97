package session

import (
	"errors"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A cookie file of any content is read or refused with a *FileError naming a line; never a panic.
func FuzzNetscape(f *testing.F) {
	f.Add([]byte("# Netscape HTTP Cookie File\n.example.com\tTRUE\t/\tFALSE\t0\ta\tb\n#HttpOnly_x\tFALSE\t/\tTRUE\t99\tc\t\n"))
	f.Add([]byte("a\tb\tc\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		j := NewJar()
		if err := j.readNetscape(data); err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("readNetscape: %v (%T)", err, err)
			}
		}
		for _, c := range j.All() {
			if c.Name == "" || c.Domain == "" {
				t.Fatalf("a cookie without a name or domain: %+v", c)
			}
		}
	})
}

// An HSTS cache of any content is read without a panic, and what hop writes of it reads back the same.
func FuzzHSTS(f *testing.F) {
	f.Add([]byte("# Your HSTS cache.\n.example.com \"20991203 09:00:00\"\nexact.test \"unlimited\"\n"))
	f.Add([]byte("a b\n\"\" \"\"\n. \"unlimited\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		h := &HSTS{hosts: map[string]hstsEntry{}, now: time.Now}
		h.read(data)
		h.changed = true
		path := filepath.Join(t.TempDir(), "hsts.txt")
		if err := h.Save(path); err != nil {
			t.Fatal(err)
		}
		back, err := LoadHSTS(path)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(h.hosts, back.hosts) {
			t.Fatalf("read back %v, wrote %v", back.hosts, h.hosts)
		}
	})
}

// A Strict-Transport-Security value of any content is read or refused, never a panic, never a negative
// or unbounded age.
func FuzzSTS(f *testing.F) {
	for _, v := range []string{"max-age=31536000; includeSubDomains", `max-age="0"`, "max-age=1;max-age=2", ";;", "includeSubDomains", "max-age=99999999999999999999"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		age, _, ok := parseSTS(v)
		if ok && (age < 0 || age > time.Duration(1<<31)*time.Second) {
			t.Fatalf("parseSTS(%q): age %v", v, age)
		}
	})
}

// Whatever a server sends in Set-Cookie, the jar keeps only cookies it can write back: no control
// character (a tab would break the Netscape file), a name, and it never panics.
func FuzzSetCookie(f *testing.F) {
	for _, s := range []string{`a=1; Path=/; Max-Age=5`, `j={"a":1}`, `=x`, `x`, `a=b; Expires=Wed, 21-Oct-2037 07:28:00 GMT`, "a=\tb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		j := NewJar()
		j.SetCookieLines(&url.URL{Scheme: "https", Host: "example.com", Path: "/"}, []string{line})
		for _, c := range j.All() {
			if c.Name == "" || hasControl(c.Name) || hasControl(c.Value) || strings.ContainsAny(c.Name+c.Value, ";") {
				t.Fatalf("%q kept %+v", line, c)
			}
		}
	})
}

// A session file of any content, hop's or HTTPie's, is opened or refused with a *FileError; one opened is
// saved in its own layout and opens again with the same cookies.
func FuzzOpenSession(f *testing.F) {
	f.Add([]byte(httpie321))
	f.Add([]byte(`{"hop_session": 1, "headers": {"X": ["1"]}, "auth": {"basic": "a:b"}, "cookies": [{"name": "a", "value": "1", "domain": "x.example", "host_only": true, "path": "/"}]}`))
	f.Add([]byte(`{"headers": {"X": "1"}, "cookies": {"c": {"value": "2", "domain": ".x.example"}}, "auth": {"type": "basic", "username": "u"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "s.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := Open(path, "x.example")
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Open: %v (%T)", err, err)
			}
			return
		}
		if err := s.Save(); err != nil {
			t.Fatalf("Save: %v", err)
		}
		back, err := Open(path, "x.example")
		if err != nil {
			t.Fatalf("what was saved does not open: %v", err)
		}
		if got, want := len(back.Jar.All()), len(s.Jar.All()); got != want {
			t.Fatalf("%d cookies read back, %d saved", got, want)
		}
	})
}
