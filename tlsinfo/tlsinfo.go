// Package tlsinfo turns a tls.ConnectionState and x509 certificates into plain data with json tags, and
// explains certificate verification failures in plain words. It never prints and knows nothing of colour.
package tlsinfo

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Connection describes a negotiated TLS connection.
type Connection struct {
	Version  string `json:"version"`
	Cipher   string `json:"cipher_suite"`
	ALPN     string `json:"alpn"`
	Resumed  bool   `json:"resumed"`
	Verified bool   `json:"verified"`
	Server   string `json:"server_name"`
}

// Describe summarises cs. verified says whether hop verified the chain (false under -k).
func Describe(cs *tls.ConnectionState, verified bool) Connection {
	return Connection{
		Version:  tls.VersionName(cs.Version),
		Cipher:   tls.CipherSuiteName(cs.CipherSuite),
		ALPN:     cs.NegotiatedProtocol,
		Resumed:  cs.DidResume,
		Verified: verified,
		Server:   cs.ServerName,
	}
}

// Explain says in plain words why a certificate was not trusted: expired on DATE, not valid until DATE,
// issued by an unknown authority NAME, valid for NAMES not HOST, self-signed. It returns "" when err is not a
// verification failure.
func Explain(err error, now time.Time) string {
	var inv x509.CertificateInvalidError
	var unk x509.UnknownAuthorityError
	var host x509.HostnameError
	switch {
	case errors.As(err, &host):
		return fmt.Sprintf("the certificate is valid for %s, not %s", certNames(host.Certificate), host.Host)
	case errors.As(err, &unk):
		c := unk.Cert
		if c != nil && isSelfSigned(c) {
			return fmt.Sprintf("the certificate is self-signed (%s) and not in the trusted roots", name(c.Subject.CommonName, c))
		}
		if c != nil {
			return fmt.Sprintf("the certificate was issued by an unknown authority (%s)", issuerName(c))
		}
		return "the certificate was issued by an unknown authority"
	case errors.As(err, &inv):
		c := inv.Cert
		if inv.Reason == x509.Expired && c != nil {
			if now.After(c.NotAfter) {
				return fmt.Sprintf("the certificate expired on %s", c.NotAfter.UTC().Format(time.DateOnly))
			}
			return fmt.Sprintf("the certificate is not valid until %s", c.NotBefore.UTC().Format(time.DateOnly))
		}
		return "the certificate is invalid: " + inv.Error()
	}
	var ve *tls.CertificateVerificationError
	if errors.As(err, &ve) {
		return "the certificate could not be verified: " + ve.Err.Error()
	}
	return ""
}

func isSelfSigned(c *x509.Certificate) bool {
	return c.CheckSignatureFrom(c) == nil
}

func issuerName(c *x509.Certificate) string {
	if c.Issuer.CommonName != "" {
		return c.Issuer.CommonName
	}
	return c.Issuer.String()
}

func name(cn string, c *x509.Certificate) string {
	if cn != "" {
		return cn
	}
	return c.Subject.String()
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
