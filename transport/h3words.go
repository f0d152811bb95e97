package transport

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/quic-go/quic-go/http3"
)

// brokeH3Error is an HTTP/3 answer that breaks the protocol: a frame where HTTP/3 allows none of its kind, a
// frame or a head cut short, a pseudo field in a trailer, a head too large or malformed. quic-go reports these untyped, in its
// own syntax ("http3: expected first frame to be a HEADERS frame", "peer sent an unexpected frame:
// *http3.settingsFrame"); transport says them anew. Before the head it is a malformed response (exchange
// reads Malformed); in the body, what the server broke.
type brokeH3Error struct {
	host, what string
	err        error
}

func (e *brokeH3Error) Error() string     { return e.host + " broke HTTP/3 (" + e.what + ")" }
func (e *brokeH3Error) Malformed() string { return "HTTP/3 " + e.what }
func (e *brokeH3Error) Unwrap() error     { return e.err }

// h3Words is quic-go's error for an answer that breaks HTTP/3's framing, in words, or "" for another error.
func h3Words(err error) string {
	msg := err.Error()
	switch {
	case msg == "http3: expected first frame to be a HEADERS frame":
		return "the answer began with another frame than its head (HEADERS)"
	case msg == "DATA frame received after trailers":
		return "body data after its trailer"
	case msg == "additional HEADERS frame received after trailers":
		return "a second trailer"
	}
	if name, ok := strings.CutPrefix(msg, "http3: received pseudo header in trailer: "); ok {
		return "a pseudo field (" + name + ") in its trailer"
	}
	if typ, ok := strings.CutPrefix(msg, "peer sent an unexpected frame: *http3."); ok {
		return "a " + h3FrameName(typ) + " frame in the answer, where HTTP/3 allows none"
	}
	if _, n, ok := strings.Cut(msg, "http3: reserved frame type: "); ok { // in the head or in the body
		t, _ := strconv.ParseUint(n, 10, 64)
		return fmt.Sprintf("a frame of type 0x%x, one of HTTP/2's (%s), which HTTP/3 reserves", t, h2FrameNames[t])
	}
	if h3, ok := errors.AsType[*http3.Error](err); ok && !h3.Remote {
		// quic-go closed the connection itself, for what the server did (its own cancelling, on hop's
		// timeouts and interrupts, is H3_REQUEST_CANCELLED, not here).
		if what, ok := h3Broken[h3.ErrorCode]; ok {
			what += " (" + h3.ErrorCode.String()
			if h3.ErrorMessage != "" {
				what += ": " + h3.ErrorMessage
			}
			return what + "; hop closed the connection)"
		}
	}
	if _, ok := strings.CutPrefix(msg, "http3: failed to read response headers: "); ok {
		return "a head cut short"
	}
	if rest, ok := strings.CutPrefix(msg, "http3: "); ok && strings.Contains(rest, "too large") {
		return rest // a head over hop's limit: "HEADERS frame too large: N bytes (max: M)"
	}
	if rest, ok := strings.CutPrefix(msg, "http3: invalid response: "); ok {
		// A head that breaks HTTP: two Content-Lengths that disagree, a value with a control character.
		if what, ok := strings.CutPrefix(rest, "qpack: "); ok {
			return "a head whose QPACK field block does not decode (" + what + ")"
		}
		if what, ok := strings.CutPrefix(rest, "invalid status code: strconv.Atoi: parsing "); ok {
			value, _, _ := strings.Cut(what, ": ")
			return "a :status of " + value + ", not a number of three digits"
		}
		return rest
	}
	// Anything else, quic-go's "parsing frame failed" among it, came from below HTTP/3 (QUIC's own errors, a
	// TLS alert in a CRYPTO_ERROR, a stream that ended before a head, which quic-go says as EOF and exchange
	// calls an empty reply) and is said where those are.
	return ""
}

// h3Broken are the HTTP/3 error codes with which quic-go closes a connection whose server broke the
// protocol, and what the server did (RFC 9114, 8.1; RFC 9204, 6).
var h3Broken = map[http3.ErrCode]string{
	http3.ErrCodeGeneralProtocolError:     "the server broke the protocol",
	http3.ErrCodeStreamCreationError:      "a stream the server may not open",
	http3.ErrCodeClosedCriticalStream:     "the server closed its control stream",
	http3.ErrCodeFrameUnexpected:          "a frame where HTTP/3 allows none",
	http3.ErrCodeFrameError:               "a frame that does not parse",
	http3.ErrCodeIDError:                  "a stream or push ID the server may not use",
	http3.ErrCodeSettingsError:            "SETTINGS the server may not send",
	http3.ErrCodeMissingSettings:          "a control stream that does not begin with SETTINGS",
	http3.ErrCodeMessageError:             "a malformed message",
	http3.ErrCodeQPACKDecompressionFailed: "a field block that does not decode (QPACK)",
	0x201:                                 "a QPACK encoder stream that breaks its rules",
	0x202:                                 "a QPACK decoder stream that breaks its rules",
}

// h2FrameNames are the HTTP/2 frame types HTTP/3 reserves (RFC 9114, 7.2.8).
var h2FrameNames = map[uint64]string{0x2: "PRIORITY", 0x6: "PING", 0x8: "WINDOW_UPDATE", 0x9: "CONTINUATION"}

// h3FrameName is the protocol's name for quic-go's frame type name: settingsFrame is SETTINGS, goAwayFrame
// GOAWAY, priorityUpdateFrame PRIORITY_UPDATE.
func h3FrameName(typ string) string {
	typ = strings.TrimSuffix(typ, "Frame")
	if typ == "goAway" {
		return "GOAWAY"
	}
	var b strings.Builder
	for i, r := range typ {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}
