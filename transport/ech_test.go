package transport

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hop-cli/hop/testserver"
	"golang.org/x/net/dns/dnsmessage"
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
		if err != nil || body != "ech=true name=ech.hop.test\n" || rec.TLS == nil || !rec.TLS.ECHAccepted {
			t.Errorf("--ech %s (dns %q, doh %q): %q, %v", o.TLS.ECH, o.DNSServers, o.DoHURL, body, err)
		}
	}
	tr := newTransport(t, Options{DNSServers: b.DNS.Addr(), TLS: TLSOptions{CACert: b.ca, ECH: "true"}})
	if body, rec, err := get(t, tr, b.URL("plain.hop.test")); err != nil || body != "ech=false name=plain.hop.test\n" || rec.TLS.ECHAccepted {
		t.Errorf("--ech true, no HTTPS record: %q, %v", body, err)
	}
	tr = newTransport(t, Options{DNSServers: b.DNS.Addr(), TLS: TLSOptions{CACert: b.ca}})
	if body, _, err := get(t, tr, b.URL("ech.hop.test")); err != nil || body != "ech=false name=ech.hop.test\n" {
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
	if body, _, err := get(t, tr, b.URL("ech.hop.test")); err != nil || body != "ech=true name=ech.hop.test\n" {
		t.Errorf("--ech %s: %q, %v", given, body, err)
	}
	file := filepath.Join(t.TempDir(), "ech.b64")
	os.WriteFile(file, []byte(given[len("ecl:"):]+"\n"), 0o600)
	tr = newTransport(t, Options{Resolve: []string{"ech.hop.test:" + b.Port + ":127.0.0.1"}, TLS: TLSOptions{CACert: b.ca, ECH: "ecl:@" + file}})
	if body, _, err := get(t, tr, b.URL("ech.hop.test")); err != nil || body != "ech=true name=ech.hop.test\n" {
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
	if body, _, err := get(t, tr, b.URL("stale.hop.test")); err != nil || body != "ech=true name=stale.hop.test\n" {
		t.Errorf("retried with the config offered: %q, %v", body, err)
	}
}

// What --ech cannot do is refused before anything is sent, by name.
func TestECHRefused(t *testing.T) {
	valid, err := testserver.NewECH(3, "public.hop.test")
	if err != nil {
		t.Fatal(err)
	}
	// mutated is valid's list, base64, with the byte at i (from the end when negative) set to b.
	mutated := func(i int, b byte) string {
		list := bytes.Clone(valid.ConfigList)
		if i < 0 {
			i += len(list)
		}
		list[i] = b
		return base64.StdEncoding.EncodeToString(list)
	}
	if _, err := parseECH("ecl:" + mutated(6, 9)); err != nil {
		t.Fatalf("the list with another config id: %v", err)
	}
	for _, c := range []struct {
		tls   TLSOptions
		words string
	}{
		{TLSOptions{ECH: "grease"}, "GREASE"},
		{TLSOptions{ECH: "pn:cover.example"}, "public name"},
		{TLSOptions{ECH: "maybe"}, "expected false, true, hard or ecl:BASE64"},
		{TLSOptions{ECH: "ecl:not base64!"}, "not base64"},
		{TLSOptions{ECH: "ecl:AAAA"}, "its length does not match"},
		{TLSOptions{ECH: "ecl:AAT+DQAB"}, "cut short"},                  // a config whose length runs past the list
		{TLSOptions{ECH: "ecl:AAT+DAAA"}, "no config Go's TLS can use"}, // draft 12's version only
		{TLSOptions{ECH: "ecl:AAT+DQAA"}, "a config's key is cut short"},
		{TLSOptions{ECH: "ecl:" + mutated(8, 0x00)}, "no config Go's TLS can use"},  // a KEM crypto/tls lacks (0x0000)
		{TLSOptions{ECH: "ecl:" + mutated(-11, '_')}, "no config Go's TLS can use"}, // public_name public_hop.test
		{TLSOptions{ECH: "ecl:" + mutated(-1, 0x05)}, "a config's extensions is cut short"},
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
	if body, rec, err := get(t, tr, "https://ech.hop.test:"+port+"/"); err != nil || body != "ech=true name=ech.hop.test\n" || rec.TLS == nil || !rec.TLS.ECHAccepted {
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

// FuzzECHAnswer: whatever a DNS server answers to the HTTPS query, reading it never panics, and a config
// taken from it has an ECHConfigList's framing.
func FuzzECHAnswer(f *testing.F) {
	site, err := testserver.NewECH(1, "public.example")
	if err != nil {
		f.Fatal(err)
	}
	name := dnsmessage.MustNewName("ech.example.")
	msg := httpsAnswer(f, name, name, nil, site.ConfigList)
	if list, why := echFromAnswer(msg, name); !bytes.Equal(list, site.ConfigList) {
		f.Fatalf("the seed gives %x (%s)", list, why)
	}
	f.Add(msg)
	f.Add(msg[:len(msg)-3])
	f.Add([]byte{0, 0, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, msg []byte) {
		if list, why := echFromAnswer(msg, name); list != nil && (why != "" || checkECHConfigList(list) != nil) {
			t.Fatalf("%x: took %x (%q)", msg, list, why)
		}
	})
}

// FuzzParseECH: whatever --ech is given, it is read or refused as an *OptionError, never a panic, and a
// list taken has an ECHConfigList's framing.
func FuzzParseECH(f *testing.F) {
	for _, seed := range []string{"true", "hard", "false", "grease", "pn:x", "ecl:AEL+DQA+BwAgACD2", "ecl:AAT+DQAA", "ecl:", "ecl:@", "ecl:=="} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if strings.HasPrefix(v, "ecl:@") {
			return // a file's name: not the parser's input
		}
		o, err := parseECH(v)
		var oe *OptionError
		if err != nil && !errors.As(err, &oe) {
			t.Fatalf("%q: %T %v", v, err, err)
		}
		if o.list != nil && checkECHConfigList(o.list) != nil {
			t.Fatalf("%q: took %x", v, o.list)
		}
	})
}

// Over a stream (Go's resolver's "tcp", as after a truncated answer), the HTTPS query is framed as DNS
// over TCP frames it, and so is the answer read: here through --doh-url's connection, which takes the
// frame off and puts it back.
func TestECHQueryOverStream(t *testing.T) {
	b := newECHBackend(t)
	doh := httptest.NewTLSServer(b.DNS)
	t.Cleanup(doh.Close)
	r, err := dohResolver(doh.URL+"/dns-query", nil, true, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	name := dnsmessage.MustNewName("ech.hop.test.")
	msg, why := askHTTPS(t.Context(), r.Dial, "tcp", "ignored:53", name)
	if list, _ := echFromAnswer(msg, name); why != "" || !bytes.Equal(list, b.ECH.ConfigList) {
		t.Errorf("over a stream: %x, %q", list, why)
	}
}

// An HTTPS record counts for the name asked for, or for a name its CNAMEs lead to, never another's.
func TestECHAnswerOwners(t *testing.T) {
	site, err := testserver.NewECH(1, "public.example")
	if err != nil {
		t.Fatal(err)
	}
	asked, other, cdn := dnsmessage.MustNewName("ech.example."), dnsmessage.MustNewName("other.example."), dnsmessage.MustNewName("edge.cdn.example.")
	answer := func(cname bool, owner dnsmessage.Name) []byte {
		if cname {
			return httpsAnswer(t, asked, owner, &cdn, site.ConfigList)
		}
		return httpsAnswer(t, asked, owner, nil, site.ConfigList)
	}
	if list, why := echFromAnswer(answer(true, cdn), asked); !bytes.Equal(list, site.ConfigList) {
		t.Errorf("through a CNAME: %x, %q", list, why)
	}
	broken := site.ConfigList
	site.ConfigList = append(bytes.Clone(broken[:len(broken)-2]), 0, 9) // extensions said to run past the end
	if list, why := echFromAnswer(answer(false, asked), asked); list != nil || !strings.Contains(why, "gives a config hop cannot use: not an ECHConfigList: a config's extensions is cut short") {
		t.Errorf("an unusable config: %x, %q", list, why)
	}
	site.ConfigList = broken
	for _, msg := range [][]byte{answer(false, other), answer(false, cdn), answer(true, other)} {
		if list, _ := echFromAnswer(msg, asked); list != nil {
			t.Errorf("took another name's config: %x", list)
		}
	}
}

// httpsAnswer is a DNS answer to the HTTPS query for asked: a CNAME to cname when not nil, then an HTTPS
// record of owner that gives list.
func httpsAnswer(t testing.TB, asked, owner dnsmessage.Name, cname *dnsmessage.Name, list []byte) []byte {
	t.Helper()
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{Response: true})
	b.StartQuestions()
	b.Question(dnsmessage.Question{Name: asked, Type: dnsmessage.TypeHTTPS, Class: dnsmessage.ClassINET})
	b.StartAnswers()
	if cname != nil {
		b.CNAMEResource(dnsmessage.ResourceHeader{Name: asked, Class: dnsmessage.ClassINET}, dnsmessage.CNAMEResource{CNAME: *cname})
	}
	rr := dnsmessage.HTTPSResource{SVCBResource: dnsmessage.SVCBResource{Priority: 1, Target: dnsmessage.MustNewName(".")}}
	rr.SetParam(dnsmessage.SVCParamECH, list)
	b.HTTPSResource(dnsmessage.ResourceHeader{Name: owner, Class: dnsmessage.ClassINET}, rr)
	msg, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// Through SOCKS5 hop resolves the name itself, so it asks DNS for the config too, and the hello inside
// the proxy's connection is encrypted; through socks5h the proxy resolves the name, and hop asks no DNS
// of its own: hard fails, true goes without.
func TestECHThroughSOCKS(t *testing.T) {
	b := newECHBackend(t)
	socks, err := testserver.StartSOCKS(&testserver.SOCKS{Route: func(string) string { return "127.0.0.1:" + b.Port }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(socks.Close)
	for _, c := range []struct{ scheme, ech, want string }{
		{"socks5", "hard", "ech=true name=ech.hop.test\n"},
		{"socks5h", "true", "ech=false name=ech.hop.test\n"},
		{"socks5h", "hard", ""},
	} {
		tr := newTransport(t, Options{Proxy: c.scheme + "://" + socks.Addr(), DNSServers: b.DNS.Addr(), TLS: TLSOptions{CACert: b.ca, ECH: c.ech}})
		body, _, err := get(t, tr, b.URL("ech.hop.test"))
		var e *ECHError
		if c.want == "" && (!errors.As(err, &e) || !strings.Contains(err.Error(), "the proxy resolves the name")) || c.want != "" && (err != nil || body != c.want) {
			t.Errorf("%s, --ech %s: %q, %v; want %q", c.scheme, c.ech, body, err, c.want)
		}
	}
}
