package tlsinfo

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"strings"
	"time"
)

// ClientCert is a server's request for a client certificate in the handshake, and what came of it.
type ClientCert struct {
	// AcceptedCAs are the authorities whose certificates the server takes, as it named them; empty when it
	// named none (any).
	AcceptedCAs []string `json:"accepted_cas"`
	Sent        string   `json:"sent"` // the subject of the certificate hop sent; "" when it sent none
	// Unusable says why hop sent none though it had one, in words that follow "--cert's": its key makes no
	// signature the server takes.
	Unusable string `json:"unusable,omitempty"`
	// Accepted is true once the server went on after it (it answered, or sent a session ticket); null when
	// that is not known. A refusal is the exchange's error.
	Accepted *bool `json:"accepted,omitempty"`
}

// DescribeClientCert describes a certificate request: cas are the distinguished names (DER) the server
// named, sent the certificate hop sent (nil for none), unusable why it sent none though it had one.
func DescribeClientCert(cas [][]byte, sent *x509.Certificate, unusable string) *ClientCert {
	c := &ClientCert{AcceptedCAs: AuthorityNames(cas), Unusable: unusable}
	if sent != nil {
		c.Sent = CertName(sent)
	}
	return c
}

// AuthorityNames reads the distinguished names (DER) of a certificate request, as Go writes a certificate's
// subject; a name that does not parse is shown as its hex.
func AuthorityNames(cas [][]byte) []string {
	names := make([]string, 0, len(cas))
	for _, der := range cas {
		var rdn pkix.RDNSequence
		if rest, err := asn1.Unmarshal(der, &rdn); err != nil || len(rest) > 0 {
			names = append(names, fmt.Sprintf("(unreadable name %x)", der))
			continue
		}
		var n pkix.Name
		n.FillFromRDNSequence(&rdn)
		names = append(names, n.String())
	}
	return names
}

// CertName names a certificate by its subject, or by its alternative names when its subject is empty.
func CertName(c *x509.Certificate) string {
	if s := c.Subject.String(); s != "" {
		return s
	}
	if names := certNames(c); names != "" {
		return names
	}
	return "a certificate without a subject"
}

// RefusalAlerts are the TLS alerts (in crypto/tls's words) with which a server refuses a client certificate
// it was sent.
var RefusalAlerts = []string{"unknown certificate authority", "bad certificate", "unsupported certificate",
	"unknown certificate", "expired certificate", "revoked certificate", "access denied"}

// ExplainRefusal says what to do about a client certificate a server refused with alert (one of
// RefusalAlerts): sent is the certificate hop sent, chain how many certificates went with it (itself and its
// intermediates), cas the authorities the server named.
func ExplainRefusal(alert string, cas [][]byte, sent *x509.Certificate, chain int, now time.Time) string {
	switch alert {
	case "expired certificate":
		switch {
		case now.After(sent.NotAfter):
			return fmt.Sprintf("the certificate expired on %s: ask its issuer for a new one", sent.NotAfter.UTC().Format(time.DateOnly))
		case now.Before(sent.NotBefore):
			return fmt.Sprintf("the certificate is not valid until %s", sent.NotBefore.UTC().Format(time.DateOnly))
		}
		return "the certificate is in date here: is the server's clock right, or has one of its issuers expired?"
	case "revoked certificate":
		return "its issuer revoked it: ask for a new one"
	case "access denied":
		return "the server took the certificate, and denies it access"
	}
	var hints []string
	if names := AuthorityNames(cas); len(names) > 0 {
		const shown = 3
		list := strings.Join(names[:min(len(names), shown)], "; ")
		if len(names) > shown {
			list += fmt.Sprintf("; and %d more (hop cert lists them)", len(names)-shown)
		}
		hints = append(hints, "the server takes certificates issued by "+list)
	}
	if chain == 1 && !isSelfSigned(sent) {
		hints = append(hints, fmt.Sprintf("--cert holds the certificate alone: if %s is an intermediate CA, add its certificate to the file after the client's", issuerName(sent)))
	}
	if len(hints) == 0 {
		return "is the certificate issued by a CA the server trusts?"
	}
	return strings.Join(hints, "; ")
}
