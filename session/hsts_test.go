package session

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func verified(sts string) *http.Response {
	return &http.Response{Header: http.Header{"Strict-Transport-Security": {sts}},
		TLS: &tls.ConnectionState{VerifiedChains: [][]*x509.Certificate{{{}}}}}
}

// TestHSTSFile reads curl's format (a leading dot for includeSubDomains, "unlimited", comments), leaves
// out what has expired or names an IP address, and upgrades as RFC 6797 says.
func TestHSTSFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hsts.txt")
	future := time.Now().Add(time.Hour).UTC().Format(hstsTime)
	past := time.Now().Add(-time.Hour).UTC().Format(hstsTime)
	os.WriteFile(path, []byte("# Your HSTS cache. https://curl.se/docs/hsts.html\n"+
		".example.com \""+future+"\"\n"+
		"exact.test \""+future+"\"\n"+
		"forever.test \"unlimited\"\n"+
		"old.test \""+past+"\"\n"+
		"127.0.0.1 \"unlimited\"\n"+
		"broken line\n"), 0o600)
	h, err := LoadHSTS(path)
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"http://example.com/a?b=1":       "https://example.com/a?b=1",
		"http://API.Example.com:80/":     "https://API.Example.com/",
		"http://a.b.example.com:8080/x":  "https://a.b.example.com:8080/x",
		"http://exact.test/":             "https://exact.test/",
		"http://sub.exact.test/":         "http://sub.exact.test/", // no includeSubDomains
		"http://forever.test./":          "https://forever.test./",
		"http://old.test/":               "http://old.test/",
		"http://127.0.0.1/":              "http://127.0.0.1/",
		"http://notexample.com/":         "http://notexample.com/",
		"https://example.com:8443/":      "https://example.com:8443/",
		"http://user:pw@example.com/p#f": "https://user:pw@example.com/p#f",
	} {
		u, _ := url.Parse(in)
		up := h.Upgrade(u)
		if u.String() != want || up != (in != want) {
			t.Errorf("Upgrade(%s) = %s, %v; want %s", in, u, up, want)
		}
	}
}

// TestHSTSLearn takes in only a verified https answer's header, for a name, read as RFC 6797 §6.1 says;
// max-age=0 removes the host; the file is written only when something changed, and read back the same.
func TestHSTSLearn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hsts.txt")
	h, err := LoadHSTS(path) // no file: an empty cache
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Save(path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("an unchanged cache was written: %v", err)
	}
	u := func(s string) *url.URL { v, _ := url.Parse(s); return v }
	h.Learn(u("https://sub.example.org/"), verified(`max-age="600"; includeSubDomains`))
	h.Learn(u("https://plain.example.org/"), verified("max-age=600"))
	h.Learn(u("https://unverified.example.org/"), &http.Response{Header: http.Header{"Strict-Transport-Security": {"max-age=600"}}, TLS: &tls.ConnectionState{}})
	h.Learn(u("http://cleartext.example.org/"), verified("max-age=600"))
	h.Learn(u("https://127.0.0.1/"), verified("max-age=600"))
	h.Learn(u("https://nomaxage.example.org/"), verified("includeSubDomains"))
	h.Learn(u("https://twice.example.org/"), verified("max-age=600; max-age=700"))
	h.Learn(u("https://badage.example.org/"), verified("max-age=-1"))
	h.Learn(u("https://gone.example.org/"), verified("max-age=600"))
	h.Learn(u("https://gone.example.org/"), verified("max-age=0"))
	if err := h.Save(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[2], `plain.example.org "`) || !strings.HasPrefix(lines[3], `.sub.example.org "`) {
		t.Fatalf("file:\n%s", data)
	}
	again, err := LoadHSTS(path)
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]bool{"http://sub.example.org/": true, "http://x.sub.example.org/": true, "http://plain.example.org/": true,
		"http://x.plain.example.org/": false, "http://unverified.example.org/": false, "http://gone.example.org/": false, "http://nomaxage.example.org/": false} {
		if got := again.Upgrade(u(in)); got != want {
			t.Errorf("after reading the file back, Upgrade(%s) = %v", in, got)
		}
	}
}

// TestParseSTS: RFC 6797's grammar, as read against curl 7.88's at random: a quoted value must be closed
// (hop took `max-age="100` and `max-age=100"`), and a max-age of more digits than fit is the largest
// delta-seconds (2^31, RFC 2616 3.3.2, which RFC 6797 takes), not a header to drop; max-age is digits only.
func TestParseSTS(t *testing.T) {
	for v, want := range map[string]time.Duration{
		`max-age=100`:                    100 * time.Second,
		`max-age="100"`:                  100 * time.Second,
		`MAX-AGE=100; includeSubDomains`: 100 * time.Second,
		`max-age=99999999999999999999`:   (1 << 31) * time.Second,
		`max-age="100`:                   -1,
		`max-age=100"`:                   -1,
		`max-age=""100""`:                -1,
		`max-age="`:                      -1,
		`max-age=+100`:                   -1,
		`max-age=1e3`:                    -1,
		`max-age=`:                       -1,
		`max-age=-1`:                     -1,
	} {
		got, _, ok := parseSTS(v)
		if !ok {
			got = -1
		}
		if got != want {
			t.Errorf("parseSTS(%q) = %v, want %v (-1: refused)", v, got, want)
		}
	}
}
