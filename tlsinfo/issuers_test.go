package tlsinfo_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/hop-cli/hop/tlsinfo"
)

// TestIssuersThatMayNotIssue: an intermediate that may not have issued the leaf, as Go refuses it and
// OpenSSL does too ("invalid CA certificate", "permitted subtree violation", "unsuitable certificate
// purpose"): each said in words, not as "an unknown authority" or Go's bare reason.
func TestIssuersThatMayNotIssue(t *testing.T) {
	now := time.Now()
	serial := int64(0)
	issueCert := func(tmpl *x509.Certificate, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
		t.Helper()
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		serial++
		tmpl.SerialNumber, tmpl.NotBefore, tmpl.NotAfter = big.NewInt(serial), now.Add(-time.Hour), now.Add(time.Hour)
		if parent == nil {
			parent, parentKey = tmpl, key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return c, key
	}
	ca := func(cn string) *x509.Certificate {
		return &x509.Certificate{Subject: pkix.Name{CommonName: cn}, IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	}
	root, rootKey := issueCert(ca("Root"), nil, nil)
	roots := x509.NewCertPool()
	roots.AddCert(root)
	constrained := ca("Constrained")
	constrained.PermittedDNSDomains = []string{"example.com"}
	notCA := &x509.Certificate{Subject: pkix.Name{CommonName: "Not A CA"}, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	forClients := ca("For Clients")
	forClients.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	for _, tt := range []struct {
		inter *x509.Certificate
		want  string
		cause tlsinfo.Cause
	}{
		{constrained, `a CA of the chain may issue certificates for some names only (name constraints), and this certificate is outside them: DNS name "localhost" is not permitted by any constraint`, tlsinfo.CauseOther},
		{notCA, "the certificate was issued by Not A CA, which the server sent but which is no CA (its Basic Constraints do not let it sign certificates)", tlsinfo.CauseOther},
		{forClients, "a CA of the chain limits what its certificates may be used for (Extended Key Usage), and serving TLS is not among them", tlsinfo.CauseUsage},
	} {
		inter, interKey := issueCert(tt.inter, root, rootKey)
		leaf, _ := issueCert(&x509.Certificate{Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, inter, interKey)
		v := tlsinfo.Verify([]*x509.Certificate{leaf, inter}, "localhost", roots, now)
		if v.Trusted || v.Reason != tt.want || tlsinfo.CauseOf(v.Err) != tt.cause {
			t.Errorf("issued by %s: %q (cause %v), want %q (cause %v)", tt.inter.Subject.CommonName, v.Reason, tlsinfo.CauseOf(v.Err), tt.want, tt.cause)
		}
	}
}
