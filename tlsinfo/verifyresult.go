package tlsinfo

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"slices"
	"time"
)

// OpenSSL's verification results (X509_V_*), the numbers curl's %{ssl_verify_result} prints.
const (
	verifyOK               = 0
	verifyUnspecified      = 1 // X509_V_ERR_UNSPECIFIED, also what curl 7.88 reports for a name mismatch
	verifyUnableToGetCRL   = 3
	verifyNotYetValid      = 9
	verifyExpired          = 10
	verifyCRLNotYetValid   = 11
	verifyCRLExpired       = 12
	verifySelfSigned       = 18 // X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
	verifySelfSignedInside = 19 // X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
	verifyNoIssuer         = 20 // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
	verifyRevoked          = 23
	verifyInvalidPurpose   = 26
)

// VerifyResult is the number OpenSSL gives curl for the verification of a server's certificate, which
// curl's %{ssl_verify_result} prints: 0 when the chain was trusted or no TLS was used. For a chain that was
// not trusted (err, the exchange's failure), the first reason in OpenSSL's order, which is not Go's: no
// trusted authority (18: the certificate is self-signed, 19: the chain ends in an untrusted self-signed
// root, 20: an issuer is missing), then a certificate not meant for a server (26), then one out of date
// (from the root down: 9 not valid yet, 10 expired), and only then the name, which curl checks itself and
// reports as 1; revocation lists (--crlfile) give 3, 11, 12 or 23. roots are the trusted roots (nil: the
// system's). Under -k nothing is verified, and curl, which then loads no roots at all, reports what the
// chain the server sent says on its own (18, 19 or 20). A failed handshake with an https:// proxy is not
// the server's: 0.
func VerifyResult(cs *tls.ConnectionState, err error, roots *x509.CertPool, now time.Time) int {
	if isProxyHandshake(err) {
		return verifyOK
	}
	return verifyResult(cs, err, roots, now)
}

// ProxyVerifyResult is VerifyResult for an https:// proxy, curl's %{proxy_ssl_verify_result}: cs is the
// handshake with the proxy, roots the proxy's (--proxy-cacert); only a failure of that handshake counts.
func ProxyVerifyResult(cs *tls.ConnectionState, err error, roots *x509.CertPool, now time.Time) int {
	if !isProxyHandshake(err) {
		err = nil
	}
	return verifyResult(cs, err, roots, now)
}

func isProxyHandshake(err error) bool {
	var proxy interface{ ProxyHandshake() string }
	return errors.As(err, &proxy)
}

func verifyResult(cs *tls.ConnectionState, err error, roots *x509.CertPool, now time.Time) int {
	var ve *tls.CertificateVerificationError
	var revoked *RevocationError
	switch {
	case errors.As(err, &revoked):
		return revoked.code
	case errors.As(err, &ve) && len(ve.UnverifiedCertificates) > 0:
		if code := chainResult(firstOf(ve.UnverifiedCertificates), roots, now); code != verifyOK {
			return code
		}
		return verifyUnspecified // the name, or a check OpenSSL does not make
	case cs != nil && len(cs.PeerCertificates) > 0 && len(cs.VerifiedChains) == 0: // -k
		return untrusted(firstOf(cs.PeerCertificates))
	}
	return verifyOK
}

// maxJudged is how many of the certificates a server sent are judged: real chains hold three or four, and
// each one more adds two verifications and a search among the others, which a hostile server could
// multiply by sending a hundred (150 made-up ones cost 46 ms where eight cost 3).
const maxJudged = 8

func firstOf(presented []*x509.Certificate) []*x509.Certificate {
	return presented[:min(len(presented), maxJudged)]
}

// chainResult verifies the chain the server sent (leaf first) without a name, in OpenSSL's order. Go checks
// the leaf's dates before it looks for an authority, and skips an intermediate out of date as if it were
// missing, so an authority is looked for at every moment one of the certificates starts or stops being
// valid: found at any of them, the chain is trusted but for its dates.
func chainResult(presented []*x509.Certificate, roots *x509.CertPool, now time.Time) int {
	inter := x509.NewCertPool()
	for _, c := range presented[1:] {
		inter.AddCert(c)
	}
	moments := []time.Time{now}
	for _, c := range presented {
		moments = append(moments, c.NotBefore, c.NotAfter)
	}
	slices.SortFunc(moments[1:], time.Time.Compare)
	moments = slices.CompactFunc(moments, time.Time.Equal)
	for _, t := range moments {
		chains, err := presented[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: t})
		var invalid x509.CertificateInvalidError
		if errors.As(err, &invalid) && invalid.Reason == x509.IncompatibleUsage {
			return verifyInvalidPurpose
		}
		if err != nil || len(chains) == 0 {
			continue
		}
		for _, c := range slices.Backward(chains[0]) { // OpenSSL checks dates from the root down
			switch {
			case now.Before(c.NotBefore):
				return verifyNotYetValid
			case now.After(c.NotAfter):
				return verifyExpired
			}
		}
		return verifyOK
	}
	return untrusted(presented)
}

// untrusted is OpenSSL's result for a chain that reaches no trusted root, from the certificates the server
// sent, leaf first and in any order after it (OpenSSL looks for each issuer among them): the leaf
// self-signed, the issuers found ending in a self-signed root, or an issuer missing.
func untrusted(presented []*x509.Certificate) int {
	c := presented[0]
	if isSelfSigned(c) {
		return verifySelfSigned
	}
	for range presented {
		var issuer *x509.Certificate
		for _, p := range presented {
			if p != c && signedBy(c, p) {
				issuer = p
				break
			}
		}
		if issuer == nil {
			return verifyNoIssuer
		}
		if isSelfSigned(issuer) {
			return verifySelfSignedInside
		}
		c = issuer
	}
	return verifyNoIssuer
}
