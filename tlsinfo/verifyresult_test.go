package tlsinfo_test

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
	"github.com/hop-cli/hop/tlsinfo"
)

// handshake serves cert on loopback and shakes hands with it as cfg says, returning what the client saw.
func handshake(t *testing.T, cert tls.Certificate, cfg *tls.Config) (*tls.ConnectionState, error) {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			_ = c.(*tls.Conn).Handshake()
			c.Close()
		}
	}()
	conn, err := tls.Dial("tcp", ln.Addr().String(), cfg)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	cs := conn.ConnectionState()
	return &cs, nil
}

type proxyFailure struct{ err error }

func (e proxyFailure) Error() string        { return e.err.Error() }
func (e proxyFailure) Unwrap() error        { return e.err }
func (proxyFailure) ProxyHandshake() string { return "proxy.example:443" }

// TestVerifyResult: each certificate as curl 7.88 with OpenSSL 3.0 reports it in %{ssl_verify_result}, for
// a leaf and intermediate sent by the server, the root trusted or not (an empty pool), checked for its name
// or for another, and under -k, where curl loads no roots and OpenSSL judges the chain as sent.
func TestVerifyResult(t *testing.T) {
	pki, err := testserver.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	local := []string{"127.0.0.1", "localhost"}
	leaf := func(l testserver.Leaf) tls.Certificate {
		c, err := pki.Issue(l)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	good := leaf(testserver.Leaf{Names: local})
	withRoot := good
	withRoot.Certificate = append(append([][]byte{}, good.Certificate...), pki.Root.Raw)
	leafOnly := good
	leafOnly.Certificate = good.Certificate[:1]
	roots, none := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(pki.Root)
	servers := map[string]tls.Certificate{
		"good": good, "with root": withRoot, "leaf only": leafOnly,
		"expired":     leaf(testserver.Leaf{Names: local, NotBefore: now.AddDate(0, -2, 0), NotAfter: now.AddDate(0, -1, 0)}),
		"not yet":     leaf(testserver.Leaf{Names: local, NotBefore: now.AddDate(0, 1, 0), NotAfter: now.AddDate(0, 2, 0)}),
		"self-signed": leaf(testserver.Leaf{Names: local, SelfSigned: true}),
		"client only": leaf(testserver.Leaf{Names: local, Client: true}),
	}
	tests := []struct {
		server                        string
		trusted, otherName, insecure  int // with the root trusted; with it trusted and another name asked for; under -k
		untrusted, untrustedOtherName int // with no root trusted
	}{
		{"good", 0, 1, 20, 20, 20},
		{"with root", 0, 1, 19, 19, 19},
		{"leaf only", 20, 20, 20, 20, 20},
		{"expired", 10, 10, 20, 20, 20},
		{"not yet", 9, 9, 20, 20, 20},
		{"self-signed", 18, 18, 18, 18, 18},
		{"client only", 26, 26, 20, 20, 20},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			what string
			cfg  *tls.Config
			want int
		}{
			{"trusted", &tls.Config{RootCAs: roots, ServerName: "localhost"}, tt.trusted},
			{"trusted, other name", &tls.Config{RootCAs: roots, ServerName: "other.example"}, tt.otherName},
			{"-k", &tls.Config{InsecureSkipVerify: true}, tt.insecure},
			{"untrusted", &tls.Config{RootCAs: none, ServerName: "localhost"}, tt.untrusted},
			{"untrusted, other name", &tls.Config{RootCAs: none, ServerName: "other.example"}, tt.untrustedOtherName},
		} {
			cs, err := handshake(t, servers[tt.server], c.cfg)
			if got := tlsinfo.VerifyResult(cs, err, c.cfg.RootCAs, now); got != c.want {
				t.Errorf("%s, %s: %d, want %d (handshake: %v)", tt.server, c.what, got, c.want, err)
			}
		}
	}

	// Revocation lists: a revoked leaf is 23, a CA with no list 3. A proxy's handshake is not the server's,
	// and plain http, or no connection at all, is 0.
	cs, err := handshake(t, good, &tls.Config{RootCAs: roots, ServerName: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	revoked, err := pki.CRL(true, cs.PeerCertificates[0])
	if err != nil {
		t.Fatal(err)
	}
	for data, want := range map[string]int{string(revoked): 23, "": 3} {
		lists, err := tlsinfo.ReadCRLs([]byte(data))
		if data == "" {
			lists, err = tlsinfo.CRLs{}, nil
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := tlsinfo.VerifyResult(cs, lists.Clear(cs.VerifiedChains, now), roots, now); got != want {
			t.Errorf("revocation: %d, want %d", got, want)
		}
	}
	_, perr := handshake(t, good, &tls.Config{RootCAs: none, ServerName: "localhost"})
	for err, want := range map[error]int{proxyFailure{fmt.Errorf("via proxy: %w", perr)}: 0, nil: 0, &net.OpError{Op: "dial", Err: fmt.Errorf("refused")}: 0} {
		if got := tlsinfo.VerifyResult(nil, err, roots, now); got != want {
			t.Errorf("VerifyResult(nil, %v) = %d, want %d", err, got, want)
		}
	}

	// The proxy's number: its own handshake's failure, judged by its roots, or its chain under
	// --proxy-insecure; a failure with the server is not the proxy's.
	insecure, err := handshake(t, servers["self-signed"], &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what  string
		cs    *tls.ConnectionState
		err   error
		roots *x509.CertPool
		want  int
	}{
		{"the proxy untrusted", nil, proxyFailure{fmt.Errorf("via proxy: %w", perr)}, none, 20},
		{"the server untrusted", nil, perr, none, 0},
		{"--proxy-insecure", insecure, nil, roots, 18},
		{"the proxy trusted", cs, nil, roots, 0},
	} {
		if got := tlsinfo.ProxyVerifyResult(c.cs, c.err, c.roots, now); got != c.want {
			t.Errorf("ProxyVerifyResult, %s: %d, want %d", c.what, got, c.want)
		}
	}
}
