package testserver

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/crypto/ocsp"
)

// PKI is a certificate authority made at run time (no keys that expire sit in the repository): a root and
// an intermediate that issues leaves.
type PKI struct {
	Root      *x509.Certificate
	rootKey   crypto.Signer
	Inter     *x509.Certificate
	interKey  crypto.Signer
	serial    int64
	CreatedAt time.Time
}

// Leaf says what certificate to issue.
type Leaf struct {
	Names      []string // DNS names and IP addresses
	Key        string   // rsa (2048), ecdsa (P-256, the default) or ed25519
	NotBefore  time.Time
	NotAfter   time.Time
	SelfSigned bool // signed by its own key instead of the intermediate
	Client     bool // for client authentication
	// CommonNameOnly names the first of Names in the subject's Common Name alone, with no Subject
	// Alternative Name: the certificates clients read before RFC 6125.
	CommonNameOnly bool
	SHA1           bool // signed with SHA-1 (by the intermediate's ECDSA key), which verifiers refuse as insecure
}

func newKey(kind string) (crypto.Signer, error) {
	switch kind {
	case "rsa":
		return rsa.GenerateKey(rand.Reader, 2048)
	case "ed25519":
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	}
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}

// NewPKI makes a root "hop test root CA" and an intermediate "hop test intermediate", valid for ten years.
func NewPKI() (*PKI, error) {
	p := &PKI{CreatedAt: time.Now()}
	var err error
	if p.rootKey, err = newKey("ecdsa"); err != nil {
		return nil, err
	}
	now := p.CreatedAt
	root := &x509.Certificate{
		Subject:   pkix.Name{CommonName: "hop test root CA", Organization: []string{"hop"}},
		NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(10, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	if p.Root, err = p.sign(root, root, p.rootKey.Public(), p.rootKey); err != nil {
		return nil, err
	}
	if p.interKey, err = newKey("ecdsa"); err != nil {
		return nil, err
	}
	inter := &x509.Certificate{
		Subject:   pkix.Name{CommonName: "hop test intermediate", Organization: []string{"hop"}},
		NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(5, 0, 0),
		IsCA: true, BasicConstraintsValid: true, MaxPathLen: 0, MaxPathLenZero: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		OCSPServer:            []string{"http://ocsp.hop.invalid"},
		CRLDistributionPoints: []string{"http://crl.hop.invalid/inter.crl"},
	}
	if p.Inter, err = p.sign(inter, p.Root, p.interKey.Public(), p.rootKey); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *PKI) sign(tmpl, parent *x509.Certificate, pub crypto.PublicKey, key crypto.Signer) (*x509.Certificate, error) {
	p.serial++
	tmpl.SerialNumber = big.NewInt(p.serial)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// CRL is a certificate revocation list in PEM, current for a day: the intermediate's (for leaves) when
// inter is set, else the root's (for the intermediate), revoked listing certificates revoked two days ago.
func (p *PKI) CRL(inter bool, revoked ...*x509.Certificate) ([]byte, error) {
	issuer, key := p.Root, p.rootKey
	if inter {
		issuer, key = p.Inter, p.interKey
	}
	now := time.Now()
	tmpl := &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(24 * time.Hour)}
	for _, c := range revoked {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries,
			x509.RevocationListEntry{SerialNumber: c.SerialNumber, RevocationTime: now.Add(-48 * time.Hour)})
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, issuer, key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der}), nil
}

// Issue makes a leaf and returns it with its chain (leaf, intermediate) as a tls.Certificate.
func (p *PKI) Issue(l Leaf) (tls.Certificate, error) {
	key, err := newKey(l.Key)
	if err != nil {
		return tls.Certificate{}, err
	}
	if l.NotBefore.IsZero() {
		l.NotBefore = p.CreatedAt.Add(-time.Hour)
	}
	if l.NotAfter.IsZero() {
		l.NotAfter = p.CreatedAt.AddDate(1, 0, 0)
	}
	cn := "hop test client"
	if len(l.Names) > 0 {
		cn = l.Names[0]
	}
	tmpl := &x509.Certificate{
		Subject: pkix.Name{CommonName: cn}, NotBefore: l.NotBefore, NotAfter: l.NotAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if _, isRSA := key.(*rsa.PrivateKey); isRSA {
		tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
	}
	if l.Client {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	for _, n := range l.Names {
		if l.CommonNameOnly {
			break
		}
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	parent, signer := p.Inter, p.interKey
	if l.SelfSigned {
		parent, signer = tmpl, key
	}
	if l.SHA1 {
		tmpl.SignatureAlgorithm = x509.ECDSAWithSHA1
	}
	leaf, err := p.sign(tmpl, parent, key.Public(), signer)
	if err != nil {
		return tls.Certificate{}, err
	}
	chain := [][]byte{leaf.Raw}
	if !l.SelfSigned {
		chain = append(chain, p.Inter.Raw)
	}
	return tls.Certificate{Certificate: chain, PrivateKey: key, Leaf: leaf}, nil
}

// WriteRoot writes the root certificate, in PEM, to root.pem in dir, for --cacert, and returns its path.
func (p *PKI) WriteRoot(dir string) (string, error) {
	path := filepath.Join(dir, "root.pem")
	return path, os.WriteFile(path, CertPEM(p.Root), 0o644)
}

// CertPEM encodes certificates as PEM.
func CertPEM(certs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

// KeyPEM encodes a private key as PKCS#8 PEM.
func KeyPEM(key crypto.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encoding key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// OCSP is an OCSP response (RFC 6960) for leaf, signed by the intermediate that issued it, saying status
// (ocsp.Good, ocsp.Revoked, ocsp.Unknown) from an hour ago until a day from now, for a server to staple.
func (p *PKI) OCSP(leaf *x509.Certificate, status int) ([]byte, error) {
	now := time.Now()
	tmpl := ocsp.Response{Status: status, SerialNumber: leaf.SerialNumber, ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(24 * time.Hour)}
	if status == ocsp.Revoked {
		tmpl.RevokedAt, tmpl.RevocationReason = now.Add(-48*time.Hour), ocsp.KeyCompromise
	}
	return ocsp.CreateResponse(p.Inter, p.Inter, tmpl, p.interKey)
}
