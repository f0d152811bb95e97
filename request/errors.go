package request

import (
	"crypto/x509"
	"fmt"
	"strings"
	"time"
)

// UsageError is a mistake in what the user typed: a bad URL, request item, flag value or file argument.
// Nothing has been sent when it is returned.
type UsageError struct {
	Arg string // the offending argument, as typed
	Err error
}

func (e *UsageError) Error() string {
	if e.Arg == "" {
		return e.Err.Error()
	}
	return fmt.Sprintf("%q: %v", e.Arg, e.Err)
}

func (e *UsageError) Unwrap() error { return e.Err }

func usageErrorf(arg, format string, a ...any) error {
	return &UsageError{Arg: arg, Err: fmt.Errorf(format, a...)}
}

// TooManyRedirectsError is returned when -L would follow more than the allowed number of redirects.
type TooManyRedirectsError struct {
	Max  int
	Last string // the Location that would have been followed next
}

func (e *TooManyRedirectsError) Error() string {
	return fmt.Sprintf("stopped after %d redirects (next: %s); raise --max-redirects if the chain is legitimate", e.Max, e.Last)
}

// RedirectRefusedError is a redirect hop will not follow: to another scheme than http(s), or from https to http
// without --allow-downgrade.
type RedirectRefusedError struct {
	From, To string
	Reason   string
}

func (e *RedirectRefusedError) Error() string {
	return fmt.Sprintf("refusing to follow redirect from %s to %s: %s", e.From, e.To, e.Reason)
}

// TimeoutError is a timeout, naming the limit that was hit and the phase of the exchange that was running.
type TimeoutError struct {
	Limit string        // "connect", "idle" or "total"
	After time.Duration // the configured limit
	Phase string        // what hop was waiting for, in words: "the first byte", "the TLS handshake", ...
	Err   error
}

func (e *TimeoutError) Error() string {
	hint := map[string]string{
		"connect": "raise --connect-timeout",
		"idle":    "raise --timeout",
		"total":   "raise -m/--max-time",
	}[e.Limit]
	return fmt.Sprintf("timed out after %s waiting for %s (%s limit; %s)", e.After, e.Phase, e.Limit, hint)
}

func (e *TimeoutError) Unwrap() error { return e.Err }

// Timeout marks the error as a timeout for net.Error-style checks.
func (e *TimeoutError) Timeout() bool { return true }

// CertificateError is a server certificate that failed verification. Reason says why in plain words.
type CertificateError struct {
	Host   string
	Reason string
	Chain  []*x509.Certificate // the chain the server presented, when known
	Err    error
}

func (e *CertificateError) Error() string {
	reason := e.Reason
	if reason == "" {
		reason = e.Err.Error()
	}
	return fmt.Sprintf("certificate of %s is not trusted: %s (trust its CA with --cacert FILE, or skip verification with -k, which is unsafe)", e.Host, reason)
}

func (e *CertificateError) Unwrap() error { return e.Err }

// HandshakeError is a TLS handshake that failed for another reason than the certificate.
type HandshakeError struct {
	Host string
	Err  error
}

func (e *HandshakeError) Error() string {
	msg := e.Err.Error()
	switch {
	case strings.Contains(msg, "certificate required") || strings.Contains(msg, "bad certificate") || strings.Contains(msg, "client certificate"):
		return fmt.Sprintf("TLS handshake with %s failed: %v (the server wants a client certificate it trusts: --cert FILE --key FILE)", e.Host, e.Err)
	case strings.Contains(msg, "protocol version"):
		return fmt.Sprintf("TLS handshake with %s failed: %v (no TLS version in common; see --tls-min and --tls-max)", e.Host, e.Err)
	}
	return fmt.Sprintf("TLS handshake with %s failed: %v (does the port speak TLS?)", e.Host, e.Err)
}

func (e *HandshakeError) Unwrap() error { return e.Err }

// ProtocolError is a response hop refuses because it breaks HTTP: headers over the size limit, a malformed
// header line, a status line that does not parse.
type ProtocolError struct {
	Host string
	Err  error
}

func (e *ProtocolError) Error() string {
	msg := e.Err.Error()
	for _, prefix := range []string{"net/http: HTTP/1.x transport connection broken: ", "net/http: "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	return fmt.Sprintf("%s sent a malformed response, refused: %s", e.Host, msg)
}

func (e *ProtocolError) Unwrap() error { return e.Err }
