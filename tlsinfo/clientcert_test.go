package tlsinfo_test

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
	"github.com/hop-cli/hop/tlsinfo"
)

// A server may name many authorities (some name a hundred): the refusal names three and counts the rest;
// a name that does not parse is shown as its bytes, never dropped and never a panic.
func TestAuthorityNames(t *testing.T) {
	var cas [][]byte
	var want []string
	for i := range 5 {
		n := pkix.Name{CommonName: fmt.Sprintf("CA %d", i), Organization: []string{"hop"}}
		der, err := asn1.Marshal(n.ToRDNSequence())
		if err != nil {
			t.Fatal(err)
		}
		cas, want = append(cas, der), append(want, n.String())
	}
	cas, want = append(cas, []byte{0x30, 0x03, 0x01}), append(want, "(unreadable name 300301)")
	if got := tlsinfo.AuthorityNames(cas); !slices.Equal(got, want) {
		t.Errorf("AuthorityNames = %q, want %q", got, want)
	}
	pki, err := testserver.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := pki.Issue(testserver.Leaf{Client: true})
	if err != nil {
		t.Fatal(err)
	}
	got := tlsinfo.ExplainRefusal("unknown certificate authority", cas, cert.Leaf, 2, time.Now())
	if wantText := "the server takes certificates issued by CN=CA 0,O=hop; CN=CA 1,O=hop; CN=CA 2,O=hop; and 3 more (hop cert lists them)"; got != wantText {
		t.Errorf("ExplainRefusal = %q, want %q", got, wantText)
	}
	if got := tlsinfo.ExplainRefusal("bad certificate", nil, cert.Leaf, 2, time.Now()); !strings.Contains(got, "a CA the server trusts") {
		t.Errorf("ExplainRefusal without names = %q", got)
	}
}
