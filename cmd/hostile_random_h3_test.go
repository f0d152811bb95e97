package cmd_test

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/quic-go/quic-go"

	"github.com/hop-cli/hop/testserver"
)

// TestRandomHostileHTTP3: the same promises against an HTTP/3 server (--http3) that answers each
// request with frames chosen at random below quic-go's http3: heads with odd statuses, fields and lengths,
// bodies cut or longer than said, frames before the head, frames HTTP/3 forbids on a request stream
// (SETTINGS, GOAWAY, HTTP/2's), frames of no known type, broken QPACK, a frame cut short, trailers,
// resets, streams of the server's own (a second control stream, a push stream, QPACK garbage), a
// connection closed with a control character in its reason, or left stalled.
func TestRandomHostileHTTP3(t *testing.T) {
	cert, root := loopbackCert(t)
	attempts := &attemptLog{}
	srv, err := testserver.ServeH3Frames(&tls.Config{Certificates: []tls.Certificate{cert}}, func(a *testserver.H3Answer) bool {
		seed, attempt := attempts.next(a.Path)
		return hostileH3Frames(a, seed, attempt)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close) // after the parallel cases
	hop := hopBinary(t)
	upload := hostileUpload(t)
	documented := []int{0, 1, 2, 4, 5, 10, 18, 28, 47, 52, 63}
	hostileCases(t, hostileSeeds/3, func(t *testing.T, seed uint64, r *rand.Rand, flags []string) {
		method, body := hostileMethod(r, upload)
		args := slices.Concat([]string{method, fmt.Sprintf("%s/r/%d/file.bin", srv.URL, seed)}, body,
			[]string{"--http3", "--timeout", "1s", "--cacert", root}, flags)
		runHostile(t, hop, args, flags, documented)
		mustReach(t, args, flags, attempts.reached(seed))
	})
}

// hostileH3Frames answers a request with frames chosen by seed and attempt; false closes the connection.
func hostileH3Frames(a *testserver.H3Answer, seed, attempt uint64) bool {
	r := rand.New(rand.NewPCG(seed, attempt+1))
	body := bytes.Repeat([]byte("hop h3 "), pickFrom(r, 1, 100, 20000))
	declared := pickFrom(r, len(body), len(body), -1, len(body)+10, max(0, len(body)-3))
	for range 1 + r.IntN(4) {
		switch r.IntN(18) {
		case 0, 1, 2, 3:
			fields := hostileHeadFields(r, seed, declared)
			a.Headers(fields...)
		case 4, 5, 6, 7:
			a.Data(body[:pickFrom(r, len(body), len(body)/2, 1)])
		case 8:
			a.Stream.CancelWrite(quic.StreamErrorCode(pickFrom(r, 0x100, 0x101, 0x102, 0x10c, 0x10b, 0x200, 7)))
			return true
		case 9:
			a.Conn.CloseWithError(quic.ApplicationErrorCode(pickFrom(r, 0x100, 0x101, 0x107, 0x10e, 0x999)), "bye \x1b[31m")
			return true
		case 10:
			// frames HTTP/3 forbids on a request stream: SETTINGS, GOAWAY, MAX_PUSH_ID, HTTP/2's PRIORITY and PING
			a.Frame(uint64(pickFrom(r, 0x04, 0x07, 0x0d, 0x02, 0x06, 0x05)), []byte{0x00})
		case 11:
			a.Frame(uint64(pickFrom(r, 0x21, 0x40, 0x1f*7+0x21)), []byte("unknown")) // reserved and unknown types: ignored
		case 12:
			a.Frame(0x01, []byte(pickFrom(r, "\xff\xff\xff", "\x00\x00\xff", "", "\x00\x00\x51\x00"))) // QPACK that does not decode
		case 13:
			a.Stream.Write([]byte{0x00, 0x40, 0xff, 'x'}) // a DATA frame promising 255 bytes, cut short
		case 14:
			a.Headers("x-trailer", "t", pickFrom(r, "x-ok", ":status"), "1") // trailers, perhaps with a pseudo field
		case 15:
			a.Headers(":status", "200", "x-big", string(bytes.Repeat([]byte("b"), pickFrom(r, 1000, 70_000))))
		case 16, 17:
			// A stream of the server's own beside the answer: a second control stream, a push stream the
			// client never allowed, QPACK's encoder stream with garbage, a type no one knows.
			if s, err := a.Conn.OpenUniStream(); err == nil {
				s.Write(pickFrom(r, []byte{0x00, 0x04, 0x00}, []byte{0x01, 0x00}, []byte{0x02, 0xff, 0xff}, []byte{0x21, 'x'}, []byte{0x00, 0x07, 0x01, 0x00}))
				if r.IntN(2) == 0 {
					s.Close()
				}
			}
		}
	}
	return hostileEnd(r)
}
