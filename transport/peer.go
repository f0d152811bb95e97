package transport

import (
	"io"
	"strconv"
	"strings"
)

// PeerError is what a server did to end an exchange it had not finished: it reset the request's stream, or
// closed the connection with an error code (HTTP/2's RST_STREAM and GOAWAY). net/http reports these in its
// own syntax ("stream error: stream ID 1; INTERNAL_ERROR; received from peer").
type PeerError struct {
	Host string
	Did  string // "reset the stream" or "closed the connection"
	Code string // the protocol and its code, and the server's message if it sent one: "HTTP/2 INTERNAL_ERROR"
	err  error
}

func (e *PeerError) Error() string { return e.Host + " " + e.Did + " (" + e.Code + ")" }
func (e *PeerError) Unwrap() error { return e.err }

// Peer is what the server did and its code, for exchange, which does not import transport.
func (e *PeerError) Peer() (did, code string) { return e.Did, e.Code }

// inWords is err with what the server did in words, when it is one of the errors PeerError is about.
func inWords(err error, host string) error {
	msg := err.Error() // net/http's HTTP/2 errors are not exported: matched on their wording
	if _, rest, ok := strings.Cut(msg, "stream error: stream ID "); ok {
		if _, rest, ok = strings.Cut(rest, "; "); ok {
			if code, ok := strings.CutSuffix(rest, "; received from peer"); ok {
				return &PeerError{Host: host, Did: "reset the stream", Code: "HTTP/2 " + code, err: err}
			}
		}
	}
	if _, rest, ok := strings.Cut(msg, "server sent GOAWAY and closed the connection; "); ok {
		_, rest, _ = strings.Cut(rest, "ErrCode=")
		code, quoted, _ := strings.Cut(rest, ", debug=")
		code = "HTTP/2 GOAWAY " + code
		if debug, err := strconv.Unquote(quoted); err == nil && debug != "" {
			code += ": " + debug
		}
		return &PeerError{Host: host, Did: "closed the connection", Code: code, err: err}
	}
	return err
}

// wordedBody is a response body whose read errors are in words, as the round trip's are.
type wordedBody struct {
	io.ReadCloser
	host string
}

func (b wordedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = inWords(err, b.host)
	}
	return n, err
}
