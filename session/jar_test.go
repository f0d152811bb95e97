package session

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// sent is the Cookie header j makes for u.
func sent(j *Jar, t *testing.T, u string) string {
	var parts []string
	for _, c := range j.Cookies(mustURL(t, u)) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

// The scoping rules of RFC 6265, each as a response setting a cookie and the URLs it is then sent to.
func TestJarScoping(t *testing.T) {
	for _, tt := range []struct {
		name   string
		from   string
		cookie http.Cookie
		sentTo []string
		notTo  []string
	}{
		{"host-only", "https://www.example.com/", http.Cookie{Name: "a", Value: "1"},
			[]string{"https://www.example.com/x"}, []string{"https://sub.www.example.com/", "https://example.com/"}},
		{"domain", "https://www.example.com/", http.Cookie{Name: "a", Value: "1", Domain: ".example.com"},
			[]string{"https://example.com/", "https://a.b.example.com/"}, []string{"https://notexample.com/"}},
		{"another domain is refused", "https://www.example.com/", http.Cookie{Name: "a", Value: "1", Domain: "evil.com"},
			nil, []string{"https://evil.com/", "https://www.example.com/"}},
		{"a public suffix is refused", "https://www.example.co.uk/", http.Cookie{Name: "a", Value: "1", Domain: "co.uk"},
			nil, []string{"https://other.co.uk/", "https://www.example.co.uk/"}},
		{"path", "https://example.com/", http.Cookie{Name: "a", Value: "1", Path: "/api"},
			[]string{"https://example.com/api", "https://example.com/api/v1"}, []string{"https://example.com/apix", "https://example.com/"}},
		{"default path", "https://example.com/docs/page", http.Cookie{Name: "a", Value: "1"},
			[]string{"https://example.com/docs/other"}, []string{"https://example.com/"}},
		{"secure", "https://example.com/", http.Cookie{Name: "a", Value: "1", Secure: true},
			[]string{"https://example.com/"}, []string{"http://example.com/"}},
		{"secure from http is refused", "http://example.com/", http.Cookie{Name: "a", Value: "1", Secure: true},
			nil, []string{"https://example.com/"}},
		// A loopback host is a secure origin for cookies, as in browsers and curl: a development server's
		// Secure cookie works over plain http.
		{"secure from http://localhost", "http://localhost:3000/", http.Cookie{Name: "a", Value: "1", Secure: true},
			[]string{"http://localhost:3000/", "https://localhost/"}, []string{"http://example.com/"}},
		{"secure from http://app.localhost", "http://app.localhost/", http.Cookie{Name: "a", Value: "1", Secure: true},
			[]string{"http://app.localhost/"}, nil},
		{"secure from http://127.0.0.1", "http://127.0.0.1:8080/", http.Cookie{Name: "a", Value: "1", Secure: true},
			[]string{"http://127.0.0.1:9090/"}, nil},
		{"secure from http://[::1]", "http://[::1]:8080/", http.Cookie{Name: "a", Value: "1", Secure: true},
			[]string{"http://[::1]/"}, nil},
		{"secure from http://localhost.example.com is refused", "http://localhost.example.com/", http.Cookie{Name: "a", Value: "1", Secure: true},
			nil, []string{"https://localhost.example.com/"}},
		{"IP host", "http://127.0.0.1:8080/", http.Cookie{Name: "a", Value: "1"},
			[]string{"http://127.0.0.1:9090/"}, nil}, // cookies do not care about ports
	} {
		t.Run(tt.name, func(t *testing.T) {
			j := NewJar()
			c := tt.cookie
			j.SetCookies(mustURL(t, tt.from), []*http.Cookie{&c})
			for _, u := range tt.sentTo {
				if got := sent(j, t, u); got != "a=1" {
					t.Errorf("to %s: %q, want a=1", u, got)
				}
			}
			for _, u := range tt.notTo {
				if got := sent(j, t, u); got != "" {
					t.Errorf("to %s: %q, want nothing", u, got)
				}
			}
		})
	}
}

// Cookie name prefixes (RFC 6265bis, 4.1.3), in any case, as browsers and curl 7.88 enforce them: a
// __Secure- cookie must be Secure; a __Host- one Secure, without Domain and for Path=/.
func TestJarPrefixes(t *testing.T) {
	for _, tt := range []struct {
		setCookie string
		kept      bool
	}{
		{"__Secure-a=1; Secure", true},
		{"__Secure-a=1", false},
		{"__secure-a=1", false},
		{"__SECURE-a=1; Secure; Domain=example.com", true},
		{"__Host-a=1; Secure; Path=/", true},
		{"__Host-a=1; Secure", false},
		{"__Host-a=1; Secure; Path=/x", false},
		{"__Host-a=1; Path=/", false},
		{"__Host-a=1; Secure; Path=/; Domain=example.com", false},
		{"__host-a=1; Secure; Path=/; Domain=example.com", false},
		{"__Hostile=1", true},
	} {
		j := NewJar()
		j.SetCookieLines(mustURL(t, "https://example.com/"), []string{tt.setCookie})
		if got := len(j.All()) == 1; got != tt.kept { // stored at all, whatever path it is for
			t.Errorf("Set-Cookie: %s: kept %v, want %v", tt.setCookie, got, tt.kept)
		}
	}
}

// A cookie set without Secure over plain http leaves alone a Secure cookie of its name whose domain and its
// own match either way and whose path its own path-matches (RFC 6265bis, 5.7: "Strict Secure Cookies", as
// browsers and curl keep them): a network attacker's http answer can neither overwrite nor delete what the
// https origin set. An https answer may, and so may one for another name, an unrelated domain or a path the
// secure cookie does not cover.
func TestJarLeavesSecureCookiesAlone(t *testing.T) {
	for _, tt := range []struct {
		from, setCookie string
		want            string // sent to https://www.example.com/a/b afterwards
	}{
		{"http://www.example.com/", "s=evil", "s=1"},
		{"http://www.example.com/", "s=evil; Path=/a", "s=1"},
		{"http://www.example.com/", "s=; Max-Age=0", "s=1"},
		{"http://www.example.com/", "s=evil; Domain=example.com", "s=1"},
		{"http://a.www.example.com/", "s=evil; Domain=www.example.com; Path=/a", "s=1"},
		{"https://www.example.com/", "s=2", "s=2"},
		{"https://www.example.com/", "s=; Max-Age=0", ""},
		{"http://www.example.com/", "t=2", "s=1; t=2"},
		{"http://other.org/", "s=2", "s=1"},
	} {
		j := NewJar()
		j.SetCookieLines(mustURL(t, "https://www.example.com/"), []string{"s=1; Secure; Path=/"})
		j.SetCookieLines(mustURL(t, tt.from), []string{tt.setCookie})
		if got := sent(j, t, "https://www.example.com/a/b"); got != tt.want {
			t.Errorf("from %s, Set-Cookie: %s: then sent %q, want %q", tt.from, tt.setCookie, got, tt.want)
		}
	}
	// The path goes one way: a secure cookie for /a leaves a plain one for / or /ab be.
	j := NewJar()
	j.SetCookieLines(mustURL(t, "https://example.com/"), []string{"s=1; Secure; Path=/a"})
	j.SetCookieLines(mustURL(t, "http://example.com/"), []string{"s=2; Path=/", "s=3; Path=/ab", "s=4; Path=/a/b"})
	if got := sent(j, t, "https://example.com/ab"); got != "s=3; s=2" {
		t.Errorf("/ab: sent %q, want the plain cookies for /ab and /", got)
	}
	if got := sent(j, t, "https://example.com/a/b"); got != "s=1; s=2" {
		t.Errorf("/a/b: sent %q, want the secure one and the plain one for /", got)
	}
}

// A quoted value's quotes are part of it (RFC 6265, 4.1.1): sent and saved as received, as browsers and
// curl do, where Go's parser takes them off.
func TestJarQuotedValue(t *testing.T) {
	j := NewJar()
	j.SetCookieLines(mustURL(t, "https://example.com/"), []string{`a="q 1"`, `b=""`, `c=plain`})
	if got, want := sent(j, t, "https://example.com/"), `a="q 1"; b=""; c=plain`; got != want {
		t.Errorf("sent %q, want %q", got, want)
	}
	if file := j.netscape(); !strings.Contains(file, "\ta\t\"q 1\"\n") {
		t.Errorf("the file does not keep the quotes:\n%s", file)
	}
}

func TestJarExpiryAndOrder(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	j := NewJar()
	j.now = func() time.Time { return now }
	u := mustURL(t, "https://example.com/a/b")
	j.SetCookies(u, []*http.Cookie{
		{Name: "root", Value: "1", Path: "/"},
		{Name: "deep", Value: "2", Path: "/a/b"},
		{Name: "mid", Value: "3", Path: "/a"},
		{Name: "short", Value: "4", MaxAge: 60},
		{Name: "dated", Value: "5", Expires: now.Add(time.Hour)},
	})
	if got := sent(j, t, "https://example.com/a/b"); got != "deep=2; mid=3; short=4; dated=5; root=1" {
		t.Errorf("order: %q; want longer paths first, then older first", got)
	}
	now = now.Add(2 * time.Minute)
	if got := sent(j, t, "https://example.com/a/b"); strings.Contains(got, "short") {
		t.Errorf("a Max-Age=60 cookie still sent after 2 minutes: %q", got)
	}
	// (short and dated took the default path, /a.) Max-Age<0 (or a past Expires) deletes the cookie it names; a new value replaces the old.
	j.SetCookies(u, []*http.Cookie{{Name: "root", Value: "", Path: "/", MaxAge: -1}, {Name: "mid", Value: "new", Path: "/a"}})
	if got := sent(j, t, "https://example.com/a/b"); got != "deep=2; mid=new; dated=5" {
		t.Errorf("after delete and replace: %q", got)
	}
}

func TestJarLimits(t *testing.T) {
	j := NewJar()
	u := mustURL(t, "https://example.com/")
	j.SetCookies(u, []*http.Cookie{{Name: "big", Value: strings.Repeat("x", maxCookieBytes)}})
	for i := 0; i < 1000; i++ {
		j.SetCookies(u, []*http.Cookie{{Name: "c" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strings.Repeat("y", i/26), Value: "1"}})
	}
	if n := len(j.All()); n != maxCookiesPerHost {
		t.Errorf("%d cookies kept for one host; want the cap, %d", n, maxCookiesPerHost)
	}
	for _, c := range j.All() {
		if c.Name == "big" {
			t.Errorf("a cookie over %d bytes was kept", maxCookieBytes)
		}
	}
}

// A jar written and read back is the same jar: session cookies, HttpOnly, host-only and domain cookies,
// secure, expiry; the file is 0600 and curl's format.
// Set-Cookie lines read as RFC 6265 (5.2) and browsers and curl read them: values net/http's parser drops
// (JSON, UTF-8, a backslash or a quote inside, a space in the name) are kept and sent back as they came;
// an attribute that cannot be read is left out, not the cookie; no "=", no name, or a control character:
// no cookie.
func TestSetCookieLines(t *testing.T) {
	j := NewJar()
	j.SetCookieLines(mustURL(t, "https://example.com/a/b"), []string{
		`json={"a":1,"b":[2]}; Path=/`,
		`name=José; Path=/`,
		`back=a\b"c; Path=/`,
		`two words = v ; Path=/`,
		`odd=1; Max-Age=soon; Path=/; Expires=never`,
		`dashed=1; Expires=Wed, 21-Oct-2037 07:28:00 GMT; Path=/`,
		`bare=1; Expires=21 Oct 2037 07:28:00 GMT; Path=/`, // no weekday: curl's date parser reads it
		`gone=1; Max-Age=0; Path=/`,
		`novalue`,
		`=nameless`,
		"tab=a\tb; Path=/",
		"tabpath=1; Path=/a\tb", // a tab in the path broke the jar's file: the next -b was refused (exit 2)
		"tabdomain=1; Domain=exa\tmple.com; Path=/",
		`scoped=1`,
	})
	want := `json={"a":1,"b":[2]}; name=José; back=a\b"c; two words=v; odd=1; dashed=1; bare=1`
	if got := sent(j, t, "https://example.com/"); got != want {
		t.Errorf("sent\n %s\nwant\n %s", got, want)
	}
	if got := sent(j, t, "https://example.com/a/x"); !strings.HasPrefix(got, "scoped=1; ") { // longer path first
		t.Errorf("the default path /a: %q", got)
	}
	// One a session file brought in is left out of a Netscape file, which it would break.
	j.Add(Cookie{Name: "fromfile", Value: "1", Domain: "example.com", HostOnly: true, Path: "/a\tb"})
	if lines := strings.Split(j.netscape(), "\n"); slices.ContainsFunc(lines, func(l string) bool { return strings.Count(l, "\t") > 6 }) {
		t.Errorf("a line of more than seven fields written:\n%s", j.netscape())
	}
	for _, c := range j.All() {
		if strings.HasPrefix(c.Name, "tab") {
			t.Errorf("a cookie with a tab kept: %+v", c)
		}
		if (c.Name == "dashed" || c.Name == "bare") && c.Expires.Year() != 2037 {
			t.Errorf("%s's Expires: %v", c.Name, c.Expires)
		}
		if c.Name == "odd" && !c.Expires.IsZero() {
			t.Errorf("an unreadable Max-Age or Expires set an expiry: %v", c.Expires)
		}
	}
}

// A cookie file may hold HTTP headers, as curl reads it: a -D dump (its status line, other headers skipped),
// or Set-Cookie lines among Netscape ones. Those cookies are the command's host's, as if it had set them.
func TestHeaderCookieFile(t *testing.T) {
	dump := "HTTP/1.1 302 Found\r\nLocation: /home\r\nset-cookie: sid=abc; HttpOnly\r\nSet-Cookie: pref=dark; Path=/app\r\n" +
		"Set-Cookie: wide=1; Domain=example.com\r\nSet-Cookie: evil=1; Domain=other.com\r\n\r\n"
	j, err := ReadJar(strings.NewReader(dump), "dump")
	if err != nil {
		t.Fatal(err)
	}
	j.Place(mustURL(t, "https://www.example.com/login/form"))
	if got := sent(j, t, "https://www.example.com/"); got != "sid=abc; wide=1" {
		t.Errorf("to the host: %q, want sid and wide (pref is for /app)", got)
	}
	if got := sent(j, t, "https://api.example.com/"); got != "wide=1" {
		t.Errorf("to a sibling: %q, want wide alone", got)
	}
	if got := sent(j, t, "https://other.com/"); got != "" {
		t.Errorf("to other.com: %q, want nothing (its Domain does not match the host)", got)
	}
	if j.Changed() {
		t.Errorf("cookies read from a file count as changed")
	}

	mixed := "example.com\tFALSE\t/\tFALSE\t0\tnet\t1\nSet-Cookie: hdr=2\n"
	j, err = ReadJar(strings.NewReader(mixed), "mixed")
	if err != nil {
		t.Fatal(err)
	}
	j.Place(mustURL(t, "https://example.com/"))
	if got := sent(j, t, "https://example.com/"); got != "net=1; hdr=2" {
		t.Errorf("mixed file: %q", got)
	}
	// Without a dump's status line, a line that is neither is still an error; without a URL the header
	// cookies go nowhere.
	if _, err := ReadJar(strings.NewReader("Location: /x\n"), "bad"); err == nil {
		t.Errorf("a header line other than Set-Cookie, in a file that is no dump, was taken")
	}
	j, _ = ReadJar(strings.NewReader("Set-Cookie: a=1\n"), "nourl")
	j.Place(nil)
	if len(j.All()) != 0 {
		t.Errorf("Place(nil) kept %v", j.All())
	}
}

func TestNetscapeRoundTrip(t *testing.T) {
	j := NewJar()
	exp := time.Now().Add(24 * time.Hour).Truncate(time.Second)
	j.SetCookies(mustURL(t, "https://www.example.com/x"), []*http.Cookie{
		{Name: "sess", Value: "s1", HttpOnly: true, Path: "/"},
		{Name: "dom", Value: "d1", Domain: "example.com", Path: "/", Expires: exp, Secure: true},
		{Name: "empty", Value: "", Path: "/p"},
	})
	path := filepath.Join(t.TempDir(), "jar.txt")
	if err := SaveJar(path, j); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	want := "# Netscape HTTP Cookie File\n"
	if !strings.HasPrefix(string(data), want) {
		t.Errorf("file starts %q", data[:40])
	}
	for _, line := range []string{
		"#HttpOnly_www.example.com\tFALSE\t/\tFALSE\t0\tsess\ts1\n",
		".example.com\tTRUE\t/\tTRUE\t" + strconv.FormatInt(exp.Unix(), 10) + "\tdom\td1\n",
		"www.example.com\tFALSE\t/p\tFALSE\t0\tempty\t\n",
	} {
		if !strings.Contains(string(data), line) {
			t.Errorf("file lacks %q:\n%s", line, data)
		}
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %o, want 0600", fi.Mode().Perm())
	}
	back, err := LoadJar(path)
	if err != nil {
		t.Fatal(err)
	}
	a, b := j.All(), back.All()
	if len(a) != len(b) {
		t.Fatalf("%d cookies read back, want %d", len(b), len(a))
	}
	for i := range a {
		a[i].Created, b[i].Created = time.Time{}, time.Time{}
		if !a[i].Expires.Equal(b[i].Expires) {
			t.Errorf("cookie %s expiry %v, read back %v", a[i].Name, a[i].Expires, b[i].Expires)
		}
		a[i].Expires, b[i].Expires = time.Time{}, time.Time{}
		if a[i] != b[i] {
			t.Errorf("cookie %d: %+v, read back %+v", i, a[i], b[i])
		}
	}
}

// A path written with a trailing slash is read as curl reads it, without: curl writes the default path of
// a cookie set at /a/b/c as /a/b/ and sends the cookie to /a/b, so hop, reading curl's jar, must too.
func TestNetscapePathTrailingSlash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jar.txt")
	if err := os.WriteFile(path, []byte("example.com\tFALSE\t/a/b/\tFALSE\t0\ts\t1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	j, err := LoadJar(path)
	if err != nil {
		t.Fatal(err)
	}
	for u, want := range map[string]string{
		"http://example.com/a/b": "s=1", "http://example.com/a/b/c": "s=1", "http://example.com/a/bc": "", "http://example.com/a": "",
	} {
		if got := sent(j, t, u); got != want {
			t.Errorf("%s: sent %q, want %q", u, got, want)
		}
	}
}

// A damaged cookie file is an error naming the line; expired cookies are dropped on load; a missing file is
// os.ErrNotExist for the caller to judge.
func TestLoadJarErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o600)
		return p
	}
	for text, want := range map[string]string{
		"# ok\nexample.com\tFALSE\t/\tFALSE\t0\ta\n":     "",
		"example.com\tFALSE\t/\n":                        "line 1: 3 tab-separated fields",
		"# c\n\nexample.com\tMAYBE\t/\tFALSE\t0\ta\tb\n": "line 3: the subdomains and secure fields must be TRUE or FALSE",
		"example.com\tFALSE\t/\tFALSE\tsoon\ta\tb\n":     `line 1: expiry "soon" is not a Unix time`,
		"\x00\x01binary":                                 "binary data",
		"example.com\tFALSE\t/\tFALSE\t1\told\tgone\r\n": "",
	} {
		p := write("jar", text)
		j, err := LoadJar(p)
		switch {
		case want == "" && err != nil:
			t.Errorf("%q: %v", text, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), p)):
			t.Errorf("%q: error %v; want %q naming the file", text, err, want)
		case want == "" && strings.Contains(text, "old") && len(j.All()) != 0:
			t.Errorf("an expired cookie was loaded")
		}
	}
	if _, err := LoadJar(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
}

// -c /dev/null is a common way to say "keep no jar": it must stay the device, never be replaced by a file.
func TestSaveJarToDevice(t *testing.T) {
	before, err := os.Stat(os.DevNull)
	if err != nil || before.Mode().IsRegular() {
		t.Skip("no /dev/null device here")
	}
	j := NewJar()
	j.Add(Cookie{Name: "a", Value: "1", Domain: "example.com", Path: "/"})
	if err := SaveJar(os.DevNull, j); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(os.DevNull)
	if err != nil || after.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("SaveJar replaced %s with %v", os.DevNull, after.Mode())
	}
}

// A jar reached through a symbolic link is written through it, the link kept; one of the process's own
// descriptors (-c /dev/stdout) is written into, never replaced.
func TestSaveJarThroughLinks(t *testing.T) {
	dir := t.TempDir()
	target, link := filepath.Join(dir, "target"), filepath.Join(dir, "link")
	os.WriteFile(target, nil, 0o600)
	if err := os.Symlink("target", link); err != nil {
		t.Fatal(err)
	}
	j := NewJar()
	j.Add(Cookie{Name: "a", Value: "1", Domain: "example.com", Path: "/"})
	if err := SaveJar(link, j); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(target); !strings.Contains(string(b), "example.com") {
		t.Errorf("the link's target holds %q, want the jar", b)
	}
	out, err := os.Create(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	fd := fmt.Sprintf("/proc/self/fd/%d", out.Fd())
	if err := SaveJar(fd, j); err != nil {
		t.Fatalf("SaveJar(%s): %v", fd, err)
	}
	if b, _ := os.ReadFile(out.Name()); !strings.Contains(string(b), "example.com") {
		t.Errorf("%s: out holds %q, want the jar", fd, b)
	}
}

// TestJarHostOnlyIdentity: a host-only cookie and a Domain cookie of one name, domain and path are two
// cookies, as RFC 6265bis counts them (5.7, step 23: name, domain, host-only flag and path) and browsers and
// curl keep them; hop's second replaced the first, and a deletion of one deleted the other. A jar file keeps
// both and reads both back.
func TestJarHostOnlyIdentity(t *testing.T) {
	j := NewJar()
	u := mustURL(t, "https://example.com/")
	j.SetCookies(u, []*http.Cookie{{Name: "a", Value: "domain", Domain: "example.com", Path: "/"}, {Name: "a", Value: "host", Path: "/"}})
	if got := sent(j, t, "https://example.com/"); got != "a=domain; a=host" {
		t.Errorf("to the host: %q; want both, the older first", got)
	}
	if got := sent(j, t, "https://www.example.com/"); got != "a=domain" {
		t.Errorf("to a subdomain: %q; want the Domain cookie", got)
	}
	path := filepath.Join(t.TempDir(), "jar.txt")
	if err := SaveJar(path, j); err != nil {
		t.Fatal(err)
	}
	back, err := LoadJar(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := sent(back, t, "https://example.com/"); got != "a=domain; a=host" {
		t.Errorf("read back from the file, to the host: %q; want both", got)
	}
	j.SetCookies(u, []*http.Cookie{{Name: "a", Value: "", Path: "/", MaxAge: -1}})
	if got := sent(j, t, "https://example.com/"); got != "a=domain" {
		t.Errorf("after deleting the host-only one: %q; want the Domain cookie kept", got)
	}
}
