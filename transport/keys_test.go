package transport

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
)

// Keys encrypted by openssl, the ways it encrypts them (PKCS#8 with PBES2: its default AES-256 and
// HMAC-SHA256, 3DES and HMAC-SHA1, AES-128 and HMAC-SHA512; and its older PEM headers), open with
// --pass, and the server accepts the certificate; a key file holding the certificate too still works.
func TestEncryptedClientKeys(t *testing.T) {
	dir := t.TempDir()
	url := testserver.ServeMutualTLS(t, dir)
	const pass = "hop-test: a passphrase"
	testserver.RunOpenSSL(t, dir, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "key.pem", "-passout", "pass:"+pass, "-out", "aes256.pem")
	testserver.RunOpenSSL(t, dir, "pkcs8", "-topk8", "-v2", "des3", "-v2prf", "hmacWithSHA1", "-in", "key.pem", "-passout", "pass:"+pass, "-out", "des3.pem")
	testserver.RunOpenSSL(t, dir, "pkcs8", "-topk8", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA512", "-in", "key.pem", "-passout", "pass:"+pass, "-out", "aes128.pem")
	testserver.RunOpenSSL(t, dir, "ec", "-in", "key.pem", "-aes256", "-passout", "pass:"+pass, "-out", "legacy.pem")
	testserver.RunOpenSSL(t, dir, "pkcs8", "-topk8", "-scrypt", "-in", "key.pem", "-passout", "pass:"+pass, "-out", "scrypt.pem")
	cert, _ := os.ReadFile(filepath.Join(dir, "client.pem"))
	enc, _ := os.ReadFile(filepath.Join(dir, "aes256.pem"))
	if err := os.WriteFile(filepath.Join(dir, "both.pem"), append(cert, enc...), 0o600); err != nil {
		t.Fatal(err)
	}
	at := func(name string) string { return filepath.Join(dir, name) }
	opts := func(cert, key, pass string) Options {
		return Options{ConnectTimeout: 5 * time.Second, TLS: TLSOptions{CACert: at("root.pem"), Cert: at(cert), Key: key, KeyPassword: pass}}
	}
	for _, key := range []string{"aes256.pem", "des3.pem", "aes128.pem", "legacy.pem"} {
		tr := newTransport(t, opts("client.pem", at(key), pass))
		if _, _, err := get(t, tr, url+"/get"); err != nil {
			t.Errorf("%s: %v", key, err)
		}
		if strings.Contains(key, "legacy") {
			continue
		}
		// The same file, opened by hand, is what openssl's own decryption gives: the plain key.
		b, _ := os.ReadFile(at(key))
		plain, err := decryptKey(b, pass)
		want, _ := os.ReadFile(at("key.pem"))
		if err != nil || !samePrivateKey(t, plain, want) {
			t.Errorf("%s: decrypted to another key (%v)", key, err)
		}
	}
	tr := newTransport(t, opts("both.pem", "", pass))
	if _, _, err := get(t, tr, url+"/get"); err != nil {
		t.Errorf("certificate and encrypted key in one file: %v", err)
	}
	for _, tt := range []struct{ key, pass, want string }{
		{"aes256.pem", "wrong", "--pass does not decrypt the private key"},
		{"legacy.pem", "wrong", "--pass does not decrypt the private key"},
		{"aes256.pem", "", "the private key is encrypted: give its passphrase with --pass"},
		{"legacy.pem", "", "the private key is encrypted"},
		{"scrypt.pem", pass, "which hop cannot decrypt (openssl pkcs8 -topk8 -v2 aes-256-cbc re-encrypts it)"},
	} {
		_, err := New(opts("client.pem", at(tt.key), tt.pass))
		var oe *OptionError
		if !errors.As(err, &oe) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "--key "+at(tt.key)) {
			t.Errorf("%s with %q: %v; want an option error saying %q", tt.key, tt.pass, err, tt.want)
		}
	}
}

// TestLegacyKeyWrongPassphraseWithValidPadding: OpenSSL's legacy PEM encryption checks nothing but the
// padding, which a wrong passphrase leaves valid about once in 256 tries; such a passphrase is still told
// as wrong, not as "tls: failed to parse private key" (TestEncryptedClientKeys failed so once in a run).
func TestLegacyKeyWrongPassphraseWithValidPadding(t *testing.T) {
	dir := t.TempDir()
	testserver.ServeMutualTLS(t, dir)
	const pass = "hop-test: a passphrase"
	testserver.RunOpenSSL(t, dir, "ec", "-in", "key.pem", "-aes256", "-passout", "pass:"+pass, "-out", "legacy.pem")
	b, _ := os.ReadFile(filepath.Join(dir, "legacy.pem"))
	block, _ := pem.Decode(b)
	wrong := ""
	for i := 0; i < 100_000 && wrong == ""; i++ {
		//lint:ignore SA1019 the legacy format under test
		if _, err := x509.DecryptPEMBlock(block, []byte(strconv.Itoa(i))); err == nil { //nolint:staticcheck
			wrong = strconv.Itoa(i)
		}
	}
	if wrong == "" {
		t.Fatal("no wrong passphrase with valid padding among 100,000")
	}
	_, err := New(Options{TLS: TLSOptions{CACert: filepath.Join(dir, "root.pem"), Cert: filepath.Join(dir, "client.pem"), Key: filepath.Join(dir, "legacy.pem"), KeyPassword: wrong}})
	if err == nil || !strings.Contains(err.Error(), "--pass does not decrypt the private key") {
		t.Errorf("passphrase %q, which leaves valid padding: %v; want --pass does not decrypt", wrong, err)
	}
}

// samePrivateKey compares two PEM keys by what they are, not how they are written.
func samePrivateKey(t *testing.T, a, b []byte) bool {
	t.Helper()
	parse := func(p []byte) crypto.PrivateKey {
		block, _ := pem.Decode(p)
		if block == nil {
			return nil
		}
		if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
			return k
		}
		k, _ := x509.ParseECPrivateKey(block.Bytes)
		return k
	}
	ka, ok := parse(a).(interface{ Equal(crypto.PrivateKey) bool })
	return ok && parse(b) != nil && ka.Equal(parse(b))
}

// A PKCS#12 --cert (.p12, .pfx) holds the chain and the key: OpenSSL 3's default (PBES2, AES-256), the
// older 3DES and SHA-1 form (Windows' default export), and one without a passphrase all connect; a missing
// or wrong passphrase, or a --key beside it, says so.
func TestPKCS12ClientCerts(t *testing.T) {
	dir := t.TempDir()
	url := testserver.ServeMutualTLS(t, dir)
	const pass = "hop-test"
	export := func(out, pass string, more ...string) {
		testserver.RunOpenSSL(t, dir, append([]string{"pkcs12", "-export", "-in", "client.pem", "-inkey", "key.pem", "-passout", "pass:" + pass, "-out", out}, more...)...)
	}
	export("modern.p12", pass)
	export("des.p12", pass, "-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1")
	export("open.p12", "")
	at := func(name string) string { return filepath.Join(dir, name) }
	opts := func(cert, key, pass string) Options {
		return Options{ConnectTimeout: 5 * time.Second, TLS: TLSOptions{CACert: at("root.pem"), Cert: at(cert), Key: key, KeyPassword: pass}}
	}
	for _, tt := range []struct{ file, pass string }{{"modern.p12", pass}, {"des.p12", pass}, {"open.p12", ""}} {
		tr := newTransport(t, opts(tt.file, "", tt.pass))
		if _, _, err := get(t, tr, url+"/get"); err != nil {
			t.Errorf("%s: %v", tt.file, err)
		}
		file, encrypted := KeyEncrypted(opts(tt.file, "", "").TLS)
		if file != at(tt.file) || encrypted != (tt.pass != "") {
			t.Errorf("KeyEncrypted(%s) = %q, %v", tt.file, file, encrypted)
		}
	}
	// A file that asks for a billion rounds of key derivation is refused before any.
	var p pfx
	var mac macData
	b, _ := os.ReadFile(at("des.p12"))
	if _, err := asn1.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	if _, err := asn1.Unmarshal(p.MacData.FullBytes, &mac); err != nil {
		t.Fatal(err)
	}
	mac.Iterations = 1 << 30
	p.MacData.FullBytes, _ = asn1.Marshal(mac)
	b, _ = asn1.Marshal(p)
	os.WriteFile(at("slow.p12"), b, 0o600)
	for _, tt := range []struct{ file, key, pass, want string }{
		{"slow.p12", "", pass, "the PKCS#12 file asks for 1073741824 iterations, more than hop does"},
		{"modern.p12", "", "wrong", "--pass does not open the PKCS#12 file"},
		{"des.p12", "", "wrong", "--pass does not open the PKCS#12 file"},
		{"modern.p12", "", "", "the PKCS#12 file is protected by a passphrase: give it with --pass"},
		{"modern.p12", at("key.pem"), pass, "is PKCS#12, which holds its key: give no --key"},
	} {
		_, err := New(opts(tt.file, tt.key, tt.pass))
		var oe *OptionError
		if !errors.As(err, &oe) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s with %q: %v; want an option error saying %q", tt.file, tt.pass, err, tt.want)
		}
	}
}

// testdata/pkcs12/legacy-rc2.p12 is what "openssl pkcs12 -export -legacy" writes (certificates under
// 40-bit RC2, the key under 3DES, a SHA-1 MAC; passphrase hop-test), the form macOS's Keychain exports:
// a throwaway self-signed certificate and its RSA key, made for this test. It opens to a matching pair.
func TestPKCS12LegacyRC2(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "pkcs12", "legacy-rc2.p12"))
	if err != nil {
		t.Fatal(err)
	}
	certs, key, err := readPKCS12(b, "hop-test")
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.X509KeyPair(certs, key)
	if err != nil || pair.Leaf == nil || pair.Leaf.Subject.CommonName != "hop test legacy p12" {
		t.Errorf("pair %v, %v", pair.Leaf, err)
	}
	if _, _, err := readPKCS12(b, "wrong"); err == nil || !strings.Contains(err.Error(), "--pass does not open the PKCS#12 file") {
		t.Errorf("wrong passphrase: %v", err)
	}
}

// DER certificates and keys (curl's --cert-type DER and --key-type DER), told from PEM by their content:
// PKCS#8 plain and encrypted, and SEC 1 EC keys, as openssl writes them with -outform DER.
func TestDERClientCerts(t *testing.T) {
	dir := t.TempDir()
	url := testserver.ServeMutualTLS(t, dir)
	const pass = "hop-test"
	testserver.RunOpenSSL(t, dir, "pkcs8", "-topk8", "-nocrypt", "-in", "key.pem", "-outform", "DER", "-out", "key.p8.der")
	testserver.RunOpenSSL(t, dir, "ec", "-in", "key.pem", "-outform", "DER", "-out", "key.ec.der")
	testserver.RunOpenSSL(t, dir, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "key.pem", "-passout", "pass:"+pass, "-outform", "DER", "-out", "key.enc.der")
	// The chain as DER, one certificate after the other (openssl -outform DER writes the first alone).
	chain, _ := os.ReadFile(filepath.Join(dir, "client.pem"))
	var der []byte
	for rest := chain; ; {
		block, r := pem.Decode(rest)
		if block == nil {
			break
		}
		der, rest = append(der, block.Bytes...), r
	}
	if err := os.WriteFile(filepath.Join(dir, "cert.der"), der, 0o600); err != nil {
		t.Fatal(err)
	}
	at := func(name string) string { return filepath.Join(dir, name) }
	for _, tt := range []struct{ key, pass string }{{"key.p8.der", ""}, {"key.ec.der", ""}, {"key.enc.der", pass}} {
		tr := newTransport(t, Options{ConnectTimeout: 5 * time.Second,
			TLS: TLSOptions{CACert: at("root.pem"), Cert: at("cert.der"), Key: at(tt.key), KeyPassword: tt.pass}})
		if _, _, err := get(t, tr, url+"/get"); err != nil {
			t.Errorf("%s: %v", tt.key, err)
		}
	}
	if file, encrypted := KeyEncrypted(TLSOptions{Cert: at("cert.der"), Key: at("key.enc.der")}); !encrypted {
		t.Errorf("KeyEncrypted(%s) = false", file)
	}
}

// A PKCS#12 file that lists the chain before the certificate of its key still makes a key pair: the
// certificate of the key goes first, the rest keep their order.
func TestLeafFirst(t *testing.T) {
	dir := t.TempDir()
	testserver.ServeMutualTLS(t, dir)
	chain, _ := os.ReadFile(filepath.Join(dir, "client.pem"))
	key, _ := os.ReadFile(filepath.Join(dir, "key.pem"))
	leaf, rest := pem.Decode(chain)
	inter, _ := pem.Decode(rest)
	k, _ := pem.Decode(key)
	got := leafFirst([]*pem.Block{inter, k, leaf})
	if len(got) != 3 || got[0] != leaf || got[1] != inter || got[2] != k {
		t.Errorf("order %v %v %v", got[0].Type, got[1].Type, got[2].Type)
	}
	var certs, keys []byte
	for _, b := range got {
		if b.Type == "CERTIFICATE" {
			certs = append(certs, pem.EncodeToMemory(b)...)
		} else {
			keys = append(keys, pem.EncodeToMemory(b)...)
		}
	}
	if _, err := tls.X509KeyPair(certs, keys); err != nil {
		t.Errorf("the reordered chain makes no key pair: %v", err)
	}
}
