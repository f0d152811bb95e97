package tlsinfo

import (
	"crypto/tls"

	"fmt"
	"time"

	"golang.org/x/crypto/ocsp"
)

// Staple is what a server's stapled OCSP response (RFC 6960, sent in the handshake) says of its leaf.
type Staple struct {
	Status     string    `json:"status"` // good, revoked or unknown
	ThisUpdate time.Time `json:"this_update"`
	NextUpdate time.Time `json:"next_update,omitzero"` // zero: the responder promises no later one
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
}

// ReadStaple reads cs's stapled OCSP response for the leaf, checking that the leaf's issuer signed it (or a
// responder the issuer delegated to); nil, nil when the server stapled none.
func ReadStaple(cs *tls.ConnectionState) (*Staple, error) {
	if len(cs.OCSPResponse) == 0 {
		return nil, nil
	}
	chain := cs.PeerCertificates
	if len(cs.VerifiedChains) > 0 {
		chain = cs.VerifiedChains[0]
	}
	if len(chain) < 2 {
		return nil, fmt.Errorf("the stapled OCSP response cannot be checked: the server sent no issuer for its certificate")
	}
	r, err := ocsp.ParseResponseForCert(cs.OCSPResponse, chain[0], chain[1])
	if err != nil {
		return nil, fmt.Errorf("the stapled OCSP response cannot be read: %v", err)
	}
	s := &Staple{Status: "unknown", ThisUpdate: r.ThisUpdate, NextUpdate: r.NextUpdate}
	switch r.Status {
	case ocsp.Good:
		s.Status = "good"
	case ocsp.Revoked:
		s.Status, s.RevokedAt = "revoked", r.RevokedAt
	}
	return s, nil
}

// StapleError says why a server's certificate status does not vouch for it (curl's --cert-status): no
// staple, one that cannot be read or is out of date, or one that says revoked or unknown.
type StapleError struct{ Reason string }

func (e *StapleError) Error() string { return "certificate status (--cert-status): " + e.Reason }

// CheckStaple returns a *StapleError unless cs carries a stapled OCSP response, signed for the leaf, current
// at now, that says the leaf is good.
func CheckStaple(cs *tls.ConnectionState, now time.Time) error {
	s, err := ReadStaple(cs)
	reason := ""
	if err != nil {
		reason = err.Error()
	}
	return JudgeStaple(s, reason, now)
}

// JudgeStaple is CheckStaple for a staple already read (Connection.OCSP, and OCSPError when it could not be).
func JudgeStaple(s *Staple, readErr string, now time.Time) error {
	switch {
	case readErr != "":
		return &StapleError{Reason: readErr}
	case s == nil:
		return &StapleError{Reason: "the server stapled no OCSP response"}
	case s.Status == "revoked":
		return &StapleError{Reason: "the stapled OCSP response says the certificate was revoked on " + s.RevokedAt.UTC().Format(time.DateOnly)}
	case s.Status != "good":
		return &StapleError{Reason: "the stapled OCSP response does not know the certificate (status unknown)"}
	case s.ThisUpdate.After(now.Add(5 * time.Minute)):
		return &StapleError{Reason: "the stapled OCSP response is dated in the future (" + s.ThisUpdate.UTC().Format(time.RFC3339) + ")"}
	case !s.NextUpdate.IsZero() && now.After(s.NextUpdate):
		return &StapleError{Reason: "the stapled OCSP response is out of date (next update was due " + s.NextUpdate.UTC().Format(time.RFC3339) + ")"}
	}
	return nil
}

// stapleOf is the certificate status a connection's description holds.
func stapleOf(cs *tls.ConnectionState) (*Staple, string) {
	s, err := ReadStaple(cs)
	if err != nil {
		return nil, err.Error()
	}
	return s, ""
}
