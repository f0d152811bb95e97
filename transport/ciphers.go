package transport

import (
	"crypto/tls"
	"slices"
	"strings"
)

// opensslCiphers are OpenSSL's names, which curl's --ciphers takes, for the TLS 1.0–1.2 suites Go speaks.
var opensslCiphers = map[string]uint16{
	"ECDHE-ECDSA-AES128-GCM-SHA256": tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	"ECDHE-ECDSA-AES256-GCM-SHA384": tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	"ECDHE-ECDSA-CHACHA20-POLY1305": tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	"ECDHE-RSA-AES128-GCM-SHA256":   tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	"ECDHE-RSA-AES256-GCM-SHA384":   tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	"ECDHE-RSA-CHACHA20-POLY1305":   tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	"ECDHE-ECDSA-AES128-SHA":        tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
	"ECDHE-ECDSA-AES256-SHA":        tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
	"ECDHE-RSA-AES128-SHA":          tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
	"ECDHE-RSA-AES256-SHA":          tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
	"ECDHE-ECDSA-AES128-SHA256":     tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
	"ECDHE-RSA-AES128-SHA256":       tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
	"ECDHE-RSA-DES-CBC3-SHA":        tls.TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,
	"ECDHE-ECDSA-RC4-SHA":           tls.TLS_ECDHE_ECDSA_WITH_RC4_128_SHA,
	"ECDHE-RSA-RC4-SHA":             tls.TLS_ECDHE_RSA_WITH_RC4_128_SHA,
	"AES128-GCM-SHA256":             tls.TLS_RSA_WITH_AES_128_GCM_SHA256,
	"AES256-GCM-SHA384":             tls.TLS_RSA_WITH_AES_256_GCM_SHA384,
	"AES128-SHA256":                 tls.TLS_RSA_WITH_AES_128_CBC_SHA256,
	"AES128-SHA":                    tls.TLS_RSA_WITH_AES_128_CBC_SHA,
	"AES256-SHA":                    tls.TLS_RSA_WITH_AES_256_CBC_SHA,
	"DES-CBC3-SHA":                  tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA,
	"RC4-SHA":                       tls.TLS_RSA_WITH_RC4_128_SHA,
}

// CipherNames lists OpenSSL's names of the suites --ciphers takes, those Go deems secure first, for
// completion.
func CipherNames() []string {
	var secure, insecure []string
	for name, id := range opensslCiphers {
		if slices.ContainsFunc(tls.CipherSuites(), func(c *tls.CipherSuite) bool { return c.ID == id }) {
			secure = append(secure, name)
		} else {
			insecure = append(insecure, name)
		}
	}
	slices.Sort(secure)
	slices.Sort(insecure)
	return append(secure, insecure...)
}

// parseCiphers reads curl's --ciphers: a list of TLS 1.0–1.2 suites separated by colons, commas or blanks,
// each by OpenSSL's name (ECDHE-RSA-AES128-GCM-SHA256) or the IANA name Go and the RFCs use
// (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256). Only those suites are offered, in Go's order of preference (Go
// ignores a caller's order). A suite Go deems insecure is offered only when named. OpenSSL's keywords
// (HIGH, DEFAULT, !aNULL) and unknown names are refused rather than skipped, as are TLS 1.3's suites, which
// Go always chooses itself.
func parseCiphers(v string) ([]uint16, error) {
	var ids []uint16
	for _, name := range strings.FieldsFunc(v, func(r rune) bool { return r == ':' || r == ',' || r == ' ' }) {
		id, ok := opensslCiphers[strings.ToUpper(name)]
		if !ok {
			id, ok = ianaCipher(name)
		}
		switch {
		case ok && isTLS13Suite(id):
			return nil, optionErrorf("--ciphers "+v, "%s is a TLS 1.3 suite: Go chooses those itself (curl's --tls13-ciphers)", name)
		case !ok:
			return nil, optionErrorf("--ciphers "+v, "%q is not a TLS 1.2 cipher suite hop knows: name them as OpenSSL does (ECDHE-RSA-AES128-GCM-SHA256) or as IANA does (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256); OpenSSL's keywords are not taken", name)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, optionErrorf("--ciphers "+v, "names no cipher suite")
	}
	return ids, nil
}

func ianaCipher(name string) (uint16, bool) {
	for _, list := range [][]*tls.CipherSuite{tls.CipherSuites(), tls.InsecureCipherSuites()} {
		for _, c := range list {
			if strings.EqualFold(c.Name, name) {
				return c.ID, true
			}
		}
	}
	return 0, false
}

func isTLS13Suite(id uint16) bool {
	return id == tls.TLS_AES_128_GCM_SHA256 || id == tls.TLS_AES_256_GCM_SHA384 || id == tls.TLS_CHACHA20_POLY1305_SHA256
}

// http2Unfit reports whether --ciphers and --tls-max leave HTTP/2 nothing to run over: TLS 1.2 at most, and
// none of the suites RFC 9113 §9.2.2 lets HTTP/2 use (ephemeral key exchange with an AEAD cipher). A server
// agrees to h2 by ALPN and then refuses the connection (INADEQUATE_SECURITY), so hop offers only HTTP/1.1.
func (o TLSOptions) http2Unfit() bool {
	if o.Ciphers == "" || o.MaxVersion == "" || tlsVersions[strings.TrimPrefix(o.MaxVersion, "TLS")] > tls.VersionTLS12 {
		return false
	}
	ids, err := parseCiphers(o.Ciphers)
	if err != nil {
		return false // Config reports it
	}
	for _, id := range ids {
		switch id {
		case tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256:
			return false
		}
	}
	return true
}

// curveNames are the key exchange groups curl's --curves takes, by OpenSSL's, the RFCs' and Go's names.
var curveNames = map[string]tls.CurveID{
	"x25519": tls.X25519,
	"p-256":  tls.CurveP256, "prime256v1": tls.CurveP256, "secp256r1": tls.CurveP256, "curvep256": tls.CurveP256,
	"p-384": tls.CurveP384, "secp384r1": tls.CurveP384, "curvep384": tls.CurveP384,
	"p-521": tls.CurveP521, "secp521r1": tls.CurveP521, "curvep521": tls.CurveP521,
	"x25519mlkem768":     tls.X25519MLKEM768,
	"secp256r1mlkem768":  tls.SecP256r1MLKEM768,
	"secp384r1mlkem1024": tls.SecP384r1MLKEM1024,
}

// parseCurves reads curl's --curves: key exchange groups separated by colons (or commas), by name. Only
// those are offered, in Go's order of preference; TLS 1.3 and 1.2 alike.
func parseCurves(v string) ([]tls.CurveID, error) {
	var ids []tls.CurveID
	for _, name := range strings.FieldsFunc(v, func(r rune) bool { return r == ':' || r == ',' || r == ' ' }) {
		id, ok := curveNames[strings.ToLower(name)]
		if !ok {
			return nil, optionErrorf("--curves "+v, "%q is not a key exchange group hop knows: X25519, P-256, P-384, P-521, X25519MLKEM768, SecP256r1MLKEM768 or SecP384r1MLKEM1024", name)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, optionErrorf("--curves "+v, "names no group")
	}
	return ids, nil
}
