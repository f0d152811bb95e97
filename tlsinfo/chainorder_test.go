package tlsinfo_test

import (
	"crypto/x509"
	"slices"
	"testing"

	"github.com/hop-cli/hop/testserver"
	"github.com/hop-cli/hop/tlsinfo"
)

// A chain as servers misconfigure it: each fault named once, an ordered chain without extras named not at
// all, and a file of CA certificates (no leaf first) not judged as a server's chain.
func TestChainNotes(t *testing.T) {
	pki, err := testserver.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	other, err := testserver.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := pki.Issue(testserver.Leaf{Names: []string{"example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	leaf, inter, root := cert.Leaf, pki.Inter, pki.Root
	for _, tt := range []struct {
		name  string
		chain []*x509.Certificate
		want  []string
	}{
		{"in order", []*x509.Certificate{leaf, inter}, nil},
		{"leaf alone", []*x509.Certificate{leaf}, nil},
		{"with its root", []*x509.Certificate{leaf, inter, root},
			[]string{"[2] is the root (hop test root CA), which a client must already have: sending it is harmless, and not needed"}},
		{"out of order", []*x509.Certificate{leaf, root, inter}, []string{
			"out of order: each certificate should be followed by its issuer, [0] [2] [1], as TLS asks and some clients need",
			"[1] is the root (hop test root CA), which a client must already have: sending it is harmless, and not needed"}},
		{"sent twice", []*x509.Certificate{leaf, inter, inter}, []string{"[2] is [1] again: sent twice, and not needed"}},
		{"unrelated", []*x509.Certificate{leaf, other.Inter, inter},
			[]string{"[1] (hop test intermediate) is on no path from the leaf: not part of this chain, and not needed"}},
		{"CA certificates", []*x509.Certificate{root, inter, other.Root}, nil},
	} {
		if got := tlsinfo.ChainNotes(tt.chain); !slices.Equal(got, tt.want) {
			t.Errorf("%s: ChainNotes = %q, want %q", tt.name, got, tt.want)
		}
	}
}
