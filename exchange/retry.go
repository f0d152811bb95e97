package exchange

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hop-cli/hop/decompress"
)

// Retry says when and how often a failed attempt is sent again. Each attempt is a hop of its own.
type Retry struct {
	N          int           // retries after the first attempt of each request; 0 means none
	Delay      time.Duration // the backoff's base: the first wait is up to Delay, then doubling, full jitter
	MaxTime    time.Duration // the budget for all retries, waits included, from the start; 0 means none
	AllMethods bool          // also retry methods that are not idempotent (POST, PATCH, unknown ones)
	// AllErrors retries after any failure of the exchange but a usage error or an interrupt (curl's
	// --retry-all-errors), not only connect errors, timeouts and empty replies; ErrorStatuses retries any
	// 4xx or 5xx too (cmd leaves it off where the status rule is not in force).
	AllErrors, ErrorStatuses bool
	// Curl is curl 7.88's rules (hop curl's): a name that did not resolve is retried (curl counts it a
	// timeout), an empty reply only with AllErrors, a connect error only with AllErrors or, when it was
	// refused, ConnRefused (curl's --retry-connrefused); waits are curl's (curlWait).
	Curl, ConnRefused bool
}

// Wait is what the observer is told before hop waits to send an attempt again.
type Wait struct {
	Attempt    int           // the attempt about to be sent, counting from 1
	Of         int           // the most attempts there will be
	For        time.Duration // how long hop waits before sending it
	RetryAfter bool          // the wait is the server's Retry-After, not the backoff
	Reason     string        // what went wrong: "503 Service Unavailable", or the failure's line
}

const (
	defaultRetryDelay = time.Second
	maxBackoff        = time.Minute     // the longest a backoff wait grows
	maxRetryAfter     = 5 * time.Minute // the longest Retry-After honoured when no budget bounds it
)

// retryableStatus are the answers worth asking again: the server says it is busy or broke for a moment.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// Resends reports whether r sends a request of method again after a failure worth it, once connected: any
// method with AllMethods, else an idempotent one.
func (r Retry) Resends(method string) bool { return r.AllMethods || idempotent(method) }

// idempotent methods may be sent twice without harm (RFC 9110, 9.2.2).
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, "TRACE", http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// retrier decides, after each attempt of one exchange, whether to send it again and after how long.
type retrier struct {
	Retry
	start      time.Time
	jitter     func(n int64) int64 // a uniform number in [0, n)
	fixed      bool                // Delay was given: with Curl, every wait is Delay
	notRetried string              // why a failure worth retrying was not retried
}

func newRetrier(r Retry, start time.Time) *retrier {
	fixed := r.Delay > 0
	if !fixed {
		r.Delay = defaultRetryDelay
	}
	return &retrier{Retry: r, start: start, jitter: rand.Int64N, fixed: fixed}
}

// afterError says whether an attempt that failed with err is sent again, and the wait before it. An attempt
// that never got a connection sent nothing, so it is retried whatever the method; one that did (a timeout
// waiting for the answer, an empty reply) may have reached the server, so only an idempotent method is,
// unless AllMethods or the server said it processed nothing.
func (r *retrier) afterError(err error, method string, connected bool, attempt int, now time.Time) (time.Duration, bool) {
	switch ClassOf(err) {
	case EmptyReply:
		if r.Curl && !r.AllErrors {
			return 0, false
		}
	case Connect:
		if r.Curl && !r.AllErrors && !(r.ConnRefused && errors.Is(err, syscall.ECONNREFUSED)) {
			return 0, false
		}
	case Timeout:
	case Resolve:
		if !r.Curl && !r.AllErrors {
			return 0, false
		}
	case Usage, Interrupted, TooLarge:
		return 0, false
	default:
		if !r.AllErrors {
			return 0, false
		}
	}
	var refused unprocessed
	if connected && !r.Resends(method) && !errors.As(err, &refused) {
		r.held(method, attempt)
		return 0, false
	}
	return r.wait(attempt, 0, false, now)
}

// afterStatus says whether a response is asked for again, and the wait before it: a Retry-After in seconds
// or as a date is honoured, up to the budget.
func (r *retrier) afterStatus(resp *http.Response, method string, attempt int, now time.Time) (time.Duration, bool, bool) {
	if !retryableStatus(resp.StatusCode) && !(r.ErrorStatuses && resp.StatusCode >= 400) {
		return 0, false, false
	}
	if !r.Resends(method) {
		r.held(method, attempt)
		return 0, false, false
	}
	after, ok := retryAfter(resp.Header.Get("Retry-After"), now)
	d, retry := r.wait(attempt, after, ok, now)
	return d, ok, retry
}

// held notes that a retry was due but the method is not idempotent.
func (r *retrier) held(method string, attempt int) {
	if attempt <= r.N {
		r.notRetried = fmt.Sprintf("%s was not retried: it is not idempotent, and sending it twice may do it twice (--retry-all-methods allows it)", method)
	}
}

// wait is the time before attempt+1, when there is one: the server's Retry-After when given, else the
// backoff with full jitter; shortened to what is left of the budget, and no retry once it is spent.
func (r *retrier) wait(attempt int, after time.Duration, given bool, now time.Time) (time.Duration, bool) {
	if attempt > r.N {
		return 0, false
	}
	if r.Curl {
		return r.curlWait(attempt, after, given, now)
	}
	d := after
	if !given {
		ceiling := r.Delay << min(attempt-1, 30)
		if ceiling > maxBackoff || ceiling <= 0 {
			ceiling = maxBackoff
		}
		d = time.Duration(r.jitter(int64(ceiling) + 1))
	}
	if r.MaxTime > 0 {
		left := r.start.Add(r.MaxTime).Sub(now)
		if left <= 0 {
			return 0, false
		}
		d = min(d, left)
	} else {
		d = min(d, maxRetryAfter)
	}
	return d, true
}

// curlWait is curl 7.88's wait before attempt+1: no retry once MaxTime has passed since the start; the
// server's Retry-After when given (none when it would end past MaxTime; without MaxTime no longer than
// hop's own cap); else Delay each time when it was given, or 1 s doubling to 10 minutes, whole, without
// jitter.
func (r *retrier) curlWait(attempt int, after time.Duration, given bool, now time.Time) (time.Duration, bool) {
	spent := now.Sub(r.start)
	switch {
	case r.MaxTime > 0 && spent >= r.MaxTime:
		return 0, false
	case given && r.MaxTime <= 0:
		return min(after, maxRetryAfter), true // curl would sleep as long as a server says; hop never hangs so
	case given:
		return after, spent+after <= r.MaxTime
	case r.fixed:
		return r.Delay, true
	}
	return min(defaultRetryDelay<<min(attempt-1, 20), curlMaxBackoff), true
}

// curlMaxBackoff is curl's RETRY_SLEEP_MAX, the longest its doubling wait grows.
const curlMaxBackoff = 10 * time.Minute

// retryAfter reads a Retry-After header: delay-seconds or an HTTP date (RFC 9110, 10.2.3). A date in the
// past means now.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, 1<<32)) * time.Second, true // the cap keeps the product in range
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ResumeAfter is --retry's answer to a body that failed after the exchange returned it, on its way to a file
// (cmd then asks for the rest with Range, as -C does): whether to send attempt (counting from 2) after err,
// for method. Only what a retry would answer before the body is retried (a timeout, a body cut short, an
// empty reply; anything but a usage error or an interrupt with AllErrors), and only a body sent as stored:
// a decoded one cannot be resumed by its bytes. The wait is announced to obs and slept here, within -m; an
// interrupt or -m running out is returned as the error.
func (c *Client) ResumeAfter(ctx context.Context, obs Observer, err error, resp *http.Response, attempt int) (bool, error) {
	if resp == nil {
		return false, nil
	}
	r := newRetrier(c.Options.Retry, c.start())
	switch ClassOf(err) {
	case Timeout, Body, EmptyReply: // (a body sent as stored is never decoded: Body is one cut short)
	case Usage, Interrupted, Check, TooLarge: // (the rest of a body too large would make a file larger still)
		return false, nil
	default:
		if !r.AllErrors {
			return false, nil
		}
	}
	if ce := decompress.Of(resp.Header); ce != "" && !strings.EqualFold(ce, "identity") {
		return false, nil
	}
	if !r.Resends(resp.Request.Method) {
		return false, nil
	}
	ctx, cancel := c.within(ctx)
	defer cancel()
	if errors.Is(context.Cause(ctx), errTotalTimeout) {
		return false, nil // -m has run out: the failure stands
	}
	wait, again := r.wait(attempt-1, 0, false, time.Now())
	if !again {
		return false, nil
	}
	if err := c.pause(ctx, obs, Wait{Attempt: attempt, Of: r.N + 1, For: wait, Reason: err.Error()}); err != nil {
		return false, err
	}
	return true, nil
}
