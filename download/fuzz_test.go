package download

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// Whatever a server names a file, the name is a safe base name, or empty.
func FuzzName(f *testing.F) {
	for _, s := range []string{`attachment; filename="../../x"`, `attachment; filename*=UTF-8''%2e%2e%2fx`, `inline`, `attachment; filename="\x1b"`} {
		f.Add(s, "https://x/a/b.txt", "text/plain")
	}
	f.Fuzz(func(t *testing.T, cd, rawURL, ctype string) {
		u, _ := url.Parse(rawURL)
		name := Name(cd, u, ctype)
		if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\") || strings.HasPrefix(name, ".") ||
			len(name) > maxNameBytes || !utf8.ValidString(name) {
			t.Fatalf("Name(%q, %q, %q) = %q", cd, rawURL, ctype, name)
		}
		for _, r := range name {
			if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f {
				t.Fatalf("Name(%q) = %q holds a control", cd, name)
			}
		}
		// curl -O's name, from the URL alone: a base name in ASCII, without controls, or nothing.
		if u == nil {
			return
		}
		if n := URLName(u); n == "." || n == ".." || strings.ContainsAny(n, "/\\") || strings.IndexFunc(n, func(r rune) bool { return r < 0x21 || r >= 0x7f }) >= 0 {
			t.Fatalf("URLName(%q) = %q", rawURL, n)
		}
	})
}

// Whatever -z is given, ParseDate answers without panicking, and a date it reads prints as HTTP's.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"1 Dec 2021", "06 Nov 1994 08:49:37 +0100", "1-Dec-21", "Sun, 06 Nov 1994 08:49:37 GMT", "::", "-", "1:2:3:4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, ok := ParseDate(s); ok && d.UTC().Format(http.TimeFormat) == "" {
			t.Fatalf("ParseDate(%q) = %v", s, d)
		}
	})
}
