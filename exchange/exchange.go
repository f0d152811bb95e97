// Package exchange runs one HTTP exchange over a RoundTripper: the hop loop (redirects followed by hand,
// with the origin rules), the total deadline, the decoding of the body, and failures typed with one Class.
// Every request sent is traced and reported to an observer as soon as its hop ends. It also opens the bare
// TLS connection of hop cert, whose failures are typed the same way. Nothing here prints.
package exchange

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/trace"
)

// Options are how an exchange proceeds; cmd binds its flags to them.
type Options struct {
	Follow          bool // follow redirects
	MaxRedirects    int
	LocationTrusted bool          // keep credentials when a redirect changes origin
	AllowDowngrade  bool          // follow https → http
	MaxTime         time.Duration // the whole exchange, body included; 0 means none
}

// Limits are the transport's own time limits, so that a timeout can name the one it hit.
type Limits struct {
	Connect time.Duration
	Idle    time.Duration
}

// Client runs exchanges.
type Client struct {
	Transport http.RoundTripper
	Options   Options
	Limits    Limits
}

// Hop is one request sent and what came of it.
type Hop struct {
	Request  *http.Request
	Response *http.Response // nil when the hop failed
	Trace    *trace.Hop
}

// Record returns what the trace has recorded of the hop so far; once the body is read, all of it.
func (h Hop) Record() trace.Record { return h.Trace.Snapshot() }

// Exchange is everything that happened: the request as built and every hop, in order. The document, the
// HAR, the waterfall and the checks all read it.
type Exchange struct {
	Request *request.Request
	Hops    []Hop
	cancel  context.CancelFunc
}

// Final returns the last hop if it got a response, or nil.
func (e *Exchange) Final() *http.Response {
	if n := len(e.Hops); n > 0 {
		return e.Hops[n-1].Response
	}
	return nil
}

// Close closes the final body, if any, and ends the exchange's deadline.
func (e *Exchange) Close() {
	if resp := e.Final(); resp != nil {
		resp.Body.Close()
	}
	if e.cancel != nil {
		e.cancel()
	}
}

// credentialHeaders never cross an origin on a redirect unless LocationTrusted.
var credentialHeaders = []string{"Authorization", "Cookie", "Proxy-Authorization"}

// Do sends r and, with Follow, follows its redirects by hand: each hop is traced and passed to seen (when
// not nil) as soon as its response head arrived or it failed. Authorization, Cookie and Proxy-Authorization
// are dropped for good once the origin (scheme, host or port) changes; no Referer is added; https → http is
// refused unless AllowDowngrade; only http and https are followed.
//
// The final response's body is left open for the caller, within the total deadline, with read errors typed
// as *Error; Close releases both. Do always returns an Exchange, holding the hops sent so far when it fails.
func (c *Client) Do(ctx context.Context, r *request.Request, seen func(Hop)) (*Exchange, error) {
	ex := &Exchange{Request: r}
	if c.Options.MaxTime > 0 {
		ctx, ex.cancel = context.WithTimeoutCause(ctx, c.Options.MaxTime, errTotalTimeout)
	} else {
		ctx, ex.cancel = context.WithCancel(ctx)
	}
	cur := *r
	cur.Header = r.Header.Clone()
	origin := request.Origin(r.URL)
	for {
		req, err := cur.HTTPRequest(ctx)
		if err != nil {
			return ex, err
		}
		resp, th, err := trace.RoundTrip(c.Transport, req)
		hop := Hop{Request: req, Response: resp, Trace: th}
		ex.Hops = append(ex.Hops, hop)
		if err != nil {
			err = c.classify(ctx, err, th.Snapshot())
			if seen != nil {
				seen(hop)
			}
			return ex, err
		}
		resp.Body = &checkedBody{ReadCloser: resp.Body, ctx: ctx, client: c, hop: th}
		if seen != nil {
			seen(hop)
		}

		next, err := c.redirect(&cur, resp, len(ex.Hops))
		if next == nil || err != nil {
			return ex, err
		}
		drain(resp.Body)
		if request.Origin(next) != origin && !c.Options.LocationTrusted {
			// Once dropped, credentials stay dropped, even if a later hop comes back to the first origin.
			for _, h := range credentialHeaders {
				cur.Header.Del(h)
			}
			origin = request.Origin(next)
		}
		if cur.Host != "" && !strings.EqualFold(next.Host, cur.URL.Host) {
			cur.Host = "" // a Host override belongs to the host it was given for
		}
		cur.URL = next
	}
}

// checkedBody types the errors of a response body: timeouts name their limit and phase, anything else that
// stops the body before its end is a Body failure.
type checkedBody struct {
	io.ReadCloser
	ctx    context.Context
	client *Client
	hop    *trace.Hop
}

func (b *checkedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		cause := err
		err = b.client.classify(b.ctx, err, b.hop.Snapshot())
		if c := ClassOf(err); c != Timeout && c != Interrupted {
			err = failure(Body, "the rest of the body", cause, "the response body ended early or is malformed: %v", cause)
		}
	}
	return n, err
}

// drain reads a little of a redirect's body so the connection can be reused, then closes it.
func drain(body io.ReadCloser) {
	io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	body.Close()
}
