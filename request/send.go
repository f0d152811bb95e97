package request

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Sent is one request that went out and the response it got.
type Sent struct {
	Request  *http.Request
	Response *http.Response // the body of every response but the last is already closed
}

// credentialHeaders never cross an origin on a redirect unless --location-trusted.
var credentialHeaders = []string{"Authorization", "Cookie", "Proxy-Authorization"}

// Send sends r and, with Follow, follows its redirects by hand: each hop is traced; Authorization, Cookie and
// Proxy-Authorization are dropped for good once the origin (scheme, host or port) changes; no Referer is
// added; https → http is refused unless AllowDowngrade; only http and https are followed. The last response's
// body is left open for the caller, and its read errors are typed (TimeoutError, BodyError).
func (c *Client) Send(ctx context.Context, r *Request) ([]Sent, error) {
	if r.URL.Scheme == "https" && c.systemRoots {
		warmSystemRoots()
	}
	var hops []Sent
	cur := *r
	cur.Header = r.Header.Clone()
	origin := Origin(r.URL)
	for {
		req, err := cur.HTTPRequest()
		if err != nil {
			return hops, err
		}
		req = req.WithContext(ctx)
		resp, err := c.hc.Do(req)
		hop := c.Tracer.Last()
		isTLS := cur.URL.Scheme == "https"
		if err != nil {
			// http.Client wraps transport errors in *url.Error; the message of the inner error is what
			// the user needs.
			if ue, ok := err.(*url.Error); ok {
				err = ue.Err
			}
			if typed := c.classify(ctx, err, hop, isTLS); typed != err {
				return hops, typed
			}
			return hops, protocolError(err, cur.URL.Hostname())
		}
		resp.Body = &checkedBody{ReadCloser: resp.Body, ctx: ctx, client: c, hop: hop, isTLS: isTLS}
		hops = append(hops, Sent{Request: req, Response: resp})

		loc := resp.Header.Get("Location")
		if !c.opts.Follow || !isRedirect(resp.StatusCode) || loc == "" {
			return hops, nil
		}
		next, err := cur.URL.Parse(loc)
		if err != nil {
			return hops, &RedirectRefusedError{From: cur.URL.String(), To: loc, Reason: "the Location is not a valid URL"}
		}
		next.Scheme = strings.ToLower(next.Scheme)
		if next.Scheme != "http" && next.Scheme != "https" {
			return hops, &RedirectRefusedError{From: cur.URL.String(), To: next.String(), Reason: "hop only follows http and https"}
		}
		if cur.URL.Scheme == "https" && next.Scheme == "http" && !c.opts.AllowDowngrade {
			return hops, &RedirectRefusedError{From: cur.URL.String(), To: next.String(), Reason: "it downgrades https to http (use --allow-downgrade to permit)"}
		}
		if len(hops) > c.opts.MaxRedirects {
			return hops, &TooManyRedirectsError{Max: c.opts.MaxRedirects, Last: next.String()}
		}
		drain(resp.Body)

		// 303 always becomes GET; 301 and 302 turn POST into GET, as browsers and curl -L do.
		// 307 and 308 repeat the method and the body.
		code := resp.StatusCode
		if code == http.StatusSeeOther && cur.Method != http.MethodHead ||
			(code == http.StatusMovedPermanently || code == http.StatusFound) && cur.Method == http.MethodPost {
			cur.Method = http.MethodGet
			cur.Body = nil
			for _, h := range []string{"Content-Type", "Content-Length", "Content-Encoding", "Transfer-Encoding"} {
				cur.Header.Del(h)
			}
		}
		if Origin(next) != origin && !c.opts.LocationTrusted {
			// Once dropped, credentials stay dropped, even if a later hop comes back to the first origin.
			for _, h := range credentialHeaders {
				cur.Header.Del(h)
			}
			origin = Origin(next)
		}
		if cur.Host != "" && !strings.EqualFold(next.Host, cur.URL.Host) {
			cur.Host = "" // a Host override belongs to the host it was given for
		}
		cur.URL = next
	}
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// drain reads a little of a redirect's body so the connection can be reused, then closes it.
func drain(body io.ReadCloser) {
	io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	body.Close()
}
