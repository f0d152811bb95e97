package testserver

import (
	"bytes"
	"io"
	"net"
	"strconv"
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
			s.Requests.Add(1)
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
			id := f.StreamID
			switch {
			case path == "/refuse" || path == "/refuse-once" && s.refusedOnce.CompareAndSwap(false, true):
				err = fr.WriteRSTStream(id, http2.ErrCodeRefusedStream)
			case path == "/goaway":
				fr.WriteGoAway(0, http2.ErrCodeNo, nil)
				return
			default:
				err = writeOK(fr, id)
			}
			if err != nil {
				return
			}
		}
	}
}

func writeOK(fr *http2.Framer, id uint32) error {
	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	body := []byte("ok\n")
	enc.WriteField(hpack.HeaderField{Name: ":status", Value: "200"})
	enc.WriteField(hpack.HeaderField{Name: "content-type", Value: "text/plain"})
	enc.WriteField(hpack.HeaderField{Name: "content-length", Value: strconv.Itoa(len(body))})
	if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block.Bytes(), EndHeaders: true}); err != nil {
		return err
	}
	return fr.WriteData(id, true, body)
}
