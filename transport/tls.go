package transport

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/tlsinfo"
	"github.com/hop-cli/hop/trace"
)

// TLSOptions are the TLS settings shared by requests and hop cert.
type TLSOptions struct {
	Insecure    bool   // skip certificate verification
	CACert      string // PEM file of CA certificates to trust instead of the system's
	CAEnv       string // the environment variable CACert was read from (CURL_CA_BUNDLE), named by its errors
	CAPath      string // curl's --capath: directories (":"-separated) of CA certificate files, trusted so too
	Cert, Key   string // client certificate and key (PEM) for mutual TLS; Key may be empty if Cert holds both
	Pass        string // curl's --pass as typed (a passphrase, @FILE, @env:VAR); the caller resolves it...
	KeyPassword string // ...into the passphrase of an encrypted Key (see decryptKey)
	MinVersion  string // "1.0" … "1.3"; empty means Go's default
	MaxVersion  string
	Pin         string // sha256//BASE64[;sha256//BASE64...]: one certificate of the chain must have this key
	Ciphers     string // curl's --ciphers: the TLS 1.0–1.2 suites offered (parseCiphers); empty means Go's
	Curves      string // curl's --curves: the key exchange groups offered (parseCurves); empty means Go's
	CertStatus  bool   // curl's --cert-status: the server must staple an OCSP response saying its leaf is good
	CRLFile     string // curl's --crlfile: revocation lists (PEM or DER) that must clear the verified chain
	ECH         string // curl's --ech as typed: false, true, hard, ecl:BASE64 (parseECH)
	Sessions    string // curl's --ssl-sessions: a file keeping TLS sessions between runs (SessionFile)
	// KeyLog, when set, receives the connections' TLS secrets (SSLKEYLOGFILE's KeyLogFile).
	KeyLog io.Writer
	// Unverified, when set, is called at each handshake Insecure leaves unverified (from the handshake's
	// goroutine, possibly several at once), so that -k is announced where it matters and not over plain http.
	Unverified func()
}

var tlsVersions = map[string]uint16{"1.0": tls.VersionTLS10, "1.1": tls.VersionTLS11, "1.2": tls.VersionTLS12, "1.3": tls.VersionTLS13}

// maxPEMFile bounds the CA, certificate and key files read.
const maxPEMFile = tlsinfo.MaxCertFile

// Config builds the tls.Config for servers, offering alpn. Unreadable or unusable files and malformed
// values are *OptionErrors. The config reports to the trace when the server asks for a client certificate
// (under TLS 1.3 a server refuses a missing one only after the client has finished its side, so the client
// sees a bare reset; the trace lets the error say why), and checks --pin after the usual verification (and
// under -k too: a pin narrows trust further).
func (o TLSOptions) Config(alpn []string) (*tls.Config, error) { return o.config(alpn, true) }

// proxyALPN is what hop offers an https:// proxy over ALPN, as curl offers it: HTTP/1.1, in which CONNECT
// is asked.
var proxyALPN = []string{"http/1.1"}

// proxyConfig builds the tls.Config for https:// proxies from their own options, never the server's; an
// *OptionError names the proxy's flag (--proxy-cacert, not --cacert).
func (o TLSOptions) proxyConfig() (*tls.Config, error) {
	cfg, err := o.config(proxyALPN, false)
	var oe *OptionError
	if errors.As(err, &oe) {
		oe.Arg = "--proxy-" + strings.TrimPrefix(oe.Arg, "--")
		if msg := oe.Err.Error(); strings.Contains(msg, "--pass ") {
			oe.Err = &reworded{strings.ReplaceAll(msg, "--pass ", "--proxy-pass "), oe.Err}
		}
	}
	return cfg, err
}

// reworded is an error said in other words, still wrapping what it says.
type reworded struct {
	msg string
	err error
}

func (e *reworded) Error() string { return e.msg }
func (e *reworded) Unwrap() error { return e.err }

// roots are the CA certificates to trust: --cacert's and --capath's; nil means the system's.
func (o TLSOptions) roots() (*x509.CertPool, error) {
	var pool *x509.CertPool
	if o.CACert != "" && o.CAEnv == "" { // an environment's bundle waits for a handshake: laterRoots
		p, err := loadCAs(o.CACert, "--cacert "+o.CACert)
		if err != nil {
			return nil, err
		}
		pool = p
	}
	if o.CAPath != "" {
		if pool == nil {
			pool = x509.NewCertPool()
		}
		if err := loadCADirs(pool, o.CAPath); err != nil {
			return nil, err
		}
	}
	return pool, nil
}

// config is Config; traced says whether a request for a client certificate is reported to the trace (the
// server's is; a proxy's is not the exchange's).
func (o TLSOptions) config(alpn []string, traced bool) (*tls.Config, error) {
	roots, err := o.roots()
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{InsecureSkipVerify: o.Insecure, NextProtos: alpn, RootCAs: roots,
		// A TLS 1.2 server may ask to renegotiate (IIS does, to ask for a client certificate on one path),
		// as OpenSSL lets curl: once per connection, securely (RFC 5746). TLS 1.3 has none.
		Renegotiation: tls.RenegotiateOnceAsClient, KeyLogWriter: o.KeyLog}
	for flag, v := range map[string]string{"--tls-min": o.MinVersion, "--tls-max": o.MaxVersion} {
		if v == "" {
			continue
		}
		ver, ok := tlsVersions[strings.TrimPrefix(v, "TLS")]
		if !ok {
			return nil, optionErrorf(flag+" "+v, "expected 1.0, 1.1, 1.2 or 1.3")
		}
		if flag == "--tls-min" {
			cfg.MinVersion = ver
		} else {
			cfg.MaxVersion = ver
		}
	}
	if cfg.MinVersion != 0 && cfg.MaxVersion != 0 && cfg.MinVersion > cfg.MaxVersion {
		return nil, optionErrorf("--tls-min "+o.MinVersion, "is above --tls-max %s", o.MaxVersion)
	}
	if cfg.MinVersion == 0 && cfg.MaxVersion != 0 && cfg.MaxVersion < tls.VersionTLS12 {
		// Go's client offers TLS 1.2 at least unless told otherwise: a lower maximum alone leaves nothing.
		return nil, optionErrorf("--tls-max "+o.MaxVersion, "is below TLS 1.2, the lowest hop offers; add --tls-min %s to allow it", o.MaxVersion)
	}
	if o.Ciphers != "" {
		ids, err := parseCiphers(o.Ciphers)
		if err != nil {
			return nil, err
		}
		cfg.CipherSuites = ids
	}
	if o.Curves != "" {
		ids, err := parseCurves(o.Curves)
		if err != nil {
			return nil, err
		}
		cfg.CurvePreferences = ids
	}
	var certs []tls.Certificate
	if o.Cert != "" || o.Key != "" {
		pair, err := o.clientCert()
		if err != nil {
			return nil, err
		}
		certs = []tls.Certificate{pair}
	}
	if traced {
		cfg.GetClientCertificate = func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
			req := &trace.CertRequest{CAs: cri.AcceptableCAs}
			defer trace.CertificateRequested(cri.Context(), req)
			if len(certs) == 0 {
				return &tls.Certificate{}, nil
			}
			if why := unfit(cri, &certs[0]); why != "" {
				// As OpenSSL (curl) and Go's own choice do: none sent rather than a failed handshake, which
				// a server that only asks may accept. The authorities named are not judged: a certificate
				// they do not name is still sent, so that the server's refusal can be told.
				req.Unusable = why
				return &tls.Certificate{}, nil
			}
			req.Sent, req.Chain = certs[0].Leaf, len(certs[0].Certificate)
			return &certs[0], nil
		}
	} else {
		cfg.Certificates = certs
	}
	var checks []func(tls.ConnectionState) error
	if o.Insecure && o.Unverified != nil {
		said := o.Unverified
		checks = append(checks, func(tls.ConnectionState) error { said(); return nil })
	}
	if o.Pin != "" {
		if err := tlsinfo.ValidPin(o.Pin); err != nil {
			return nil, &OptionError{Arg: "--pin " + o.Pin, Err: err}
		}
		pin := o.Pin
		checks = append(checks, func(cs tls.ConnectionState) error { return tlsinfo.VerifyPins(cs.PeerCertificates, pin) })
	}
	if o.CertStatus {
		checks = append(checks, func(cs tls.ConnectionState) error { return tlsinfo.CheckStaple(&cs, time.Now()) })
	}
	if o.CRLFile != "" {
		crls, err := o.CRLs()
		if err != nil {
			return nil, err
		}
		checks = append(checks, func(cs tls.ConnectionState) error {
			if len(cs.VerifiedChains) == 0 {
				return nil // -k: no chain was verified, and curl checks no list then either
			}
			return crls.Clear(cs.VerifiedChains, time.Now())
		})
	}
	if len(checks) > 0 {
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			for _, check := range checks {
				if err := check(cs); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return cfg, nil
}

func (o TLSOptions) clientCert() (tls.Certificate, error) {
	if o.Cert == "" {
		return tls.Certificate{}, optionErrorf("--key "+o.Key, "--key needs --cert")
	}
	files := [2]struct{ flag, path string }{{"--cert", o.Cert}, {"--key", o.Key}}
	if o.Key == "" {
		files[1] = files[0] // curl accepts one PEM file holding both
	}
	var pems [2][]byte
	for i, f := range files {
		p, err := argfile.Read(f.path, maxPEMFile)
		if err != nil {
			return tls.Certificate{}, &OptionError{Arg: f.flag + " " + f.path, Err: err}
		}
		pems[i] = p
	}
	if isPKCS12(pems[0]) { // .p12, .pfx: the certificates and the key in one file
		if o.Key != "" {
			return tls.Certificate{}, optionErrorf("--key "+o.Key, "--cert %s is PKCS#12, which holds its key: give no --key", o.Cert)
		}
		certs, key, err := readPKCS12(pems[0], o.KeyPassword)
		if err == nil && (len(certs) == 0 || len(key) == 0) {
			err = errors.New("the PKCS#12 file does not hold both a certificate and its private key")
		}
		if err != nil {
			return tls.Certificate{}, &OptionError{Arg: "--cert " + o.Cert, Err: err}
		}
		pems = [2][]byte{certs, key}
	} else {
		pems[0] = derCertsToPEM(pems[0]) // curl's --cert-type DER, recognised by content
		if o.Key != "" {
			pems[1] = derKeyToPEM(pems[1])
		}
	}
	key, err := decryptKey(pems[1], o.KeyPassword)
	if err != nil {
		return tls.Certificate{}, &OptionError{Arg: files[1].flag + " " + files[1].path, Err: err}
	}
	pair, err := tls.X509KeyPair(pems[0], key)
	if err != nil {
		return tls.Certificate{}, optionErrorf("--cert "+o.Cert, "cannot use the client certificate and key: %v", err)
	}
	return pair, nil
}

// CRLs reads --crlfile's revocation lists; a file that cannot be read or holds none is an *OptionError.
func (o TLSOptions) CRLs() (tlsinfo.CRLs, error) {
	data, err := argfile.Read(o.CRLFile, maxPEMFile)
	if err == nil {
		var crls tlsinfo.CRLs
		if crls, err = tlsinfo.ReadCRLs(data); err == nil {
			return crls, nil
		}
	}
	return nil, &OptionError{Arg: "--crlfile " + o.CRLFile, Err: err}
}

// unfit says why cert cannot answer the server's request for a client certificate, in words that follow
// "--cert's" ("ECDSA key makes none of the signatures the server takes (...)"), or "".
func unfit(cri *tls.CertificateRequestInfo, cert *tls.Certificate) string {
	probe := *cri
	probe.AcceptableCAs = nil
	if probe.SupportsCertificate(cert) == nil {
		return ""
	}
	schemes := make([]string, len(cri.SignatureSchemes))
	for i, s := range cri.SignatureSchemes {
		schemes[i] = s.String()
	}
	key := "key"
	if cert.Leaf != nil {
		key = cert.Leaf.PublicKeyAlgorithm.String() + " key"
	}
	return fmt.Sprintf("%s makes none of the signatures the server takes (%s)", key, strings.Join(schemes, ", "))
}

// RootsFrom names the environment variable, and its file, that chose the server's CAs in place of the
// system's ("CURL_CA_BUNDLE=/etc/corp-ca.pem"); "" when a flag or the system chose them.
func (o TLSOptions) RootsFrom() string {
	if o.CACert == "" || o.CAEnv == "" {
		return ""
	}
	return o.CAEnv + "=" + o.CACert
}

// laterRoots is the CA bundle CAEnv names (CURL_CA_BUNDLE): read at once, so that a missing or empty file
// is an *OptionError before anything is sent, and parsed at the first handshake that verifies with it
// (the function's first call). CI images set it to the system's whole bundle, whose 150 certificates took
// a plain http:// run more instructions to parse than the rest of hop's start-up; Go's own system roots
// wait so too. Nil when CAEnv is not set.
func (o TLSOptions) laterRoots() (func() *x509.CertPool, error) {
	arg := o.RootsFrom()
	if arg == "" {
		return nil, nil
	}
	// Its start only, where a bundle's first certificate is (a system's is 200 KB: reading it all waits
	// for the handshake too).
	head, err := readStart(o.CACert, 16<<10)
	if err != nil {
		return nil, &OptionError{Arg: arg, Err: err}
	}
	if !bytes.Contains(head, []byte("-----BEGIN CERTIFICATE-----")) {
		return nil, optionErrorf(arg, "no PEM certificates in the file")
	}
	return sync.OnceValue(func() *x509.CertPool {
		pool := x509.NewCertPool()
		if data, err := argfile.Read(o.CACert, maxPEMFile); err == nil {
			pool.AppendCertsFromPEM(data) // none that parse: a pool that trusts nothing, and exit 60
		}
		return pool
	}), nil
}

// readStart reads up to n bytes of the file at path, with argfile's words for what stops it.
func readStart(path string, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, argfile.Reason(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(n)))
	if err != nil {
		return nil, argfile.Reason(err)
	}
	return data, nil
}

// loadCAs reads a PEM bundle of CA certificates.
func loadCAs(path, arg string) (*x509.CertPool, error) {
	data, err := argfile.Read(path, maxPEMFile)
	if err != nil {
		return nil, &OptionError{Arg: arg, Err: err}
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		if bytes.Contains(data, []byte("PRIVATE KEY-----")) {
			return nil, optionErrorf(arg, "it holds a private key, not a certificate")
		}
		return nil, optionErrorf(arg, "no PEM certificates in the file")
	}
	return pool, nil
}

// loadCADirs adds to pool the certificates in the files of each directory in dirs (":"-separated), as
// curl's --capath reads an OpenSSL certificate directory: every file that holds PEM certificates counts,
// others (an index, a CRL) are passed over; a directory with none is an error.
func loadCADirs(pool *x509.CertPool, dirs string) error {
	for _, dir := range strings.Split(dirs, ":") {
		arg := "--capath " + dir
		entries, err := os.ReadDir(dir)
		if err != nil {
			return &OptionError{Arg: arg, Err: argfile.Reason(err)}
		}
		found := false
		for _, e := range entries {
			data, err := argfile.Read(filepath.Join(dir, e.Name()), maxPEMFile)
			if err == nil && pool.AppendCertsFromPEM(data) {
				found = true
			}
		}
		if !found {
			return optionErrorf(arg, "no file in the directory holds PEM certificates")
		}
	}
	return nil
}

// withServerName returns cfg for a connection to addr: SNI and the name verified are the host, unless cfg
// names another.
func withServerName(cfg *tls.Config, addr string) *tls.Config {
	c := cfg.Clone()
	if c.ServerName == "" {
		c.ServerName, _, _ = net.SplitHostPort(addr)
	}
	return c
}
