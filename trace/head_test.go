package trace

import (
	"net/http"
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

// restoreFields puts back the fields net/http takes out of an HTTP/1.x response's header: from the head as
// it came (Connection only when it said close), else the announced trailer names as net/http keeps them.
// Over HTTP/2 it touches nothing: resp.Trailer belongs to the transport until the body ends.
func TestRestoreFields(t *testing.T) {
	head := []byte("HTTP/1.1 200 OK\r\nconnection: close\r\nTrailer: grpc-status, X-T\r\nX-A: 1\r\n\r\n")
	for _, tt := range []struct {
		major       int
		close       bool
		head        []byte
		conn, trail []string
	}{
		{1, true, head, []string{"close"}, []string{"grpc-status, X-T"}},
		{1, false, head, nil, []string{"grpc-status, X-T"}},
		{1, false, nil, nil, []string{"Grpc-Status, X-T"}},
		{2, false, nil, nil, nil},
	} {
		resp := &http.Response{ProtoMajor: tt.major, Close: tt.close, Header: http.Header{"X-A": {"1"}},
			Trailer: http.Header{"Grpc-Status": nil, "X-T": nil}}
		restoreFields(resp, tt.head)
		if !slices.Equal(resp.Header["Connection"], tt.conn) || !slices.Equal(resp.Header["Trailer"], tt.trail) {
			t.Errorf("HTTP/%d, close %v, head %v: Connection %q, Trailer %q; want %q, %q", tt.major, tt.close, tt.head != nil,
				resp.Header["Connection"], resp.Header["Trailer"], tt.conn, tt.trail)
		}
	}
}
