package transport

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hop-cli/hop/trace"
)

// rawServer answers each request on a connection with the next of heads (and a body of "ok"), a short one
// written a few bytes at a time, so that it arrives in pieces; the connection is kept between them.
func rawServer(t *testing.T, heads ...string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		br := bufio.NewReader(c)
		for _, head := range heads {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			io.Copy(io.Discard, req.Body)
			out := head + "ok"
			if len(out) > 4096 {
				io.WriteString(c, out) // a long head at once: in pieces it would take minutes
				continue
			}
			for len(out) > 0 {
				n := min(len(out), 7)
				if _, err := io.WriteString(c, out[:n]); err != nil {
					return
				}
				out = out[n:]
				time.Sleep(time.Millisecond)
			}
		}
	}()
	return "http://" + ln.Addr().String()
}

// An HTTP/1.1 response head's field names are recorded as received, in order and in their case, for each
// response on a connection kept alive; informational heads (100 Continue) are passed over, and a head with
// bare LF line ends is read too. The header map is net/http's as ever.
func TestHeadOrder(t *testing.T) {
	srv := rawServer(t,
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nzeta: 1\r\nSet-Cookie: a=1\r\nX-Mixed-CASE: y\r\nSet-Cookie: b=2\r\nContent-Length: 2\r\n\r\n",
		"HTTP/1.1 201 Created\nb-Second: 1\nA-First: 2\n folded\nContent-Length: 2\n\n",
	)
	tr := newTransport(t, Options{})
	for i, want := range [][]string{
		{"zeta", "Set-Cookie", "X-Mixed-CASE", "Set-Cookie", "Content-Length"},
		{"b-Second", "A-First", "Content-Length"},
	} {
		req, _ := http.NewRequest("POST", srv+"/", strings.NewReader("x"))
		resp, hop, err := trace.RoundTrip(tr, req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		rec := hop.Snapshot()
		if !slices.Equal(rec.HeadOrder, want) || (i == 1) != rec.Reused {
			t.Errorf("response %d (reused %v): order %q, want %q", i+1, rec.Reused, rec.HeadOrder, want)
		}
		if i == 0 && !slices.Equal(resp.Header["Set-Cookie"], []string{"a=1", "b=2"}) {
			t.Errorf("the map: %v", resp.Header)
		}
	}
}

// A hop's informational (1xx) heads are recorded as received over HTTP/1.1: the protocol and the reason
// phrase as the server wrote them (none, when it wrote none), the fields in their order and case, on a
// connection used again too.
func TestInformsAsReceived(t *testing.T) {
	srv := rawServer(t,
		"HTTP/1.1 103 Hints Ahead\r\nlink: </a>\r\nX-B: 1\r\nLink: </b>\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n",
		"HTTP/1.1 103\r\nx-c: 1\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n",
	)
	tr := newTransport(t, Options{})
	for i, want := range [][]trace.Inform{
		{{Code: 103, Status: "103 Hints Ahead", Header: http.Header{"Link": {"</a>", "</b>"}, "X-B": {"1"}}, Order: []string{"link", "X-B", "Link"}, Proto: "HTTP/1.1",
			Raw: []byte("HTTP/1.1 103 Hints Ahead\r\nlink: </a>\r\nX-B: 1\r\nLink: </b>\r\n\r\n")},
			{Code: 100, Status: "100 Continue", Header: http.Header{}, Proto: "HTTP/1.1", Raw: []byte("HTTP/1.1 100 Continue\r\n\r\n")}},
		{{Code: 103, Status: "103", Header: http.Header{"X-C": {"1"}}, Order: []string{"x-c"}, Proto: "HTTP/1.1", Raw: []byte("HTTP/1.1 103\r\nx-c: 1\r\n\r\n")}},
	} {
		_, rec, err := get(t, tr, srv+"/")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rec.Informs, want) || (i == 1) != rec.Reused {
			t.Errorf("response %d (reused %v): informs %+v, want %+v", i+1, rec.Reused, rec.Informs, want)
		}
	}
}

// A hop keeps no more than maxInformKept bytes of 1xx fields: past them a 1xx response keeps its status line
// alone. net/http takes each 1xx head up to its limit afresh.
func TestInformsBounded(t *testing.T) {
	hint := "HTTP/1.1 103 Big Hints\r\nLink: " + strings.Repeat("x", 100<<10) + "\r\n\r\n"
	srv := rawServer(t, strings.Repeat(hint, 3)+"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n")
	_, rec, err := get(t, newTransport(t, Options{}), srv+"/")
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Informs) != 3 {
		t.Fatalf("%d informs, want 3", len(rec.Informs))
	}
	for i, in := range rec.Informs {
		if kept := in.Header != nil; kept != (i < 2) || in.Status != "103 Big Hints" {
			t.Errorf("inform %d: status %q, fields kept %v", i+1, in.Status, kept)
		}
	}
}

// A head too long to keep is not kept (and costs no more than maxTapped); the response is read as ever.
func TestHeadOrderTooLong(t *testing.T) {
	long := "HTTP/1.1 200 OK\r\n" + strings.Repeat("X-Long: "+strings.Repeat("v", 1000)+"\r\n", maxTapped/1000) + "Content-Length: 2\r\n\r\n"
	srv := rawServer(t, long)
	tr := newTransport(t, Options{})
	tr.pool().MaxResponseHeaderBytes = int64(len(long)) * 2
	_, rec, err := get(t, tr, srv+"/")
	if err != nil {
		t.Fatal(err)
	}
	if rec.HeadOrder != nil {
		t.Errorf("kept %d names of a head of %d bytes", len(rec.HeadOrder), len(long))
	}
}

func TestHeadEnd(t *testing.T) {
	for in, want := range map[string]int{
		"HTTP/1.1 200 OK\r\n\r\nbody": 19,
		"HTTP/1.1 200 OK\n\nbody":     17,
		"HTTP/1.1 200 OK\r\nA: 1\n\n": 23,
		"HTTP/1.1 200 OK\r\nA: 1\r\n": -1,
		"":                            -1,
	} {
		if got := headEnd([]byte(in), 0); got != want {
			t.Errorf("headEnd(%q) = %d, want %d", in, got, want)
		}
	}
	for head, want := range map[string]bool{"HTTP/1.1 100 Continue\r\n\r\n": true, "HTTP/1.1 103 Early Hints\r\n": true,
		"HTTP/1.1 101 Switching Protocols\r\n": false, "HTTP/1.1 200 OK\r\n": false, "junk": false} {
		if informational([]byte(head)) != want {
			t.Errorf("informational(%q) != %v", head, want)
		}
	}
}

// BenchmarkHeadTapDrip: a head of 256 KiB (within net/http's limit) that arrives a byte at a time, as a
// server that drips it sends it. The tap's cost should grow with the head's length, not its square.
func BenchmarkHeadTapDrip(b *testing.B) {
	head := []byte("HTTP/1.1 200 OK\r\n" + strings.Repeat("X-Drip: "+strings.Repeat("v", 90)+"\r\n", 256<<10/100) + "\r\n")
	b.SetBytes(int64(len(head)))
	for b.Loop() {
		t := &headTap{}
		read := t.RecordHead()
		for i := range head {
			t.take(head[i : i+1])
		}
		if _, h, _ := read(); len(h) != len(head) {
			b.Fatalf("kept %d bytes of %d", len(h), len(head))
		}
	}
}

// TestTapFromFirstByte: a new connection's tap keeps what is read before the first RecordHead (a greeting
// that net/http's read loop heard before the request was handed over), and gives it as the begun head;
// a later RecordHead starts afresh.
func TestTapFromFirstByte(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	go func() {
		io.WriteString(server, "SSH-2.0-OpenSSH_9.2p1\r\n")
		server.Close()
	}()
	tap := newHeadTap(client)
	buf := make([]byte, 64)
	n, _ := tap.Read(buf) // the read loop's peek, before any request
	if got := string(buf[:n]); got != "SSH-2.0-OpenSSH_9.2p1\r\n" {
		t.Fatalf("read %q", got)
	}
	if _, head, begun := tap.RecordHead()(); head != nil || string(begun) != "SSH-2.0-OpenSSH_9.2p1\r\n" {
		t.Errorf("first RecordHead: head %q, begun %q; want the greeting begun", head, begun)
	}
	if _, _, begun := tap.RecordHead()(); begun != nil {
		t.Errorf("second RecordHead kept %q", begun)
	}

	// A whole HTTP head before any request (a server turning connections away, or answering a PROXY
	// protocol header it does not take), which net/http drops as an answer on an idle connection: it is
	// given as the begun head, so that the error can quote it.
	client2, server2 := net.Pipe() // new names: the goroutine above still holds server
	defer client2.Close()
	const early = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
	go func() {
		io.WriteString(server2, early)
		server2.Close()
	}()
	tap = newHeadTap(client2)
	buf = make([]byte, len(early))
	n, _ = io.ReadFull(tap, buf)
	if got := string(buf[:n]); got != early {
		t.Fatalf("read %q", got)
	}
	if _, head, begun := tap.RecordHead()(); head != nil || string(begun) != early {
		t.Errorf("RecordHead after a whole head: head %q, begun %q; want the early head begun", head, begun)
	}
}
