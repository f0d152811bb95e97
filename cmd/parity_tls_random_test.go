package cmd_test

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hop-cli/hop/testserver"
)

// TestRandomHopCurlTLSAsCurl: curl lines built at random from curl's TLS options (what to trust: nothing
// more than the system's, --cacert, -k; --pinnedpubkey right or wrong; the versions allowed; TLS 1.2's
// ciphers; the key exchange groups; --cert-status; a name the certificate does not hold, reached with
// --resolve or --connect-to; the HTTP version) go to an HTTPS server of a test CA through curl and through
// hop curl: both must end with the same exit code, and when both sent the request, the server must have
// received the same one (curl's 90 and 91, a pin and a certificate status, are hop's 60, as the README
// says). HOP_TLS_SEEDS searches longer, HOP_TLS_FIRST moves on.
func TestRandomHopCurlTLSAsCurl(t *testing.T) {
	lookCurl(t)
	dir := t.TempDir()
	cert, root, crl := loopbackCertIn(t, dir, "127.0.0.1", "localhost")
	srv := testserver.Start(testserver.Config{TLS: true, Cert: &cert})
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	port := u.Port()
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(leaf.RawSubjectPublicKeyInfo)
	pin := "sha256//" + base64.StdEncoding.EncodeToString(sum[:])
	first, n := envSeed("HOP_TLS_FIRST", 1), envSeed("HOP_TLS_SEEDS", 30)
	for seed := first; seed < first+n; seed++ {
		r := rand.New(rand.NewPCG(seed, 3))
		pick := func(options ...[]string) []string { return options[r.IntN(len(options))] }
		var parts [][]string
		parts = append(parts, pick([]string{"--cacert", root}, []string{"--cacert", root}, []string{"-k"}, nil))
		if r.IntN(4) == 0 {
			parts = append(parts, pick([]string{"--pinnedpubkey", pin}, []string{"--pinnedpubkey", "sha256//" + base64.StdEncoding.EncodeToString(make([]byte, 32))}))
		}
		version := pick(nil, nil, []string{"--tlsv1.2"}, []string{"--tlsv1.3"}, []string{"--tls-max", "1.2"},
			[]string{"--tlsv1.2", "--tls-max", "1.2"}, []string{"--tls-max", "1.3"})
		parts = append(parts, version)
		if r.IntN(3) == 0 {
			parts = append(parts, pick([]string{"--ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256"}, []string{"--ciphers", "ECDHE-RSA-AES256-GCM-SHA384"},
				[]string{"--ciphers", "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384"}))
		}
		if r.IntN(3) == 0 {
			curves := pick([]string{"--curves", "X25519"}, []string{"--curves", "P-256"}, []string{"--curves", "P-384:X25519"}, []string{"--curves", "X25519:P-256"})
			if slices.Contains(version, "--tls-max") && !strings.Contains(curves[1], "P-256") {
				// Under TLS 1.2 OpenSSL also holds the server's ECDSA key (P-256) to the groups offered,
				// and curl fails the handshake (35); Go's client does not.
				curves[1] += ":P-256"
			}
			parts = append(parts, curves)
		}
		if r.IntN(8) == 0 {
			parts = append(parts, []string{"--cert-status"})
		}
		if r.IntN(4) == 0 {
			// (Left out, each refused by hop curl on purpose, as the README says: --tls13-ciphers and
			// --ssl-allow-beast, which Go's TLS cannot honour, and an https URL --proto denies, exit 2
			// where curl exits 1.)
			parts = append(parts, pick([]string{"--no-alpn"}, []string{"--tlsv1.0"}, []string{"--crlfile", crl},
				[]string{"--proto", "-all,https"}, []string{"--ssl-no-revoke"}, []string{"--sessionid"}, []string{"--no-sessionid"}))
		}
		parts = append(parts, pick(nil, []string{"--http1.1"}, []string{"--http2"}))
		target := pick([]string{"https://127.0.0.1:" + port + "/record/p"}, []string{"https://localhost:" + port + "/record/p"},
			[]string{"https://wrong.example:" + port + "/record/p", "--resolve", "wrong.example:" + port + ":127.0.0.1"},
			[]string{"https://localhost:" + port + "/record/p", "--resolve", "localhost:" + port + ":127.0.0.1"},
			[]string{"https://other.example/record/p", "--connect-to", "other.example:443:127.0.0.1:" + port})
		parts = append(parts, target)
		r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
		args := slices.Concat(parts...)
		line := "seed " + strconv.FormatUint(seed, 10) + ": curl " + strings.Join(args, " ")

		b := runBoth(t, dir, nil, append([]string{"-s"}, args...)...)
		if b.curlCode == 90 || b.curlCode == 91 {
			b.curlCode = 60 // a key not pinned, a status not stapled: hop's certificate failure (README, exit codes)
		}
		g, w, ok := b.recorded(t, line)
		if !ok {
			continue
		}
		sameRequest(t, line, g, w, "User-Agent", "Accept-Encoding")
	}
}

// loopbackCertIn issues a certificate for names from a new test CA, whose root it writes in dir, with a
// current CRL of the leaf's issuer that revokes nothing.
func loopbackCertIn(t *testing.T, dir string, names ...string) (tls.Certificate, string, string) {
	t.Helper()
	pki, err := testserver.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := pki.Issue(testserver.Leaf{Names: names})
	if err != nil {
		t.Fatal(err)
	}
	root, err := pki.WriteRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	crl, err := pki.CRL(true)
	if err != nil {
		t.Fatal(err)
	}
	crlPath := filepath.Join(dir, "inter.crl")
	if err := os.WriteFile(crlPath, crl, 0o644); err != nil {
		t.Fatal(err)
	}
	return cert, root, crlPath
}
