package trace

import (
	"context"
	"net/http/httptrace"
	"net/textproto"
)

// With returns ctx with extra's hooks called before those of the ClientTrace already in ctx, as
// httptrace.WithClientTrace would call them, but composed by hand: httptrace composes by reflection, a
// reflect.MakeFunc for every hook both traces set and a reflect.Call for every event: for the transport's
// two traces, three to four times the cost of composing them by hand (BenchmarkWith; docs/BENCHMARKS.md).
func With(ctx context.Context, extra *httptrace.ClientTrace) context.Context {
	old := httptrace.ContextClientTrace(ctx)
	if old == nil {
		return httptrace.WithClientTrace(ctx, extra)
	}
	// untraced hides old, so that httptrace does not compose the result with it once more.
	return httptrace.WithClientTrace(untraced{ctx}, compose(extra, old))
}

// compose is a ClientTrace calling f's hook, then g's, for every event.
func compose(f, g *httptrace.ClientTrace) *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GetConn:              both1(f.GetConn, g.GetConn),
		GotConn:              both1(f.GotConn, g.GotConn),
		PutIdleConn:          both1(f.PutIdleConn, g.PutIdleConn),
		GotFirstResponseByte: both0(f.GotFirstResponseByte, g.GotFirstResponseByte),
		Got100Continue:       both0(f.Got100Continue, g.Got100Continue),
		Got1xxResponse:       both1xx(f.Got1xxResponse, g.Got1xxResponse),
		DNSStart:             both1(f.DNSStart, g.DNSStart),
		DNSDone:              both1(f.DNSDone, g.DNSDone),
		ConnectStart:         both2(f.ConnectStart, g.ConnectStart),
		ConnectDone:          both3(f.ConnectDone, g.ConnectDone),
		TLSHandshakeStart:    both0(f.TLSHandshakeStart, g.TLSHandshakeStart),
		TLSHandshakeDone:     both2(f.TLSHandshakeDone, g.TLSHandshakeDone),
		WroteHeaderField:     both2(f.WroteHeaderField, g.WroteHeaderField),
		WroteHeaders:         both0(f.WroteHeaders, g.WroteHeaders),
		Wait100Continue:      both0(f.Wait100Continue, g.Wait100Continue),
		WroteRequest:         both1(f.WroteRequest, g.WroteRequest),
	}
}

func both0(f, g func()) func() {
	switch {
	case f == nil:
		return g
	case g == nil:
		return f
	}
	return func() { f(); g() }
}

func both1[A any](f, g func(A)) func(A) {
	switch {
	case f == nil:
		return g
	case g == nil:
		return f
	}
	return func(a A) { f(a); g(a) }
}

func both2[A, B any](f, g func(A, B)) func(A, B) {
	switch {
	case f == nil:
		return g
	case g == nil:
		return f
	}
	return func(a A, b B) { f(a, b); g(a, b) }
}

func both3[A, B, C any](f, g func(A, B, C)) func(A, B, C) {
	switch {
	case f == nil:
		return g
	case g == nil:
		return f
	}
	return func(a A, b B, c C) { f(a, b, c); g(a, b, c) }
}

// both1xx calls f, then g, unless f refuses the response: its error ends the exchange.
func both1xx(f, g func(int, textproto.MIMEHeader) error) func(int, textproto.MIMEHeader) error {
	switch {
	case f == nil:
		return g
	case g == nil:
		return f
	}
	return func(code int, h textproto.MIMEHeader) error {
		if err := f(code, h); err != nil {
			return err
		}
		return g(code, h)
	}
}
