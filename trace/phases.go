package trace

import (
	"net"
	"strings"
	"time"
)

// Phase is one step of an exchange as a duration. A phase that did not happen is Skipped with a Reason;
// its Duration is then meaningless and never shown.
type Phase struct {
	Name     string        // dns, connect, tls, send, server, transfer
	Offset   time.Duration // from the start of the hop to the start of the phase
	Duration time.Duration
	Skipped  bool
	Reason   string
	// Unfinished is, for a skipped phase that began and was under way when the exchange failed (a server
	// that never answered, a connect that timed out), how long it had run then; Offset is its start.
	Unfinished time.Duration
}

// Phase names, in the order they happen.
const (
	DNS      = "dns"
	Connect  = "connect"
	Proxy    = "proxy" // the CONNECT that opens a tunnel through a proxy; present only when there was one
	QUIC     = "quic"  // HTTP/3: the QUIC handshake, TLS included, in place of connect and tls
	TLS      = "tls"
	Send     = "send"
	Server   = "server"
	Transfer = "transfer"
)

// Reasons a phase was skipped.
const (
	ReasonReused     = "reused connection"
	ReasonIPLiteral  = "IP literal"
	ReasonPlainHTTP  = "not TLS"
	ReasonNoResponse = "no response"
	ReasonNotRead    = "body not read"
	ReasonEarly      = "response began before the request was sent"
	ReasonFailed     = "did not complete"
	ReasonNotReached = "not reached" // the exchange failed before this phase began
	ReasonInQUIC     = "part of the quic phase"
)

// Timings are the derived phases of one hop and its total duration.
type Timings struct {
	Phases []Phase        // the six phases in order, with the proxy phase after connect when there was one, and the quic phase after dns for HTTP/3
	Total  time.Duration  // from the start of the hop to its last recorded event (its failure, when it failed)
	Offset time.Duration  // the start of this hop relative to the start of the first hop
	ByName map[string]int // index into Phases
}

// Get returns the named phase; a proxy phase that did not happen is reported skipped.
func (t Timings) Get(name string) Phase {
	if i, ok := t.ByName[name]; ok {
		return t.Phases[i]
	}
	return Phase{Name: name, Skipped: true, Reason: "no proxy"}
}

// Timings derives the phases of a hop from its events. Durations are only ever differences of two recorded
// events, so a phase is never negative: one whose events are missing or out of order is skipped.
func (r Record) Timings() Timings {
	e := r.Events
	skipConn := ""
	if r.Reused {
		skipConn = ReasonReused
	}
	phase := func(name string, from, to time.Time, reason string) Phase {
		p := Phase{Name: name}
		switch {
		case reason != "":
			p.Skipped, p.Reason = true, reason
			if reason == ReasonNoResponse && !from.IsZero() && e.Failed.After(from) {
				p.Offset, p.Unfinished = from.Sub(e.Start), e.Failed.Sub(from) // the server's: no answer came
			}
		case from.IsZero() && !e.Failed.IsZero():
			p.Skipped, p.Reason = true, ReasonNotReached
		case from.IsZero() || to.IsZero():
			p.Skipped, p.Reason = true, ReasonFailed
			if e.Failed.After(from) { // after a failure, from is set: a phase never begun is the case above
				p.Offset, p.Unfinished = from.Sub(e.Start), e.Failed.Sub(from)
			}
		case to.Before(from):
			p.Skipped, p.Reason = true, ReasonEarly
		default:
			p.Offset, p.Duration = from.Sub(e.Start), to.Sub(from)
		}
		return p
	}
	dnsReason := skipConn
	switch {
	case dnsReason != "" || !e.DNSStart.IsZero():
	case r.Route == "unix":
		dnsReason = "unix socket"
	case r.ResolvedBy != "":
		dnsReason = "resolved by " + r.ResolvedBy
	case net.ParseIP(strings.Trim(r.Host, "[]")) != nil:
		dnsReason = ReasonIPLiteral
	default:
		dnsReason = "no lookup"
	}
	tlsReason := skipConn
	if tlsReason == "" && e.TLSStart.IsZero() && !r.Secure {
		tlsReason = ReasonPlainHTTP
	}
	serverReason, transferReason := "", ""
	if e.FirstByte.IsZero() {
		serverReason, transferReason = ReasonNoResponse, ReasonNoResponse
		if !e.Failed.IsZero() && e.WroteHeaders.IsZero() && e.WroteRequest.IsZero() {
			serverReason, transferReason = ReasonNotReached, ReasonNotReached // nothing was sent to answer
		}
	} else if e.BodyDone.IsZero() {
		transferReason = ReasonNotRead
	}
	phases := []Phase{phase(DNS, e.DNSStart, e.DNSDone, dnsReason)}
	if !e.QUICStart.IsZero() || r.Proto == "HTTP/3.0" && r.Reused {
		// HTTP/3: one handshake makes the connection and its TLS.
		phases = append(phases, phase(QUIC, e.QUICStart, e.QUICDone, skipConn),
			Phase{Name: Connect, Skipped: true, Reason: ReasonInQUIC}, Phase{Name: TLS, Skipped: true, Reason: ReasonInQUIC})
	} else {
		phases = append(phases, phase(Connect, e.ConnectStart, e.ConnectDone, skipConn))
		if !e.ProxyDone.IsZero() || !e.ProxyStart.IsZero() && !e.Failed.IsZero() {
			// A tunnel opened, or one the proxy refused (its CONNECT, under way when the exchange failed).
			phases = append(phases, phase(Proxy, e.ConnectDone, e.ProxyDone, ""))
		}
		phases = append(phases, phase(TLS, e.TLSStart, e.TLSDone, tlsReason))
	}
	if !e.Failed.IsZero() {
		// A lookup or handshake that ended in the error the exchange failed with did not complete either:
		// its time is drawn as the failure's, not as a phase done.
		for i, p := range phases {
			if !p.Skipped && (p.Name == DNS && r.DNSFailed || (p.Name == TLS || p.Name == QUIC) && r.TLSErr != nil) {
				phases[i] = Phase{Name: p.Name, Offset: p.Offset, Skipped: true, Reason: ReasonFailed, Unfinished: p.Duration}
			}
		}
	}
	// Over HTTP/2 the transport reports the request written from another goroutine than the one that reads
	// the answer, and now and then (1 in 200 on loopback) the first byte is stamped first. A request cannot
	// be answered before it is sent: the server phase then starts when the headers were out, as the
	// request was answerable from then, or, when that too was stamped late, when the connection was handed
	// over (send is then 0: on the wire it took microseconds).
	sent := e.WroteRequest
	if !e.FirstByte.IsZero() && e.FirstByte.Before(sent) && !e.WroteHeaders.IsZero() {
		sent = e.WroteHeaders
		if e.FirstByte.Before(sent) && !e.GotConn.IsZero() {
			sent = e.GotConn
		}
	}
	t := Timings{Phases: append(phases,
		phase(Send, e.GotConn, sent, ""),
		phase(Server, sent, e.FirstByte, serverReason),
		phase(Transfer, e.FirstByte, e.BodyDone, transferReason),
	)}
	t.ByName = make(map[string]int, len(t.Phases))
	for i, p := range t.Phases {
		t.ByName[p.Name] = i
	}
	last := e.Start
	for _, ts := range []time.Time{e.DNSDone, e.ConnectDone, e.ProxyDone, e.TLSDone, e.QUICDone, e.GotConn, e.WroteRequest, e.FirstByte, e.BodyDone, e.Failed} {
		if ts.After(last) {
			last = ts
		}
	}
	t.Total = last.Sub(e.Start)
	return t
}

// AllTimings derives the timings of every hop, with each hop's offset from the first.
func AllTimings(hops []Record) []Timings {
	out := make([]Timings, len(hops))
	for i, h := range hops {
		out[i] = h.Timings()
		if i > 0 {
			out[i].Offset = h.Events.Start.Sub(hops[0].Events.Start)
		}
	}
	return out
}

// Total and TTFB name the spans a hop has beside its phases: the whole hop, and its start to the first
// response byte.
const (
	Total = "total"
	TTFB  = "ttfb"
)

// Durations returns how long each phase that happened took, by name, with Total and (when a response
// came) TTFB.
func (t Timings) Durations(r Record) map[string]time.Duration {
	out := make(map[string]time.Duration, len(t.Phases)+2)
	for _, p := range t.Phases {
		if !p.Skipped {
			out[p.Name] = p.Duration
		}
	}
	out[Total] = t.Total
	if e := r.Events; !e.FirstByte.IsZero() && !e.FirstByte.Before(e.Start) {
		out[TTFB] = e.FirstByte.Sub(e.Start)
	}
	return out
}
