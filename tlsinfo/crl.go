package tlsinfo

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// CRLs are certificate revocation lists (curl's --crlfile), each as issued by a CA.
type CRLs []*x509.RevocationList

// ReadCRLs reads the lists in a file: PEM "X509 CRL" blocks (others are passed over), or one list in DER.
// A file that holds none is an error.
func ReadCRLs(data []byte) (CRLs, error) {
	var lists CRLs
	for block := range pemBlocks(data) {
		if block.Type != "X509 CRL" {
			continue
		}
		l, err := x509.ParseRevocationList(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("list %d: %w", len(lists)+1, err)
		}
		lists = append(lists, l)
	}
	if len(lists) > 0 {
		return lists, nil
	}
	if bytes.Contains(data, []byte("-----BEGIN")) {
		return nil, errors.New("no certificate revocation list (PEM X509 CRL) in it")
	}
	l, err := x509.ParseRevocationList(data)
	if err != nil {
		return nil, errors.New("not a certificate revocation list (PEM or DER)")
	}
	return CRLs{l}, nil
}

// RevocationError says why the revocation lists do not clear a chain: a certificate on its issuer's list,
// or no current list from an issuer.
type RevocationError struct {
	Reason string
	code   int // OpenSSL's number for it, for VerifyResult
}

func (e *RevocationError) Error() string { return "revocation (--crlfile): " + e.Reason }

// Clear checks the chains a handshake verified (leaf first, each ending in a trust anchor) as OpenSSL's full
// CRL check does for curl: every certificate but a self-signed anchor needs a current list signed by its
// issuer, the next one up the chain, and must not be on it. One chain cleared is enough; otherwise the
// error says what stopped the first.
func (l CRLs) Clear(chains [][]*x509.Certificate, now time.Time) error {
	var first error
	for _, chain := range chains {
		err := l.clearChain(chain, now)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

func (l CRLs) clearChain(chain []*x509.Certificate, now time.Time) error {
	for i, c := range chain {
		if i == len(chain)-1 {
			if bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignatureFrom(c) == nil {
				return nil // a self-signed anchor: no list of its own can withdraw it
			}
			return &RevocationError{Reason: fmt.Sprintf("no list can be checked for %s: its issuer (%s) is not in the chain", name(c.Subject.CommonName, c), c.Issuer), code: verifyUnableToGetCRL}
		}
		if err := l.clear(c, chain[i+1], now); err != nil {
			return err
		}
	}
	return nil
}

// clear checks c against the current lists issuer signed.
func (l CRLs) clear(c, issuer *x509.Certificate, now time.Time) error {
	who, by := name(c.Subject.CommonName, c), name(issuer.Subject.CommonName, issuer)
	var stale *x509.RevocationList
	found := false
	for _, list := range l {
		if !bytes.Equal(list.RawIssuer, issuer.RawSubject) || list.CheckSignatureFrom(issuer) != nil {
			continue
		}
		if list.ThisUpdate.After(now) || !list.NextUpdate.IsZero() && now.After(list.NextUpdate) {
			stale = list
			continue
		}
		found = true
		for _, r := range list.RevokedCertificateEntries {
			if r.SerialNumber.Cmp(c.SerialNumber) == 0 {
				return &RevocationError{Reason: fmt.Sprintf("%s (serial %s) was revoked on %s, on %s's list", who, hexColons(c.SerialNumber.Bytes()), r.RevocationTime.UTC().Format(time.DateOnly), by), code: verifyRevoked}
			}
		}
	}
	switch {
	case found:
		return nil
	case stale != nil && stale.ThisUpdate.After(now):
		return &RevocationError{Reason: fmt.Sprintf("%s's list is not valid until %s", by, stale.ThisUpdate.UTC().Format(time.RFC3339)), code: verifyCRLNotYetValid}
	case stale != nil:
		return &RevocationError{Reason: fmt.Sprintf("%s's list is out of date (next update was due %s)", by, stale.NextUpdate.UTC().Format(time.RFC3339)), code: verifyCRLExpired}
	}
	return &RevocationError{Reason: fmt.Sprintf("the file has no list from %s, which issued %s (curl asks for one from every CA of the chain)", by, who), code: verifyUnableToGetCRL}
}
