package testserver

import (
	"crypto/tls"
	"crypto/x509"
	"net/http/httptest"
	"os"
	"path/filepath"
)

// ServeMutualTLS is the URL of StartMutualTLS's server, with its files in dir, closed when the test ends.
func ServeMutualTLS(t TB, dir string) string {
	t.Helper()
	srv, err := StartMutualTLS(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv.URL
}

// StartMutualTLS starts an HTTPS server on loopback that wants a client certificate from a new PKI, and
// writes into dir the CA to trust (root.pem), a client certificate with its chain (client.pem) and its key
// (key.pem, PKCS#8). The server trusts the intermediate too, so that a client that sends its certificate
// alone (curl with a DER file) is accepted.
func StartMutualTLS(dir string) (*httptest.Server, error) {
	pki, err := NewPKI()
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(pki.Root)
	roots.AddCert(pki.Inter)
	leaf, err := pki.Issue(Leaf{Names: []string{"127.0.0.1"}})
	if err != nil {
		return nil, err
	}
	client, err := pki.Issue(Leaf{Client: true})
	if err != nil {
		return nil, err
	}
	key, err := KeyPEM(client.PrivateKey)
	if err != nil {
		return nil, err
	}
	for name, b := range map[string][]byte{"root.pem": CertPEM(pki.Root), "client.pem": CertPEM(client.Leaf, pki.Inter), "key.pem": key} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			return nil, err
		}
	}
	return Start(Config{TLS: true, Cert: &leaf, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: roots}), nil
}
