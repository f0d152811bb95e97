package testserver

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"time"

	"github.com/quic-go/qpack"
	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/quicvarint"
)

// H3Frames is an HTTP/3 server below quic-go's http3: it speaks QUIC with ALPN h3, opens its control stream
// with an empty SETTINGS frame, reads each request's HEADERS frame, and lets an answer function write
// whatever frames it likes on the request stream, for tests of what hop does with a server that breaks
// HTTP/3 (the frame-level twin of ServeFrames for HTTP/2).
type H3Frames struct {
	URL  string
	conn net.PacketConn
	ln   *quic.Listener
}

// H3Answer is a request stream to answer, and the path its request asked for.
type H3Answer struct {
	Path   string
	Stream *quic.Stream
	Conn   *quic.Conn
}

// Frame writes one HTTP/3 frame: its type, the payload's length, the payload.
func (a *H3Answer) Frame(typ uint64, payload []byte) error {
	b := quicvarint.Append(nil, typ)
	b = quicvarint.Append(b, uint64(len(payload)))
	_, err := a.Stream.Write(append(b, payload...))
	return err
}

// Headers writes a HEADERS frame of fields, given as name and value pairs, QPACK-encoded as they are
// (names in any case, pseudo fields anywhere).
func (a *H3Answer) Headers(fields ...string) error {
	return a.Frame(0x01, QPACKBlock(fields...))
}

// Data writes a DATA frame.
func (a *H3Answer) Data(p []byte) error { return a.Frame(0x00, p) }

// QPACKBlock is a QPACK field section of fields, given as name and value pairs.
func QPACKBlock(fields ...string) []byte {
	var block bytes.Buffer
	enc := qpack.NewEncoder(&block)
	for i := 0; i+1 < len(fields); i += 2 {
		enc.WriteField(qpack.HeaderField{Name: fields[i], Value: fields[i+1]})
	}
	return block.Bytes()
}

// ServeH3Frames serves HTTP/3 on a UDP port of loopback with cfg (its NextProtos set to h3), answering
// each request with answer; when answer returns false the connection is closed, else the stream is ended.
func ServeH3Frames(cfg *tls.Config, answer func(a *H3Answer) bool) (*H3Frames, error) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	cfg = cfg.Clone()
	cfg.NextProtos = []string{"h3"}
	ln, err := quic.Listen(pc, cfg, &quic.Config{MaxIdleTimeout: 20 * time.Second})
	if err != nil {
		pc.Close()
		return nil, err
	}
	s := &H3Frames{URL: "https://" + pc.LocalAddr().String(), conn: pc, ln: ln}
	go func() {
		for {
			conn, err := ln.Accept(context.Background())
			if err != nil {
				return
			}
			go serveH3Conn(conn, answer)
		}
	}()
	return s, nil
}

// Close stops the server.
func (s *H3Frames) Close() {
	s.ln.Close()
	s.conn.Close()
}

func serveH3Conn(conn *quic.Conn, answer func(a *H3Answer) bool) {
	ctx := conn.Context()
	if control, err := conn.OpenUniStream(); err == nil {
		control.Write([]byte{0x00, 0x04, 0x00}) // a control stream, then SETTINGS with nothing in it
	}
	go func() { // the client's control and QPACK streams, read and let be
		for {
			s, err := conn.AcceptUniStream(ctx)
			if err != nil {
				return
			}
			go io.Copy(io.Discard, s)
		}
	}()
	for {
		stream, err := conn.AcceptStream(ctx)
		if err != nil {
			return
		}
		go func() {
			stream.SetDeadline(time.Now().Add(20 * time.Second))
			path, err := requestPath(stream)
			if err != nil {
				stream.CancelWrite(0x101) // H3_GENERAL_PROTOCOL_ERROR
				return
			}
			if !answer(&H3Answer{Path: path, Stream: stream, Conn: conn}) {
				conn.CloseWithError(0x100, "") // H3_NO_ERROR
				return
			}
			stream.Close()
			go io.Copy(io.Discard, stream) // the rest of a request body
		}()
	}
}

// requestPath reads a request stream's frames up to its HEADERS frame and returns the :path it holds.
func requestPath(r io.Reader) (string, error) {
	br := quicvarint.NewReader(r)
	for {
		typ, err := quicvarint.Read(br)
		if err != nil {
			return "", err
		}
		n, err := quicvarint.Read(br)
		if err != nil {
			return "", err
		}
		if n > 1<<20 {
			return "", errors.New("frame too large")
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(br, payload); err != nil {
			return "", err
		}
		if typ != 0x01 {
			continue
		}
		next := qpack.NewDecoder().Decode(payload)
		for {
			f, err := next()
			if err != nil {
				return "", errors.New("no :path")
			}
			if f.Name == ":path" {
				return strings.Clone(f.Value), nil
			}
		}
	}
}
