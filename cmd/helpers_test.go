package cmd_test

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hop-cli/hop/testserver"
)

// Helpers shared by the tests that run hop as a user does: the binary testscript installs, and a plain build
// for the tests that measure it.

// hopBinary is the hop binary testscript.Main installed on PATH.
func hopBinary(t *testing.T) string {
	t.Helper()
	hop, err := exec.LookPath("hop")
	if err != nil {
		t.Fatal(err)
	}
	return hop
}

var (
	plainOnce sync.Once
	plainDir  string
	plainErr  error
)

// plainHop is hop built as make build builds it (static, without the race detector), once for the whole test run: the
// tests that measure hop's memory use it, as the race detector's shadow memory and the test binary's own
// size would count against hop (several times over on a machine with many cores).
func plainHop(t *testing.T) string {
	t.Helper()
	plainOnce.Do(func() {
		if plainDir, plainErr = os.MkdirTemp("", "hop-plain-"); plainErr != nil {
			return
		}
		build := exec.Command("go", "build", "-o", filepath.Join(plainDir, "hop"), "github.com/hop-cli/hop")
		build.Env = append(os.Environ(), "CGO_ENABLED=0") // static, as make build builds it
		out, err := build.CombinedOutput()
		if err != nil {
			plainErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if plainErr != nil {
		t.Fatal(plainErr)
	}
	return filepath.Join(plainDir, "hop")
}

// runHop runs hop and returns stdout and the exit code.
func runHop(t *testing.T, args ...string) ([]byte, int) {
	t.Helper()
	c := exec.Command(hopBinary(t), args...)
	out, err := c.Output()
	if err != nil && c.ProcessState == nil {
		t.Fatal(err)
	}
	return out, c.ProcessState.ExitCode()
}

// mtlsServer starts an HTTPS server that wants a client certificate, and writes into dir the CA to trust
// (root.pem), a client certificate with its chain (client.pem), its key (key.pem), and the same key
// encrypted by openssl with the passphrase hop-test (enc.pem). The server trusts the intermediate too, so
// that a client sending its certificate alone (curl with DER) is accepted.
func mtlsServer(t *testing.T, dir string) string {
	t.Helper()
	pki, err := testserver.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(pki.Root)
	roots.AddCert(pki.Inter)
	leaf, err := pki.Issue(testserver.Leaf{Names: []string{"127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	srv := testserver.Start(testserver.Config{TLS: true, Cert: &leaf, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: roots})
	t.Cleanup(srv.Close)
	client, err := pki.Issue(testserver.Leaf{Client: true})
	if err != nil {
		t.Fatal(err)
	}
	key, err := testserver.KeyPEM(client.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"root.pem": testserver.CertPEM(pki.Root), "client.pem": testserver.CertPEM(client.Leaf, pki.Inter), "key.pem": key} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	openssl(t, dir, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "key.pem", "-passout", "pass:hop-test", "-out", "enc.pem")
	return srv.URL
}

// openssl runs the openssl command in dir (make test installs it).
func openssl(t *testing.T, dir string, args ...string) {
	t.Helper()
	c := exec.Command("openssl", args...)
	c.Dir = dir
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("openssl %q (make test installs it): %v\n%s", args, err, out)
	}
}
