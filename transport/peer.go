package transport

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"
)

// PeerError is what a server did to end an exchange it had not finished: it reset the request's stream, or
// closed the connection with an error code (HTTP/2's RST_STREAM and GOAWAY, HTTP/3's stream and connection
// errors). net/http and quic-go report these in their own syntax ("stream error: stream ID 1;
// INTERNAL_ERROR; received from peer", "http3: parsing frame failed: H3_INTERNAL_ERROR"); transport words
// them the same for both protocols.
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

// inWords is err with what the server did in words, when it is one of the errors PeerError is about; an
// HTTP/3 H3_REQUEST_REJECTED, the server saying it did not process the request, is a *RefusedError.
func inWords(err error, host string) error {
	if h3, ok := errors.AsType[*http3.Error](err); ok && h3.Remote {
		if h3.ErrorCode == http3.ErrCodeRequestRejected {
			return &RefusedError{Host: host, Times: 1, QUIC: true}
		}
		code := "HTTP/3 " + h3.ErrorCode.String()
		if _, hex, ok := strings.Cut(code, "unknown error code: "); ok {
			code = "HTTP/3 error code " + hex // one HTTP/3 does not name
		}
		if h3.ErrorMessage != "" {
			code += ": " + h3.ErrorMessage
		}
		did := "reset the stream"
		if _, ok := errors.AsType[*quic.ApplicationError](err); ok {
			did = "closed the connection"
		}
		return &PeerError{Host: host, Did: did, Code: code, err: err}
	}
	if what := h3Words(err); what != "" {
		return &brokeH3Error{host: host, what: what, err: err}
	}
	msg := err.Error() // net/http's HTTP/2 errors and quic-go's are not exported: matched on their wording
	switch msg {
	case "peer sent too much data":
		return &overLengthError{host: host, proto: "HTTP/3", err: err}
	case "net/http: server replied with more than declared Content-Length; truncated":
		return &overLengthError{host: host, proto: "HTTP/2", err: err}
	case "http2: request header list larger than peer's advertised limit":
		return &headOverLimitError{host: host, err: err}
	}
	if _, rest, ok := strings.Cut(msg, "stream error: stream ID "); ok {
		if _, rest, ok = strings.Cut(rest, "; "); ok {
			if code, ok := strings.CutSuffix(rest, "; received from peer"); ok {
				return &PeerError{Host: host, Did: "reset the stream", Code: "HTTP/2 " + code, err: err}
			}
		}
	}
	if code, ok := strings.CutPrefix(msg, "http2: Transport received GOAWAY from server ErrCode:"); ok {
		// A GOAWAY with an error code that took no stream, the first on its connection: net/http does not
		// send it again, and gives no debug data.
		return &PeerError{Host: host, Did: "closed the connection", Code: "HTTP/2 GOAWAY " + code, err: err}
	}
	if msg == "http2: Transport received Server's graceful shutdown GOAWAY" {
		// A GOAWAY whose last stream is below this request's (net/http's errClientConnGotGoAway): before
		// the head net/http sends the request again; after it, the server has contradicted its own answer.
		return &PeerError{Host: host, Did: "closed the connection", Code: "HTTP/2 GOAWAY: a shutdown that left this request out", err: err}
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

// overLengthError is a body longer than its Content-Length, which HTTP/2 and HTTP/3 frame apart from it
// (HTTP/1.1 reads no further than the length).
type overLengthError struct {
	host, proto string
	err         error
}

func (e *overLengthError) Error() string {
	return e.host + " sent more body than its Content-Length said (" + e.proto + ")"
}
func (e *overLengthError) Unwrap() error { return e.err }

// headOverLimitError is a request whose head is larger than the HTTP/2 server said it takes (its
// SETTINGS_MAX_HEADER_LIST_SIZE): net/http does not send it. (quic-go sends one over HTTP/3's limit, and the
// server answers as it will.)
type headOverLimitError struct {
	host string
	err  error
}

func (e *headOverLimitError) Error() string {
	return "the request's head is larger than " + e.host + " takes over HTTP/2 (its SETTINGS_MAX_HEADER_LIST_SIZE): it was not sent"
}
func (e *headOverLimitError) Unwrap() error { return e.err }

// lengthsAgree refuses a response whose Content-Length fields disagree, as net/http refuses it over
// HTTP/1.1 and quic-go over HTTP/3; net/http's HTTP/2 takes it (the frames, not the field, end the body),
// curl's (nghttp2) does not.
func lengthsAgree(resp *http.Response) error {
	vs := resp.Header.Values("Content-Length")
	for _, v := range vs[min(1, len(vs)):] {
		if strings.TrimSpace(v) != strings.TrimSpace(vs[0]) {
			return malformedHead(fmt.Sprintf("HTTP/%d contradicting Content-Length fields (%s and %s)", resp.ProtoMajor, vs[0], v))
		}
	}
	return nil
}

// malformedHead is a response head that breaks HTTP, in words that follow "sent a malformed response,
// refused: " (exchange recognises it by its method, not importing transport).
type malformedHead string

func (e malformedHead) Error() string     { return string(e) }
func (e malformedHead) Malformed() string { return string(e) }
