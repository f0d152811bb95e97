package exchange

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/url"
	"sync"
	"syscall"
	"time"

	"github.com/hop-cli/hop/trace"
)

// HandshakeResult is what hop cert's handshake found.
type HandshakeResult struct {
	State  *tls.ConnectionState
	Record trace.Record
	// CertTaken says the server went on after asking for a client certificate: the TLS 1.2 handshake
	// completed, or a TLS 1.3 server sent a session ticket once it had hop's answer. False when the server
	// asked for none, or did not say.
	CertTaken bool
	// CertRefused says the handshake failed because the server refused hop's answer to its request for a
	// client certificate (a certificate it would not take, or none).
	CertRefused bool
}

// certVerdictWait is how long hop cert waits, after a TLS 1.3 handshake in which the server asked for a
// client certificate, for the server's word on hop's answer. Under TLS 1.3 a server judges the certificate
// (or its absence) after the client has finished its side of the handshake, and then sends a session ticket
// or an alert; one that sends neither leaves the verdict unknown.
const certVerdictWait = time.Second

// Handshake opens a TLS connection to addr (HOST:PORT) with dial and cfg and closes it again, sending no
// HTTP: what hop cert inspects. Verification is the caller's (cfg should not fail on an untrusted chain, so
// that the chain can be shown). Failures are classified as for requests; a server that refuses the client
// certificate after a TLS 1.3 handshake fails it too; the result is returned with the error whenever the
// server's certificates came.
func (c *Client) Handshake(ctx context.Context, addr string, cfg *tls.Config, dial func(context.Context, *tls.Config) (*tls.Conn, error)) (*HandshakeResult, error) {
	ctx, th := trace.Start(ctx, "", &url.URL{Scheme: "https", Host: addr})
	cfg = cfg.Clone()
	tickets := &ticketSignal{got: make(chan struct{}), cache: cfg.ClientSessionCache}
	cfg.ClientSessionCache = tickets
	conn, err := dial(ctx, cfg)
	rec := th.Snapshot()
	if err != nil && rec.TLS != nil && len(rec.TLS.PeerCertificates) > 0 {
		// Failed after the server's certificates came (a key Go refuses, a client certificate refused
		// under TLS 1.2): what came is still shown.
		err = c.classify(ctx, err, rec)
		return &HandshakeResult{State: rec.TLS, Record: rec, CertRefused: certRefused(err)}, err
	}
	if err != nil {
		return nil, c.classify(ctx, err, rec)
	}
	defer conn.Close()
	rec.RemoteAddr, rec.LocalAddr = conn.RemoteAddr().String(), conn.LocalAddr().String()
	cs := conn.ConnectionState()
	h := &HandshakeResult{State: &cs, Record: rec}
	if rec.CertRequest == nil {
		if tickets.cache != nil && cs.Version == tls.VersionTLS13 {
			// A TLS 1.3 session ticket comes after the handshake: waited for (as a verdict is, which is
			// not asked here) so that --ssl-sessions has it to keep.
			awaitVerdict(ctx, conn, tickets.got)
		}
		return h, nil
	}
	if cs.Version != tls.VersionTLS13 {
		h.CertTaken = true // judged within the handshake, which completed
		return h, nil
	}
	h.CertTaken, err = awaitVerdict(ctx, conn, tickets.got)
	if err != nil {
		err = c.classify(ctx, err, rec)
		h.CertRefused = certRefused(err)
		return h, err
	}
	return h, nil
}

// certRefused reports whether err, as classify made it, is the server refusing hop's answer to its request
// for a client certificate.
func certRefused(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.certRefused
}

// awaitVerdict reads from a TLS 1.3 connection whose handshake just ended until the server sends a session
// ticket (taken), an alert or a close (an error: refused), or certVerdictWait passes (not known).
func awaitVerdict(ctx context.Context, conn *tls.Conn, ticket <-chan struct{}) (bool, error) {
	if err := conn.SetReadDeadline(time.Now().Add(certVerdictWait)); err != nil {
		return false, err
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ticket:
		case <-ctx.Done():
		case <-done:
			return
		}
		conn.SetReadDeadline(time.Now()) // ends the Read below at once
	}()
	_, err := conn.Read(make([]byte, 1))
	select {
	case <-ticket:
		return true, nil
	default:
	}
	switch {
	case ctx.Err() != nil:
		return false, context.Cause(ctx)
	case err == nil:
		return true, nil // the server spoke first: it went on
	case isTimeout(err):
		return false, nil
	case errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET):
		return false, &closedAfterCert{err}
	}
	return false, err
}

// closedAfterCert is a server closing the connection without an alert once it had hop's answer to its
// request for a client certificate: a refusal without words.
type closedAfterCert struct{ err error }

func (e *closedAfterCert) Error() string {
	return "it closed the connection without an alert (" + e.err.Error() + ")"
}

func (e *closedAfterCert) Unwrap() error { return e.err }

// ticketSignal is the session cache of hop cert's one connection: it resumes what cache holds (the
// sessions --ssl-sessions keeps; nothing when nil) and keeps what the server gives there, and closes got
// when the server sends a session ticket.
type ticketSignal struct {
	got   chan struct{}
	once  sync.Once
	cache tls.ClientSessionCache // the sessions kept (--ssl-sessions), or nil
}

func (t *ticketSignal) Get(key string) (*tls.ClientSessionState, bool) {
	if t.cache == nil {
		return nil, false
	}
	return t.cache.Get(key)
}

func (t *ticketSignal) Put(key string, cs *tls.ClientSessionState) {
	if t.cache != nil {
		t.cache.Put(key, cs)
	}
	t.once.Do(func() { close(t.got) })
}
