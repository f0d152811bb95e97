package tlsinfo

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"slices"
	"strings"
)

// ChainNotes says what is wrong with the order and content of a chain as a server sent it (leaf first),
// though a verifier may still build a path through it: TLS asks that each certificate be followed by the one
// that issued it (RFC 8446 4.4.2; a MUST in TLS 1.2), which most clients no longer need and some (older Java,
// embedded stacks) still do; a certificate sent twice, or one on no path from the leaf, is not needed; a root
// at the end is one the client must already have. Nil when the chain is in order with nothing extra, and for
// a chain that does not start with a leaf (a file of CA certificates is no server's chain).
func ChainNotes(chain []*x509.Certificate) []string {
	if len(chain) < 2 || chain[0].IsCA {
		return nil
	}
	var notes []string
	dup := make([]bool, len(chain))
	for i := 1; i < len(chain); i++ {
		if j := slices.IndexFunc(chain[:i], func(d *x509.Certificate) bool { return bytes.Equal(d.Raw, chain[i].Raw) }); j >= 0 {
			dup[i] = true
			notes = append(notes, fmt.Sprintf("[%d] is [%d] again: sent twice, and not needed", i, j))
		}
	}
	// The path from the leaf: each certificate followed by the one (of those sent) that issued it.
	path := []int{0}
	for {
		cur := chain[path[len(path)-1]]
		next := -1
		for i, c := range chain {
			if !dup[i] && !slices.Contains(path, i) && signedBy(cur, c) {
				next = i
				break
			}
		}
		if next < 0 {
			break
		}
		path = append(path, next)
	}
	if !slices.IsSorted(path) {
		order := make([]string, 0, len(path))
		for _, i := range path {
			order = append(order, fmt.Sprintf("[%d]", i))
		}
		notes = append(notes, fmt.Sprintf("out of order: each certificate should be followed by its issuer, %s, as TLS asks and some clients need",
			strings.Join(order, " ")))
	}
	for i, c := range chain {
		if !dup[i] && !slices.Contains(path, i) {
			notes = append(notes, fmt.Sprintf("[%d] (%s) is on no path from the leaf: not part of this chain, and not needed", i, name(c.Subject.CommonName, c)))
		}
	}
	if last := chain[path[len(path)-1]]; len(path) > 1 && isSelfSigned(last) {
		notes = append(notes, fmt.Sprintf("[%d] is the root (%s), which a client must already have: sending it is harmless, and not needed", path[len(path)-1], name(last.Subject.CommonName, last)))
	}
	return notes
}
