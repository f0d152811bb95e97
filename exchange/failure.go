package exchange

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/tlsinfo"
	"github.com/hop-cli/hop/trace"
)

// errTotalTimeout is the cause recorded on the context when -m/--max-time runs out.
var errTotalTimeout = errors.New("total time limit reached")

// classify turns an error of the transport into a *Error, from what the error is and what the hop had
// reached: the total deadline and interrupts first, then certificates and handshakes, then timeouts named by
// their limit and phase, then names and connections.
func (c *Client) classify(ctx context.Context, err error, rec trace.Record) error {
	var done *Error
	if err == nil || errors.As(err, &done) {
		return err
	}
	waiting := rec.Waiting()
	host := rec.Host
	if rec.Forwarded {
		// Forwarded whole to an HTTP proxy (no tunnel): what broke the answer was the proxy, not the server.
		host = "the proxy " + rec.Proxy
	}
	var (
		ve  *tls.CertificateVerificationError
		pe  *tlsinfo.PinError
		se  *tlsinfo.StapleError
		re  *tlsinfo.RevocationError
		dns *net.DNSError
		op  *net.OpError
		// refusal is transport's *ProxyError, recognised by its method: exchange does not import transport.
		refusal interface{ ProxyRefused() bool }
		foreign interface {
			NotHTTP() (proxy, target string, answer []byte) // transport's *ProxyError
		}
		alpn    interface{ TLSHandshakeFailure() bool } // transport's *ALPNError
		usage   interface{ Usage() bool }               // an option transport found unusable before sending
		changed *request.ChangedError
		ports   interface{ LocalPortsTaken() bool } // transport's *PortsTakenError
		family  interface {
			FamilyMismatch() (host, reason string, name bool) // transport's *FamilyError
		}
		refused unprocessed
		peer    interface{ Peer() (did, code string) } // transport's *PeerError
		viaTLS  proxyTLSError
		broke   interface{ Malformed() string } // transport's: a head that breaks HTTP, in words
	)
	// The server asked for a client certificate and never answered: a failure now may be its verdict on
	// hop's answer. Once a response began, the certificate was taken, and a failure is something else.
	certAsked := rec.CertRequest != nil && rec.Events.FirstByte.IsZero()
	switch {
	case errors.Is(context.Cause(ctx), errTotalTimeout):
		return timeout(c.maxTimeLimit(), c.Options.MaxTime, waiting, err)
	case errors.Is(err, context.Canceled):
		return failure(Interrupted, waiting, err, "interrupted")
	case errors.As(err, &usage):
		return failure(Usage, "", err, "%v", err)
	case errors.As(err, &dns) && !isTimeout(err):
		// Before the TLS cases: --doh-url's own TLS failing is a name not resolved, not the server's handshake.
		if reason := dnsReason(dns); strings.HasPrefix(reason, "DNS over HTTPS: ") {
			return failure(Resolve, waiting, err, "could not resolve host %s: %s", dns.Name, reason) // with its own hint
		}
		return failure(Resolve, waiting, err, "could not resolve host %s: %s (check the name and your network)", dns.Name, dnsReason(dns))
	case errors.As(err, &viaTLS) && !isTimeout(err):
		// Before the certificate cases: the proxy's certificate is judged by its own trust, not the server's.
		return proxyHandshakeError(viaTLS, err)
	case strings.HasPrefix(rec.Proxy, "https://") && strings.HasPrefix(rec.URL, "http://") && strings.Contains(err.Error(), "remote error: tls:"):
		// Plain http forwarded by an https:// proxy: the only TLS is the proxy's, which under TLS 1.3 refuses
		// the client's certificate (or its absence) after the handshake, when the answer is read. transport
		// cannot wrap that read: net/http needs the *tls.Conn itself, to time its handshake and keep its state.
		return proxyHandshakeError(forwardedTLS{rec.Proxy, err}, err)
	case errors.As(err, &ve):
		e := c.certificateError(host, tlsinfo.Explain(err, time.Now()), err)
		e.Chain = ve.UnverifiedCertificates
		return e
	case errors.As(err, &pe):
		return c.certificateError(host, pe.Error(), err)
	case errors.As(err, &se):
		return c.certificateError(host, se.Error(), err)
	case errors.As(err, &re):
		return c.certificateError(host, re.Error(), err)
	case isTimeout(err) && rec.Events.GotConn.IsZero():
		return timeout("connect", c.Limits.Connect, waiting, err)
	case isTimeout(err):
		return timeout("idle", c.Limits.Idle, waiting, err)
	case certAsked && rec.CertRequest.Unusable != "":
		e := failure(Handshake, "the TLS handshake", err, "TLS handshake with %s failed: the server asked for a client certificate, but --cert's %s, so hop sent none; it closed the connection: %v (a certificate whose key makes one of those signatures would do)",
			host, rec.CertRequest.Unusable, remoteAlert(err))
		e.Host, e.certRefused = host, true
		return e
	case certAsked && rec.CertRequest.Sent == nil:
		e := handshakeError(host, fmt.Errorf("the server asked for a client certificate, hop had none, and it closed the connection: %w", remoteAlert(err)))
		e.certRefused = true
		return e
	case certAsked && rec.CertRequest.Sent != nil && refusalAlert(err) == "" && lostAlert(err, rec) != nil:
		return c.classify(ctx, lostAlert(err, rec), rec)
	case certAsked && (refusalAlert(err) != "" || errors.As(err, new(*closedAfterCert))):
		// The server's alert names a fault in the certificate hop sent: during the handshake under TLS 1.2,
		// once the answer is read under TLS 1.3 (or hop cert waited for the server's word).
		req := rec.CertRequest
		words := remoteAlert(err).Error()
		hint := tlsinfo.ExplainRefusal(refusalAlert(err), req.CAs, req.Sent, req.Chain, time.Now())
		e := failure(Handshake, "the TLS handshake", err, "TLS handshake with %s failed: the server refused hop's client certificate (%s): %s (%s)",
			host, tlsinfo.CertName(req.Sent), words, hint)
		e.Host, e.certRefused = host, true
		return e
	case rec.TLSErr != nil && tlsGreeting(err) != "":
		// A server that speaks first, in another protocol: SSH on port 22, SMTP on 25.
		e := failure(Handshake, "the TLS handshake", err, "TLS handshake with %s failed: it answered in %s, not TLS (is the port right?)", host, tlsGreeting(err))
		e.Host = host
		return e
	case rec.TLSErr != nil && plainHTTP(err):
		// A TLS handshake answered with an HTTP status line: the port speaks plain HTTP (an https:// URL for
		// an http:// server), or through a tunnel, something answered for the server (a filtering proxy).
		what := "it answered in plain HTTP, not TLS"
		switch u, perr := url.Parse(rec.URL); {
		case rec.Proxy != "" && !rec.Forwarded:
			what += " (through the proxy's tunnel: a proxy or portal answering for the server?)"
		case rec.Method == "": // hop cert's handshake, with no URL to send
			what = "the port speaks plain HTTP, not TLS"
		case perr == nil:
			u.Scheme = "http"
			what += " (is it " + u.Redacted() + "?)"
		}
		e := failure(Handshake, "the TLS handshake", err, "TLS handshake with %s failed: %s", host, what)
		e.Host = host
		return e
	case rec.TLSErr != nil && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || broken(err)):
		// A hang-up in the middle of the handshake, in words rather than crypto/tls's "EOF" or the socket's
		// "read tcp A->B: read: connection reset by peer".
		how, tunnel := "closed", "closed"
		if broken(err) {
			how, tunnel = "reset", "was reset"
		}
		what := "the server " + how + " the connection during the handshake (does the port speak TLS?)"
		if rec.Proxy != "" && !rec.Forwarded {
			what = "the proxy's tunnel " + tunnel + " during the handshake (the proxy ended it, or the server hung up)"
		}
		e := failure(Handshake, "the TLS handshake", err, "TLS handshake with %s failed: %s", host, what)
		e.Host = host
		return e
	case rec.TLSErr != nil && errors.As(err, new(tls.RecordHeaderError)):
		// Something else than TLS, neither HTTP nor a greeting hop knows: its first bytes say what.
		var rh tls.RecordHeaderError
		errors.As(err, &rh)
		what := fmt.Sprintf("it answered with bytes that are not TLS (%q)", rh.RecordHeader[:])
		if rec.Proxy != "" && !rec.Forwarded {
			what += " through the proxy's tunnel: the proxy's own, or a server that does not speak TLS there"
		} else {
			what += ": does the port speak TLS?"
		}
		e := failure(Handshake, "the TLS handshake", err, "TLS handshake with %s failed: %s", host, what)
		e.Host = host
		return e
	case rec.TLSErr != nil || strings.Contains(err.Error(), "remote error: tls:") || errors.As(err, &alpn):
		return handshakeError(host, err)
	case rec.Events.GotConn.IsZero() && strings.Contains(err.Error(), "net/http: invalid header field"):
		// net/http refuses to send a header before it takes a connection. request.Build checks every value
		// by the same rule, so this is a header that came another way: the request's fault, not the server's.
		return failure(Usage, waiting, err, "not sent: %s", strings.TrimPrefix(err.Error(), "net/http: "))
	case errors.Is(err, trace.ErrTooManyInformational):
		e := failure(Protocol, waiting, err, "%s sent %v; refused", host, trace.ErrTooManyInformational)
		e.Host = host
		return e
	case errors.As(err, &broke):
		return malformed(host, waiting, err, broke.Malformed())
	case strings.Contains(err.Error(), "http3: too many 1xx informational responses"):
		// quic-go's own bound, below hop's (trace.MaxInformational), untyped: matched on its words.
		e := failure(Protocol, waiting, err, "%s sent more than %d informational (1xx) responses without a final one; refused (quic-go's HTTP/3 limit)", host, quicMaxInformational)
		e.Host = host
		return e
	case errors.As(err, &changed):
		return failure(Other, waiting, err, "%v", changed)
	case errors.As(err, &foreign):
		// A proxy whose port speaks another protocol first (an SSH server's): named as a server's greeting is.
		proxy, target, answer := foreign.NotHTTP()
		if protocol, line := greeting(answer); protocol != "" {
			return failure(ProxyRefused, waiting, err, "the proxy %s refused the tunnel to %s: it answered the CONNECT in %s, not HTTP: %q (is the proxy's port right?)", proxy, target, protocol, line)
		}
		return failure(ProxyRefused, waiting, err, "%v", err)
	case errors.As(err, &refusal):
		return failure(ProxyRefused, waiting, err, "%v", err)
	case errors.As(err, &family):
		// -4 or -6 (or --interface's address) left the host, or the proxy, no address: a name, as curl says,
		// not resolved; an address of the other family, not connected to. Either way not the server's fault.
		host, reason, name := family.FamilyMismatch()
		whose := "host "
		if findOp(err, "preproxyconnect") != nil {
			whose = "the pre-proxy "
		} else if findOp(err, "proxyconnect") != nil {
			whose = "the proxy "
		}
		if name {
			return failure(Resolve, waiting, err, "could not resolve %s%s: %s", whose, host, reason)
		}
		return failure(Connect, waiting, err, "could not connect to %s%s: %s", strings.TrimPrefix(whose, "host "), host, reason)
	case findOp(err, "preproxyconnect") != nil:
		// Before proxyconnect: net/http wraps the dial of a proxy that forwards plain http in one of its own.
		addr, cause := dialCause(findOp(err, "preproxyconnect"))
		return failure(Connect, waiting, err, "could not connect to the pre-proxy%s: %v (is it running, and is --preproxy right?)", addr, cause)
	case errors.As(err, &op) && op.Op == "proxyconnect":
		addr, cause := dialCause(op)
		return failure(Connect, waiting, err, "could not connect to the proxy%s: %v (is it running, and are --proxy or the *_PROXY variables right?)", addr, cause)
	case errors.As(err, &op) && op.Op == "dial" && op.Net == "unix":
		return failure(Connect, waiting, err, "could not connect to %s: %v (is the server running, and is the socket path right?)", opAddr(op), op.Err)
	case errors.As(err, &ports) && errors.As(err, &op):
		return failure(Connect, waiting, err, "could not connect to %s: %v", opAddr(op), ports)
	case errors.As(err, &op) && op.Op == "dial" && op.Net == "udp" && errors.Is(op.Err, syscall.ECONNREFUSED):
		// The ICMP "port unreachable" of a host with nothing on that UDP port: often a server without HTTP/3.
		return failure(Connect, waiting, err, "could not connect to %s over QUIC: %v (is the server running, and does it take HTTP/3 on that UDP port?)", opAddr(op), op.Err)
	case errors.As(err, &op) && op.Op == "dial":
		return failure(Connect, waiting, err, "could not connect to %s: %v (is the server running and the port right?)", opAddr(op), op.Err)
	case errors.As(err, &refused):
		instead := "HTTP/1.1 (--http1.1)"
		if refused.OverQUIC() {
			instead = "TCP (without --http3 or --alt-svc)"
		}
		e := failure(EmptyReply, waiting, err, "%v: it is not taking requests now; try again later (--retry), or over %s", err, instead)
		e.Host = host
		return e
	case rec.Status == 0 && errors.As(err, &peer):
		did, code := peer.Peer()
		e := failure(Other, waiting, err, "%s %s without answering (%s)", host, did, code)
		e.Host = host
		return e
	case rec.Status == 0 && !rec.Events.GotConn.IsZero() && rec.BodySent > 0 && (rec.SendFailed || rec.Events.WroteRequest.IsZero()) &&
		(broken(err) || errors.Is(err, net.ErrClosed) && rec.SendFailed):
		// An answer sent before the reset (a 413) is shown instead: transport's writes wait for it. A bare
		// "use of closed network connection" is crypto/tls's, for a write after net/http's read loop closed
		// the connection when its read failed.
		e := failure(EmptyReply, waiting, err, "%s closed the connection while the request body was being sent, without answering (is the body more than it takes?)", host)
		e.Host = host
		return e
	case rec.Status == 0 && !rec.Events.GotConn.IsZero() && broken(err):
		e := failure(EmptyReply, waiting, err, "%s reset the connection without answering (%s)", host, c.silenceHint(ctx, rec))
		e.Host = host
		return e
	case rec.Status == 0 && !rec.Events.GotConn.IsZero() && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || h2Closed(err)):
		hint := c.silenceHint(ctx, rec)
		if rec.TLS != nil && rec.TLS.NegotiatedProtocol == "" {
			// An HTTP/2-only server (nghttpd) agrees to no protocol when offered http/1.1 alone, then hangs up.
			hint = "the TLS handshake agreed on no HTTP version: the server may speak only HTTP/2; try without --http1.1"
		}
		e := failure(EmptyReply, waiting, err, "empty reply from %s: it closed the connection without answering (%s)", host, hint)
		e.Host = host
		return e
	}
	if rec.Status == 0 && c.Limits.Idle > 0 && !rec.Events.FirstByte.IsZero() && time.Since(rec.Events.FirstByte) >= c.Limits.Idle*9/10 &&
		strings.Contains(err.Error(), "malformed HTTP response") {
		// A status line cut short by hop's own read deadline: net/http reports the fragment as malformed.
		return timeout("idle", c.Limits.Idle, waiting, err)
	}
	if rec.Status == 0 && strings.HasPrefix(rec.URL, "http://") && notH2C(err) {
		e := failure(Protocol, waiting, err, "%s answered in HTTP/1.1, not HTTP/2: --http2 on an http:// URL speaks HTTP/2 from the first byte (h2c), which this server does not; drop --http2", host)
		e.Host = host
		return e
	}
	// What came instead of a status line: net/http read it as a malformed one, or, when it came before the
	// request was handed over (a server that speaks first), as bytes on an idle connection.
	early := rec.Status == 0 && strings.Contains(err.Error(), "readLoopPeekFailLocked")
	notStatus := early || rec.Status == 0 && strings.Contains(err.Error(), "malformed HTTP")
	if what, line := greeting(rec.HeadBegun); notStatus && what != "" {
		e := failure(Protocol, waiting, err, "%s answered in %s, not HTTP: %q (is the port right?)", host, what, line)
		e.Host = host
		return e
	}
	if rec.Status == 0 && answeredInTLS(err) {
		hint := "does the proxy's port speak TLS? an https:// proxy URL speaks TLS to it"
		if u, perr := url.Parse(rec.URL); !rec.Forwarded && perr == nil && u.Scheme == "http" {
			hint = "is it " + httpsURL(u) + "?"
		}
		e := failure(Protocol, waiting, err, "%s answered in TLS, not plain HTTP (%s)", host, hint)
		e.Host = host
		return e
	}
	if line, ok := notHTTP(rec.HeadBegun); notStatus && ok {
		e := failure(Protocol, waiting, err, "%s answered without an HTTP status line: %q (an HTTP/0.9 reply, which hop does not take, or another protocol on this port?)", host, line)
		e.Host = host
		return e
	}
	if early {
		// An HTTP answer that came before net/http handed the request over (a server turning connections
		// away, or answering a --haproxy-protocol header it does not take): net/http closes the connection,
		// its words "readLoopPeekFailLocked: %!w(<nil>)". Most times the request goes first and the answer is
		// shown.
		what := "sent bytes before the request was sent"
		if line := firstLine(rec.HeadBegun); line != "" {
			what = fmt.Sprintf("answered before the request was sent (%q)", line)
		}
		e := failure(Protocol, waiting, err, "%s %s, an answer to no request of hop's (is it turning connections away, or waiting for something else first?)", host, what)
		e.Host = host
		return e
	}
	if rec.Status == 0 {
		if e := protocolError(err, host, waiting); e != nil {
			return e
		}
	}
	return failure(Other, waiting, err, "%v", err)
}

// notHTTP returns the first line of the bytes that came where a response head was awaited, when it is no
// status line at all (not "HTTP/..." in any case: a lower-case one is HTTP that breaks its rules).
func notHTTP(begun []byte) (string, bool) {
	first := firstLine(begun)
	if first == "" || strings.HasPrefix("HTTP/", strings.ToUpper(first[:min(len(first), 5)])) {
		return "", false // a status line, or the start of one cut short
	}
	return first, true
}

// dialCause is what a proxy's connect failure op wraps, said as a server's is: its dial's address (" ADDR")
// and cause ("connect: connection refused") rather than the dial's "dial tcp ADDR: connect: ...".
func dialCause(op *net.OpError) (addr string, cause error) {
	if dial, ok := op.Err.(*net.OpError); ok {
		return " " + opAddr(dial), dial.Err
	}
	return "", op.Err
}

// broken says the server reset the connection, or closed it under a write.
func broken(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// h2Closed is net/http's HTTP/2 error for a request or body whose connection ended under it (its read loop
// met the server's close), unexported and so matched on its words.
func h2Closed(err error) bool {
	return strings.Contains(err.Error(), "http2: client conn is closed")
}

// unprocessed is transport's *RefusedError: the server turned the request away, saying it did not process
// it (HTTP/2 REFUSED_STREAM or a GOAWAY that took no stream, HTTP/3 H3_REQUEST_REJECTED).
type unprocessed interface {
	Refusals() int
	OverQUIC() bool
}

// Untrusted is the failure of a certificate that hop cert found not trusted (or without a pinned key), worded
// and classified as the same failure of a request, without -k (hop cert shows any chain). err, the
// verification error, says what advice fits.
func Untrusted(host, reason string, err error) error {
	e := failure(Certificate, "the TLS handshake", err, "certificate of %s is not trusted: %s%s", host, reason, certAdvice(tlsinfo.CauseOf(err), false))
	e.Host = host
	return e
}

// UntrustedFile is Untrusted for a certificate in a file, which hop cert checked for trust as --cacert asked.
func UntrustedFile(file, reason string, err error) error {
	return failure(Certificate, "", err, "certificate in %s is not trusted: %s%s", file, reason, certAdvice(tlsinfo.CauseOf(err), false))
}

// certFixes is what to do about a certificate that is not trusted, by cause: the fix for one cause is no fix
// for another.
var certFixes = map[tlsinfo.Cause]string{
	tlsinfo.CauseAuthority:  "trust its CA with --cacert FILE",
	tlsinfo.CauseName:       "is the host name right? --servername NAME checks the certificate against one of its names",
	tlsinfo.CauseDates:      "the certificate must be renewed",
	tlsinfo.CauseCommonName: "issue it again with a subjectAltName",
	tlsinfo.CauseAlgorithm:  "the certificate must be issued again, signed with SHA-256 or better",
	tlsinfo.CauseIncomplete: "a server must send the intermediate certificates up to its root, which browsers fetch for themselves and curl does not; --cacert FILE with the issuer in it trusts it here",
	tlsinfo.CauseUsage:      "the certificate must be issued again for TLS servers",
	tlsinfo.CauseStatus:     "the server must staple a current OCSP response saying the certificate is good; drop --cert-status to go without one",
}

// certAdvice is the advice in parentheses after a certificate that is not trusted: its cause's fix, and for
// a request (not hop cert, which has no -k) that -k skips verification, where skipping it is an answer.
func certAdvice(c tlsinfo.Cause, request bool) string {
	fix := certFixes[c]
	if c == tlsinfo.CauseName && request {
		// A request has no --servername: it sends the URL's host, which --resolve and --connect-to keep
		// while they choose the address.
		fix = "is the host name right? --resolve NAME:PORT:ADDR or --connect-to reaches one of the certificate's names at this address"
	}
	switch c {
	case tlsinfo.CauseName, tlsinfo.CauseStatus, tlsinfo.CausePin, tlsinfo.CauseRevocation:
	default:
		if request {
			fix = strings.TrimPrefix(fix+"; -k skips verification, which is unsafe", "; ")
		}
	}
	if fix == "" {
		return ""
	}
	return " (" + fix + ")"
}

// certificateError is a request's certificate failure; an authority it does not trust is named with where
// the CAs trusted came from (Client.RootsFrom), when not from a flag or the system.
func (c *Client) certificateError(host, reason string, err error) *Error {
	cause := tlsinfo.CauseOf(err)
	advice := certAdvice(cause, true)
	if cause == tlsinfo.CauseAuthority && c.RootsFrom != "" {
		advice = " (the CAs trusted are those of " + c.RootsFrom + ", in place of the system's: " + strings.TrimPrefix(advice, " (")
	}
	e := failure(Certificate, "the TLS handshake", err, "certificate of %s is not trusted: %s%s", host, reason, advice)
	e.Host = host
	return e
}

// findOp is the *net.OpError of operation op in err's chain, however deep, or nil.
func findOp(err error, op string) *net.OpError {
	for ; err != nil; err = errors.Unwrap(err) {
		if o, ok := err.(*net.OpError); ok && o.Op == op {
			return o
		}
	}
	return nil
}

// proxyAdvice is what to do about an https:// proxy's certificate that is not trusted: the flags are the
// proxy's own, never the server's --cacert and -k.
var proxyAdvice = map[tlsinfo.Cause]string{
	tlsinfo.CauseAuthority:  " (trust its CA with --proxy-cacert FILE, or skip verification with --proxy-insecure, which is unsafe)",
	tlsinfo.CauseName:       " (is the proxy's name right in --proxy or the *_PROXY variables?)",
	tlsinfo.CauseDates:      " (the proxy's certificate must be renewed; --proxy-insecure skips verification, which is unsafe)",
	tlsinfo.CauseCommonName: " (issue it again with a subjectAltName; --proxy-insecure skips verification, which is unsafe)",
	tlsinfo.CauseAlgorithm:  " (the proxy's certificate must be issued again, signed with SHA-256 or better; --proxy-insecure skips verification, which is unsafe)",
	tlsinfo.CauseIncomplete: " (a proxy must send the intermediate certificates up to its root; --proxy-cacert FILE with the issuer in it trusts it here)",
	tlsinfo.CauseOther:      " (--proxy-insecure skips verification, which is unsafe)",
}

// proxyTLSError is transport's *ProxyTLSError, recognised by its method: exchange does not import transport.
type proxyTLSError interface {
	ProxyHandshake() string // the proxy's HOST:PORT
	Unwrap() error
}

// forwardedTLS is a TLS failure on the connection to an https:// proxy that forwards plain http, found
// after the handshake.
type forwardedTLS struct {
	proxy string // its URL
	err   error
}

func (f forwardedTLS) ProxyHandshake() string {
	if u, err := url.Parse(f.proxy); err == nil {
		return u.Host
	}
	return f.proxy
}
func (f forwardedTLS) Unwrap() error { return f.err }

// proxyHandshakeError is the TLS handshake with an https:// proxy failing: its certificate not trusted, by
// its roots, --proxy-pin or --proxy-crlfile (exit 60, as curl), or no handshake (35).
func proxyHandshakeError(p proxyTLSError, err error) *Error {
	proxy := p.ProxyHandshake()
	var (
		ve     *tls.CertificateVerificationError
		pe     *tlsinfo.PinError
		re     *tlsinfo.RevocationError
		reason string
		e      *Error
	)
	switch {
	case errors.As(err, &ve):
		reason = tlsinfo.Explain(err, time.Now())
	case errors.As(err, &pe):
		reason = fmt.Sprintf("the public key does not match --proxy-pin (the proxy's keys: %s)", strings.Join(pe.Got, ", "))
	case errors.As(err, &re):
		reason = strings.Replace(re.Error(), "--crlfile", "--proxy-crlfile", 1)
	}
	if reason != "" {
		e = failure(Certificate, "the TLS handshake", err, "certificate of the proxy %s is not trusted: %s%s", proxy, reason, proxyAdvice[tlsinfo.CauseOf(err)])
	} else {
		msg := p.Unwrap().Error()
		if i := strings.Index(msg, "remote error: tls:"); i > 0 {
			msg = msg[i:] // the proxy's alert, without net/http's wrapping ("readLoopPeekFailLocked: ...")
		}
		hint := "does the proxy's port speak TLS? an http:// proxy URL speaks plain HTTP to it"
		if strings.Contains(msg, "certificate required") || strings.Contains(msg, "bad certificate") {
			hint = "the proxy wants a client certificate it trusts: --proxy-cert FILE --proxy-key FILE"
		}
		e = failure(Handshake, "the TLS handshake", err, "TLS handshake with the proxy %s failed: %s (%s)", proxy, msg, hint)
	}
	e.Host = proxy
	return e
}

// plainHTTP reports whether a TLS handshake failed on a first record that is an HTTP status line, or an
// HTML page sent bare (an HTTP/0.9-style error, as Python's http.server answers a line it cannot read).
func plainHTTP(err error) bool {
	var rh tls.RecordHeaderError
	if !errors.As(err, &rh) {
		return false
	}
	first := string(rh.RecordHeader[:])
	return first == "HTTP/" || strings.EqualFold(first, "<!DOC") || strings.EqualFold(first, "<html")
}

// tlsGreeting is the protocol whose greeting a TLS handshake read as its first record (greetings), or "".
func tlsGreeting(err error) string {
	var rh tls.RecordHeaderError
	if !errors.As(err, &rh) {
		return ""
	}
	protocol, _ := greeting(rh.RecordHeader[:])
	return protocol
}

func handshakeError(host string, err error) *Error {
	msg := err.Error()
	var bits int
	if _, rest, ok := strings.Cut(msg, "crypto/rsa: "); ok {
		if _, err := fmt.Sscanf(rest, "%d-bit keys are insecure", &bits); err != nil {
			bits = 0 // another crypto/rsa failure: a number, then other words
		}
	}
	if bits > 0 {
		// Go refuses RSA keys under 1024 bits whatever the verification, -k too; OpenSSL at Debian's
		// security level refuses under 2048 ("ee key too small").
		e := failure(Handshake, "the TLS handshake", err, "TLS handshake with %s failed: the server's certificate has a %d-bit RSA key, which Go refuses as insecure whatever the verification (the server needs a key of 2048 bits or more)", host, bits)
		e.Host = host
		return e
	}
	hint := "does the port speak TLS?"
	var hinted interface{ HandshakeHint() string } // transport's *ECHError
	switch {
	case errors.As(err, &hinted):
		hint = hinted.HandshakeHint()
	case strings.Contains(msg, "certificate required") || strings.Contains(msg, "bad certificate") || strings.Contains(msg, "client certificate"):
		hint = "the server wants a client certificate it trusts: --cert FILE --key FILE"
	case strings.Contains(msg, "protocol version"):
		hint = "no TLS version in common; see --tls-min and --tls-max"
	case strings.Contains(msg, "no application protocol") || strings.Contains(msg, "did not agree to h2"):
		hint = "the server does not speak the HTTP version asked for: --http2 needs HTTP/2, --http1.1 HTTP/1.1; drop the flag to let the server choose"
	case strings.Contains(msg, "remote error: tls: handshake failure") || strings.Contains(msg, "insufficient security"):
		// The server's alert for a hello it can accept nothing of: a port that does not speak TLS sends none.
		hint = "the server accepts none of the cipher suites, key exchanges or signatures offered; see --ciphers, --tls-min and --tls-max"
	case strings.Contains(msg, "invalid signature by the server certificate"):
		hint = "the server signed with a key that is not its certificate's: its key and certificate files do not belong together, or something on the path answers for it"
	case strings.Contains(msg, "unrecognized name"):
		// The alert of a server that serves no site under the name sent as SNI (nginx's ssl_reject_handshake).
		hint = "the server serves nothing under the name hop sent: is the host right? --resolve NAME:PORT:ADDR or --connect-to reaches this address under another name (hop cert: --servername NAME)"
	case strings.Contains(msg, "failed to parse certificate from server"):
		hint = "the server sent a certificate that cannot be read: its TLS configuration holds a damaged file, or one that is no certificate"
	case strings.Contains(msg, "did not agree to start TLS over"):
		hint = "is it that protocol's port, and does the server offer TLS there? --starttls names the protocol"
	}
	e := failure(Handshake, "the TLS handshake", err, "TLS handshake with %s failed: %v (%s)", host, err, hint)
	e.Host = host
	return e
}

// lostAlert is the alert with which the server refused hop's client certificate, when err lost it: a
// connection ended right after its TLS 1.3 handshake (net/http's HTTP/2 says it "could not be
// established"), whose alert crypto/tls still holds. Nil when there is none.
func lostAlert(err error, rec trace.Record) error {
	msg := err.Error()
	if rec.ReadAlert == nil || !strings.Contains(msg, "client conn could not be established") && !errors.Is(err, io.EOF) &&
		!errors.Is(err, syscall.ECONNRESET) && !strings.Contains(msg, "connection reset by peer") {
		return nil
	}
	if alert := rec.ReadAlert(); alert != nil && refusalAlert(alert) != "" {
		return alert
	}
	return nil
}

// alertError is a server's TLS alert, worded as crypto/tls words it whichever protocol carried it.
type alertError struct {
	alert string // "certificate required"
	err   error
}

func (e *alertError) Error() string { return "remote error: tls: " + e.alert }
func (e *alertError) Unwrap() error { return e.err }

// remoteAlert is err as an *alertError when it carries a server's alert (net/http's "remote error: tls:
// bad certificate", quic-go's "CRYPTO_ERROR 0x12a (remote): tls: bad certificate"); err as it is otherwise.
func remoteAlert(err error) error {
	msg := err.Error()
	for _, mark := range []string{"remote error: tls: ", "(remote): tls: "} {
		if _, alert, ok := strings.Cut(msg, mark); ok {
			return &alertError{alert: alert, err: err}
		}
	}
	return err
}

// refusalAlert is the alert (one of tlsinfo.RefusalAlerts) with which a server refused the client
// certificate it was sent, or "". net/http and quic-go wrap the alert variously ("remote error: tls: bad
// certificate", "CRYPTO_ERROR 0x12a (remote): tls: bad certificate"), so its words are matched.
func refusalAlert(err error) string {
	a, ok := remoteAlert(err).(*alertError)
	if !ok {
		return ""
	}
	alert := a.alert
	for _, a := range tlsinfo.RefusalAlerts {
		if strings.HasPrefix(alert, a) && !strings.HasPrefix(alert, a+" ") {
			return a
		}
	}
	return ""
}

// tlsProber is a transport that can tell whether a port speaks TLS (transport.Transport does).
type tlsProber interface {
	SpeaksTLS(ctx context.Context, addr string, wait time.Duration) bool
}

// tlsProbeWait is the longest hop waits for a TLS answer when it asks whether a silent port speaks TLS.
const tlsProbeWait = time.Second

// silenceHint is the hint for a server that closed or reset the connection without answering: for an
// http:// request sent straight to it, hop asks the port in TLS, and when it answers so (openssl s_server,
// Node and HAProxy hang up on plain HTTP), names the https:// URL meant; otherwise the usual suspects.
func (c *Client) silenceHint(ctx context.Context, rec trace.Record) string {
	const usual = "is it overloaded, or not speaking HTTP on this port?"
	u, err := url.Parse(rec.URL)
	p, ok := c.Transport.(tlsProber)
	if err != nil || u.Scheme != "http" || rec.Proxy != "" || !ok {
		return usual
	}
	wait := tlsProbeWait
	if c.Limits.Connect > 0 {
		wait = min(wait, c.Limits.Connect)
	}
	if !p.SpeaksTLS(ctx, hostPort(u), wait) {
		return usual
	}
	return "the port speaks TLS: is it " + httpsURL(u) + "?"
}

// tlsPortWords are what servers answer a plain request on their TLS port with, in a 400's body: Go's
// (Caddy's, Traefik's), nginx's, Apache's and Tomcat's.
var tlsPortWords = []string{
	"Client sent an HTTP request to an HTTPS server",
	"The plain HTTP request was sent to HTTPS port",
	"speaking plain HTTP to an SSL-enabled server port",
	"This combination of host and port requires TLS",
}

// TLSPortHint is the hint for resp, a 400 answering an http:// request, whose body begins with head:
// when head holds a server's words for a plain request on its TLS port, the https:// URL meant; else "".
func TLSPortHint(resp *http.Response, head []byte) string {
	if resp.StatusCode != http.StatusBadRequest || resp.Request == nil || resp.Request.URL.Scheme != "http" {
		return ""
	}
	for _, w := range tlsPortWords {
		if bytes.Contains(head, []byte(w)) {
			return "the port speaks TLS: is it " + httpsURL(resp.Request.URL) + "?"
		}
	}
	return ""
}

// httpsURL is u, an http:// URL, as https:// to the same port (never the default 443 in place of 80),
// without credentials.
func httpsURL(u *url.URL) string {
	s := *u
	s.Scheme, s.Host = "https", hostPort(u)
	return s.Redacted()
}

// hostPort is the HOST:PORT an http:// URL is sent to: its port, else 80.
func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	return net.JoinHostPort(u.Hostname(), "80")
}

// greetings are the first words of servers that speak first, in protocols other than HTTP.
var greetings = []struct{ prefix, protocol string }{
	{"SSH-", "SSH"}, {"220 ", "SMTP or FTP"}, {"220-", "SMTP or FTP"}, {"+OK", "POP3"}, {"* OK", "IMAP"}, {"RFB ", "VNC"},
}

// greeting recognises, in the bytes that came where a response head was awaited, another protocol's
// greeting: the protocol's name and the line it sent, or "".
func greeting(begun []byte) (protocol, line string) {
	first := firstLine(begun)
	for _, g := range greetings {
		if strings.HasPrefix(first, g.prefix) {
			return g.protocol, first
		}
	}
	return "", ""
}

// firstLine is the first line of the bytes that came where a response head was awaited, without its end.
func firstLine(begun []byte) string {
	first, _, _ := strings.Cut(string(begun), "\n")
	return strings.TrimSuffix(first, "\r")
}

// answeredInTLS recognises a TLS record (an alert, mostly: a TLS server's answer to the bytes of a plain
// request) where net/http read for a status line: its malformed response quotes the line, and a record
// begins with its type (20-23) and the major version 3.
func answeredInTLS(err error) bool {
	_, quoted, ok := strings.Cut(err.Error(), "malformed HTTP response ")
	if !ok {
		return false
	}
	line, err := strconv.QuotedPrefix(quoted)
	if err != nil {
		return false
	}
	line, _ = strconv.Unquote(line)
	return len(line) >= 3 && line[0] >= 20 && line[0] <= 23 && line[1] == 3
}

// h2StreamError reads net/http's words for an HTTP/2 stream its client reset because the server's frames
// broke the protocol ("stream error: stream ID 1; PROTOCOL_ERROR; invalid header field name ..."): the
// code and what it says, "PROTOCOL_ERROR: invalid header field name ...". A reset the server sent is a
// PeerError by then (transport words it).
func h2StreamError(msg string) (string, bool) {
	_, rest, ok := strings.Cut(msg, "stream error: stream ID ")
	if !ok {
		return "", false
	}
	if _, rest, ok = strings.Cut(rest, "; "); !ok {
		return "", false
	}
	code, detail, _ := strings.Cut(rest, "; ")
	if detail != "" {
		code += ": " + detail
	}
	return code, true
}

// chunkingWords are net/http's words for an HTTP/1.1 chunked body that breaks its encoding.
var chunkingWords = []string{"chunked encoding", "chunk length", "chunked line", "header line too long"}

// bodyBroken words what net/http says of a body that broke HTTP/1.1's chunked encoding (or its trailer) or
// HTTP/2's framing, or is "".
func bodyBroken(host, msg string) string {
	for _, w := range chunkingWords {
		if strings.Contains(msg, w) {
			return host + " broke the chunked encoding (" + msg + ")"
		}
	}
	if code, ok := h2StreamError(msg); ok {
		return host + " broke HTTP/2 (" + code + ")"
	}
	if strings.HasPrefix(msg, "connection error: ") {
		return host + " broke HTTP/2 (" + msg + ")"
	}
	if msg == h2FrameTooLarge {
		return host + " broke HTTP/2 (a " + h2TooLargeWords + ")"
	}
	if strings.Contains(msg, "EOF reading trailer") {
		return host + " stopped in the trailer after the body (" + msg + ")"
	}
	if strings.Contains(msg, "suspiciously long trailer") {
		return host + " sent a trailer too long to read after the body (" + msg + ")" // longer than the read buffer
	}
	if strings.Contains(msg, "malformed MIME header") {
		return host + " sent a malformed trailer after the body (" + msg + ")" // net/http reads trailers as a head
	}
	return ""
}

// quicMaxInformational is how many 1xx responses quic-go's HTTP/3 client takes before the final one (its
// max1xxResponses).
const quicMaxInformational = 5

// notH2C recognises an HTTP/1.1 answer to HTTP/2 with prior knowledge (--http2 on http://): the HTTP/2
// framer reads the status line as an oversized frame, and depending on timing net/http reports that, or
// only that the connection could not be set up. Matched on net/http's wording, as protocolError is.
func notH2C(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "frame header looked like an HTTP/1.1 header") || strings.Contains(msg, "http2: client conn could not be established")
}

// h2FrameTooLarge is net/http's error for a frame over the SETTINGS_MAX_FRAME_SIZE it announced (16 KiB:
// Go clips an unset MaxReadFrameSize to the minimum), which a server may not send; h2TooLargeWords is hop's.
const (
	h2FrameTooLarge = "http2: frame too large"
	h2TooLargeWords = "frame larger than the SETTINGS_MAX_FRAME_SIZE hop announced"
)

// protocolError recognises a response net/http refused because it breaks HTTP. net/http does not type
// these errors, so their wording is matched; a reworded one falls back to the generic error.
func protocolError(err error, host, waiting string) *Error {
	msg := err.Error()
	if strings.HasPrefix(msg, "connection error: ") {
		// HTTP/2's ConnectionError: the server broke the framing (a header block over the size hop
		// announced, for one), and net/http's words do not say which protocol.
		return malformed(host, waiting, err, "HTTP/2 "+msg)
	}
	if msg == h2FrameTooLarge {
		return malformed(host, waiting, err, "HTTP/2 "+h2TooLargeWords)
	}
	if _, what, ok := strings.Cut(msg, "malformed response from server: "); ok {
		return malformed(host, waiting, err, "HTTP/2 "+what) // a stream error of net/http's own: a head without :status, say
	}
	if code, ok := h2StreamError(msg); ok {
		return malformed(host, waiting, err, "HTTP/2 "+code)
	}
	for _, sign := range []string{"malformed HTTP", "malformed MIME header", "headers exceeded", "bogus", "invalid header", "multiple Content-Length", "Content-Length", "unsupported transfer encoding", "too many transfer encodings"} {
		if strings.Contains(msg, sign) {
			for _, prefix := range []string{"net/http: HTTP/1.x transport connection broken: ", "net/http: ", "http: "} {
				msg = strings.TrimPrefix(msg, prefix)
			}
			return malformed(host, waiting, err, msg)
		}
	}
	return nil
}

// malformed is a response from host that breaks HTTP, refused: what says how.
func malformed(host, waiting string, err error, what string) *Error {
	e := failure(Protocol, waiting, err, "%s sent a malformed response, refused: %s", host, what)
	e.Host = host
	return e
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

func dnsReason(e *net.DNSError) string {
	if e.IsNotFound {
		return "no such host"
	}
	return e.Err
}

func opAddr(op *net.OpError) string {
	if op.Addr != nil {
		return op.Addr.String()
	}
	return "the server"
}
