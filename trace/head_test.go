package trace

import (
	"slices"
	"testing"
)

// fieldNames reads a head's names as written: in order, in their case, a repeated name each time, a folded
// line adding none, CRLF or bare LF line ends; nil for a head with no fields or none at all.
func TestFieldNames(t *testing.T) {
	for _, c := range []struct {
		head string
		want []string
	}{
		{"HTTP/1.1 200 OK\r\nzeta: 1\r\nSet-Cookie: a\r\nX-CASE: y\r\nSet-Cookie: b\r\n\r\n", []string{"zeta", "Set-Cookie", "X-CASE", "Set-Cookie"}},
		{"HTTP/1.1 200 OK\nA: 1\n folded\n\tmore\nB:2\n\n", []string{"A", "B"}},
		{"HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n", []string{"Link"}},
		{"HTTP/1.1 100 Continue\r\n\r\n", nil},
		{"", nil},
	} {
		if got := fieldNames([]byte(c.head)); !slices.Equal(got, c.want) {
			t.Errorf("fieldNames(%q) = %q, want %q", c.head, got, c.want)
		}
	}
}
