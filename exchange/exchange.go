// Package exchange runs one HTTP exchange over a RoundTripper: the hop loop (redirects followed by hand,
// with the origin rules), the total deadline, the decoding of the body, and failures typed with one Class.
// Every request sent is traced and reported to an observer as soon as its hop ends. It also opens the bare
// TLS connection of hop cert, whose failures are typed the same way. Nothing here prints.
package exchange

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/trace"
)

// Options are how an exchange proceeds; cmd binds its flags to them.
type Options struct {
	Follow bool // follow redirects
	// AnyRedirect is curl's -L rule: any 3xx answer with a Location is followed (300, 304, 305, 399 too,
	// their method and body kept, as after a 307). Without it only 301, 302, 303, 307 and 308 are, as
	// browsers and HTTPie follow.
	AnyRedirect bool
	// CurlHost is curl's Host (curlHost): a URL typed with its scheme's own port (http://host:80/) sends Host
	// without it, and one with a port written with leading zeros (host:08080) the number (host:8080), every
	// hop, where hop's own commands (as HTTPie) send it as typed.
	CurlHost        bool
	MaxRedirects    int
	LocationTrusted bool // keep credentials when a redirect changes origin
	AllowDowngrade  bool // follow https → http
	// Protocols and RedirectProtocols are curl's --proto and --proto-redir (ParseProtocols): the schemes the
	// URL typed and every redirect may use, and those redirects may use besides. nil allows http and https.
	Protocols, RedirectProtocols []string
	// KeepPost lists the redirect codes (301, 302, 303) after which a POST stays a POST, body and all
	// (curl's --post301, --post302, --post303); otherwise they turn it into a GET.
	KeepPost []int
	MaxTime  time.Duration // the whole exchange, body included, retries and their waits too; 0 means none
	// RetryFromStart is curl's --retry: a retry sends the request typed again and follows its redirects
	// anew, and Retry.N counts the attempts of the whole exchange, not of each request of the chain.
	RetryFromStart bool
	// MaxTimeEach makes MaxTime curl's -m: each attempt's limit, the first one's from Start, a retry's from
	// when it starts (the redirects of an attempt share it, the waits between attempts are outside it).
	MaxTimeEach bool
	Start       time.Time // when MaxTime began to run (reading the body from standard input counts); zero: at Do
	Retry       Retry
	// Challenge, when set, answers a 401's challenge (digest auth) with the Authorization to send the request
	// again with, once per request, and only to the origin typed (any origin with LocationTrusted); count is
	// how many requests the challenge answered before req (Digest's nonce count less one). A redirect to
	// the origin of a challenge answered is answered at once, as curl does, not sent with the answer made
	// for another URI.
	Challenge func(resp *http.Response, req *http.Request, count int) (authorization string, ok bool)
	// Probe is curl's way with --digest: a request with a body that Challenge may answer goes first
	// without it (Content-Length: 0, no Expect), for the challenge it draws; the body goes with the answer.
	// A 2xx to the probe sends the request again, body and all (no challenge came); any other answer is
	// the final one, the body never sent.
	Probe bool
	// ProxyChallenge, when set, takes in the challenge of a 407 from a proxy that forwards the request whole
	// (transport.AnswerProxy), reporting whether the request goes again, once, to answer it (the transport
	// adds the answer).
	ProxyChallenge func(resp *http.Response, req *http.Request) bool
	// ProxyProbe, when set, reports whether a request to u goes to a proxy whose challenge ProxyChallenge
	// would take in, not met yet (transport.ProxyUnanswered): a request with a body then goes first as
	// Probe's probe does, curl's way with --proxy-digest.
	ProxyProbe func(ctx context.Context, u *url.URL) bool
	// Context, when set, gives each exchange's context what the transport keeps from one of its requests
	// to the next (transport.WithProxyLogin).
	Context func(context.Context) context.Context
	// Relogin, when set, gives the credentials for the host a redirect goes to on another origin, in place of
	// those of the origin before, dropped or (LocationTrusted) carried on (.netrc's entry for its host,
	// which curl and HTTPie look up again for each host): the Authorization to send there, ok false for
	// none. It is not asked for the host typed or any other the exchange has been to (their credentials,
	// once dropped, stay dropped, on any port). A Location's own user:password@ still win.
	Relogin func(host string) (authorization string, ok bool)
	// Sign, when set, signs each request to the origin typed (any origin with LocationTrusted) as it is sent,
	// every attempt anew (curl's --aws-sigv4); a request it cannot sign is not sent (a usage error).
	Sign func(req *http.Request) error
	// MaxFileSize is curl's --max-filesize: the most bytes of the final body Body gives (decoded, when it
	// decodes), refused at once when Content-Length says more; 0 means no limit.
	MaxFileSize int64
	// LimitRate is curl's --limit-rate: the most bytes a second a body is sent and received at, on average;
	// 0 means no limit.
	LimitRate int64
	// MaxHeaders is HTTPie's --max-headers: a response with more header fields than this is refused, as a
	// malformed one; 0 means no limit (the size of a head is bounded anyway).
	MaxHeaders int
	// AutoReferer is curl's -e ";auto": each redirect followed sends the URL it came from as the Referer,
	// without its credentials and fragment, and never from https to http (RFC 9110, 10.1.3).
	AutoReferer bool
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
	// Jar, when set, gives each hop the cookies for its URL (after any Cookie header the user gave) and
	// takes the cookies every response sets, redirects and retried answers included.
	Jar CookieJar
	// HSTS, when set, turns an http:// URL of a host it knows into https:// before it is sent, the one typed
	// and every redirect, and takes in every answer's Strict-Transport-Security (curl's --hsts).
	HSTS HSTS
	// RootsFrom names where the CAs trusted came from when something other than a flag chose them in place
	// of the system's ("CURL_CA_BUNDLE=/etc/corp-ca.pem", transport.TLSOptions.RootsFrom): a certificate no
	// CA of theirs issued says so.
	RootsFrom string
}

// CookieJar is the jar an exchange reads each hop's cookies from and hands every response's Set-Cookie
// lines to, for it to read them itself (session.Jar, by RFC 6265's user agent rules: net/http's parse drops
// cookies that browsers and curl keep).
type CookieJar interface {
	Cookies(u *url.URL) []*http.Cookie
	SetCookieLines(u *url.URL, lines []string)
}

// HSTS is a cache of the hosts that asked to be reached over https only (RFC 6797); session.HSTS is one.
type HSTS interface {
	Upgrade(u *url.URL) bool               // turns u into https when its host is known, reporting whether it did
	Learn(u *url.URL, resp *http.Response) // takes in a response's Strict-Transport-Security, if it counts
}

// Hop is one request sent and what came of it: a redirect, a retry, or the final answer.
type Hop struct {
	Request    *http.Request
	Response   *http.Response // nil when the hop failed
	Err        error          // why the hop failed, when it did (classified)
	Trace      *trace.Hop
	Attempt    int           // which attempt at this request, counting from 1
	Waited     time.Duration // the wait before this attempt
	RetryAfter bool          // the wait was the server's Retry-After
	Upgraded   bool          // HSTS turned the URL from http into https before it was sent
	Restarted  bool          // a retry that began the exchange again from the request typed (RetryFromStart)
}

// Observer is told what happens while an exchange runs: Hop after every hop, as soon as its response head
// arrived or it failed; Wait before every wait for a retry. Either may be nil.
type Observer struct {
	Hop  func(Hop)
	Wait func(Wait)
}

// Record returns what the trace has recorded of the hop so far; once the body is read, all of it.
func (h Hop) Record() trace.Record { return h.Trace.Snapshot() }

// Exchange is everything that happened: the request as built and every hop, in order. The document, the
// HAR, the waterfall and the checks all read it.
type Exchange struct {
	Request *request.Request
	Hops    []Hop
	// NotRetried says why a failure worth retrying was not retried (POST without Retry.AllMethods).
	NotRetried string
	ctx        context.Context // the exchange's: its deadline is -m, its cancellation an interrupt
	maxTime    time.Duration
	maxLimit   string // what maxTime bounds, as a timeout names it: "total", or each "attempt"
	maxSize    int64
	cancel     context.CancelFunc
}

// Err reports, once the exchange's time is up or it was interrupted, the failure that is, typed as any other
// (a total timeout, exit 28; an interrupt, 130); nil while the exchange may go on. Work done after the body
// arrived (formatting it, writing it out) checks it, so that -m and Ctrl-C still end hop at once.
func (e *Exchange) Err() error {
	if e.ctx == nil || e.ctx.Err() == nil {
		return nil
	}
	if errors.Is(context.Cause(e.ctx), errTotalTimeout) {
		return timeout(e.maxLimit, e.maxTime, "the body to be shown", e.ctx.Err())
	}
	return failure(Interrupted, "the body to be shown", e.ctx.Err(), "interrupted")
}

// Final returns the last hop if it got a response, or nil.
func (e *Exchange) Final() *http.Response {
	if n := len(e.Hops); n > 0 {
		return e.Hops[n-1].Response
	}
	return nil
}

// Trailer is the final response's trailer once its body was read to its end; nil before that, or when
// none came. Until then an HTTP/2 or HTTP/3 transport may still be writing resp.Trailer.
func (e *Exchange) Trailer() http.Header {
	n := len(e.Hops)
	if n == 0 || e.Hops[n-1].Response == nil || !e.Hops[n-1].Record().BodyComplete {
		return nil
	}
	var t http.Header
	for name, values := range e.Hops[n-1].Response.Trailer {
		if len(values) > 0 { // a name announced and never sent has none
			if t == nil {
				t = http.Header{}
			}
			t[name] = values
		}
	}
	return t
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

// start is when -m began to run: Options.Start, or now.
func (c *Client) start() time.Time {
	if c.Options.Start.IsZero() {
		return time.Now()
	}
	return c.Options.Start
}

// maxTimeLimit is what -m bounds, as a timeout names it: the "total", or each "attempt" (MaxTimeEach).
func (c *Client) maxTimeLimit() string {
	if c.Options.MaxTimeEach {
		return "attempt"
	}
	return "total"
}

// within is ctx bounded by -m (MaxTime from start), its deadline's cause errTotalTimeout.
func (c *Client) within(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.Options.MaxTime <= 0 || c.Options.MaxTimeEach {
		return context.WithCancel(ctx)
	}
	return context.WithDeadlineCause(ctx, c.start().Add(c.Options.MaxTime), errTotalTimeout)
}

// credentialHeaders never cross an origin on a redirect unless LocationTrusted.
var credentialHeaders = []string{"Authorization", "Cookie", "Proxy-Authorization"}

// curlHost is u's host as curl's Host field says it: the port as the number it is, and none when it is the
// scheme's own.
func curlHost(u *url.URL) string {
	port := u.Port()
	if port == "" {
		return u.Host
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return u.Host
	}
	host := strings.TrimSuffix(u.Host, ":"+port) // the brackets of an IPv6 address kept
	if n == 80 && u.Scheme == "http" || n == 443 && u.Scheme == "https" {
		return host
	}
	return host + ":" + strconv.FormatUint(n, 10)
}

// Do sends r and, with Follow, follows its redirects by hand; with Retry, it sends an attempt again after a
// failure worth retrying. Each hop is traced and passed to the observer. Authorization, Cookie and
// Proxy-Authorization are dropped for good once the origin (scheme, host or port) changes; credentials a
// Location carries (user:password@) are sent to the URL it names; no Referer is added unless AutoReferer; https → http is
// refused unless AllowDowngrade; only http and https are followed. A 417 to a request that asked
// 100-continue sends it again without the expectation, as curl does.
//
// The final response's body is left open for the caller, within the total deadline, with read errors typed
// as *Error; Close releases both. Do always returns an Exchange, holding the hops sent so far when it fails.
func (c *Client) Do(ctx context.Context, r *request.Request, obs Observer) (*Exchange, error) {
	return c.DoAttempt(ctx, r, obs, 1)
}

// DoAttempt is Do for a request sent as attempt first of Retry's (counting from 1): the attempts left to it
// are those Retry allows after that one. cmd resumes a failed download so, once ResumeAfter said to: the
// rest of the body is asked for within the same --retry, not with a budget of its own.
func (c *Client) DoAttempt(ctx context.Context, r *request.Request, obs Observer, first int) (*Exchange, error) {
	ex := &Exchange{Request: r, maxTime: c.Options.MaxTime, maxLimit: c.maxTimeLimit(), maxSize: c.Options.MaxFileSize}
	if c.Options.Context != nil {
		ctx = c.Options.Context(ctx)
	}
	ctx, ex.cancel = c.within(ctx)
	whole := ctx // the exchange's own: an interrupt ends it, and -m unless MaxTimeEach
	eachAttempt := c.Options.MaxTimeEach && c.Options.MaxTime > 0
	var endAttempt context.CancelFunc
	newAttempt := func(from time.Time) { // MaxTimeEach: the attempt about to be sent has -m of its own
		if !eachAttempt {
			return
		}
		if endAttempt != nil {
			endAttempt()
		}
		ctx, endAttempt = context.WithDeadlineCause(whole, from.Add(c.Options.MaxTime), errTotalTimeout)
		ex.ctx = ctx
	}
	ex.ctx = ctx
	if eachAttempt {
		from := c.start()
		if first > 1 {
			from = time.Now() // a download resumed (cmd's ResumeAfter): the attempt starts now
		}
		newAttempt(from)
		endWhole := ex.cancel
		ex.cancel = func() { endAttempt(); endWhole() }
	}
	// One pass through the request typed and its redirects: begin sets its state, at the start and again
	// when RetryFromStart's retry begins the exchange anew (cookies the answers set stay in the jar).
	var (
		cur                     request.Request
		upgraded                bool   // HSTS turned the URL about to be sent from http into https
		origin                  string // the origin of the request about to be sent
		redirects               int    // followed so far: the limit counts them, not retries or answers to a challenge
		answered, expectDropped bool
		// challenge is the 401 whose challenge Challenge answered, from challengeOrigin, uses how many
		// requests its answer went with, and reanswer whether the request about to be sent (a redirect
		// there) answers it at once.
		challenge       *http.Response
		challengeOrigin string
		uses            int
		reanswer        bool
		// Probe's rule holds until the probe drew its answer; ProxyProbe's until the proxy's challenge did.
		probing, proxyProbing bool
		proxyAnswered         bool // the request about to be sent goes again to answer its proxy's challenge
	)
	begin := func() {
		cur = *r
		cur.Header = r.Header.Clone()
		upgraded = c.upgrade(&cur.URL)
		origin, redirects = request.Origin(cur.URL), 0
		answered, expectDropped = false, false
		challenge, reanswer = nil, false
		probing = c.Options.Probe && c.Options.Challenge != nil
		proxyProbing, proxyAnswered = c.Options.ProxyProbe != nil && c.Options.ProxyChallenge != nil, false
	}
	begin()
	if !protocolAllowed(c.Options.Protocols, cur.URL.Scheme) {
		return ex, failure(Usage, "", nil, "%s: --proto allows %s; nothing was sent", cur.URL.Redacted(), protocolsWord(c.Options.Protocols))
	}
	retry := newRetrier(c.Options.Retry, time.Now())
	defer func() { ex.NotRetried = retry.notRetried }()
	typed := origin                // the origin credentials were given for
	serverSet := map[string]bool{} // the cookie names this exchange's answers set: addCookies
	attempt, waited, retryAfter := max(first, 1), time.Duration(0), false
	left := map[string]bool{cur.URL.Hostname(): true} // the hosts whose credentials Relogin never gives again
	// fresh is the attempt number of a request sent anew in the exchange (a redirect, an answer to a
	// challenge): its own first, but the exchange's current one when RetryFromStart.
	fresh := func() int {
		if c.Options.RetryFromStart {
			return attempt
		}
		return 1
	}
	// restart begins the exchange again for RetryFromStart's retry, once a redirect was followed: the
	// request typed, none of the redirects, challenges or probes since.
	restarted := false // the hop about to be sent begins the exchange again
	restart := func() {
		if c.Options.RetryFromStart && redirects > 0 {
			begin()
			restarted = true
		}
	}
	for {
		send := &cur
		probe := probing && cur.Body != nil && (request.Origin(cur.URL) == typed || c.Options.LocationTrusted) ||
			proxyProbing && cur.Body != nil && c.Options.ProxyProbe(ctx, cur.URL)
		if probe {
			send = probeOf(&cur)
		}
		req, err := send.HTTPRequest(ctx)
		if err != nil {
			return ex, err
		}
		if reanswer {
			reanswer = false
			if authz, ok := c.Options.Challenge(challenge, req, uses); ok {
				req.Header.Set("Authorization", authz)
				cur.Header.Set("Authorization", authz)
				uses++
			}
		}
		if c.Options.CurlHost && (req.Host == "" || req.Host == req.URL.Host) {
			req.Host = curlHost(req.URL) // before signing, which signs the Host sent
		}
		if c.Options.Sign != nil && (request.Origin(cur.URL) == typed || c.Options.LocationTrusted) {
			if err := c.Options.Sign(req); err != nil {
				return ex, failure(Usage, "", err, "%v; nothing was sent", err)
			}
		}
		if rate := c.Options.LimitRate; rate > 0 && req.Body != nil && req.Body != http.NoBody {
			req.Body = throttle(ctx, req.Body, rate)
			if open := req.GetBody; open != nil {
				req.GetBody = func() (io.ReadCloser, error) {
					rc, err := open()
					if err != nil {
						return nil, err
					}
					return throttle(ctx, rc, rate), nil
				}
			}
		}
		c.addCookies(req, serverSet)
		resp, th, err := trace.RoundTrip(c.Transport, req)
		if err == nil && send.Body != nil {
			if changed := send.Body.Changed(); changed != nil {
				// The answer is to a request cut short (HTTP/3 returns it): the file is the failure.
				resp.Body.Close()
				resp, err = nil, changed
			}
		}
		if err == nil && resp.TLS == nil && req.URL.Scheme == "https" {
			// Over HTTP/1.1 net/http finds hop's head tap, not a *tls.Conn, and leaves the response's TLS
			// state out (HSTS learns only from a verified answer); the trace has it.
			resp.TLS = th.Snapshot().TLS
		}
		if err == nil && resp.StatusCode < 100 {
			resp, err = nil, invalidStatus(resp, th.Snapshot().Host)
		}
		if err == nil && c.Options.MaxHeaders > 0 {
			if n := fieldCount(resp.Header); n > c.Options.MaxHeaders {
				resp.Body.Close()
				resp, err = nil, malformed(th.Snapshot().Host, "", nil, fmt.Sprintf("%d header fields, more than --max-headers %d", n, c.Options.MaxHeaders))
			}
		}
		if err == nil && c.Jar != nil {
			c.Jar.SetCookieLines(req.URL, resp.Header.Values("Set-Cookie"))
			setNames(serverSet, resp.Header.Values("Set-Cookie"))
		}
		if err == nil && c.HSTS != nil {
			c.HSTS.Learn(req.URL, resp)
		}
		hop := Hop{Request: req, Response: resp, Trace: th, Attempt: attempt, Waited: waited, RetryAfter: retryAfter, Upgraded: upgraded, Restarted: restarted}
		restarted = false
		var (
			wait  time.Duration
			again bool
		)
		if err != nil {
			rec := th.Snapshot()
			err = c.classify(ctx, err, rec)
			hop.Err = err
			ex.Hops = append(ex.Hops, hop)
			if obs.Hop != nil {
				obs.Hop(hop)
			}
			if whole.Err() == nil {
				wait, again = retry.afterError(err, req.Method, !rec.Events.GotConn.IsZero(), attempt, time.Now())
			}
			if !again {
				return ex, err
			}
			retryAfter = false
			if err := c.pause(whole, obs, Wait{Attempt: attempt + 1, Of: retry.N + 1, For: wait, Reason: err.Error()}); err != nil {
				return ex, err
			}
			newAttempt(time.Now())
			restart()
			attempt, waited = attempt+1, wait
			continue
		}
		if c.Options.LimitRate > 0 {
			resp.Body = throttle(ctx, resp.Body, c.Options.LimitRate)
		}
		resp.Body = &checkedBody{ReadCloser: resp.Body, ctx: ctx, client: c, hop: th, length: resp.ContentLength}
		ex.Hops = append(ex.Hops, hop)
		if obs.Hop != nil {
			obs.Hop(hop)
		}
		wait, retryAfter, again = retry.afterStatus(resp, req.Method, attempt, time.Now())
		if again {
			drain(resp.Body)
			reason := strings.TrimSpace(strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode))
			if err := c.pause(whole, obs, Wait{Attempt: attempt + 1, Of: retry.N + 1, For: wait, RetryAfter: retryAfter, Reason: reason}); err != nil {
				return ex, err
			}
			newAttempt(time.Now())
			restart()
			attempt, waited = attempt+1, wait
			continue
		}

		if resp.StatusCode == http.StatusUnauthorized && c.Options.Challenge != nil && !answered &&
			(request.Origin(cur.URL) == typed || c.Options.LocationTrusted) {
			if authz, ok := c.Options.Challenge(resp, req, 0); ok {
				drain(resp.Body)
				cur.Header.Set("Authorization", authz)
				challenge, challengeOrigin, uses = resp, request.Origin(cur.URL), 1
				answered, probing = true, false
				attempt, waited, retryAfter = fresh(), 0, false // the same request, answering: its own attempts
				continue
			}
		}
		if resp.StatusCode == http.StatusProxyAuthRequired && c.Options.ProxyChallenge != nil && !proxyAnswered {
			if c.Options.ProxyChallenge(resp, req) {
				drain(resp.Body)
				proxyAnswered, proxyProbing = true, false
				attempt, waited, retryAfter = fresh(), 0, false // the same request, answering: its own attempts
				continue
			}
		}
		if probe && resp.StatusCode >= 200 && resp.StatusCode < 300 {
			// No challenge came: the request goes again with its body, as curl sends it.
			drain(resp.Body)
			probing, proxyProbing = false, false
			attempt, waited, retryAfter = fresh(), 0, false
			continue
		}

		if resp.StatusCode == http.StatusExpectationFailed && !expectDropped && strings.EqualFold(cur.Header.Get("Expect"), "100-continue") {
			// The server will not take the expectation (RFC 9110, 10.1.1): the request goes again without
			// it, as curl sends it, the body this time straight after the head.
			drain(resp.Body)
			cur.Header.Del("Expect")
			expectDropped = true
			attempt, waited, retryAfter = fresh(), 0, false
			continue
		}

		next, up, err := c.redirect(&cur, resp, redirects+1)
		if next == nil || err != nil {
			return ex, err
		}
		upgraded = up
		drain(resp.Body)
		trace.Following(ctx, trace.Redirect{From: cur.URL, To: next, Trusted: c.Options.LocationTrusted})
		if to := request.Origin(next); to != origin {
			if !c.Options.LocationTrusted {
				// Once dropped, credentials stay dropped, even if a later hop comes back to the first origin.
				for _, h := range credentialHeaders {
					cur.Header.Del(h)
				}
			}
			origin = to
			// A host the exchange left keeps its credentials dropped for good, another port of it too; one
			// new to the exchange may have its own.
			if host := next.Hostname(); c.Options.Relogin != nil && !left[host] {
				if authz, ok := c.Options.Relogin(host); ok {
					cur.Header.Set("Authorization", authz)
				}
			}
			left[cur.URL.Hostname()] = true
		}
		// The answer goes on to the challenge's origin, unless the credentials were dropped on the way (they
		// stay dropped) or the Location brings its own.
		reanswer = challenge != nil && request.Origin(next) == challengeOrigin && cur.Header.Get("Authorization") != ""
		if u := next.User; u != nil && u != cur.URL.User {
			// curl's rule: credentials the Location carries are sent, as Basic auth, to the URL it names, in
			// place of any others (they were given for that origin, by the server that named it). A relative
			// Location carries none: ResolveReference copied the typed URL's (the same *Userinfo) into it,
			// and what the first hop sent for them (-u's, a Digest answer's) goes on.
			if pass, _ := u.Password(); u.Username() != "" || pass != "" {
				cur.SetBasicAuth(u.Username(), pass)
				reanswer = false
			}
		}
		if cur.Host != "" && !strings.EqualFold(next.Host, cur.URL.Host) {
			cur.Host = "" // a Host override belongs to the host it was given for
		}
		if c.Options.AutoReferer {
			from := *cur.URL
			from.User, from.Fragment, from.RawFragment = nil, "", ""
			if from.Scheme == "https" && next.Scheme != "https" {
				cur.Header.Del("Referer")
			} else {
				cur.Header.Set("Referer", from.String())
			}
		}
		cur.URL, cur.Target = next, ""                  // a request target belongs to the URL it was given with
		attempt, waited, retryAfter = fresh(), 0, false // a new request: its own attempts (but RetryFromStart)
		answered, proxyAnswered = false, false
		redirects++
	}
}

// probeOf is the probe Options.Probe sends for r: r without its body, announced as none (Content-Length:
// 0), without Expect.
func probeOf(r *request.Request) *request.Request {
	p := *r
	p.Body, p.Chunked = nil, false
	p.Header = r.Header.Clone()
	p.Header.Del("Expect")
	return &p
}

// upgrade turns *u into https when HSTS knows its host, on a copy (the request typed keeps its URL), and
// reports whether it did.
func (c *Client) upgrade(u **url.URL) bool {
	if c.HSTS == nil || (*u).Scheme != "http" {
		return false
	}
	next := **u
	if !c.HSTS.Upgrade(&next) {
		return false
	}
	*u = &next
	return true
}

// invalidStatus refuses a final response from host whose code is below 100, which net/http passes on (it
// checks only that the code is a number), and closes its body. RFC 9110 asks a client to treat any code
// outside 100..599 as a 5xx; one above 599 is shown and fails as a 5xx, but one below 100 cannot be told from
// a broken status line, and curl refuses it ("Unsupported response code"), as net/http refuses a code that
// is not a number: a malformed response.
func invalidStatus(resp *http.Response, host string) error {
	resp.Body.Close()
	code, _, _ := strings.Cut(resp.Status, " ")
	return malformed(host, "", nil, fmt.Sprintf("status code %q is below 100", code))
}

// fieldCount is the number of fields of a head: a name given twice counts twice, as it was received.
func fieldCount(h http.Header) int {
	n := 0
	for _, vv := range h {
		n += len(vv)
	}
	return n
}

// addCookies adds the jar's cookies for req's URL to the Cookie header, after what the user gave; one of
// a name the user gave is left out, until the server sets that name (serverSet, the names this exchange's
// answers set) for this URL: from then on the server's is sent, and the typed one left out.
func (c *Client) addCookies(req *http.Request, serverSet map[string]bool) {
	if c.Jar == nil {
		return
	}
	cookies := c.Jar.Cookies(req.URL)
	if len(cookies) == 0 {
		return
	}
	replaced := map[string]bool{}
	for _, ck := range cookies {
		if serverSet[ck.Name] {
			replaced[ck.Name] = true
		}
	}
	parts := make([]string, 0, len(cookies)+1)
	typed := map[string]bool{}
	for _, given := range req.Header.Values("Cookie") { // every value: all go in the one header set below
		if given == "" {
			continue
		}
		kept := given
		if len(replaced) > 0 {
			kept = withoutNames(given, replaced)
		}
		if kept != "" {
			parts = append(parts, kept)
		}
		for _, pair := range strings.Split(kept, ";") {
			name, _, _ := strings.Cut(pair, "=")
			typed[strings.TrimSpace(name)] = true
		}
	}
	for _, ck := range cookies {
		if !typed[ck.Name] { // a cookie typed wins over the jar's of its name (README: Cookies)
			parts = append(parts, ck.Name+"="+ck.Value)
		}
	}
	req.Header.Set("Cookie", strings.Join(parts, "; "))
}

// withoutNames is a Cookie header's value without the pairs of the names given.
func withoutNames(header string, names map[string]bool) string {
	var kept []string
	for _, pair := range strings.Split(header, ";") {
		name, _, _ := strings.Cut(pair, "=")
		if pair = strings.TrimSpace(pair); pair != "" && !names[strings.TrimSpace(name)] {
			kept = append(kept, pair)
		}
	}
	return strings.Join(kept, "; ")
}

// setNames adds to names the names of the cookies Set-Cookie lines set (or delete).
func setNames(names map[string]bool, lines []string) {
	for _, line := range lines {
		pair, _, _ := strings.Cut(line, ";")
		if name, _, ok := strings.Cut(pair, "="); ok && strings.TrimSpace(name) != "" {
			names[strings.TrimSpace(name)] = true
		}
	}
}

// pause tells the observer about a wait for a retry, then waits; the total deadline and interrupts end it.
func (c *Client) pause(ctx context.Context, obs Observer, w Wait) error {
	if obs.Wait != nil {
		obs.Wait(w)
	}
	if err := sleep(ctx, w.For); err != nil {
		phase := fmt.Sprintf("attempt %d of %d", w.Attempt, w.Of)
		if errors.Is(context.Cause(ctx), errTotalTimeout) {
			return timeout("total", c.Options.MaxTime, phase, err)
		}
		return failure(Interrupted, phase, err, "interrupted")
	}
	return nil
}

// checkedBody types the errors of a response body: timeouts name their limit and phase, anything else that
// stops the body before its end is a Body failure.
type checkedBody struct {
	io.ReadCloser
	ctx    context.Context
	client *Client
	hop    *trace.Hop
	length int64 // the Content-Length; -1 when the head gave none
}

func (b *checkedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		cause := err
		rec := b.hop.Snapshot()
		err = b.client.classify(b.ctx, err, rec)
		switch c := ClassOf(err); {
		case c == Timeout || c == Interrupted:
		case errors.Is(cause, io.ErrUnexpectedEOF) && b.length > 0:
			// curl: "transfer closed with 90 bytes remaining to read".
			err = failure(Body, "the rest of the body", cause, "the response body ended early: %s sent %d of the %d bytes its Content-Length promised", rec.Host, rec.BodyBytes, b.length)
		case errors.Is(cause, io.ErrUnexpectedEOF):
			err = failure(Body, "the rest of the body", cause, "the response body ended early: %s stopped before its end (%d bytes came)", rec.Host, rec.BodyBytes)
		case errors.Is(cause, syscall.ECONNRESET):
			err = failure(Body, "the rest of the body", cause, "the response body ended early: %s reset the connection (%d bytes came)", rec.Host, rec.BodyBytes)
		case errors.Is(cause, syscall.EPIPE) || h2Closed(cause) || wroteOnClosed(cause):
			// HTTP/2 writes as the body comes (WINDOW_UPDATE, PING's answer), and reads beside it: the server
			// had closed its end, or net/http had closed the connection on the server's protocol error (a
			// race with the read that would have said so: the same server gets either).
			err = failure(Body, "the rest of the body", cause, "the response body ended early: %s closed the connection (%d bytes came)", rec.Host, rec.BodyBytes)
		default:
			what := cmp.Or(bodyBroken(rec.Host, cause.Error()), cause.Error())
			err = failure(Body, "the rest of the body", cause, "the response body ended early or is malformed: %s", what)
		}
	}
	return n, err
}

// wroteOnClosed says err is a write on a TCP connection net/http had closed already ("write tcp a->b: use
// of closed network connection"). Only a write's: QUIC's errors are net.ErrClosed too, and say more.
func wroteOnClosed(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "write" && errors.Is(op.Err, net.ErrClosed)
}

// drain reads a little of a redirect's body so the connection can be reused, then closes it.
func drain(body io.ReadCloser) {
	io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	body.Close()
}
