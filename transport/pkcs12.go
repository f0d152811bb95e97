package transport

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"

	"golang.org/x/crypto/pkcs12"

	"github.com/hop-cli/hop/argfile"
)

// isPKCS12 reports whether a --cert file is PKCS#12 (.p12, .pfx): DER whose outer SEQUENCE starts with
// version 3 and data, where a DER certificate's starts with another SEQUENCE.
func isPKCS12(b []byte) bool {
	var p pfx
	_, err := asn1.Unmarshal(b, &p)
	return err == nil && p.Version == 3 && p.AuthSafe.ContentType.Equal(oidData)
}

// ErrP12Passphrase is a PKCS#12 file that does not open without a passphrase, given none: a caller with a
// terminal may ask for it.
var ErrP12Passphrase = errors.New("the PKCS#12 file is protected by a passphrase: give it with --pass (or --pass @env:VAR)")

// readPKCS12 returns the certificates and the private key a PKCS#12 file holds, as PEM: files made the old
// way (3DES and RC2, SHA-1: Windows' and macOS's exports, openssl -legacy) through golang.org/x/crypto/pkcs12,
// and OpenSSL 3's default (PBES2: PBKDF2 and AES-256-CBC) through pbes2Decrypt. The modern form's MAC is not
// checked: a wrong passphrase already fails to decrypt, and the certificates it holds are checked by the
// server that receives them.
func readPKCS12(der []byte, pass string) (certs, key []byte, err error) {
	var p pfx
	var mac macData
	if _, err := asn1.Unmarshal(der, &p); err != nil {
		return nil, nil, errors.New("the PKCS#12 file is malformed")
	}
	if _, err := asn1.Unmarshal(p.MacData.FullBytes, &mac); err == nil && mac.Iterations > maxIterations {
		// x/crypto/pkcs12 would derive the MAC's key that many times, unbounded.
		return nil, nil, fmt.Errorf("the PKCS#12 file asks for %d iterations, more than hop does (%d)", mac.Iterations, maxIterations)
	}
	blocks, err := pkcs12.ToPEM(der, pass)
	var unsupported pkcs12.NotImplementedError
	switch {
	case err == nil:
	case errors.Is(err, pkcs12.ErrIncorrectPassword):
		return nil, nil, badP12Passphrase(pass)
	case errors.As(err, &unsupported), bytes.Contains([]byte(err.Error()), []byte("unknown")):
		if blocks, err = readPBES2PKCS12(der, []byte(pass)); err != nil {
			return nil, nil, err
		}
	default:
		return nil, nil, fmt.Errorf("not a PKCS#12 file hop can read: %v", err)
	}
	var c, k bytes.Buffer
	for _, b := range leafFirst(blocks) {
		b.Headers = nil // friendlyName and localKeyId, which a PEM key pair has no use for
		if b.Type == "CERTIFICATE" {
			pem.Encode(&c, b)
		} else {
			pem.Encode(&k, b)
		}
	}
	return c.Bytes(), k.Bytes(), nil
}

// leafFirst puts first the certificate whose public key is the file's private key's, where a key pair needs
// it: openssl writes it first, other exporters may write the chain in another order.
func leafFirst(blocks []*pem.Block) []*pem.Block {
	var public interface{ Equal(crypto.PublicKey) bool }
	for _, b := range blocks {
		if b.Type == "CERTIFICATE" {
			continue
		}
		if key, err := parsePrivateKey(b); err == nil {
			if signer, ok := key.(crypto.Signer); ok {
				public, _ = signer.Public().(interface{ Equal(crypto.PublicKey) bool })
			}
		}
	}
	if public == nil {
		return blocks
	}
	for i, b := range blocks {
		if b.Type != "CERTIFICATE" {
			continue
		}
		if c, err := x509.ParseCertificate(b.Bytes); err == nil && public.Equal(c.PublicKey) {
			return append(append([]*pem.Block{b}, blocks[:i]...), blocks[i+1:]...)
		}
	}
	return blocks
}

// parsePrivateKey reads a PEM key block of any of the unencrypted forms x/crypto/pkcs12 and hop write.
func parsePrivateKey(b *pem.Block) (crypto.PrivateKey, error) {
	if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
		return k, nil
	}
	if k, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
		return k, nil
	}
	return x509.ParseECPrivateKey(b.Bytes)
}

// FileForm names the form of a client certificate or key file as curl's --cert-type and --key-type do:
// "P12", "DER", or "" for PEM (curl's default) and for a file that cannot be read.
func FileForm(path string) string {
	b, err := argfile.Read(path, maxPEMFile)
	switch {
	case err != nil || bytes.Contains(b, []byte("-----BEGIN")):
		return ""
	case isPKCS12(b):
		return "P12"
	}
	return "DER"
}

// IsPKCS12 reports whether b is a PKCS#12 file (DER) rather than PEM.
func IsPKCS12(b []byte) bool { return isPKCS12(b) }

// PKCS12Certificates returns the certificates a PKCS#12 file holds (hop cert FILE.p12), opened with pass.
func PKCS12Certificates(der []byte, pass string) ([]*x509.Certificate, error) {
	certs, _, err := readPKCS12(der, pass)
	if err != nil {
		return nil, err
	}
	var chain []*x509.Certificate
	for rest := certs; ; {
		block, r := pem.Decode(rest)
		if block == nil {
			break
		}
		rest = r
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("the PKCS#12 file holds a certificate that does not parse: %w", err)
		}
		chain = append(chain, c)
	}
	if len(chain) == 0 {
		return nil, errors.New("the PKCS#12 file holds no certificate")
	}
	return chain, nil
}

func badP12Passphrase(pass string) error {
	if pass == "" {
		return ErrP12Passphrase
	}
	return errors.New("--pass does not open the PKCS#12 file (wrong passphrase?)")
}

// The ASN.1 of PKCS#12 (RFC 7292) that OpenSSL 3 writes.
type pfx struct {
	Version  int
	AuthSafe contentInfo
	MacData  asn1.RawValue `asn1:"optional"`
}

type macData struct {
	Mac        asn1.RawValue
	Salt       []byte
	Iterations int `asn1:"optional,default:1"`
}

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"tag:0,explicit,optional"`
}

type encryptedData struct {
	Version int
	Content struct {
		ContentType asn1.ObjectIdentifier
		Algorithm   algorithm
		Data        []byte `asn1:"tag:0,optional"`
	}
}

type safeBag struct {
	ID         asn1.ObjectIdentifier
	Value      asn1.RawValue `asn1:"tag:0,explicit"`
	Attributes asn1.RawValue `asn1:"optional"`
}

type certBag struct {
	ID   asn1.ObjectIdentifier
	Data []byte `asn1:"tag:0,explicit"`
}

var (
	oidData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidEncryptedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 6}
	oidKeyBag        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 1}
	oidShroudedKey   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
	oidCertBag       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	oidX509Cert      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 22, 1}
)

// readPBES2PKCS12 reads a PKCS#12 file whose parts are encrypted with PBES2, returning its certificates and
// key as PEM blocks.
func readPBES2PKCS12(der, pass []byte) ([]*pem.Block, error) {
	malformed := errors.New("the PKCS#12 file is malformed")
	var p pfx
	if _, err := asn1.Unmarshal(der, &p); err != nil || !p.AuthSafe.ContentType.Equal(oidData) {
		return nil, malformed
	}
	var safe []byte
	if _, err := asn1.Unmarshal(p.AuthSafe.Content.Bytes, &safe); err != nil {
		return nil, malformed
	}
	var parts []contentInfo
	if _, err := asn1.Unmarshal(safe, &parts); err != nil {
		return nil, malformed
	}
	var blocks []*pem.Block
	for _, part := range parts {
		var contents []byte
		switch {
		case part.ContentType.Equal(oidData):
			if _, err := asn1.Unmarshal(part.Content.Bytes, &contents); err != nil {
				return nil, malformed
			}
		case part.ContentType.Equal(oidEncryptedData):
			var ed encryptedData
			if _, err := asn1.Unmarshal(part.Content.Bytes, &ed); err != nil {
				return nil, malformed
			}
			plain, err := pbes2Decrypt(ed.Content.Algorithm, ed.Content.Data, pass)
			if errors.Is(err, errBadPassphrase) {
				return nil, badP12Passphrase(string(pass))
			}
			if err != nil {
				return nil, err
			}
			contents = plain
		default:
			return nil, fmt.Errorf("the PKCS#12 file holds a part of type %s, which hop cannot read", part.ContentType)
		}
		var bags []safeBag
		if _, err := asn1.Unmarshal(contents, &bags); err != nil {
			return nil, badP12Passphrase(string(pass)) // what a wrong passphrase leaves, when its padding passed
		}
		for _, bag := range bags {
			switch {
			case bag.ID.Equal(oidCertBag):
				var cb certBag
				if _, err := asn1.Unmarshal(bag.Value.Bytes, &cb); err != nil || !cb.ID.Equal(oidX509Cert) {
					return nil, malformed
				}
				blocks = append(blocks, &pem.Block{Type: "CERTIFICATE", Bytes: cb.Data})
			case bag.ID.Equal(oidShroudedKey):
				key, err := decryptPKCS8(bag.Value.Bytes, pass)
				if errors.Is(err, errBadPassphrase) {
					return nil, badP12Passphrase(string(pass))
				}
				if err != nil {
					return nil, err
				}
				blocks = append(blocks, &pem.Block{Type: "PRIVATE KEY", Bytes: key})
			case bag.ID.Equal(oidKeyBag):
				blocks = append(blocks, &pem.Block{Type: "PRIVATE KEY", Bytes: bag.Value.Bytes})
			}
		}
	}
	return blocks, nil
}
