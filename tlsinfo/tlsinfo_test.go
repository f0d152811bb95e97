package tlsinfo_test

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
	"github.com/hop-cli/hop/tlsinfo"
)

func issue(t *testing.T, pki *testserver.PKI, l testserver.Leaf) []*x509.Certificate {
	t.Helper()
	c, err := pki.Issue(l)
	if err != nil {
		t.Fatal(err)
	}
	var chain []*x509.Certificate
	for _, der := range c.Certificate {
		x, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		chain = append(chain, x)
	}
	return chain
}

func TestDescribeCert(t *testing.T) {
	pki, err := testserver.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, tt := range []struct {
		key      string
		wantType string
		wantBits int
		grade    string
	}{
		{"ecdsa", "ECDSA", 256, tlsinfo.GradeGood},
		{"rsa", "RSA", 2048, tlsinfo.GradeOK},
		{"ed25519", "Ed25519", 256, tlsinfo.GradeGood},
	} {
		chain := issue(t, pki, testserver.Leaf{Names: []string{"api.example", "127.0.0.1"}, Key: tt.key, NotAfter: now.Add(10*24*time.Hour + time.Hour)})
		d := tlsinfo.DescribeChain([]*x509.Certificate{chain[0]}, "127.0.0.1", now)[0]
		if d.KeyType != tt.wantType || d.KeyBits != tt.wantBits || d.KeyGrade != tt.grade {
			t.Errorf("%s key = %s %d (%s), want %s %d (%s)", tt.key, d.KeyType, d.KeyBits, d.KeyGrade, tt.wantType, tt.wantBits, tt.grade)
		}
		// The pin, computed another way: from the public key re-marshalled.
		spki, err := x509.MarshalPKIXPublicKey(chain[0].PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(spki)
		if want := "sha256//" + base64.StdEncoding.EncodeToString(sum[:]); d.SPKIPin != want {
			t.Errorf("pin = %s, want %s", d.SPKIPin, want)
		}
		fp := sha256.Sum256(chain[0].Raw)
		if want := strings.ToUpper(fmt.Sprintf("%x", fp[:2])); !strings.HasPrefix(strings.ReplaceAll(d.SHA256, ":", ""), want) || len(d.SHA256) != 95 {
			t.Errorf("fingerprint %q does not start with %s or is not 32 colon-separated bytes", d.SHA256, want)
		}
		if strings.Join(d.SANs, ",") != "api.example,127.0.0.1" || d.MatchedName != "127.0.0.1" {
			t.Errorf("SANs %q matched %q", d.SANs, d.MatchedName)
		}
		if d.DaysLeft != 10 || d.IsCA || d.SelfSigned || d.Issuer != "CN=hop test intermediate,O=hop" {
			t.Errorf("days %d CA %v self-signed %v issuer %q", d.DaysLeft, d.IsCA, d.SelfSigned, d.Issuer)
		}
	}
	inter := tlsinfo.DescribeChain([]*x509.Certificate{pki.Inter}, "", now)[0]
	if !inter.IsCA || inter.OCSPServers[0] != "http://ocsp.hop.invalid" || inter.CRLs[0] != "http://crl.hop.invalid/inter.crl" {
		t.Errorf("intermediate = %+v", inter)
	}
	wild := issue(t, pki, testserver.Leaf{Names: []string{"*.example.com"}})
	if m := tlsinfo.DescribeChain([]*x509.Certificate{wild[0]}, "api.example.com", now)[0].MatchedName; m != "*.example.com" {
		t.Errorf("wildcard matched %q", m)
	}
}

// trustedPKI is a fresh PKI and a pool holding its root.
func trustedPKI(t *testing.T) (*testserver.PKI, *x509.CertPool) {
	t.Helper()
	pki, err := testserver.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(pki.Root)
	return pki, roots
}

func TestVerifyAndChecks(t *testing.T) {
	pki, roots := trustedPKI(t)
	now := time.Now()
	local := []string{"localhost"}
	tests := []struct {
		name       string
		leaf       testserver.Leaf
		roots      *x509.CertPool
		host       string
		trusted    bool
		reason     string
		failChecks []string
	}{
		{"good", testserver.Leaf{Names: local}, roots, "localhost", true, "", nil},
		{"expired", testserver.Leaf{Names: local, NotBefore: now.AddDate(0, -2, 0), NotAfter: now.AddDate(0, 0, -3)}, roots, "localhost", false,
			"the certificate expired on " + now.AddDate(0, 0, -3).UTC().Format(time.DateOnly), []string{"dates"}},
		{"not yet", testserver.Leaf{Names: local, NotBefore: now.AddDate(0, 0, 2)}, roots, "localhost", false,
			"the certificate is not valid until " + now.AddDate(0, 0, 2).UTC().Format(time.DateOnly), []string{"dates"}},
		{"other name", testserver.Leaf{Names: []string{"a.example", "b.example"}}, roots, "localhost", false,
			"the certificate is valid for a.example, b.example, not localhost", []string{"name"}},
		// Named in the Common Name alone: refused, and said so, not "valid for localhost, not localhost".
		{"Common Name only", testserver.Leaf{Names: local, CommonNameOnly: true}, roots, "localhost", false,
			"the certificate names localhost in its Common Name only, not as a Subject Alternative Name, which Go and browsers require (RFC 6125)", []string{"name"}},
		{"Common Name only, an IP", testserver.Leaf{Names: []string{"127.0.0.1"}, CommonNameOnly: true}, roots, "127.0.0.1", false,
			"the certificate names 127.0.0.1 in its Common Name only, not as a Subject Alternative Name, which Go and browsers require (RFC 6125)", []string{"name"}},
		{"Common Name only, another name", testserver.Leaf{Names: []string{"a.example"}, CommonNameOnly: true}, roots, "localhost", false,
			"the certificate is valid for a.example, not localhost", []string{"name"}},
		// Signed with SHA-1 by a trusted issuer: not "an unknown authority".
		{"SHA-1", testserver.Leaf{Names: local, SHA1: true}, roots, "localhost", false,
			"a signature in the chain uses ECDSA-SHA1, which Go refuses as insecure", []string{"trust"}},
		// A client certificate served by a server: its purpose named, not "incompatible key usage".
		{"client certificate", testserver.Leaf{Names: local, Client: true}, roots, "localhost", false,
			"the certificate is not for servers: its Extended Key Usage allows TLS clients only", []string{"trust"}},
		{"unknown CA", testserver.Leaf{Names: local}, nil, "localhost", false,
			"the certificate was issued by an unknown authority (hop test root CA)", []string{"trust"}},
		{"self-signed", testserver.Leaf{Names: local, SelfSigned: true}, roots, "localhost", false,
			"the certificate is self-signed (localhost) and not in the trusted roots", []string{"trust"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chain := issue(t, pki, tt.leaf)
			if tt.roots == nil {
				// Trust only an unrelated CA, so the system roots play no part.
				other, _ := testserver.NewPKI()
				tt.roots = x509.NewCertPool()
				tt.roots.AddCert(other.Root)
			}
			v := tlsinfo.Verify(chain, tt.host, tt.roots, now)
			if v.Trusted != tt.trusted || v.Reason != tt.reason {
				t.Errorf("Verify = %+v, want trusted %v reason %q", v, tt.trusted, tt.reason)
			}
			if cn := strings.Contains(tt.reason, "Common Name only"); cn != (tlsinfo.CauseOf(v.Err) == tlsinfo.CauseCommonName) {
				t.Errorf("CauseOf = %v; want CauseCommonName exactly when the name is in the Common Name only", tlsinfo.CauseOf(v.Err))
			}
			if weak := strings.Contains(tt.reason, "insecure"); weak != (tlsinfo.CauseOf(v.Err) == tlsinfo.CauseAlgorithm) {
				t.Errorf("CauseOf = %v; want CauseAlgorithm exactly for an insecure signature", tlsinfo.CauseOf(v.Err))
			}
			var failed []string
			for _, c := range tlsinfo.Checks(chain, tt.host, tt.roots, now) {
				if !c.OK {
					failed = append(failed, c.Name)
				}
			}
			if strings.Join(failed, ",") != strings.Join(tt.failChecks, ",") {
				t.Errorf("failed checks %q, want %q", failed, tt.failChecks)
			}
		})
	}
}

func TestPins(t *testing.T) {
	pki, _ := testserver.NewPKI()
	chain := issue(t, pki, testserver.Leaf{Names: []string{"localhost"}})
	pin := tlsinfo.SPKIPin(chain[1])
	if tlsinfo.VerifyPins(chain, "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=;"+pin) != nil {
		t.Errorf("a pin of the intermediate, second in a list, did not match")
	}
	if tlsinfo.VerifyPins(chain, "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=") == nil {
		t.Errorf("a foreign pin matched")
	}
	for _, bad := range []string{"md5//x", "sha256//not-base64!", "sha256//AAAA"} {
		if tlsinfo.ValidPin(bad) == nil {
			t.Errorf("ValidPin(%q) accepted it", bad)
		}
	}
}

func TestDescribeHandshake(t *testing.T) {
	pki, _ := testserver.NewPKI()
	cert, _ := pki.Issue(testserver.Leaf{Names: []string{"127.0.0.1"}})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(pki.Root)
	for _, tt := range []struct {
		max         uint16
		version     string
		grade       string
		cipherGrade string
	}{
		{tls.VersionTLS13, "TLS 1.3", tlsinfo.GradeGood, tlsinfo.GradeGood},
		{tls.VersionTLS12, "TLS 1.2", tlsinfo.GradeOK, tlsinfo.GradeGood},
	} {
		conn, err := tls.Dial("tcp", srv.Listener.Addr().String(), &tls.Config{RootCAs: roots, MaxVersion: tt.max, NextProtos: []string{"h2"}})
		if err != nil {
			t.Fatal(err)
		}
		cs := conn.ConnectionState()
		conn.Close()
		c := tlsinfo.Describe(&cs, "127.0.0.1", true, time.Now())
		if c.Version != tt.version || c.VersionGrade != tt.grade || c.CipherGrade != tt.cipherGrade || c.ALPN != "h2" || !c.ForwardSecrecy || c.KeyExchange == "" {
			t.Errorf("Describe = %+v", c)
		}
		if len(c.Chain) != 2 || c.Chain[0].MatchedName != "127.0.0.1" {
			t.Errorf("chain = %+v", c.Chain)
		}
	}
}

func TestDaysLeft(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		at   time.Time
		want int
	}{
		{now.Add(36 * time.Hour), 1}, {now.Add(23 * time.Hour), 0}, {now.Add(-time.Hour), -1}, {now.Add(-48 * time.Hour), -2},
	} {
		if got := tlsinfo.DaysLeft(tt.at, now); got != tt.want {
			t.Errorf("DaysLeft(%v) = %d, want %d", tt.at.Sub(now), got, tt.want)
		}
	}
}

// TestVerifyLeafAlone: a server that sends its certificate without the intermediate that issued it is told
// apart from one issued by an unknown authority: the issuer is named as not sent. A self-signed certificate
// sent alone stays "self-signed".
func TestVerifyLeafAlone(t *testing.T) {
	pki, roots := trustedPKI(t)
	now := time.Now()
	leaf := issue(t, pki, testserver.Leaf{Names: []string{"localhost"}})[:1]
	v := tlsinfo.Verify(leaf, "localhost", roots, now)
	want := "the certificate was issued by hop test intermediate, which is no trusted root and which the server did not send (it sent its own certificate alone)"
	if v.Trusted || v.Reason != want || tlsinfo.CauseOf(v.Err) != tlsinfo.CauseIncomplete {
		t.Errorf("the leaf alone: %q (cause %v), want %q", v.Reason, tlsinfo.CauseOf(v.Err), want)
	}
	self := issue(t, pki, testserver.Leaf{Names: []string{"localhost"}, SelfSigned: true})
	if v := tlsinfo.Verify(self, "localhost", roots, now); !strings.Contains(v.Reason, "self-signed") || tlsinfo.CauseOf(v.Err) != tlsinfo.CauseAuthority {
		t.Errorf("a self-signed certificate alone: %q (cause %v)", v.Reason, tlsinfo.CauseOf(v.Err))
	}
}

// TestVerifyUntrustedRootSent: a server that sends its root too, a root not trusted here, is said to end in
// that root, not to be "self-signed" itself; its cause is still the authority (--cacert is the fix).
func TestVerifyUntrustedRootSent(t *testing.T) {
	pki, _ := trustedPKI(t)
	_, others := trustedPKI(t)
	chain := append(issue(t, pki, testserver.Leaf{Names: []string{"localhost"}}), pki.Root)
	v := tlsinfo.Verify(chain, "localhost", others, time.Now())
	want := "the chain ends in hop test root CA, a root (self-signed) that is not among the trusted roots"
	if v.Trusted || v.Reason != want || tlsinfo.CauseOf(v.Err) != tlsinfo.CauseAuthority {
		t.Errorf("%q (cause %v), want %q", v.Reason, tlsinfo.CauseOf(v.Err), want)
	}
}
