package transport

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"os"
	"sync"
	"time"
)

// HeadTimeoutError is a response head that did not come within the idle limit of the request being sent,
// or of the last part of it that came (its first byte, a 1xx). The connection's idle deadline cannot see
// this: an HTTP/2 or HTTP/3 server that sends PING frames, or an HTTP/1 server that drips its head a byte
// at a time, keeps bytes moving and the answer never comes.
type HeadTimeoutError struct{ After time.Duration }

func (e *HeadTimeoutError) Error() string {
	return fmt.Sprintf("no response head within %s of the request or of its last part", e.After)
}

// Timeout marks it a timeout (net.Error's method), as a connection's deadline is.
func (e *HeadTimeoutError) Timeout() bool { return true }

// Is makes it an os.ErrDeadlineExceeded, the idle limit's own error.
func (e *HeadTimeoutError) Is(target error) bool { return target == os.ErrDeadlineExceeded }

// headWatch bounds the wait for one round trip's response head by idle, counted from the request written
// and again from each sign that the answer is coming: the head's first byte, each 1xx. Until the request is
// written it does not count: a 100 Continue (or an early 103) comes before an upload that may take longer
// than idle, and the connection's own deadline watches a stalled one.
type headWatch struct {
	mu     sync.Mutex
	idle   time.Duration
	timer  *time.Timer
	sent   bool // the request was written
	over   bool // the round trip returned: the watch ends
	cancel context.CancelCauseFunc
}

// watchHead returns req under a context the watch cancels with a *HeadTimeoutError, and the watch.
func watchHead(req *http.Request, idle time.Duration) (*http.Request, *headWatch) {
	ctx, cancel := context.WithCancelCause(req.Context())
	w := &headWatch{idle: idle, cancel: cancel}
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest:         func(httptrace.WroteRequestInfo) { w.arm(true) },
		GotFirstResponseByte: func() { w.arm(false) },
		Got1xxResponse:       func(int, textproto.MIMEHeader) error { w.arm(false); return nil },
	})
	return req.WithContext(ctx), w
}

// arm starts the watch's count again, or starts it when sent says the request is now written.
func (w *headWatch) arm(sent bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sent = w.sent || sent
	switch {
	case w.over || !w.sent:
	case w.timer == nil:
		w.timer = time.AfterFunc(w.idle, w.fire)
	default:
		w.timer.Reset(w.idle)
	}
}

func (w *headWatch) fire() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.over {
		w.cancel(&HeadTimeoutError{After: w.idle})
	}
}

// end ends the watch on the round trip's outcome: its error becomes the watch's when the watch stopped
// it, and a response's body is read under the watch's context, released when the body is closed.
func (w *headWatch) end(ctx context.Context, resp *http.Response, err error) (*http.Response, error) {
	w.mu.Lock()
	w.over = true
	if w.timer != nil {
		w.timer.Stop()
	}
	w.mu.Unlock()
	timedOut, _ := context.Cause(ctx).(*HeadTimeoutError)
	switch {
	case timedOut != nil && err == nil:
		resp.Body.Close() // the head came as the limit ran out: its body cannot be read under a cancelled context
		fallthrough
	case timedOut != nil:
		w.cancel(nil)
		return nil, timedOut
	case err != nil:
		w.cancel(nil)
		return nil, err
	case resp.Body == http.NoBody:
		w.cancel(nil)
		return resp, nil
	}
	resp.Body = cancelOnClose{resp.Body, w.cancel}
	return resp, nil
}
