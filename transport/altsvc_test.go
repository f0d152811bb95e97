package transport

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAltSvcLearn: RFC 7838's header forms, as servers send them; only h3 is kept, the first one wins,
// "clear" and ma=0 drop an entry.
func TestAltSvcLearn(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		header, want string // want: host:port, or "" for no entry
		maxAge       time.Duration
	}{
		{`h3=":443"; ma=86400`, "example.com:443", 24 * time.Hour},
		{`h3-29=":443", h3=":8443"; ma=60`, "example.com:8443", time.Minute},
		{`h2="alt.example.com:443", h3="alt.example.com:4433"`, "alt.example.com:4433", 24 * time.Hour},
		{`h3="[2001:db8::1]:443"; persist=1`, "[2001:db8::1]:443", 24 * time.Hour},
		{`h3=":443"; ma="120"`, "example.com:443", 2 * time.Minute},
		{`h3=":443"; ma=0`, "", 0},
		{`h3=":0"`, "", 0},
		{`h3=":http"`, "", 0},
		{`h3=443`, "", 0},
		{`h2=":443"`, "", 0},
		{`clear`, "", 0},
		{`h3=":443;bad", h3=":444"`, "example.com:444", 24 * time.Hour},
		// A host that is no host (a space, a tab, a quote, a slash) is refused: it went into curl's
		// space-separated file as it came, a line of more fields than a reader takes.
		{`h3="a b:443"`, "", 0},
		{"h3=\"a\tb:443\"", "", 0},
		{`h3="\"q:443"`, "", 0},
		{`h3="a/b:443"`, "", 0},
		{`h3="alt_1.example-2.com:443"`, "alt_1.example-2.com:443", 24 * time.Hour},
	} {
		a := &AltSvc{entries: map[string]altEntry{}, now: func() time.Time { return now }}
		a.Learn("Example.com:443", "HTTP/2.0", http.Header{"Alt-Svc": {tt.header}})
		got, ok := a.Lookup("example.com:443")
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Alt-Svc: %s → %q, %v; want %q", tt.header, got, ok, tt.want)
			continue
		}
		if ok {
			if e := a.entries["example.com:443"]; e.expires.Sub(now) != tt.maxAge || e.srcALPN != "h2" {
				t.Errorf("Alt-Svc: %s → expires in %v from %s; want %v from h2", tt.header, e.expires.Sub(now), e.srcALPN, tt.maxAge)
			}
		}
	}
}

// TestAltSvcFile: the cache is written in curl's format and read back; expired and other-protocol lines,
// comments and junk are left out; a cache that did not change is not rewritten.
func TestAltSvcFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alt-svc.txt")
	future := time.Now().Add(time.Hour).UTC().Format(altSvcTime)
	os.WriteFile(path, []byte("# a comment\n"+
		"h2 keep.example 443 h3 keep.example 8443 \""+future+"\" 0 0\n"+
		"h1 old.example 443 h3 old.example 443 \"20200101 00:00:00\" 0 0\n"+
		"h1 h2only.example 443 h2 other.example 443 \""+future+"\" 0 0\n"+
		"not a line at all\n"), 0o644)
	a, err := LoadAltSvc(path)
	if err != nil {
		t.Fatal(err)
	}
	if dst, ok := a.Lookup("keep.example:443"); !ok || dst != "keep.example:8443" {
		t.Errorf("keep.example: %q, %v", dst, ok)
	}
	for _, origin := range []string{"old.example:443", "h2only.example:443"} {
		if _, ok := a.Lookup(origin); ok {
			t.Errorf("%s was taken from the file", origin)
		}
	}
	before, _ := os.Stat(path)
	if err := a.Save(path); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.Stat(path); !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("an unchanged cache was rewritten")
	}
	a.Learn("[::1]:8443", "HTTP/1.1", http.Header{"Alt-Svc": {`h3=":9443"`}})
	if err := a.Save(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	// An IPv6 address in brackets, as curl writes it (altsvc_out), and reads it back.
	if !strings.Contains(string(data), "h1 [::1] 8443 h3 [::1] 9443 \"") || strings.Contains(string(data), "old.example") {
		t.Errorf("saved cache:\n%s", data)
	}
	b, err := LoadAltSvc(path)
	if err != nil {
		t.Fatal(err)
	}
	if dst, ok := b.Lookup("[::1]:8443"); !ok || dst != "[::1]:9443" {
		t.Errorf("read back: [::1]:8443 → %q, %v", dst, ok)
	}
	// A file curl wrote, its IPv6 addresses in brackets.
	os.WriteFile(path, []byte("h2 [2001:db8::1] 443 h3 [2001:db8::2] 8443 \""+future+"\" 0 0\n"), 0o644)
	if c, err := LoadAltSvc(path); err != nil {
		t.Fatal(err)
	} else if dst, ok := c.Lookup("[2001:db8::1]:443"); !ok || dst != "[2001:db8::2]:8443" {
		t.Errorf("curl's file: [2001:db8::1]:443 → %q, %v", dst, ok)
	}
	if dst, ok := b.Lookup("keep.example:443"); !ok || dst != "keep.example:8443" {
		t.Errorf("read back: keep.example → %q, %v", dst, ok)
	}
}

// TestAltSvcBroken: an alternative that could not be reached is dropped, and its origin's announcements
// are left alone for an hour, across runs (the mark is a comment line in the file, which curl passes over).
func TestAltSvcBroken(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alt-svc.txt")
	now := time.Now().UTC().Truncate(time.Second) // LoadAltSvc leaves out what has expired by the clock
	a := &AltSvc{entries: map[string]altEntry{}, now: func() time.Time { return now }}
	announce := http.Header{"Alt-Svc": {`h3=":443"`}}
	a.Learn("example.com:443", "HTTP/2.0", announce)
	a.Forget("example.com:443")
	a.Learn("example.com:443", "HTTP/2.0", announce)
	if _, ok := a.Lookup("example.com:443"); ok {
		t.Fatal("an announcement was taken right after its alternative failed")
	}
	if err := a.Save(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), `# hop: h3 unreachable for example.com 443 until "`+now.Add(time.Hour).Format(altSvcTime)+`"`) {
		t.Fatalf("saved:\n%s", data)
	}
	b, err := LoadAltSvc(path)
	if err != nil {
		t.Fatal(err)
	}
	b.now = func() time.Time { return now.Add(30 * time.Minute) }
	b.Learn("example.com:443", "HTTP/2.0", announce)
	if _, ok := b.Lookup("example.com:443"); ok {
		t.Error("the mark did not outlive the run")
	}
	b.now = func() time.Time { return now.Add(61 * time.Minute) }
	b.Learn("example.com:443", "HTTP/2.0", announce)
	if _, ok := b.Lookup("example.com:443"); !ok {
		t.Error("an hour later, the announcement is still refused")
	}
}
