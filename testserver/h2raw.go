package testserver

import (
	"bytes"
	"io"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// RawH2 is an h2c server (HTTP/2 in the clear, with prior knowledge) written frame by frame, for what
// net/http's own server never does. By the request's path:
//
//	/refuse        every stream is reset with REFUSED_STREAM: "not processed, try again"
//	/refuse-once   the first request to this path is refused, every later one answered
//	/goaway        a GOAWAY that took no stream (last stream 0), then the connection closes
//	/reset         the stream is reset (INTERNAL_ERROR) before any answer
//	/goaway-error  a GOAWAY that took the stream, with INTERNAL_ERROR and debug data, before any answer
//	/rst-body      200 promising 100 bytes, 8 of them, then the stream is reset (INTERNAL_ERROR)
//	/goaway-body   200 promising 100 bytes, 8 of them, then a GOAWAY that took the stream, and close
//	/goaway-left-out  200 promising 100 bytes, 8 of them, then a graceful GOAWAY (NO_ERROR) whose last stream
//	               is below this one's, as if the request had never been taken, and close
//	/short-body    200 promising 100 bytes, and the stream ends after 8 of them
//	/no-status     response headers without :status
//	/informs-end   a 103 that ends the stream
//	/upper-name    a field name in upper case
//	/data-first    DATA before any HEADERS
//	/trailer-status  200 and a body, then trailers holding :status
//	/long-body     200 promising 5 bytes, sending 10
//	/lengths       two Content-Length fields that disagree (5 and 6)
//	/bad-hpack     a header block that does not decode
//	/push          a PUSH_PROMISE, which the client has disabled
//	/continuation  a header block never ended: CONTINUATION frames until the client gives up
//	/pings         no answer, ever, and a PING every 100 ms for 30 s: bytes keep coming
//	/big-frame     200, then a DATA frame of 20,000 bytes, over the 16 KiB frame hop announces
//	/big-head      a HEADERS frame of 20,000 bytes
//	/goaway-calm   a GOAWAY that took no stream, with ENHANCE_YOUR_CALM, before any answer
//	/window-overflow       a WINDOW_UPDATE that takes the stream's window past 2^31-1, before any answer
//	/window-overflow-body  200 and 8 bytes of the body, then that WINDOW_UPDATE; nothing more
//	/window-overflow-late  a 204 that ends the stream, a RST_STREAM, then that WINDOW_UPDATE, which may meet
//	                       the stream not yet forgotten: the connection deadlocks after the answer
//	/window-overflow-after "ok" whole, then that WINDOW_UPDATE, which may meet the stream not yet forgotten
//	anything else  200 with the body "ok\n"
//
// Requests counts the requests (HEADERS frames) read.
type RawH2 struct {
	ln          net.Listener
	refusedOnce atomic.Bool
	Requests    atomic.Int64
}

// StartRawH2 listens on loopback.
func StartRawH2() (*RawH2, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &RawH2{ln: ln}
	ServeConns(ln, s.serve)
	return s, nil
}

// URL is the server's base, http://127.0.0.1:port.
func (s *RawH2) URL() string { return "http://" + s.ln.Addr().String() }

// Close stops accepting; connections being served end when their client hangs up.
func (s *RawH2) Close() { s.ln.Close() }

func (s *RawH2) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	ServeFrames(c, func(fr *http2.Framer, id uint32, path string) bool {
		s.Requests.Add(1)
		return s.answer(fr, id, path)
	})
}

// ServeFrames speaks HTTP/2 as a server on c, frame by frame: it reads the client's preface, sends its
// SETTINGS, acknowledges the client's SETTINGS and PINGs, and hands each request (a HEADERS frame: its
// stream and :path) to answer, until answer returns false or the connection ends. The caller closes c.
func ServeFrames(c net.Conn, answer func(fr *http2.Framer, id uint32, path string) bool) {
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(c, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	fr := http2.NewFramer(c, c)
	dec := hpack.NewDecoder(4096, nil)
	if fr.WriteSettings() != nil {
		return
	}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() && fr.WriteSettingsAck() != nil {
				return
			}
		case *http2.PingFrame:
			if !f.IsAck() && fr.WritePing(true, f.Data) != nil {
				return
			}
		case *http2.HeadersFrame:
			fields, err := dec.DecodeFull(f.HeaderBlockFragment())
			if err != nil || !f.HeadersEnded() {
				return // the client's own frames are well formed: hop never sends CONTINUATION for a request this small
			}
			path := ""
			for _, hf := range fields {
				if hf.Name == ":path" {
					path = hf.Value
				}
			}
			if !answer(fr, f.StreamID, path) {
				return
			}
		}
	}
}

// answer answers the request on stream id by its path (see RawH2); false closes the connection.
func (s *RawH2) answer(fr *http2.Framer, id uint32, path string) bool {
	var err error
	switch {
	case path == "/refuse" || path == "/refuse-once" && s.refusedOnce.CompareAndSwap(false, true):
		err = fr.WriteRSTStream(id, http2.ErrCodeRefusedStream)
	case path == "/goaway":
		fr.WriteGoAway(0, http2.ErrCodeNo, nil)
		return false
	case path == "/reset":
		err = fr.WriteRSTStream(id, http2.ErrCodeInternal)
	case path == "/goaway-error":
		fr.WriteGoAway(id, http2.ErrCodeInternal, []byte("going \x1b[31maway"))
		return false
	case path == "/rst-body" || path == "/goaway-body" || path == "/goaway-left-out" || path == "/short-body":
		if err = writeHead(fr, id, false, ":status", "200", "content-length", "100"); err == nil {
			err = fr.WriteData(id, path == "/short-body", []byte("partial\n"))
		}
		switch {
		case err == nil && path == "/rst-body":
			err = fr.WriteRSTStream(id, http2.ErrCodeInternal)
		case err == nil && path == "/goaway-body":
			fr.WriteGoAway(id, http2.ErrCodeInternal, nil)
			return false
		case err == nil && path == "/goaway-left-out":
			fr.WriteGoAway(id-1, http2.ErrCodeNo, nil)
			return false
		}
	case path == "/long-body":
		if err = writeHead(fr, id, false, ":status", "200", "content-length", "5"); err == nil {
			err = fr.WriteData(id, true, []byte("0123456789"))
		}
	case path == "/lengths":
		if err = writeHead(fr, id, false, ":status", "200", "content-length", "5", "content-length", "6"); err == nil {
			err = fr.WriteData(id, true, []byte("01234"))
		}
	case path == "/informs-end":
		err = writeHead(fr, id, true, ":status", "103", "link", "</a>") // a 1xx may not end the stream
	case path == "/upper-name":
		err = writeHead(fr, id, true, ":status", "200", "X-Upper", "1") // HTTP/2 names are lower case
	case path == "/trailer-status":
		if err = writeHead(fr, id, false, ":status", "200"); err == nil {
			if err = fr.WriteData(id, false, []byte("ok\n")); err == nil {
				err = writeHead(fr, id, true, ":status", "500") // a pseudo field in trailers
			}
		}
	case path == "/data-first":
		err = fr.WriteData(id, true, []byte("ok\n")) // a body before any head
	case path == "/no-status":
		err = writeHead(fr, id, true, "content-type", "text/plain")
	case path == "/bad-hpack":
		err = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: []byte{0xff, 0xff, 0xff, 0xff}, EndHeaders: true, EndStream: true})
	case path == "/push":
		err = fr.WritePushPromise(http2.PushPromiseParam{StreamID: id, PromiseID: 2, BlockFragment: []byte{0x82}, EndHeaders: true})
	case path == "/big-frame":
		if err = writeHead(fr, id, false, ":status", "200"); err == nil {
			err = fr.WriteData(id, true, bytes.Repeat([]byte("x"), 20000))
		}
	case path == "/big-head":
		err = writeHead(fr, id, true, ":status", "200", "x-big", strings.Repeat("x", 20000))
	case path == "/goaway-calm":
		fr.WriteGoAway(0, http2.ErrCodeEnhanceYourCalm, nil)
		return false
	case path == "/window-overflow" || path == "/window-overflow-body":
		// Go 1.26's HTTP/2 client deadlocks on it (see transport/stuck.go).
		if path == "/window-overflow-body" {
			if err = writeHead(fr, id, false, ":status", "200"); err == nil {
				err = fr.WriteData(id, false, []byte("partial\n"))
			}
		}
		if err == nil {
			err = fr.WriteWindowUpdate(id, 1<<31-1) // on the initial 65,535: past the limit
		}
	case path == "/window-overflow-late":
		if err = writeHead(fr, id, true, ":status", "204", "content-type", "text/plain", "content-encoding", "br"); err == nil {
			if err = fr.WriteRSTStream(id, http2.ErrCodeInternal); err == nil {
				err = fr.WriteWindowUpdate(id, 1<<31-1)
			}
		}
	case path == "/window-overflow-after":
		if err = writeOK(fr, id); err == nil {
			err = fr.WriteWindowUpdate(id, 1<<31-1)
		}
	case path == "/continuation":
		err = s.continuations(fr, id)
	case path == "/pings":
		for i := range 300 {
			if fr.WritePing(false, [8]byte{byte(i)}) != nil {
				return false
			}
			time.Sleep(100 * time.Millisecond)
		}
		return false
	default:
		err = writeOK(fr, id)
	}
	return err == nil
}

func writeOK(fr *http2.Framer, id uint32) error {
	body := []byte("ok\n")
	if err := writeHead(fr, id, false, ":status", "200", "content-type", "text/plain", "content-length", strconv.Itoa(len(body))); err != nil {
		return err
	}
	return fr.WriteData(id, true, body)
}

// writeHead writes a HEADERS frame of the fields, given as name, value, ...; end ends the stream.
func writeHead(fr *http2.Framer, id uint32, end bool, fields ...string) error {
	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	for i := 0; i+1 < len(fields); i += 2 {
		enc.WriteField(hpack.HeaderField{Name: fields[i], Value: fields[i+1]})
	}
	return fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block.Bytes(), EndHeaders: true, EndStream: end})
}

// continuations starts a header block and continues it, a 16 KiB frame at a time, until the client hangs up
// or 64 MiB have gone.
func (s *RawH2) continuations(fr *http2.Framer, id uint32) error {
	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	enc.WriteField(hpack.HeaderField{Name: ":status", Value: "200"})
	if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block.Bytes()}); err != nil {
		return err
	}
	chunk := bytes.Repeat([]byte{0x00, 0x01, 'x', 0x01, 'y'}, 16<<10/5) // x: y, again and again
	for range 64 << 10 >> 4 {
		if err := fr.WriteContinuation(id, false, chunk); err != nil {
			return err
		}
	}
	return nil
}
