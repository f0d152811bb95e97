package transport

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hop-cli/hop/tlsinfo"
)

// dohResolver is curl's --doh-url: names resolved by DNS over HTTPS (RFC 8484) at rawURL. Go's own resolver
// does the DNS: it writes each query to a connection that posts it to the server and reads the answer
// back, so that /etc/hosts, both address families and the trace's dns phase work as with any resolver.
// The DoH server is reached directly, verified against roots (--cacert's, else the system's) unless
// insecure (--doh-insecure; -k is for the server, as in curl); with certStatus (--doh-cert-status) it must
// staple an OCSP response saying its certificate is good, as --cert-status asks of the server.
func dohResolver(rawURL string, roots *x509.CertPool, insecure, certStatus bool, keyLog io.Writer) (*net.Resolver, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, optionErrorf("--doh-url "+rawURL, "expected an https:// URL (https://dns.example/dns-query)")
	}
	cfg := &tls.Config{RootCAs: roots, InsecureSkipVerify: insecure, KeyLogWriter: keyLog}
	if certStatus {
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			var bad *tlsinfo.StapleError
			if errors.As(tlsinfo.CheckStaple(&cs, time.Now()), &bad) {
				return fmt.Errorf("certificate status (--doh-cert-status): %s", bad.Reason)
			}
			return nil
		}
	}
	client := &http.Client{
		Transport: &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: true, Proxy: nil},
		Timeout:   10 * time.Second,
	}
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return &dohConn{ctx: ctx, client: client, url: rawURL, stream: strings.HasPrefix(network, "tcp")}, nil
	}}, nil
}

// maxDoHAnswer bounds a DoH answer (a DNS message is at most 64 KiB).
const maxDoHAnswer = 64 << 10

// dohConn is a DNS "packet connection" for Go's resolver: each message written is posted to the DoH
// server, and its answer is the next message read.
type dohConn struct {
	ctx    context.Context
	client *http.Client
	url    string
	// stream is a connection Go's resolver opened as "tcp" (resolv.conf's use-vc, or after a truncated
	// answer): DNS's stream framing, a two-byte length before each message, is taken off each query and put
	// before each answer, which is then read as the resolver asks (the length first, then the rest).
	stream bool
	answer []byte
	err    error
}

func (c *dohConn) Write(b []byte) (int, error) {
	q := b
	if c.stream {
		if len(b) < 2 || int(b[0])<<8|int(b[1]) != len(b)-2 {
			return 0, errors.New("DNS over HTTPS: a query not framed as DNS over TCP frames it")
		}
		q = b[2:]
	}
	req, err := http.NewRequestWithContext(valueless{c.ctx}, http.MethodPost, c.url, bytes.NewReader(q))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/dns-message")
	req.Header.Set("Accept", "application/dns-message")
	resp, err := c.client.Do(req)
	if err != nil {
		c.err = dohFailure(req.URL, err)
		return len(b), nil // the error is the read's, as a UDP server that does not answer
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDoHAnswer+1))
	switch {
	case err != nil:
		c.err = dohFailure(req.URL, err)
	case resp.StatusCode != http.StatusOK:
		c.err = fmt.Errorf("DNS over HTTPS: %s answered %q (is --doh-url right?)", req.URL.Redacted(), resp.Status)
	case len(body) > maxDoHAnswer:
		c.err = fmt.Errorf("DNS over HTTPS: %s answered with more than a DNS message can hold (is --doh-url right?)", req.URL.Redacted())
	case !answers(body, q):
		c.err = fmt.Errorf("DNS over HTTPS: %s answered with no DNS message (Content-Type %q, %d bytes; is --doh-url's path right?)",
			req.URL.Redacted(), resp.Header.Get("Content-Type"), len(body))
	case c.stream:
		c.answer, c.err = append([]byte{byte(len(body) >> 8), byte(len(body))}, body...), nil
	default:
		c.answer, c.err = body, nil
	}
	return len(b), nil
}

// answers reports whether msg can be the DNS answer to query q: a whole header (12 bytes) with q's ID and the
// response bit. Go's resolver would wait for another message, and say "no answer".
func answers(msg, q []byte) bool {
	return len(msg) >= 12 && len(q) >= 2 && msg[0] == q[0] && msg[1] == q[1] && msg[2]&0x80 != 0
}

// dohFailure words a failed exchange with the DoH server (Go's resolver carries it as the DNS error's text,
// which the error line ends with: each says what to check), rather than net/http's `Post "URL": dial tcp
// ADDR: connect: ...`.
func dohFailure(u *url.URL, err error) error {
	var (
		op     *net.OpError
		verify *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &verify):
		return fmt.Errorf("DNS over HTTPS: the certificate of %s is not trusted: %v (--cacert names its CA; --doh-insecure skips the check)", u.Host, verify.Err)
	case errors.As(err, &op) && op.Op == "dial":
		addr := u.Host
		if op.Addr != nil {
			addr = op.Addr.String()
		}
		return fmt.Errorf("DNS over HTTPS: could not connect to %s: %v (is --doh-url right, and its server running?)", addr, op.Err)
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return fmt.Errorf("DNS over HTTPS: %s answered in plain HTTP, not HTTPS (is --doh-url's port right?)", u.Host)
	}
	if ue, ok := err.(*url.Error); ok {
		err = ue.Err
	}
	return fmt.Errorf("DNS over HTTPS: %s: %v (is --doh-url right?)", u.Redacted(), err)
}

func (c *dohConn) Read(b []byte) (int, error) {
	if c.answer == nil {
		return 0, cmp.Or(c.err, errors.New("DNS over HTTPS: no answer"))
	}
	n := copy(b, c.answer)
	if c.answer = c.answer[n:]; !c.stream || len(c.answer) == 0 {
		c.answer = nil // a packet is read whole, or not at all; a stream in as many reads as it takes
	}
	return n, nil
}

func (c *dohConn) ReadFrom(b []byte) (int, net.Addr, error) {
	n, err := c.Read(b)
	return n, dohAddr{}, err
}
func (c *dohConn) WriteTo(b []byte, _ net.Addr) (int, error) { return c.Write(b) }
func (c *dohConn) Close() error                              { return nil }
func (c *dohConn) LocalAddr() net.Addr                       { return dohAddr{} }
func (c *dohConn) RemoteAddr() net.Addr                      { return dohAddr{} }
func (c *dohConn) SetDeadline(time.Time) error               { return nil } // the request's context and timeout bound it
func (c *dohConn) SetReadDeadline(time.Time) error           { return nil }
func (c *dohConn) SetWriteDeadline(time.Time) error          { return nil }

// valueless is a context's deadline and cancellation without its values: the lookup's context carries
// the request's trace hooks, and the DoH server's own exchange (its connection, its TLS handshake) is not
// the request's to time.
type valueless struct{ context.Context }

func (valueless) Value(any) any { return nil }

// dohAddr is the address a dohConn reports: its server is a URL.
type dohAddr struct{}

func (dohAddr) Network() string { return "doh" }
func (dohAddr) String() string  { return "doh" }
