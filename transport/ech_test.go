package transport

import (
	"encoding/base64"
	"errors"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hop-cli/hop/testserver"
)

// echBackend is testserver's ECHSite, stopped when the test ends, with its CA in a file.
type echBackend struct {
	*testserver.ECHSite
	ca string
}

func newECHBackend(t *testing.T) *echBackend {
	t.Helper()
	site, err := testserver.StartECHSite()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(site.Close)
	b := &echBackend{ECHSite: site, ca: filepath.Join(t.TempDir(), "root.pem")}
	if err := os.WriteFile(b.ca, site.Root, 0o644); err != nil {
		t.Fatal(err)
	}
	return b
}

// --ech true hides the name where DNS's HTTPS record gives a config (over UDP to --dns-servers, or over
// --doh-url), and goes without ECH where it gives none; the server reads the inner hello's name, and the
// client's state says ECH was accepted.
func TestECHFromDNS(t *testing.T) {
	b := newECHBackend(t)
	doh := httptest.NewTLSServer(b.DNS)
	t.Cleanup(doh.Close)
	for _, o := range []Options{
		{DNSServers: b.DNS.Addr(), TLS: TLSOptions{CACert: b.ca, ECH: "true"}},
		{DoHURL: doh.URL + "/dns-query", DoHInsecure: true, TLS: TLSOptions{CACert: b.ca, ECH: "hard"}},
	} {
		tr := newTransport(t, o)
		body, rec, err := get(t, tr, b.URL("ech.hop.test"))
		if err != nil || body != "ech=true name=ech.hop.test" || rec.TLS == nil || !rec.TLS.ECHAccepted {
			t.Errorf("--ech %s (dns %q, doh %q): %q, %v", o.TLS.ECH, o.DNSServers, o.DoHURL, body, err)
		}
	}
	tr := newTransport(t, Options{DNSServers: b.DNS.Addr(), TLS: TLSOptions{CACert: b.ca, ECH: "true"}})
	if body, rec, err := get(t, tr, b.URL("plain.hop.test")); err != nil || body != "ech=false name=plain.hop.test" || rec.TLS.ECHAccepted {
		t.Errorf("--ech true, no HTTPS record: %q, %v", body, err)
	}
	tr = newTransport(t, Options{DNSServers: b.DNS.Addr(), TLS: TLSOptions{CACert: b.ca}})
	if body, _, err := get(t, tr, b.URL("ech.hop.test")); err != nil || body != "ech=false name=ech.hop.test" {
		t.Errorf("no --ech: %q, %v", body, err)
	}
}

// --ech hard fails before the handshake where no config can be had: no HTTPS record, an IP address, a
// proxy that resolves the name (hop asks no DNS of its own for it then); --ech true goes on without ECH
// in each case.
func TestECHHardWithoutConfig(t *testing.T) {
	b := newECHBackend(t)
	proxy := httptest.NewServer(&testserver.Proxy{Route: func(string) string { return "127.0.0.1:" + b.Port }})
	t.Cleanup(proxy.Close)
	for _, c := range []struct {
		url   string
		o     Options
		words string
	}{
		{b.URL("plain.hop.test"), Options{DNSServers: b.DNS.Addr()}, "DNS has no HTTPS record for it that gives one"},
		{b.URL("127.0.0.1"), Options{}, "an IP address has no DNS record"},
		{b.URL("ech.hop.test"), Options{Proxy: proxy.URL}, "the proxy resolves the name"},
	} {
		for _, mode := range []string{"hard", "true"} {
			c.o.TLS = TLSOptions{CACert: b.ca, ECH: mode}
			before := b.Served.Load()
			body, _, err := get(t, newTransport(t, c.o), c.url)
			var e *ECHError
			if mode == "hard" && (!errors.As(err, &e) || !strings.Contains(err.Error(), c.words) || b.Served.Load() != before) {
				t.Errorf("--ech hard %s %+v: %q, %v; want an *ECHError saying %q, nothing served", c.url, c.o, body, err, c.words)
			}
			if mode == "true" && (err != nil || !strings.HasPrefix(body, "ech=false")) {
				t.Errorf("--ech true %s %+v: %q, %v; want it served without ECH", c.url, c.o, body, err)
			}
		}
	}
}

// --ech ecl: gives the config, DNS or none; a config the server's key does not open is refused by the
// server, which answers under its public name with the configs to retry with: the error gives them, and
// they work.
func TestECHConfigGiven(t *testing.T) {
	b := newECHBackend(t)
	given := "ecl:" + base64.StdEncoding.EncodeToString(b.ECH.ConfigList)
	tr := newTransport(t, Options{Resolve: []string{"ech.hop.test:" + b.Port + ":127.0.0.1"}, TLS: TLSOptions{CACert: b.ca, ECH: given}})
	if body, _, err := get(t, tr, b.URL("ech.hop.test")); err != nil || body != "ech=true name=ech.hop.test" {
		t.Errorf("--ech %s: %q, %v", given, body, err)
	}
	file := filepath.Join(t.TempDir(), "ech.b64")
	os.WriteFile(file, []byte(given[len("ecl:"):]+"\n"), 0o600)
	tr = newTransport(t, Options{Resolve: []string{"ech.hop.test:" + b.Port + ":127.0.0.1"}, TLS: TLSOptions{CACert: b.ca, ECH: "ecl:@" + file}})
	if body, _, err := get(t, tr, b.URL("ech.hop.test")); err != nil || body != "ech=true name=ech.hop.test" {
		t.Errorf("--ech ecl:@FILE: %q, %v", body, err)
	}

	before := b.Served.Load()
	tr = newTransport(t, Options{DNSServers: b.DNS.Addr(), TLS: TLSOptions{CACert: b.ca, ECH: "true"}})
	_, _, err := get(t, tr, b.URL("stale.hop.test"))
	var e *ECHError
	if !errors.As(err, &e) || e.Retry != given[len("ecl:"):] || b.Served.Load() != before || !strings.Contains(err.Error(), "--ech "+given) {
		t.Fatalf("a stale config: %v; want an *ECHError offering %s", err, given)
	}
	var tf interface{ TLSHandshakeFailure() bool }
	if !errors.As(err, &tf) {
		t.Errorf("the refusal is not a handshake failure: %T", err)
	}
	tr = newTransport(t, Options{DNSServers: b.DNS.Addr(), TLS: TLSOptions{CACert: b.ca, ECH: "ecl:" + e.Retry}})
	if body, _, err := get(t, tr, b.URL("stale.hop.test")); err != nil || body != "ech=true name=stale.hop.test" {
		t.Errorf("retried with the config offered: %q, %v", body, err)
	}
}

// What --ech cannot do is refused before anything is sent, by name.
func TestECHRefused(t *testing.T) {
	for _, c := range []struct {
		tls   TLSOptions
		words string
	}{
		{TLSOptions{ECH: "grease"}, "GREASE"},
		{TLSOptions{ECH: "pn:cover.example"}, "public name"},
		{TLSOptions{ECH: "maybe"}, "expected false, true, hard or ecl:BASE64"},
		{TLSOptions{ECH: "ecl:not base64!"}, "not base64"},
		{TLSOptions{ECH: "ecl:AAAA"}, "its length does not match"},
		{TLSOptions{ECH: "ecl:AAT+DQAB"}, "cut short"},                // a config whose length runs past the list
		{TLSOptions{ECH: "ecl:AAT+DAAA"}, "no config of the version"}, // draft 12's version only
		{TLSOptions{ECH: "ecl:@-"}, "not standard input"},
		{TLSOptions{ECH: "ecl:@/nonexistent/ech"}, "ecl:@/nonexistent/ech"},
		{TLSOptions{ECH: "true", MaxVersion: "1.2"}, "TLS 1.3's"},
	} {
		_, err := New(Options{TLS: c.tls})
		var oe *OptionError
		if !errors.As(err, &oe) || !strings.Contains(err.Error(), c.words) {
			t.Errorf("--ech %s (--tls-max %q): %v; want an *OptionError saying %q", c.tls.ECH, c.tls.MaxVersion, err, c.words)
		}
	}
}

// HTTP/3 hides the name as TCP's TLS does: its config from DNS, and a stale one refused with the server's.
func TestECHOverHTTP3(t *testing.T) {
	b := newECHBackend(t)
	cfg := b.Server.TLS.Clone()
	cfg.NextProtos = []string{"h3"}
	h3, err := testserver.ServeHTTP3TLS(cfg, b.Server.Config.Handler)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h3.Close() })
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(h3.URL, "https://"))
	tr := newTransport(t, Options{Protocol: HTTP3, DNSServers: b.DNS.Addr(), TLS: TLSOptions{CACert: b.ca, ECH: "hard"}})
	if body, rec, err := get(t, tr, "https://ech.hop.test:"+port+"/"); err != nil || body != "ech=true name=ech.hop.test" || rec.TLS == nil || !rec.TLS.ECHAccepted {
		t.Errorf("HTTP/3, --ech hard: %q, %v", body, err)
	}
	_, _, err = get(t, tr, "https://stale.hop.test:"+port+"/")
	var e *ECHError
	if !errors.As(err, &e) || e.Retry != base64.StdEncoding.EncodeToString(b.ECH.ConfigList) {
		t.Errorf("HTTP/3, a stale config: %v; want an *ECHError offering the server's", err)
	}
	if _, _, err = get(t, tr, "https://plain.hop.test:"+port+"/"); !errors.As(err, &e) {
		t.Errorf("HTTP/3, --ech hard, no config: %v; want an *ECHError", err)
	}
}
