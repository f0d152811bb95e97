package exchange

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/hop-cli/hop/request"
)

// ResolveLocation is the URL a Location header names, read against base, the URL it answered: "http:/get"
// from an http URL is "/get" there, as browsers (WHATWG's URL) and HTTPie read it; a '%' that begins no
// escape is %25; the path is kept as the server wrote it (request.KeepTypedPath), an escaped slash still
// one. The query is as written.
func ResolveLocation(base *url.URL, loc string) (*url.URL, error) {
	ref := loc
	if scheme, rest, ok := strings.Cut(loc, ":"); ok && strings.EqualFold(scheme, base.Scheme) && !strings.HasPrefix(rest, "//") {
		// The scheme of the base, without a host. (Go reads a URL with no host, which cannot be followed.)
		ref = rest
	}
	refURL, err := url.Parse(ref)
	if errors.As(err, new(url.EscapeError)) {
		// A '%' that begins no escape (/100%.jpg, a name written raw): followed as %25, as HTTPie does.
		// curl and browsers send it as it is, which Go's URL cannot carry, and which servers that decode
		// paths (Go's) answer with 400; escaped, the server decodes it back to the name it wrote.
		ref = request.EscapeStrayPercents(ref)
		refURL, err = url.Parse(ref)
	}
	if err != nil {
		return nil, err
	}
	request.KeepTypedPath(refURL, ref)
	return base.ResolveReference(refURL), nil
}

// redirect decides whether resp, the answer to cur, is followed: it returns the next URL (turned into https
// when HSTS knows its host, upgraded says), nil when the exchange ends here, or an error when the redirect
// is refused. nth counts the redirects so far, this one included. It turns cur into the next request's
// method and body.
func (c *Client) redirect(cur *request.Request, resp *http.Response, nth int) (next *url.URL, upgraded bool, err error) {
	loc := resp.Header.Get("Location")
	if !c.Options.Follow || !isRedirect(resp.StatusCode) && !(c.Options.AnyRedirect && resp.StatusCode/100 == 3) || loc == "" {
		return nil, false, nil
	}
	from := cur.URL.Redacted()
	next, err = ResolveLocation(cur.URL, loc)
	if err != nil {
		return nil, false, refused(from, loc, "the Location is not a valid URL")
	}
	// Go keeps a query as the server wrote it; a raw space or non-ASCII byte there would break the request
	// line. Browsers percent-encode them (the WHATWG query set), and so does hop. (The path ResolveLocation kept.)
	next.RawQuery = request.EscapeQuery(next.RawQuery)
	next.Scheme = strings.ToLower(next.Scheme)
	request.NormalizeHost(next) // http://2130706433/ is 127.0.0.1, as a typed URL is
	upgraded = c.upgrade(&next) // before the checks: an http Location of an HSTS host is not a downgrade
	switch {
	case next.Scheme != "http" && next.Scheme != "https":
		return nil, false, refused(from, next.Redacted(), "hop only follows http and https")
	case next.Host == "":
		return nil, false, refused(from, loc, "the Location names no host")
	case !protocolAllowed(c.Options.Protocols, next.Scheme):
		return nil, false, refused(from, next.Redacted(), "--proto allows "+protocolsWord(c.Options.Protocols))
	case !protocolAllowed(c.Options.RedirectProtocols, next.Scheme):
		return nil, false, refused(from, next.Redacted(), "--proto-redir allows "+protocolsWord(c.Options.RedirectProtocols))
	case cur.URL.Scheme == "https" && next.Scheme == "http" && !c.Options.AllowDowngrade:
		return nil, false, refused(from, next.Redacted(), "it downgrades https to http (use --allow-downgrade to permit)")
	case nth > c.Options.MaxRedirects:
		word := "redirects"
		if c.Options.MaxRedirects == 1 {
			word = "redirect"
		}
		return nil, false, failure(Redirects, "", nil, "stopped after %d %s (next: %s); raise --max-redirects if the chain is legitimate",
			c.Options.MaxRedirects, word, next.Redacted())
	}
	// 303 always becomes GET; 301 and 302 turn POST into GET, as browsers and curl -L do, unless KeepPost
	// names the code for a POST. 307 and 308 repeat the method and the body.
	code := resp.StatusCode
	kept := cur.Method == http.MethodPost && slices.Contains(c.Options.KeepPost, code)
	if !kept && (code == http.StatusSeeOther && cur.Method != http.MethodHead ||
		(code == http.StatusMovedPermanently || code == http.StatusFound) && cur.Method == http.MethodPost) {
		cur.Method = http.MethodGet
		cur.Body = nil
		for _, h := range []string{"Content-Type", "Content-Length", "Content-Encoding", "Transfer-Encoding", "Expect"} {
			cur.Header.Del(h)
		}
	}
	return next, upgraded, nil
}

func refused(from, to, reason string) error {
	return failure(Refused, "", nil, "refusing to follow redirect from %s to %s: %s", from, to, reason)
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}
