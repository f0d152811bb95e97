// Package tlsinfo turns a tls.ConnectionState and x509 certificates into plain data with json tags, grades
// versions, cipher suites and keys from lookup tables, and explains verification failures in plain words
// (and in OpenSSL's numbers, for curl's -w). It never prints and knows nothing of colour.
package tlsinfo

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"
)

// Grades, best first.
const (
	GradeGood     = "good"
	GradeOK       = "ok"
	GradeWeak     = "weak"
	GradeInsecure = "insecure"
)

var versionGrades = map[uint16]string{
	tls.VersionTLS13: GradeGood,
	tls.VersionTLS12: GradeOK,
	tls.VersionTLS11: GradeInsecure,
	tls.VersionTLS10: GradeInsecure,
}

// cipherGrades grades TLS 1.2 suites; every TLS 1.3 suite is good. Suites not listed are weak.
var cipherGrades = map[uint16]string{
	tls.TLS_AES_128_GCM_SHA256:                        GradeGood,
	tls.TLS_AES_256_GCM_SHA384:                        GradeGood,
	tls.TLS_CHACHA20_POLY1305_SHA256:                  GradeGood,
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:       GradeGood,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:       GradeGood,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: GradeGood,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:         GradeGood,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384:         GradeGood,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256:   GradeGood,
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA:          GradeOK,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA:          GradeOK,
	tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA:            GradeOK,
	tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA:            GradeOK,
	tls.TLS_RSA_WITH_AES_128_GCM_SHA256:               GradeWeak, // no forward secrecy
	tls.TLS_RSA_WITH_AES_256_GCM_SHA384:               GradeWeak,
	tls.TLS_RSA_WITH_AES_128_CBC_SHA:                  GradeWeak,
	tls.TLS_RSA_WITH_AES_256_CBC_SHA:                  GradeWeak,
	tls.TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA:           GradeInsecure,
	tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA:                 GradeInsecure,
	tls.TLS_ECDHE_RSA_WITH_RC4_128_SHA:                GradeInsecure,
	tls.TLS_RSA_WITH_RC4_128_SHA:                      GradeInsecure,
}

// keyGrades grades public keys by type and size: "RSA 2048" is ok, "RSA 1024" insecure.
var keyGrades = map[string]string{
	"RSA 1024": GradeInsecure, "RSA 2048": GradeOK, "RSA 3072": GradeGood, "RSA 4096": GradeGood,
	"ECDSA 256": GradeGood, "ECDSA 384": GradeGood, "ECDSA 521": GradeGood, "Ed25519 256": GradeGood,
}

// Connection describes a negotiated TLS connection and the chain the server presented.
type Connection struct {
	Version        string        `json:"version"`
	VersionGrade   string        `json:"version_grade"`
	Cipher         string        `json:"cipher_suite"`
	CipherGrade    string        `json:"cipher_grade"`
	ALPN           string        `json:"alpn"`
	KeyExchange    string        `json:"key_exchange"`
	ForwardSecrecy bool          `json:"forward_secrecy"`
	Resumed        bool          `json:"resumed"`
	ECH            bool          `json:"ech"`
	OCSPStapled    bool          `json:"ocsp_stapled"`
	OCSP           *Staple       `json:"ocsp,omitempty"`       // what the staple says, when it could be read
	OCSPError      string        `json:"ocsp_error,omitempty"` // why it could not be
	SCTs           int           `json:"scts"`
	Verified       bool          `json:"verified"`
	ServerName     string        `json:"server_name"`
	Chain          []Certificate `json:"chain,omitempty"`
	ClientCert     *ClientCert   `json:"client_certificate,omitempty"` // when the server asked for one
}

// Certificate describes one certificate.
type Certificate struct {
	Subject            string    `json:"subject"`
	SANs               []string  `json:"sans"`
	MatchedName        string    `json:"matched_name,omitempty"` // the SAN that matched the host
	Issuer             string    `json:"issuer"`
	Serial             string    `json:"serial"`
	NotBefore          time.Time `json:"not_before"`
	NotAfter           time.Time `json:"not_after"`
	DaysLeft           int       `json:"days_left"`
	KeyType            string    `json:"key_type"`
	KeyBits            int       `json:"key_bits"`
	KeyGrade           string    `json:"key_grade"`
	SignatureAlgorithm string    `json:"signature_algorithm"`
	SHA256             string    `json:"sha256_fingerprint"`
	SPKIPin            string    `json:"spki_pin"` // sha256//BASE64, as curl's --pinnedpubkey takes it
	IsCA               bool      `json:"is_ca"`
	SelfSigned         bool      `json:"self_signed"`
	OCSPServers        []string  `json:"ocsp_servers,omitempty"`
	CRLs               []string  `json:"crl_urls,omitempty"`
}

// Describe summarises cs. host is the name hop asked for (used to mark the matching SAN); verified says
// whether hop verified the chain (false under -k). chain overrides the presented chain when the state has
// none (a handshake whose verification failed).
func Describe(cs *tls.ConnectionState, host string, verified bool, now time.Time) Connection {
	c := Connection{
		Version:      tls.VersionName(cs.Version),
		VersionGrade: grade(versionGrades, cs.Version, GradeInsecure),
		Cipher:       tls.CipherSuiteName(cs.CipherSuite),
		ALPN:         cs.NegotiatedProtocol,
		Resumed:      cs.DidResume,
		ECH:          cs.ECHAccepted,
		OCSPStapled:  len(cs.OCSPResponse) > 0,
		SCTs:         len(cs.SignedCertificateTimestamps),
		Verified:     verified,
		ServerName:   cs.ServerName,
	}
	if c.ServerName == "" && net.ParseIP(host) == nil {
		c.ServerName = host // the name sent as SNI; Go fills ServerName only on the server side
	}
	c.OCSP, c.OCSPError = stapleOf(cs)
	if cs.Version == tls.VersionTLS13 {
		c.CipherGrade = GradeGood
	} else {
		c.CipherGrade = grade(cipherGrades, cs.CipherSuite, GradeWeak)
	}
	if cs.CurveID != 0 {
		c.KeyExchange = curveName(cs.CurveID)
	}
	// TLS 1.3 always uses an ephemeral exchange; TLS 1.2 does with the ECDHE suites.
	c.ForwardSecrecy = cs.Version == tls.VersionTLS13 || strings.Contains(c.Cipher, "_ECDHE_")
	c.Chain = DescribeChain(cs.PeerCertificates, host, now)
	return c
}

func grade[K comparable](table map[K]string, k K, otherwise string) string {
	if g, ok := table[k]; ok {
		return g
	}
	return otherwise
}

func curveName(id tls.CurveID) string {
	switch id {
	case tls.CurveP256:
		return "P-256"
	case tls.CurveP384:
		return "P-384"
	case tls.CurveP521:
		return "P-521"
	}
	return id.String()
}

// DescribeChain describes each certificate, marking the SAN that matches host in the leaf.
func DescribeChain(chain []*x509.Certificate, host string, now time.Time) []Certificate {
	out := make([]Certificate, 0, len(chain))
	for i, c := range chain {
		h := ""
		if i == 0 {
			h = host
		}
		out = append(out, describeCert(c, h, now))
	}
	return out
}

// describeCert describes one certificate; host, if given, selects the matching SAN.
func describeCert(c *x509.Certificate, host string, now time.Time) Certificate {
	d := Certificate{
		Subject:            name(c.Subject.String(), c),
		Issuer:             c.Issuer.String(),
		Serial:             hexColons(c.SerialNumber.Bytes()),
		NotBefore:          c.NotBefore.UTC(),
		NotAfter:           c.NotAfter.UTC(),
		DaysLeft:           DaysLeft(c.NotAfter, now),
		SignatureAlgorithm: c.SignatureAlgorithm.String(),
		IsCA:               c.IsCA,
		SelfSigned:         isSelfSigned(c),
		OCSPServers:        c.OCSPServer,
		CRLs:               c.CRLDistributionPoints,
	}
	d.SANs = append(d.SANs, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		d.SANs = append(d.SANs, ip.String())
	}
	for _, e := range c.EmailAddresses {
		d.SANs = append(d.SANs, "email:"+e)
	}
	for _, u := range c.URIs {
		d.SANs = append(d.SANs, u.String())
	}
	if d.SANs == nil {
		d.SANs = []string{}
	}
	if host != "" {
		d.MatchedName = matchedName(c, host)
	}
	d.KeyType, d.KeyBits = keyInfo(c)
	d.KeyGrade = grade(keyGrades, fmt.Sprintf("%s %d", d.KeyType, d.KeyBits), GradeWeak)
	if d.KeyType == "RSA" && d.KeyBits < 2048 {
		d.KeyGrade = GradeInsecure // 768 and 512 too: Go refuses any under 1024
	}
	sum := sha256.Sum256(c.Raw)
	d.SHA256 = hexColons(sum[:])
	d.SPKIPin = SPKIPin(c)
	return d
}

// SPKIPin is the pin of a certificate's public key in curl's --pinnedpubkey form: sha256//BASE64.
func SPKIPin(c *x509.Certificate) string {
	sum := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return "sha256//" + base64.StdEncoding.EncodeToString(sum[:])
}

// DaysLeft is the number of whole days until t (negative once it has passed).
func DaysLeft(t, now time.Time) int {
	d := t.Sub(now)
	days := int(d / (24 * time.Hour))
	if d < 0 && d%(24*time.Hour) != 0 {
		days--
	}
	return days
}

func keyInfo(c *x509.Certificate) (string, int) {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return "RSA", k.N.BitLen()
	case *ecdsa.PublicKey:
		return "ECDSA", k.Curve.Params().BitSize
	case ed25519.PublicKey:
		return "Ed25519", 256
	}
	return c.PublicKeyAlgorithm.String(), 0
}

// matchedName returns the SAN (or IP) of c that host matches, or "".
func matchedName(c *x509.Certificate, host string) string {
	if c.VerifyHostname(host) != nil {
		return ""
	}
	if ip := net.ParseIP(strings.Trim(host, "[]")); ip != nil {
		return ip.String()
	}
	for _, n := range c.DNSNames {
		probe := &x509.Certificate{DNSNames: []string{n}}
		if probe.VerifyHostname(host) == nil {
			return n
		}
	}
	return host
}

func hexColons(b []byte) string {
	h := strings.ToUpper(hex.EncodeToString(b))
	var out strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			out.WriteByte(':')
		}
		out.WriteString(h[i : i+2])
	}
	return out.String()
}

// Verdict is the outcome of verifying a chain, in plain words.
type Verdict struct {
	Trusted bool   `json:"trusted"`
	Reason  string `json:"reason"` // why not, in plain words; empty when trusted
	Root    string `json:"root,omitempty"`
	Err     error  `json:"-"` // the verification error, for CauseOf
	// Chains are the chains verified, leaf first, each ending in a trusted root (for --crlfile).
	Chains [][]*x509.Certificate `json:"-"`
}

// Cause is why a certificate was not trusted, in the terms of what a user can do about it.
type Cause int

// The causes.
const (
	CauseOther      Cause = iota
	CauseName             // valid, but for other names
	CauseCommonName       // the host is named in the Common Name only: no SAN, which clients require now
	CauseAlgorithm        // a signature in the chain uses an algorithm refused as insecure (SHA-1, MD5)
	CauseIncomplete       // the server sent its certificate alone, and its issuer is no trusted root
	CauseDates            // expired, or not valid yet
	CauseAuthority        // issued by an authority the client does not trust, or self-signed
	CausePin              // no key of the chain matches the pins
	CauseStatus           // --cert-status: no stapled OCSP response saying the certificate is good
	CauseRevocation       // --crlfile: a certificate revoked, or no current list from its issuer
	CauseUsage            // the certificate (or a CA above it) is not for TLS servers (Extended Key Usage)
)

// CauseOf says why a verification error happened.
func CauseOf(err error) Cause {
	var inv x509.CertificateInvalidError
	var unk x509.UnknownAuthorityError
	var host x509.HostnameError
	var pin *PinError
	var staple *StapleError
	var revocation *RevocationError
	switch {
	case alone(err) != nil:
		return CauseIncomplete
	case errors.As(err, &host) && commonNameOnly(host.Certificate, host.Host):
		return CauseCommonName
	case errors.As(err, &host):
		return CauseName
	case errors.As(err, &unk) && insecureAlgorithm(unk) != "":
		return CauseAlgorithm
	case notCA(err) != nil:
		return CauseOther
	case errors.As(err, &unk):
		return CauseAuthority
	case errors.As(err, &inv) && inv.Reason == x509.IncompatibleUsage:
		return CauseUsage
	case errors.As(err, &inv) && inv.Reason == x509.Expired:
		return CauseDates
	case errors.As(err, &pin):
		return CausePin
	case errors.As(err, &staple):
		return CauseStatus
	case errors.As(err, &revocation):
		return CauseRevocation
	}
	return CauseOther
}

// Verify checks chain[0] for host against roots (nil: the system's), with the rest of the chain as
// intermediates, and says in plain words why it is not trusted. With no host (a certificate file checked
// without --servername) there is no name to check and no purpose either: a client certificate is checked as
// well as a server's.
func Verify(chain []*x509.Certificate, host string, roots *x509.CertPool, now time.Time) Verdict {
	return verify(chain, host, usageFor(host), roots, now)
}

// usageFor is what a chain for host is checked for: serving TLS, or, with no host, any use.
func usageFor(host string) x509.ExtKeyUsage {
	if host == "" {
		return x509.ExtKeyUsageAny
	}
	return x509.ExtKeyUsageServerAuth
}

func verify(chain []*x509.Certificate, host string, usage x509.ExtKeyUsage, roots *x509.CertPool, now time.Time) Verdict {
	if len(chain) == 0 {
		return Verdict{Reason: "the server sent no certificate"}
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	opts := x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{usage}}
	if host != "" {
		opts.DNSName = strings.Trim(host, "[]")
	}
	chains, err := chain[0].Verify(opts)
	if err != nil {
		err = &tls.CertificateVerificationError{UnverifiedCertificates: chain, Err: err} // as a handshake says it
		return Verdict{Reason: Explain(err, now), Err: err}
	}
	v := Verdict{Trusted: true, Chains: chains}
	if len(chains) > 0 && len(chains[0]) > 0 {
		root := chains[0][len(chains[0])-1]
		v.Root = name(root.Subject.CommonName, root)
	}
	return v
}

// Explain says in plain words why a certificate was not trusted: expired on DATE, not valid until DATE,
// issued by an unknown authority NAME, valid for NAMES not HOST, self-signed.
func Explain(err error, now time.Time) string {
	var inv x509.CertificateInvalidError
	var unk x509.UnknownAuthorityError
	var host x509.HostnameError
	if leaf := alone(err); leaf != nil {
		return fmt.Sprintf("the certificate was issued by %s, which is no trusted root and which the server did not send (it sent its own certificate alone)", issuerName(leaf))
	}
	switch {
	case errors.As(err, &host) && commonNameOnly(host.Certificate, host.Host):
		return fmt.Sprintf("the certificate names %s in its Common Name only, not as a Subject Alternative Name, which Go and browsers require (RFC 6125)", host.Host)
	case errors.As(err, &host):
		return fmt.Sprintf("the certificate is valid for %s, not %s", certNames(host.Certificate), host.Host)
	case errors.As(err, &unk) && insecureAlgorithm(unk) != "":
		return fmt.Sprintf("a signature in the chain uses %s, which Go refuses as insecure", insecureAlgorithm(unk))
	case notCA(err) != nil:
		c := notCA(err)
		return fmt.Sprintf("the certificate was issued by %s, which the server sent but which is no CA (its Basic Constraints do not let it sign certificates)", name(c.Subject.CommonName, c))
	case errors.As(err, &unk):
		c := unk.Cert
		var ve *tls.CertificateVerificationError
		switch {
		case c != nil && isSelfSigned(c) && errors.As(err, &ve) && len(ve.UnverifiedCertificates) > 0 && !bytes.Equal(ve.UnverifiedCertificates[0].Raw, c.Raw):
			// The server sent its root too, and that root is not trusted here.
			return fmt.Sprintf("the chain ends in %s, a root (self-signed) that is not among the trusted roots", name(c.Subject.CommonName, c))
		case c != nil && isSelfSigned(c):
			return fmt.Sprintf("the certificate is self-signed (%s) and not in the trusted roots", name(c.Subject.CommonName, c))
		}
		if c != nil {
			return fmt.Sprintf("the certificate was issued by an unknown authority (%s)", issuerName(c))
		}
		return "the certificate was issued by an unknown authority"
	case errors.As(err, &inv):
		c := inv.Cert
		switch {
		case inv.Reason == x509.Expired && c != nil:
			if now.After(c.NotAfter) {
				return fmt.Sprintf("the certificate expired on %s", c.NotAfter.UTC().Format(time.DateOnly))
			}
			return fmt.Sprintf("the certificate is not valid until %s", c.NotBefore.UTC().Format(time.DateOnly))
		case inv.Reason == x509.IncompatibleUsage && c != nil:
			if uses := usageNames(c.ExtKeyUsage); len(c.UnknownExtKeyUsage) == 0 && len(uses) > 0 && !slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageServerAuth) {
				return fmt.Sprintf("the certificate is not for servers: its Extended Key Usage allows %s only", strings.Join(uses, ", "))
			}
			return "a CA of the chain limits what its certificates may be used for (Extended Key Usage), and serving TLS is not among them"
		case inv.Reason == x509.CANotAuthorizedForThisName:
			return "a CA of the chain may issue certificates for some names only (name constraints), and this certificate is outside them: " + inv.Detail
		}
		return "the certificate is invalid: " + inv.Error()
	}
	var ve *tls.CertificateVerificationError
	if errors.As(err, &ve) {
		return Explain(ve.Err, now)
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// alone returns the certificate a server sent without any other, when that is why no authority was found:
// it is not self-signed, so an intermediate should have come with it (browsers fetch a missing one; curl and
// Go do not). nil otherwise.
func alone(err error) *x509.Certificate {
	var ve *tls.CertificateVerificationError
	var unk x509.UnknownAuthorityError
	if !errors.As(err, &ve) || len(ve.UnverifiedCertificates) != 1 || !errors.As(err, &unk) || insecureAlgorithm(unk) != "" {
		return nil
	}
	leaf := ve.UnverifiedCertificates[0]
	if bytes.Equal(leaf.RawIssuer, leaf.RawSubject) {
		return nil
	}
	return leaf
}

// notCA is the certificate the server sent that signed the one whose authority Go could not find, but that
// is no CA: Go passes it over as an issuer, and says only that the authority is unknown. Nil when there is
// none.
func notCA(err error) *x509.Certificate {
	var ve *tls.CertificateVerificationError
	var unk x509.UnknownAuthorityError
	if !errors.As(err, &ve) || !errors.As(err, &unk) || unk.Cert == nil {
		return nil
	}
	for _, c := range ve.UnverifiedCertificates {
		if !bytes.Equal(c.Raw, unk.Cert.Raw) && (!c.BasicConstraintsValid || !c.IsCA) && signedBy(unk.Cert, c) {
			return c
		}
	}
	return nil
}

// insecureAlgorithm is the signature algorithm that made Go give up looking for an authority ("SHA1-RSA"),
// which it says only in words; "" when none did.
func insecureAlgorithm(unk x509.UnknownAuthorityError) string {
	_, rest, ok := strings.Cut(unk.Error(), "insecure algorithm ")
	if !ok {
		return ""
	}
	alg, _, _ := strings.Cut(rest, `"`)
	alg = strings.TrimSpace(alg)
	if len(alg) > 40 || strings.ContainsFunc(alg, func(r rune) bool { return r < '!' || r > '~' }) {
		return "an insecure algorithm"
	}
	return alg
}

// isSelfSigned reports whether c signed itself.
func isSelfSigned(c *x509.Certificate) bool { return signedBy(c, c) }

// signedBy reports whether parent issued c: it names parent as its issuer, and parent's key signed it.
// Whether parent may issue certificates is not asked (CheckSignatureFrom would insist it is a CA, which a
// self-signed leaf, or an issuer wrongly made, is not): that is verification's question.
func signedBy(c, parent *x509.Certificate) bool {
	return bytes.Equal(c.RawIssuer, parent.RawSubject) && parent.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

func issuerName(c *x509.Certificate) string {
	if c.Issuer.CommonName != "" {
		return c.Issuer.CommonName
	}
	return c.Issuer.String()
}

func name(s string, c *x509.Certificate) string {
	if s != "" {
		return s
	}
	return c.Subject.String()
}

// commonNameOnly reports whether c names host in its Common Name and has no Subject Alternative Name: what
// clients once read and Go (as browsers) no longer does.
func commonNameOnly(c *x509.Certificate, host string) bool {
	if c == nil || c.Subject.CommonName == "" || len(c.DNSNames)+len(c.IPAddresses)+len(c.URIs)+len(c.EmailAddresses) > 0 {
		return false
	}
	if ip := net.ParseIP(host); ip != nil {
		cn := net.ParseIP(c.Subject.CommonName)
		return cn != nil && cn.Equal(ip)
	}
	probe := &x509.Certificate{DNSNames: []string{c.Subject.CommonName}}
	return probe.VerifyHostname(host) == nil
}

func certNames(c *x509.Certificate) string {
	if c == nil {
		return "other names"
	}
	names := append([]string(nil), c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = append(names, c.Subject.CommonName)
	}
	if len(names) > 5 {
		names = append(names[:5], fmt.Sprintf("and %d more", len(names)-5))
	}
	return strings.Join(names, ", ")
}

// usageNames words Extended Key Usages.
func usageNames(uses []x509.ExtKeyUsage) []string {
	words := map[x509.ExtKeyUsage]string{
		x509.ExtKeyUsageServerAuth: "TLS servers", x509.ExtKeyUsageClientAuth: "TLS clients", x509.ExtKeyUsageCodeSigning: "code signing",
		x509.ExtKeyUsageEmailProtection: "email protection", x509.ExtKeyUsageTimeStamping: "time stamping", x509.ExtKeyUsageOCSPSigning: "OCSP signing",
		x509.ExtKeyUsageAny: "any use",
	}
	var out []string
	for _, u := range uses {
		if w, ok := words[u]; ok {
			out = append(out, w)
		} else {
			out = append(out, fmt.Sprintf("usage %d", u))
		}
	}
	return out
}

// checkPin reports whether any certificate of chain has the pin (sha256//BASE64). A list of pins separated
// by ';' matches when any one does, as in curl.
func checkPin(chain []*x509.Certificate, pins string) bool {
	for _, pin := range strings.Split(pins, ";") {
		for _, c := range chain {
			if SPKIPin(c) == strings.TrimSpace(pin) {
				return true
			}
		}
	}
	return false
}

// PinError is a chain that holds none of the pinned keys.
type PinError struct {
	Got []string // the pins of the chain presented
}

func (e *PinError) Error() string {
	return fmt.Sprintf("the public key does not match --pin (the server's keys: %s)", strings.Join(e.Got, ", "))
}

// VerifyPins returns a *PinError unless a certificate of chain has one of pins.
func VerifyPins(chain []*x509.Certificate, pins string) error {
	if checkPin(chain, pins) {
		return nil
	}
	got := make([]string, len(chain))
	for i, c := range chain {
		got[i] = SPKIPin(c)
	}
	return &PinError{Got: got}
}

// ValidPin checks the syntax of a --pin value.
func ValidPin(pins string) error {
	for _, pin := range strings.Split(pins, ";") {
		b64, ok := strings.CutPrefix(strings.TrimSpace(pin), "sha256//")
		if !ok {
			return fmt.Errorf("pin %q must start with sha256//", pin)
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(raw) != sha256.Size {
			return fmt.Errorf("pin %q is not the base64 of a SHA-256 digest", pin)
		}
	}
	return nil
}

// Check is one of the three checks a client makes on a certificate: trusted issuer, matching name, dates.
type Check struct {
	Name   string `json:"name"` // trust, name or dates; revocation with --crlfile (hop cert)
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Checks runs the three checks separately, so each can be explained on its own: is the chain issued by a
// trusted CA (judged at a time when every certificate is valid), does the leaf match host (skipped when host
// is empty), and are all certificates valid now.
func Checks(chain []*x509.Certificate, host string, roots *x509.CertPool, now time.Time) []Check {
	if len(chain) == 0 {
		return nil
	}
	leaf := chain[0]
	var checks []Check

	// Judge trust apart from the dates: try now, then instants at which the certificates were valid.
	earliestEnd := leaf.NotAfter
	for _, c := range chain {
		if c.NotAfter.Before(earliestEnd) {
			earliestEnd = c.NotAfter
		}
	}
	candidates := []time.Time{now}
	for _, c := range chain {
		candidates = append(candidates, c.NotBefore.Add(time.Second), c.NotAfter.Add(-time.Second))
	}
	trust := Check{Name: "trust"}
	for i, at := range candidates {
		v := verify(chain, "", usageFor(host), roots, at)
		if v.Trusted {
			trust = Check{Name: "trust", OK: true, Detail: fmt.Sprintf("issued by a trusted CA (%s)", v.Root)}
			break
		}
		if i == 0 {
			trust.Detail = v.Reason
		}
	}
	if !trust.OK && (strings.Contains(trust.Detail, "expired") || strings.Contains(trust.Detail, "not valid until")) {
		trust.Detail = "no chain to a trusted CA was valid at any one time"
	}
	checks = append(checks, trust)

	switch {
	case host == "":
		checks = append(checks, Check{Name: "name", OK: true, Detail: "no host name to check (give --servername)"})
	case leaf.VerifyHostname(strings.Trim(host, "[]")) == nil:
		checks = append(checks, Check{Name: "name", OK: true, Detail: fmt.Sprintf("valid for %s (matched %s)", host, matchedName(leaf, host))})
	case commonNameOnly(leaf, strings.Trim(host, "[]")):
		checks = append(checks, Check{Name: "name", Detail: fmt.Sprintf("%s is in the Common Name only, not a Subject Alternative Name (Go and browsers require one)", host)})
	default:
		checks = append(checks, Check{Name: "name", Detail: fmt.Sprintf("valid for %s, not %s", certNames(leaf), host)})
	}

	dates := Check{Name: "dates", OK: true}
	for _, c := range chain {
		switch {
		case now.Before(c.NotBefore):
			dates = Check{Name: "dates", Detail: fmt.Sprintf("%s is not valid until %s", name(c.Subject.CommonName, c), c.NotBefore.UTC().Format(time.DateOnly))}
		case now.After(c.NotAfter):
			dates = Check{Name: "dates", Detail: fmt.Sprintf("%s expired on %s", name(c.Subject.CommonName, c), c.NotAfter.UTC().Format(time.DateOnly))}
		}
		if !dates.OK {
			break
		}
	}
	if dates.OK {
		dates.Detail = fmt.Sprintf("valid until %s (%d days left)", earliestEnd.UTC().Format(time.DateOnly), DaysLeft(earliestEnd, now))
	}
	return append(checks, dates)
}

// ExpiringWithin lists the certificates of chain that expire within d of now (expired ones included).
func ExpiringWithin(chain []*x509.Certificate, d time.Duration, now time.Time) []*x509.Certificate {
	var out []*x509.Certificate
	for _, c := range chain {
		if c.NotAfter.Before(now.Add(d)) {
			out = append(out, c)
		}
	}
	return out
}
