package trace

import (
	"context"
	"net/http/httptrace"
	"time"
)

// Aside returns a context for a connection opened beside the hop of ctx rather than for it (a TCP
// connection raced against an HTTP/3 attempt): what it records goes to a hop of its own, so that a
// connection that loses leaves the hop's record as it was. Adopt moves what it recorded into the hop that
// uses it. The context keeps ctx's other values and its Dump, which is told of the attempt as it happens
// (curl too writes both attempts); its cancellation is ctx's.
func Aside(ctx context.Context) context.Context {
	h := hopOf(ctx)
	if h == nil {
		return ctx
	}
	aside := &Hop{now: h.now, url: h.url}
	h.mu.Lock()
	aside.rec.Method, aside.rec.Host, aside.rec.Secure = h.rec.Method, h.rec.Host, h.rec.Secure
	h.mu.Unlock()
	aside.rec.Events.Start = aside.now()
	ct := aside.clientTrace()
	if d := dumpOf(ctx); d != nil {
		aside.dump = &dumping{d: d}
		aside.dumpHooks(ct)
	}
	// The hop's own hooks must not hear the aside connection: httptrace would call them too (it composes a
	// new trace with the one in the context), and net's dialer reads the newest one set.
	return httptrace.WithClientTrace(context.WithValue(untraced{ctx}, hopKey{}, aside), ct)
}

// untraced is a context without the ClientTrace of the hop it came from.
type untraced struct{ context.Context }

func (c untraced) Value(key any) any {
	v := c.Context.Value(key)
	if _, ok := v.(*httptrace.ClientTrace); ok {
		return nil
	}
	return v
}

// Adopt records, on the hop of ctx, the connection that the hop of aside (a context from Aside) opened: its
// DNS lookup, connect and TLS handshake with their times, its route and TLS state, as if the hop had opened
// it itself. The hop's connection events before it (an attempt it abandoned) are replaced.
func Adopt(ctx, aside context.Context) {
	h, a := hopOf(ctx), hopOf(aside)
	if h == nil || a == nil || h == a {
		return
	}
	a.mu.Lock()
	from, ownTLS := a.rec, a.ownTLS
	a.mu.Unlock()
	h.stamp(func(r *Record, _ time.Time) {
		e := &r.Events
		e.DNSStart, e.DNSDone = from.Events.DNSStart, from.Events.DNSDone
		e.ConnectStart, e.ConnectDone = from.Events.ConnectStart, from.Events.ConnectDone
		e.TLSStart, e.TLSDone = from.Events.TLSStart, from.Events.TLSDone
		r.ResolvedBy, r.Route = from.ResolvedBy, from.Route
		r.TLS, r.TLSErr, r.ALPN = from.TLS, from.TLSErr, from.ALPN
		r.CertRequest, r.ReadAlert = from.CertRequest, from.ReadAlert
		h.ownTLS = ownTLS
	})
}
