// Package trace records where the time of an HTTP exchange went. Every request sent (each redirect hop and
// retry is its own) gets a Hop: a fresh httptrace.ClientTrace whose hooks record plain timestamps, and context
// helpers through which the dialer reports what httptrace cannot see (a proxy handshake, an address from
// --resolve, a TLS handshake it did itself). Hooks only record, under a mutex: they may run concurrently and
// after the response has returned. Phases are derived afterwards as durations; nothing here prints. A Dump
// in the context (WithDump) is told, as they happen, the bytes of the heads and bodies and the connections
// (curl's --trace-ascii, which cmd writes).
package trace

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"iter"
	"maps"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Events are the raw timestamps of one hop. A zero time means the event did not happen.
type Events struct {
	Start        time.Time // RoundTrip called
	DNSStart     time.Time
	DNSDone      time.Time
	ConnectStart time.Time // of the attempt that won, when IPv4 and IPv6 race
	ConnectDone  time.Time
	ProxyStart   time.Time // the connection to a proxy was open: its handshake for a tunnel began
	ProxyDone    time.Time // the proxy answered the CONNECT that opened the tunnel
	TLSStart     time.Time
	TLSDone      time.Time
	QUICStart    time.Time // HTTP/3: the QUIC handshake (TLS included) began; replaces connect and tls
	QUICDone     time.Time
	GotConn      time.Time
	WroteHeaders time.Time // the request's headers were written (before any body)
	WroteRequest time.Time
	FirstByte    time.Time
	BodyDone     time.Time // the body was read to its end, or closed
	Failed       time.Time // the round trip ended in an error: when the client gave up or was told no
}

// Record is a snapshot of one hop: one request sent and its response.
type Record struct {
	Method string
	URL    string
	Host   string // the host part of the URL, without port
	Secure bool   // the URL is https: the connection needs a TLS handshake

	Events       Events
	Reused       bool          // the connection came from the pool
	IdleTime     time.Duration // how long a reused connection had been idle
	RemoteAddr   string
	LocalAddr    string
	Proxy        string   // the proxy the request went through (credentials redacted), when there was one
	ProxyStatus  int      // the HTTP proxy's answer to the CONNECT this hop's connection made, a refusal too; 0 else
	Forwarded    bool     // ... and it was sent whole to that proxy (plain http), not through a tunnel
	ResolvedBy   string   // what supplied the address instead of DNS (--resolve), when something did
	Route        string   // how the connection was routed when not directly: connect-to, unix (see RouteName)
	Proto        string   // HTTP/1.1, HTTP/2.0, ...
	Status       int      // 0 when no response arrived
	Informs      []Inform // the informational (1xx) responses before the final one, in order
	BodySent     int64    // bytes of the request body the transport read to send (its last attempt's)
	SendFailed   bool     // the request stopped being written with an error (net/http reports that as written)
	BodyBytes    int64    // bytes of body read off the wire (before decoding)
	BodyComplete bool     // the body was read to its end
	TLS          *tls.ConnectionState
	ALPN         []string             // the protocols the handshake offered, when it was hop's own
	ProxyTLS     *tls.ConnectionState // the handshake with an https:// proxy, when this hop made one
	TLSErr       error                // why the handshake failed, if it did
	CertRequest  *CertRequest         // the server's request for a client certificate, when it made one
	// ReadAlert reads the error that ended the hop's TLS 1.3 connection (the server's alert), for a
	// failure whose words lost it: net/http's HTTP/2 reports a connection refused right after its
	// handshake as one that "could not be established". Nil when the dialer did not keep the connection.
	ReadAlert func() error
	Err       error // the error that ended the hop, if any
	// DNSFailed says the DNS lookup ended in an error (no such host, a limit's deadline): DNSDone is when.
	DNSFailed bool
	// HeadOrder is the names of the final response's header fields in the order received, as the server
	// wrote them (HTTP/1.x; nil over HTTP/2 and HTTP/3, whose fields net/http keeps no order of).
	HeadOrder []string
	// HeadSize is the bytes of the response's heads as they came, the 1xx ones before the final one
	// included, as curl's size_header counts them (HTTP/1.x; 0 over HTTP/2 and HTTP/3, which send no lines).
	HeadSize int64
	// Head is the final response head as it came, its empty line included (HTTP/1.x; nil over HTTP/2
	// and HTTP/3): -D and -i write it as curl does, blanks net/http trims and all.
	Head []byte
	// HeadBegun is the first bytes of a response head that came and never ended or could not be read
	// (HTTP/1.x; at most 128): what a server that speaks no HTTP, SSH or SMTP, sent instead. Nil else.
	HeadBegun []byte
	// AltSvcMissed is the HTTP/3 attempt (an --alt-svc alternative, or --http3-try's) made first over QUIC
	// and not reached; nil when none was.
	AltSvcMissed *Missed
}

// CertRequest is a server's request for a client certificate during the handshake, and hop's answer.
type CertRequest struct {
	CAs  [][]byte          // the distinguished names (DER) of the authorities whose certificates it takes; none: it named none
	Sent *x509.Certificate // the certificate hop sent; nil when it had none
	// Chain is how many certificates hop sent: the client certificate, then the intermediates after it.
	Chain int
	// Unusable says why hop had a certificate (--cert) and sent none, in words that follow "--cert's": "ECDSA
	// key makes none of the signatures the server takes (...)". "" when it sent its certificate, or had none.
	Unusable string
}

// Missed is an HTTP/3 attempt that could not reach its server: the request then went over TCP, after the
// time the attempt took.
type Missed struct {
	Via    string        // what asked for the attempt: "alt-svc" or "http3-try"
	Addr   string        // the host:port tried
	Took   time.Duration // from the hop's start to giving up
	Reason string
}

// Inform is an informational (1xx) response a hop got before its final one: 100 Continue, 103 Early Hints.
type Inform struct {
	Code int
	// Status is the code and its reason phrase, "103 Early Hints": as received over HTTP/1.x, else the
	// code's own words (HTTP/2 and HTTP/3 carry none).
	Status string
	// Header is the fields as net/http keeps them (canonical names); nil past maxInformKept bytes of the
	// hop's 1xx fields, which are then not kept.
	Header http.Header
	Order  []string // the field names as received (HTTP/1.x; see Record.HeadOrder)
	Proto  string   // its status line's protocol, "HTTP/1.1" (HTTP/1.x, as received; "" else)
	Raw    []byte   // the head as it came, its empty line included (HTTP/1.x; nil else, or not kept)
}

// maxInformKept bounds the bytes of 1xx fields a hop keeps: net/http takes each 1xx head up to its header
// limit afresh, and MaxInformational of them would otherwise be kept whole.
const maxInformKept = 256 << 10

// MaxInformational is how many 1xx responses a hop accepts before the final one. Servers send one or two
// (100 Continue, 103 Early Hints); net/http starts its header limit afresh for each, so an endless stream of
// them would grow memory without bound and never time out.
const MaxInformational = 20

// ErrTooManyInformational ends a hop whose server sent more than MaxInformational 1xx responses.
var ErrTooManyInformational = fmt.Errorf("more than %d informational (1xx) responses without a final one", MaxInformational)

// Hop is the live, mutex-guarded record of one request in flight. It holds its ClientTrace and body wrapper
// itself, so tracing a request costs one allocation for them all (plus the hook closures).
type Hop struct {
	mu     sync.Mutex
	rec    Record
	url    *url.URL // Record.URL and the addresses are formatted when a snapshot is taken, off the request path
	remote net.Addr
	local  net.Addr
	starts [4]connectStart
	n      int // connect attempts seen
	now    func() time.Time
	ct     httptrace.ClientTrace
	body   stampedBody
	ownTLS bool // the dialer reported the handshake itself; the transport's TLS hooks are ignored
	// head reads the response heads as received so far (the 1xx ones, then the final one), from a
	// connection that keeps them (HTTP/1.x); nil else.
	head       func() (informs [][]byte, final, begun []byte)
	informKept int      // bytes of 1xx fields kept in rec.Informs
	dump       *dumping // what the context's Dump is told; nil without one
}

// connectStart is one dial attempt; Happy Eyeballs may race an IPv4 and an IPv6 one.
type connectStart struct {
	network, addr string
	at            time.Time
}

// Snapshot returns a copy of what has been recorded so far.
func (h *Hop) Snapshot() Record {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rec
	r.URL = h.url.String()
	r.RemoteAddr, r.LocalAddr = addrString(h.remote), addrString(h.local)
	r.Informs = append([]Inform(nil), h.rec.Informs...)
	return r
}

func (h *Hop) stamp(f func(r *Record, now time.Time)) {
	now := h.now()
	h.mu.Lock()
	f(&h.rec, now)
	h.mu.Unlock()
}

func (h *Hop) clientTrace() *httptrace.ClientTrace {
	h.ct = httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) {
			h.stamp(func(r *Record, now time.Time) { r.Events.DNSStart = now })
		},
		DNSDone: func(info httptrace.DNSDoneInfo) {
			h.stamp(func(r *Record, now time.Time) { r.Events.DNSDone, r.DNSFailed = now, info.Err != nil })
		},
		ConnectStart: func(network, addr string) {
			h.stamp(func(r *Record, now time.Time) {
				if h.n < len(h.starts) {
					h.starts[h.n] = connectStart{network, addr, now}
				}
				h.n++
			})
		},
		ConnectDone: func(network, addr string, err error) {
			h.stamp(func(r *Record, now time.Time) {
				// Happy Eyeballs may race several attempts: the first success wins.
				if err != nil || !r.Events.ConnectDone.IsZero() {
					return
				}
				for _, s := range h.starts[:min(h.n, len(h.starts))] {
					if s.network == network && s.addr == addr {
						r.Events.ConnectStart = s.at
					}
				}
				r.Events.ConnectDone = now
			})
		},
		TLSHandshakeStart: func() {
			h.stamp(func(r *Record, now time.Time) {
				if !h.ownTLS {
					r.Events.TLSStart = now
				}
			})
		},
		TLSHandshakeDone: func(cs tls.ConnectionState, err error) {
			h.stamp(func(r *Record, now time.Time) {
				if !h.ownTLS {
					tlsDone(r, now, &cs, err)
				}
			})
		},
		GotConn: func(info httptrace.GotConnInfo) {
			h.stamp(func(r *Record, now time.Time) {
				r.Events.GotConn = now
				r.Reused = info.Reused
				if info.WasIdle {
					r.IdleTime = info.IdleTime
				}
				if c := info.Conn; c != nil {
					h.remote, h.local = c.RemoteAddr(), c.LocalAddr()
					if tc, ok := c.(interface{ ConnectionState() tls.ConnectionState }); ok && r.TLS == nil {
						cs := tc.ConnectionState()
						r.TLS = &cs
					}
					if r.Proto == "" && r.TLS != nil && r.TLS.NegotiatedProtocol == "h2" {
						r.Proto = "HTTP/2.0" // before any answer, or with none: the request went over HTTP/2
					}
					if hr, ok := c.(interface {
						RecordHead() func() ([][]byte, []byte, []byte)
					}); ok {
						h.head = hr.RecordHead() // an HTTP/1.x connection keeps the heads as they come
					}
				}
			})
		},
		WroteHeaders: func() {
			h.stamp(func(r *Record, now time.Time) { r.Events.WroteHeaders = now })
		},
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			h.stamp(func(r *Record, now time.Time) { r.Events.WroteRequest, r.SendFailed = now, info.Err != nil })
		},
		GotFirstResponseByte: func() {
			h.stamp(func(r *Record, now time.Time) {
				if r.Events.FirstByte.IsZero() {
					r.Events.FirstByte = now
				}
			})
		},
		Got1xxResponse: func(code int, header textproto.MIMEHeader) error {
			var err error
			h.stamp(func(r *Record, _ time.Time) {
				if len(r.Informs) >= MaxInformational {
					err = ErrTooManyInformational
					return
				}
				r.Informs = append(r.Informs, h.inform(len(r.Informs), code, http.Header(header)))
			})
			return err
		},
	}
	return &h.ct
}

// inform is the hop's i-th 1xx response, with its reason phrase and the order of its fields as received
// when its connection kept the heads (HTTP/1.x). Call it with h.mu held.
func (h *Hop) inform(i, code int, header http.Header) Inform {
	in := Inform{Code: code, Status: strconv.Itoa(code) + " " + http.StatusText(code), Header: header}
	if h.head != nil {
		if informs, _, _ := h.head(); i < len(informs) {
			line, _, _ := strings.Cut(string(informs[i]), "\n")
			proto, status, _ := strings.Cut(strings.TrimSuffix(line, "\r"), " ")
			if rest, ok := strings.CutPrefix(status, strconv.Itoa(code)); ok && (rest == "" || rest[0] == ' ') {
				in.Status, in.Order, in.Proto, in.Raw = status, fieldNames(informs[i]), proto, informs[i]
			}
		}
	}
	if in.Raw != nil {
		h.informKept += len(in.Raw) // the fields as they came, kept twice: as read and in the map
	} else {
		for name, values := range header {
			for _, v := range values {
				h.informKept += len(name) + len(v)
			}
		}
	}
	if h.informKept > maxInformKept {
		in.Header, in.Order, in.Raw = nil, nil, nil
	}
	return in
}

func addrString(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}

// Start begins a hop for a request of method to u: the returned context carries the hop's ClientTrace and
// the hop itself, for the context helpers below. Send the request with that context, then call finish.
func Start(ctx context.Context, method string, u *url.URL) (context.Context, *Hop) {
	h := &Hop{now: time.Now, url: u}
	h.rec.Method = method
	h.rec.Host = u.Hostname()
	h.rec.Secure = u.Scheme == "https"
	h.rec.Events.Start = h.now()
	ct := h.clientTrace()
	if d := dumpOf(ctx); d != nil {
		h.dump = &dumping{d: d}
		h.dumpHooks(ct)
	}
	return httptrace.WithClientTrace(context.WithValue(ctx, hopKey{}, h), ct), h
}

// finish records how the hop's round trip ended. The response body is wrapped so that the end of the
// transfer is stamped by whoever drains it.
func (h *Hop) finish(resp *http.Response, err error) {
	h.mu.Lock()
	readHead := h.head
	h.mu.Unlock()
	var informs [][]byte
	var final, begun []byte
	if readHead != nil {
		informs, final, begun = readHead()
	}
	if err != nil {
		h.stamp(func(r *Record, now time.Time) {
			r.Err, r.HeadBegun, r.Events.Failed = err, begun, now
			if r.Events.ConnectDone.IsZero() && h.n > 0 && len(h.starts) > 0 {
				r.Events.ConnectStart = h.starts[0].at // no attempt connected: the time went from the first
			}
		})
		return
	}
	order := fieldNames(final)
	restoreFields(resp, final)
	var size int64
	if final != nil {
		size = int64(len(final))
		for _, in := range informs {
			size += int64(len(in))
		}
	}
	h.stamp(func(r *Record, _ time.Time) {
		r.Status = resp.StatusCode
		r.Proto = resp.Proto
		r.HeadOrder = order
		r.HeadSize, r.Head = size, final
		if r.TLS == nil && resp.TLS != nil {
			r.TLS = resp.TLS
		}
	})
	if h.dump != nil {
		h.mu.Lock()
		h.dump.closing = resp.Close || resp.Request != nil && resp.Request.Close
		h.mu.Unlock()
		h.dump.d.ReceivedHead(resp.Proto, resp.StatusCode, resp.Status, ReceivedHeader(resp), order)
	}
	h.body = stampedBody{rc: resp.Body, hop: h}
	resp.Body = &h.body
}

// RoundTrip sends req through rt on a new hop and returns the hop with the response.
func RoundTrip(rt http.RoundTripper, req *http.Request) (*http.Response, *Hop, error) {
	ctx, h := Start(req.Context(), req.Method, req.URL)
	req = req.WithContext(ctx)
	if req.Body != nil && req.Body != http.NoBody {
		req.Body = sentBody{req.Body, h}
		if get := req.GetBody; get != nil {
			req.GetBody = func() (io.ReadCloser, error) { // the transport starts the body again
				rc, err := get()
				if err != nil {
					return nil, err
				}
				h.stamp(func(r *Record, _ time.Time) { r.BodySent = 0 })
				return sentBody{rc, h}, nil
			}
		}
	}
	resp, err := rt.RoundTrip(req)
	h.finish(resp, err)
	return resp, h, err
}

type hopKey struct{}

func hopOf(ctx context.Context) *Hop {
	h, _ := ctx.Value(hopKey{}).(*Hop)
	return h
}

// ProxyStarted records, on the hop whose request ctx belongs to, that the connection to a proxy is open and
// the handshake that opens a tunnel through it begins.
func ProxyStarted(ctx context.Context) {
	if h := hopOf(ctx); h != nil {
		h.stamp(func(r *Record, now time.Time) { r.Events.ProxyStart = now })
	}
}

// ProxyConnected records, on the hop whose request ctx belongs to, that proxy answered the handshake that
// opens a tunnel (an HTTP CONNECT or a SOCKS connect): httptrace has no hook for it.
func ProxyConnected(ctx context.Context, proxy string) {
	if h := hopOf(ctx); h != nil {
		h.stamp(func(r *Record, now time.Time) {
			r.Events.ProxyDone = now
			r.Proxy = proxy
		})
	}
}

// proxyAnswered records, on the hop whose request ctx belongs to, the status of the HTTP proxy's answer to
// its CONNECT, a refusal's too.
func proxyAnswered(ctx context.Context, status int) {
	if h := hopOf(ctx); h != nil {
		h.stamp(func(r *Record, _ time.Time) { r.ProxyStatus = status })
	}
}

// ProxyTLSDone records, on the hop whose request ctx belongs to, the TLS handshake made with an https://
// proxy (the server's own is httptrace's to report).
func ProxyTLSDone(ctx context.Context, cs tls.ConnectionState) {
	if h := hopOf(ctx); h != nil {
		h.stamp(func(r *Record, _ time.Time) { r.ProxyTLS = &cs })
	}
}

// ProxyForwarded records, on the hop whose request ctx belongs to, that the request goes to proxy whole (plain
// http through an HTTP proxy): no tunnel, so no proxy phase, but the hop went through it all the same.
func ProxyForwarded(ctx context.Context, proxy string) {
	if h := hopOf(ctx); h != nil {
		h.stamp(func(r *Record, _ time.Time) { r.Proxy, r.Forwarded = proxy, true })
	}
}

// Speaks records, on the hop whose request ctx belongs to, the protocol its request goes over ("HTTP/2.0"),
// for a transport that knows it before any answer comes (h2c, HTTP/2 from the first byte); the response's
// own, when one comes, is the same.
func Speaks(ctx context.Context, proto string) {
	if h := hopOf(ctx); h != nil {
		h.stamp(func(r *Record, _ time.Time) { r.Proto = proto })
	}
}

// ProxyRoute records, on the hop whose request ctx belongs to, the proxy whose tunnel the request goes
// through, new or used again (ProxyConnected says it only of a connection it opens).
func ProxyRoute(ctx context.Context, proxy string) {
	if h := hopOf(ctx); h != nil {
		h.stamp(func(r *Record, _ time.Time) { r.Proxy = proxy })
	}
}

// Resolved records, on the hop whose request ctx belongs to, that its address came from by (such as
// "--resolve") rather than from DNS. Call it from the dialer.
func Resolved(ctx context.Context, by string) {
	if h := hopOf(ctx); h != nil {
		h.stamp(func(r *Record, _ time.Time) { r.ResolvedBy = by })
	}
}

// Routed records, on the hop whose request ctx belongs to, that the dialer routed the connection another way
// than to the URL's host: "connect-to" (--connect-to), "unix" (--unix-socket).
func Routed(ctx context.Context, route string) {
	if h := hopOf(ctx); h != nil {
		h.stamp(func(r *Record, _ time.Time) { r.Route = route })
	}
}

// RouteName says how the hop reached its server: the proxy URL (without its password) when it went
// through one, else connect-to, unix or resolve, else direct.
func (r Record) RouteName() string {
	switch {
	case r.Proxy != "":
		return r.Proxy
	case r.Route != "":
		return r.Route
	case r.ResolvedBy == "--resolve":
		return "resolve"
	}
	return "direct"
}

// TLSStarted records that a dialer began the TLS handshake itself, offering these protocols over ALPN. From
// then on the hop ignores the transport's own TLS hooks, which fire again around a handshake already done.
func TLSStarted(ctx context.Context, alpn []string) {
	if h := hopOf(ctx); h != nil {
		h.stamp(func(r *Record, now time.Time) {
			h.ownTLS = true
			r.Events.TLSStart = now
			r.ALPN = alpn
		})
	}
}

// QUICStarted records that the dialer began a QUIC handshake: the connection and its TLS in one.
func QUICStarted(ctx context.Context, addr string) {
	if h := hopOf(ctx); h != nil {
		h.stamp(func(r *Record, now time.Time) {
			h.ownTLS = true
			r.Events.QUICStart = now
		})
		if h.dump != nil {
			h.dump.d.Connecting(addr)
		}
	}
}

// QUICAbandoned records a QUIC attempt that did not complete (the --alt-svc alternative at addr could not
// be reached, for err) as missed, and forgets its events, so that the connection made instead over TCP is
// traced as any other.
func QUICAbandoned(ctx context.Context, via, addr string, err error) {
	if h := hopOf(ctx); h != nil {
		h.stamp(func(r *Record, now time.Time) {
			h.ownTLS = false
			r.AltSvcMissed = &Missed{Via: via, Addr: addr, Took: now.Sub(r.Events.Start), Reason: err.Error()}
			r.Events.QUICStart, r.Events.QUICDone = time.Time{}, time.Time{}
			r.TLSErr, r.TLS, r.Route = nil, nil, ""
		})
	}
}

// QUICDone records the end of a QUIC handshake, with the TLS state it settled (when it got that far).
func QUICDone(ctx context.Context, cs *tls.ConnectionState, err error) {
	if h := hopOf(ctx); h != nil {
		h.stamp(func(r *Record, now time.Time) {
			r.Events.QUICDone = now
			r.TLSErr = err
			if cs != nil && (err == nil || len(cs.PeerCertificates) > 0) {
				r.TLS = cs
			}
		})
	}
}

// TLSDone records the end of a handshake reported with TLSStarted: its state (which may hold the chain of a
// failed verification) and its error.
func TLSDone(ctx context.Context, cs *tls.ConnectionState, err error) {
	if h := hopOf(ctx); h != nil {
		h.stamp(func(r *Record, now time.Time) { tlsDone(r, now, cs, err) })
	}
}

func tlsDone(r *Record, now time.Time, cs *tls.ConnectionState, err error) {
	r.Events.TLSDone = now
	r.TLSErr = err
	if cs != nil && (err == nil || len(cs.PeerCertificates) > 0) {
		r.TLS = cs
	}
}

// KeepAlertReader records, for a TLS 1.3 connection, how to read the alert the server may end it with
// (Record.ReadAlert).
func KeepAlertReader(ctx context.Context, read func() error) {
	if h := hopOf(ctx); h != nil {
		h.stamp(func(r *Record, _ time.Time) { r.ReadAlert = read })
	}
}

// CertificateRequested records that the server asked for a client certificate during the handshake, and
// what hop answered (r). Under TLS 1.3 a server refuses a certificate, or its absence, only after the client
// has finished its side, so the transport sees an alert or a reset when it reads the answer; this lets the
// error say why.
func CertificateRequested(ctx context.Context, r *CertRequest) {
	if h := hopOf(ctx); h != nil {
		h.stamp(func(rec *Record, _ time.Time) { rec.CertRequest = r })
	}
}

// sentBody counts the request body's bytes as the transport reads them.
type sentBody struct {
	io.ReadCloser
	hop *Hop
}

func (b sentBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.hop.mu.Lock()
		b.hop.rec.BodySent += int64(n)
		b.hop.mu.Unlock()
		if b.hop.dump != nil {
			b.hop.dump.d.Sent(p[:n])
		}
	}
	return n, err
}

// stampedBody stamps the end of the transfer and counts the bytes read.
type stampedBody struct {
	rc   io.ReadCloser
	hop  *Hop
	n    int64
	done bool
}

func (b *stampedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.n += int64(n)
	if n > 0 && b.hop.dump != nil {
		b.hop.dump.d.Received(p[:n])
	}
	if err != nil && !b.done {
		b.done = true
		complete := err == io.EOF
		if complete && b.hop.dump != nil {
			b.hop.finished()
		}
		b.hop.stamp(func(r *Record, now time.Time) {
			r.Events.BodyDone = now
			r.BodyBytes = b.n
			r.BodyComplete = complete
			if !complete {
				r.Err = err
			}
		})
	}
	return n, err
}

func (b *stampedBody) Close() error {
	if !b.done {
		b.done = true
		if b.rc == http.NoBody && b.hop.dump != nil {
			b.hop.finished() // a body-less response (HEAD, 204, 304) ends with its head
		}
		b.hop.stamp(func(r *Record, now time.Time) {
			r.Events.BodyDone = now
			r.BodyBytes = b.n
		})
	}
	return b.rc.Close()
}

// Waiting names the step a hop had reached when it was recorded: what it was still waiting for.
func (r Record) Waiting() string {
	e := r.Events
	switch {
	case e.GotConn.IsZero() && !e.DNSStart.IsZero() && (e.DNSDone.IsZero() || r.DNSFailed):
		return "the DNS lookup" // one that ended in an error (a limit's deadline) never gave an address
	case e.GotConn.IsZero() && !e.QUICStart.IsZero():
		return "the QUIC handshake"
	case e.GotConn.IsZero() && !e.ProxyStart.IsZero() && e.ProxyDone.IsZero():
		return "the proxy to open the tunnel"
	case e.GotConn.IsZero() && !e.TLSStart.IsZero() && e.TLSDone.IsZero():
		return "the TLS handshake"
	case e.GotConn.IsZero() && r.Secure && !e.ConnectDone.IsZero():
		return "the TLS handshake"
	case e.GotConn.IsZero():
		return "the connection"
	case e.WroteRequest.IsZero() || r.SendFailed && e.FirstByte.IsZero():
		return "the request to be sent"
	case e.FirstByte.IsZero():
		return "the first byte"
	case r.Status == 0:
		return "the rest of the response head"
	case !r.BodyComplete:
		return "the rest of the body"
	}
	return ""
}

// headFields yields the fields of an HTTP/1.x head (its status line first), name and value, in order; a
// line folded onto the one before (obsolete, but taken) adds none.
func headFields(head []byte) iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		lines := strings.Split(string(head), "\n")
		for _, line := range lines[1:] {
			line = strings.TrimSuffix(line, "\r")
			if line == "" || line[0] == ' ' || line[0] == '\t' {
				continue
			}
			if name, value, ok := strings.Cut(line, ":"); ok && name != "" && !yield(name, value) {
				return
			}
		}
	}
}

// fieldNames returns the names of the fields of an HTTP/1.x head, in order (headFields').
func fieldNames(head []byte) []string {
	var names []string
	for name := range headFields(head) {
		names = append(names, name)
	}
	return names
}

// restoreFields puts back into an HTTP/1.x response's header the fields net/http takes out of it once it
// has read them: Connection when it said close (resp.Close says it instead) and Trailer (resp.Trailer's
// keys), from the head as it came, else (the tap kept no head) Trailer from the names announced. -i, -D,
// -w, the JSON document and the HAR then show the head the server sent, as curl does. net/http has used
// them before the response is handed over, and does not read them again. Over HTTP/2 and HTTP/3 the
// announced names are left alone: their transports fill resp.Trailer from their own goroutines, so it
// cannot be read until the body has ended.
func restoreFields(resp *http.Response, head []byte) {
	if resp.Header == nil || resp.ProtoMajor != 1 {
		return
	}
	lost := func(name string) bool { return resp.Header[name] == nil && (name != "Connection" || resp.Close) }
	if head != nil {
		restore := map[string]bool{"Connection": lost("Connection"), "Trailer": lost("Trailer") && len(resp.Trailer) > 0}
		for name, value := range headFields(head) {
			if key := http.CanonicalHeaderKey(name); restore[key] {
				resp.Header[key] = append(resp.Header[key], strings.Trim(value, " \t"))
			}
		}
		return
	}
	if len(resp.Trailer) > 0 && lost("Trailer") {
		names := slices.Sorted(maps.Keys(resp.Trailer))
		resp.Header["Trailer"] = []string{strings.Join(names, ", ")}
	}
}

// ReceivedHeader is a response's header as it came: with the Transfer-Encoding field, which net/http takes
// out of the map into resp.TransferEncoding (HTTP/1.x; resp.Header itself when there was none).
func ReceivedHeader(resp *http.Response) http.Header {
	if len(resp.TransferEncoding) == 0 || resp.ProtoMajor != 1 {
		return resp.Header
	}
	h := resp.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h["Transfer-Encoding"] = []string{strings.Join(resp.TransferEncoding, ", ")}
	return h
}
