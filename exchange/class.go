package exchange

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/hop-cli/hop/request"
)

// Class is the kind of a failure. The exit code, the JSON document's error.class and the retry rule all
// read it; none derives it from another.
type Class int

// The failure classes.
const (
	None         Class = iota // no failure
	Other                     // anything not named below
	Usage                     // what the user typed cannot be used; nothing was sent
	Status                    // the server answered 4xx or 5xx and status checking is on
	Resolve                   // the host name did not resolve
	Connect                   // the TCP connection (to the server or the proxy) failed
	Timeout                   // a time limit ran out
	Handshake                 // the TLS handshake failed for another reason than the certificate
	Certificate               // the server's certificate is not trusted, or does not match --pin
	Redirects                 // more redirects than --max-redirects
	Refused                   // a redirect hop will not follow (another scheme, https → http)
	Protocol                  // the response breaks HTTP
	EmptyReply                // the server closed the connection without answering
	ProxyRefused              // the proxy would not open the way to the server
	Body                      // the body ended early or could not be decoded
	Check                     // a check the user asked for failed
	Interrupted               // the user interrupted hop
	TooLarge                  // the body is larger than MaxFileSize
)

var classNames = [...]string{
	None: "", Other: "other", Usage: "usage", Status: "http_status", Resolve: "resolve", Connect: "connect",
	Timeout: "timeout", Handshake: "tls_handshake", Certificate: "certificate", Redirects: "redirects",
	Refused: "redirect_refused", Protocol: "protocol", EmptyReply: "empty_reply", ProxyRefused: "proxy_refused", Body: "body", Check: "check", Interrupted: "interrupted",
	TooLarge: "too_large",
}

// String is the class's name in the JSON document.
func (c Class) String() string { return classNames[c] }

// ClassOf classifies err: the class an error carries (this package's failures, the checks, cmd's usage
// errors), a *request.UsageError, a cancelled context; anything else is Other.
func ClassOf(err error) Class {
	var classed interface{ Class() Class }
	var usage *request.UsageError
	switch {
	case err == nil:
		return None
	case errors.As(err, &classed):
		return classed.Class()
	case errors.As(err, &usage):
		return Usage
	case errors.Is(err, context.Canceled):
		return Interrupted
	}
	return Other
}

// PhaseOf says what the exchange was waiting for when err happened ("the first byte"); empty when the
// failure is not about the network.
func PhaseOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Phase
	}
	return ""
}

// Error is a failure of an exchange, classified, with the one line the user is told.
type Error struct {
	class Class
	Phase string              // what the exchange was waiting for; "" when not about the network
	Host  string              // the server's host, when the failure concerns one
	Chain []*x509.Certificate // a certificate failure: the chain the server presented, when known
	Err   error               // the cause
	msg   string
	// certRefused: the server refused hop's answer to its request for a client certificate (hop cert's
	// report says so).
	certRefused bool
}

func (e *Error) Error() string { return e.msg }
func (e *Error) Unwrap() error { return e.Err }

// Class is the failure's class.
func (e *Error) Class() Class { return e.class }

// Timeout reports whether the failure is a timeout, as net.Error does; decoders let such errors through
// unchanged.
func (e *Error) Timeout() bool { return e.class == Timeout }

func failure(class Class, phase string, err error, format string, a ...any) *Error {
	return &Error{class: class, Phase: phase, Err: err, msg: fmt.Sprintf(format, a...)}
}

// TotalTimeout is -m running out before the exchange began, waiting for what (standard input): exit 28, worded
// as the exchange's own timeouts are.
func TotalTimeout(after time.Duration, what string) error { return timeout("total", after, what, nil) }

// Incomplete is the Body failure of a download whose 206 ended before the file does: the file has have of
// the total bytes the Content-Range cr from host gives it. As a body cut short, --retry resumes it.
func Incomplete(host string, have, total int64, cr string) error {
	e := failure(Body, "the rest of the body", nil, "the download ended early: the file has %d of the %d bytes %s's Content-Range gives it (%s)", have, total, host, cr)
	e.Host = host
	return e
}

// timeout words a timeout: the limit that ran out, its value, and what the exchange was waiting for.
func timeout(limit string, after time.Duration, phase string, err error) *Error {
	hint := map[string]string{
		"connect": "raise --connect-timeout",
		"idle":    "raise --timeout",
		"total":   "raise -m/--max-time",
		"attempt": "raise -m/--max-time", // MaxTimeEach's: -m bounds each attempt
	}[limit]
	return failure(Timeout, phase, err, "timed out after %s waiting for %s (%s limit; %s)", after, phase, limit, hint)
}
