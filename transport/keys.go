package transport

import (
	"bytes"
	"cmp"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"strings"

	"github.com/hop-cli/hop/argfile"
)

// errNoPassphrase is an encrypted key given without --pass.
var errNoPassphrase = errors.New("the private key is encrypted: give its passphrase with --pass (or --pass @env:VAR)")

// errBadPassphrase is a passphrase that does not decrypt the key.
var errBadPassphrase = errors.New("--pass does not decrypt the private key (wrong passphrase?)")

// KeyEncrypted reports whether the client key the options name (--key, else --cert's file, PEM or
// PKCS#12) is encrypted, so that a caller can ask for its passphrase before the transport is built. An unreadable file is not:
// building the transport says what is wrong with it.
func KeyEncrypted(o TLSOptions) (file string, encrypted bool) {
	file = cmp.Or(o.Key, o.Cert)
	if file == "" {
		return "", false
	}
	b, err := argfile.Read(file, maxPEMFile)
	if err != nil {
		return file, false
	}
	if isPKCS12(b) && o.Key == "" {
		_, _, err := readPKCS12(b, "")
		return file, errors.Is(err, ErrP12Passphrase)
	}
	b = derKeyToPEM(b)
	for rest := b; ; {
		block, r := pem.Decode(rest)
		if block == nil {
			return file, false
		}
		if block.Type == "ENCRYPTED PRIVATE KEY" || block.Headers["Proc-Type"] == "4,ENCRYPTED" {
			return file, true
		}
		rest = r
	}
}

// derCertsToPEM returns b as PEM when it is DER certificates (curl's --cert-type DER), else as it is.
func derCertsToPEM(b []byte) []byte {
	if bytes.Contains(b, []byte("-----BEGIN")) {
		return b
	}
	certs, err := x509.ParseCertificates(b)
	if err != nil || len(certs) == 0 {
		return b
	}
	var out bytes.Buffer
	for _, c := range certs {
		pem.Encode(&out, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return out.Bytes()
}

// derKeyToPEM returns b as PEM when it is a DER private key (curl's --key-type DER: PKCS#8, encrypted or
// not, PKCS#1 RSA, SEC 1 EC), else as it is.
func derKeyToPEM(b []byte) []byte {
	if bytes.Contains(b, []byte("-----BEGIN")) {
		return b
	}
	kind := ""
	var info encryptedKeyInfo
	switch {
	case isParsed(x509.ParsePKCS8PrivateKey(b)):
		kind = "PRIVATE KEY"
	case isParsed(x509.ParsePKCS1PrivateKey(b)):
		kind = "RSA PRIVATE KEY"
	case isParsed(x509.ParseECPrivateKey(b)):
		kind = "EC PRIVATE KEY"
	default:
		if rest, err := asn1.Unmarshal(b, &info); err == nil && len(rest) == 0 && info.Algorithm.OID.Equal(oidPBES2) {
			kind = "ENCRYPTED PRIVATE KEY"
		}
	}
	if kind == "" {
		return b
	}
	return pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: b})
}

func isParsed[K any](_ K, err error) bool { return err == nil }

// SplitCertPassword splits curl's --cert FILE:PASSWORD at the first colon that is not escaped (\:), as curl
// does; a Windows drive letter (C:\ or C:/) and a pkcs11: URI are not split.
func SplitCertPassword(v string) (file, pass string, ok bool) {
	if strings.HasPrefix(v, "pkcs11:") {
		return v, "", false
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch {
		case v[i] == '\\' && i+1 < len(v) && v[i+1] == ':':
			b.WriteByte(':')
			i++
		case v[i] == ':' && i == 1 && (v[0]|0x20 >= 'a' && v[0]|0x20 <= 'z') && i+1 < len(v) && (v[i+1] == '\\' || v[i+1] == '/'):
			b.WriteByte(':')
		case v[i] == ':':
			return b.String(), v[i+1:], true
		default:
			b.WriteByte(v[i])
		}
	}
	return b.String(), "", false
}

// decryptKey returns keyPEM with its private key decrypted by pass, when it is encrypted: PKCS#8's
// "ENCRYPTED PRIVATE KEY" (PBES2: PBKDF2 with HMAC-SHA1/256/384/512, AES-CBC or DES-EDE3-CBC), what
// openssl writes by default, or OpenSSL's older "Proc-Type: 4,ENCRYPTED" headers. Other blocks stay as
// they are, so a file holding the certificate too still holds it.
func decryptKey(keyPEM []byte, pass string) ([]byte, error) {
	var out bytes.Buffer
	rest := keyPEM
	decrypted := false
	for {
		block, r := pem.Decode(rest)
		if block == nil {
			break
		}
		rest = r
		switch {
		case block.Type == "ENCRYPTED PRIVATE KEY":
			if pass == "" {
				return nil, errNoPassphrase
			}
			der, err := decryptPKCS8(block.Bytes, []byte(pass))
			if err != nil {
				return nil, err
			}
			block = &pem.Block{Type: "PRIVATE KEY", Bytes: der}
			decrypted = true
		case block.Headers["Proc-Type"] == "4,ENCRYPTED":
			if pass == "" {
				return nil, errNoPassphrase
			}
			//lint:ignore SA1019 OpenSSL's legacy key encryption, still what "openssl rsa -aes256 -traditional" writes
			der, err := x509.DecryptPEMBlock(block, []byte(pass)) //nolint:staticcheck
			if err != nil || !parsesAs(block.Type, der) {
				// The format has no check but the padding, which a wrong passphrase leaves valid about
				// once in 256 tries: the key that comes out must parse, or the passphrase was wrong.
				return nil, errBadPassphrase
			}
			block = &pem.Block{Type: block.Type, Bytes: der}
			decrypted = true
		}
		pem.Encode(&out, block)
	}
	if !decrypted {
		return keyPEM, nil
	}
	return out.Bytes(), nil
}

// parsesAs says der is a private key of the PEM type it came in; of a type hop does not parse, it does not
// judge.
func parsesAs(pemType string, der []byte) bool {
	var err error
	switch pemType {
	case "RSA PRIVATE KEY":
		_, err = x509.ParsePKCS1PrivateKey(der)
	case "EC PRIVATE KEY":
		_, err = x509.ParseECPrivateKey(der)
	case "PRIVATE KEY":
		_, err = x509.ParsePKCS8PrivateKey(der)
	}
	return err == nil
}

// The ASN.1 of an encrypted PKCS#8 key (RFC 5958, RFC 8018).
type encryptedKeyInfo struct {
	Algorithm algorithm
	Data      []byte
}

type algorithm struct {
	OID    asn1.ObjectIdentifier
	Params asn1.RawValue `asn1:"optional"`
}

type pbes2Params struct {
	KDF    algorithm
	Cipher algorithm
}

type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int       `asn1:"optional"`
	PRF        algorithm `asn1:"optional"`
}

var (
	oidPBES2  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	prfs      = map[string]func() hash.Hash{
		"1.2.840.113549.2.7":  sha1.New, // hmacWithSHA1, PBKDF2's default
		"1.2.840.113549.2.9":  sha256.New,
		"1.2.840.113549.2.10": sha512.New384,
		"1.2.840.113549.2.11": sha512.New,
	}
	ciphers = map[string]struct {
		keyLen int
		block  func([]byte) (cipher.Block, error)
	}{
		"2.16.840.1.101.3.4.1.2":  {16, aes.NewCipher}, // aes128-CBC
		"2.16.840.1.101.3.4.1.22": {24, aes.NewCipher}, // aes192-CBC
		"2.16.840.1.101.3.4.1.42": {32, aes.NewCipher}, // aes256-CBC
		"1.2.840.113549.3.7":      {24, des.NewTripleDESCipher},
	}
)

// maxIterations bounds PBKDF2's work, which the key file chooses: openssl writes 2048, Java's keytool
// 10,000, OWASP's advice for new keys is 600,000; a file asking for billions would make hop spin for hours.
const maxIterations = 1_000_000

// decryptPKCS8 decrypts an EncryptedPrivateKeyInfo with PBES2 and returns the PKCS#8 key it holds.
func decryptPKCS8(der []byte, pass []byte) ([]byte, error) {
	var info encryptedKeyInfo
	if rest, err := asn1.Unmarshal(der, &info); err != nil || len(rest) > 0 {
		return nil, errors.New("the encrypted private key is malformed")
	}
	plain, err := pbes2Decrypt(info.Algorithm, info.Data, pass)
	if err != nil {
		return nil, err
	}
	if _, err := x509.ParsePKCS8PrivateKey(plain); err != nil {
		return nil, errBadPassphrase // a wrong passphrase that happened to leave valid padding
	}
	return plain, nil
}

// pbes2Decrypt decrypts data encrypted as alg says, which must be PBES2 (RFC 8018) with PBKDF2, and
// returns it without its padding.
func pbes2Decrypt(alg algorithm, data, pass []byte) ([]byte, error) {
	unsupported := func(what string) error {
		return fmt.Errorf("the private key is encrypted with %s, which hop cannot decrypt (openssl pkcs8 -topk8 -v2 aes-256-cbc re-encrypts it)", what)
	}
	if !alg.OID.Equal(oidPBES2) {
		return nil, unsupported("the scheme " + alg.OID.String() + " (not PBES2)")
	}
	var params pbes2Params
	if _, err := asn1.Unmarshal(alg.Params.FullBytes, &params); err != nil {
		return nil, errors.New("the encrypted private key's parameters are malformed")
	}
	if !params.KDF.OID.Equal(oidPBKDF2) {
		return nil, unsupported("the key derivation " + params.KDF.OID.String() + " (not PBKDF2)")
	}
	var kdf pbkdf2Params
	if _, err := asn1.Unmarshal(params.KDF.Params.FullBytes, &kdf); err != nil || kdf.Iterations < 1 {
		return nil, errors.New("the encrypted private key's PBKDF2 parameters are malformed")
	}
	if kdf.Iterations > maxIterations {
		return nil, fmt.Errorf("the encrypted private key asks for %d PBKDF2 iterations, more than hop does (%d)", kdf.Iterations, maxIterations)
	}
	prf := sha1.New
	if len(kdf.PRF.OID) > 0 {
		var ok bool
		if prf, ok = prfs[kdf.PRF.OID.String()]; !ok {
			return nil, unsupported("the PRF " + kdf.PRF.OID.String())
		}
	}
	c, ok := ciphers[params.Cipher.OID.String()]
	if !ok {
		return nil, unsupported("the cipher " + params.Cipher.OID.String())
	}
	var iv []byte
	if _, err := asn1.Unmarshal(params.Cipher.Params.FullBytes, &iv); err != nil {
		return nil, errors.New("the encrypted private key's IV is malformed")
	}
	key, err := pbkdf2.Key(prf, string(pass), kdf.Salt, kdf.Iterations, c.keyLen)
	if err != nil {
		return nil, err
	}
	block, err := c.block(key)
	if err != nil {
		return nil, err
	}
	if len(iv) != block.BlockSize() || len(data) == 0 || len(data)%block.BlockSize() != 0 {
		return nil, errors.New("the encrypted private key is malformed")
	}
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, data)
	// PKCS#7 padding: a wrong passphrase almost always leaves none.
	n := int(plain[len(plain)-1])
	if n < 1 || n > block.BlockSize() || !bytes.Equal(plain[len(plain)-n:], bytes.Repeat([]byte{byte(n)}, n)) {
		return nil, errBadPassphrase
	}
	return plain[:len(plain)-n], nil
}
