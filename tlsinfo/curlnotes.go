package tlsinfo

import (
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"time"
)

// CurlCertNotes are the lines curl 7.88 (built with OpenSSL) writes about a server's certificate in its -v
// and --trace notes once the handshake is done ("Server certificate:", or whose else: "Proxy"): the leaf's
// subject, dates and issuer, the name host matched (the name the handshake asked for, else host), and the
// verification's result. The
// certificate was verified unless the handshake skipped it (-k: no verified chain), and then the result is
// what the chain the server sent says on its own, as curl reports it and goes on. None for a handshake
// without certificates.
func CurlCertNotes(cs *tls.ConnectionState, whose, host string, now time.Time) []string {
	if cs == nil || len(cs.PeerCertificates) == 0 {
		return nil
	}
	if cs.ServerName != "" {
		host = cs.ServerName
	}
	leaf := cs.PeerCertificates[0]
	notes := []string{
		whose + " certificate:",
		" subject: " + opensslName(leaf.Subject, "; ", "="),
		" start date: " + leaf.NotBefore.UTC().Format(opensslTime),
		" expire date: " + leaf.NotAfter.UTC().Format(opensslTime),
	}
	verified := len(cs.VerifiedChains) > 0
	if verified {
		// Under -k curl does not check the name either, and says nothing of it.
		switch matched := matchedName(leaf, host); {
		case matched != "" && net.ParseIP(strings.Trim(host, "[]")) != nil:
			notes = append(notes, fmt.Sprintf(" subjectAltName: host %q matched cert's IP address!", host))
		case matched != "":
			notes = append(notes, fmt.Sprintf(" subjectAltName: host %q matched cert's %q", host, matched))
		}
	}
	notes = append(notes, " issuer: "+opensslName(leaf.Issuer, "; ", "="))
	if verified {
		return append(notes, " SSL certificate verify ok.")
	}
	code := VerifyResult(cs, nil, nil, now)
	return append(notes, fmt.Sprintf(" SSL certificate verify result: %s (%d), continuing anyway.", verifyText(code), code))
}

// verifyText is OpenSSL 3's words for a verification result (X509_verify_cert_error_string).
func verifyText(code int) string {
	switch code {
	case verifyOK:
		return "ok"
	case verifyNotYetValid:
		return "certificate is not yet valid"
	case verifyExpired:
		return "certificate has expired"
	case verifySelfSigned:
		return "self-signed certificate"
	case verifySelfSignedInside:
		return "self-signed certificate in certificate chain"
	case verifyNoIssuer:
		return "unable to get local issuer certificate"
	case verifyInvalidPurpose:
		return "unsupported certificate purpose"
	}
	return "unspecified certificate verification error"
}
