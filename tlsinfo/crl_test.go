package tlsinfo_test

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
	"github.com/hop-cli/hop/tlsinfo"
)

// --crlfile's lists clear a chain as OpenSSL's full check does for curl: a current list signed by each
// certificate's issuer, not listing it; a self-signed root needs none, an anchor that is not self-signed
// cannot be checked. A list with the issuer's name but another key counts for nothing.
func TestCRLsClear(t *testing.T) {
	pki, err := testserver.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	other, err := testserver.NewPKI() // the same names, other keys
	if err != nil {
		t.Fatal(err)
	}
	chain := issue(t, pki, testserver.Leaf{Names: []string{"api.example"}})
	full := append(chain, pki.Root) // leaf, intermediate, root: a verified chain
	list := func(p *testserver.PKI, inter bool, revoked bool) []byte {
		t.Helper()
		var revokedCerts []*x509.Certificate
		if revoked {
			revokedCerts = chain[:1]
		}
		l, err := p.CRL(inter, revokedCerts...)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	join := func(lists ...[]byte) []byte { return bytes.Join(lists, nil) }
	now := time.Now()
	for _, tt := range []struct {
		name  string
		file  []byte
		chain int           // how much of full is the verified chain
		at    time.Duration // from now
		want  string        // in the error; "" for cleared
	}{
		{"both lists", join(list(pki, false, false), list(pki, true, false)), 3, 0, ""},
		{"the leaf revoked", join(list(pki, false, false), list(pki, true, true)), 3, 0, "api.example (serial "},
		{"no root list", list(pki, true, false), 3, 0, "the file has no list from hop test root CA, which issued hop test intermediate"},
		{"no intermediate list", list(pki, false, false), 3, 0, "the file has no list from hop test intermediate, which issued api.example"},
		{"a forged list", join(list(pki, false, false), list(other, true, false)), 3, 0, "the file has no list from hop test intermediate"},
		{"out of date", join(list(pki, false, false), list(pki, true, false)), 3, 48 * time.Hour, "hop test intermediate's list is out of date (next update was due "},
		{"not yet valid", join(list(pki, false, false), list(pki, true, false)), 3, -2 * time.Hour, "list is not valid until"},
		{"the intermediate as anchor", join(list(pki, false, false), list(pki, true, false)), 2, 0, "no list can be checked for hop test intermediate: its issuer (CN=hop test root CA,O=hop) is not in the chain"},
	} {
		crls, err := tlsinfo.ReadCRLs(tt.file)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		err = crls.Clear([][]*x509.Certificate{full[:tt.chain]}, now.Add(tt.at))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	// One chain cleared of several is enough.
	crls, _ := tlsinfo.ReadCRLs(join(list(pki, false, false), list(pki, true, false)))
	if err := crls.Clear([][]*x509.Certificate{full[:2], full}, now); err != nil {
		t.Errorf("two chains, the second cleared: %v", err)
	}
}

func TestReadCRLs(t *testing.T) {
	pki, err := testserver.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	p, err := pki.CRL(true)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(p)
	for _, tt := range []struct {
		name string
		data []byte
		n    int
		err  string
	}{
		{"PEM", p, 1, ""},
		{"PEM with a certificate beside", append(testserver.CertPEM(pki.Root), p...), 1, ""},
		{"DER", block.Bytes, 1, ""},
		{"certificates only", testserver.CertPEM(pki.Root), 0, "no certificate revocation list (PEM X509 CRL) in it"},
		{"empty", nil, 0, "not a certificate revocation list"},
		{"a broken list", pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: []byte("nope")}), 0, "list 1: "},
	} {
		crls, err := tlsinfo.ReadCRLs(tt.data)
		if len(crls) != tt.n || (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: %d lists, %v", tt.name, len(crls), err)
		}
	}
}
