package transport

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hop-cli/hop/trace"
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

// BodyTimeoutError is a read of the response body that waited the idle limit for a byte, or a request
// body the transport took nothing more of for that long (a server that opens no flow-control window).
type BodyTimeoutError struct {
	After  time.Duration
	Upload bool // the request's body, not the response's
}

func (e *BodyTimeoutError) Error() string {
	if e.Upload {
		return fmt.Sprintf("the request body took no step for %s", e.After)
	}
	return fmt.Sprintf("no byte of the response body for %s", e.After)
}

// Timeout marks it a timeout (net.Error's method), as a connection's deadline is.
func (e *BodyTimeoutError) Timeout() bool { return true }

// Is makes it an os.ErrDeadlineExceeded, the idle limit's own error.
func (e *BodyTimeoutError) Is(target error) bool { return target == os.ErrDeadlineExceeded }

// waitWatch is the idle limit of one round trip, on the waits hop itself makes rather than on its
// connection: HTTP/2 and HTTP/3 read the connection ahead of hop, so a connection goes quiet whenever hop's
// reader pauses (hop get … | less) and the server's window is full, and stays busy with PINGs while the
// answer never comes. It bounds:
//   - the wait for the response head, counted from the request written and again from each sign that the
//     answer is coming: the head's first byte, each 1xx. Until the request is written it does not count: a
//     100 Continue (or an early 103) comes before an upload that may take longer than idle;
//   - each read of the response body: a byte within idle;
//   - the request body, while it is sent: the transport takes its first part within idle of the head
//     written (and of the wait for a 100 Continue, when the request asks for one), and each next part within
//     idle of the last (over HTTP/2 and HTTP/3 it waits for the server's flow-control window).
type waitWatch struct {
	mu     sync.Mutex
	idle   time.Duration
	timer  *time.Timer // the head's count, then the body's checks
	sent   bool        // the request was written
	over   bool        // the round trip returned: the head's count ended
	closed bool        // the body was closed: the watch ended
	cancel context.CancelCauseFunc

	reading atomic.Int64 // when the pending read of the response body began (Unix ns); 0: none pending
	// pulled is when the transport last took part of the request body, or when it may first take it (the
	// head written, plus the wait for a 100 Continue); 0: not yet, taking now, or sent.
	pulled  atomic.Int64
	taking  atomic.Bool              // the transport is reading the request body (a slow producer is not the server's wait)
	upload  bool                     // the request has a body
	conn    atomic.Pointer[idleConn] // the connection the request went on, when it is timed (HTTP/1.1 holds it, see idleConn.hold)
	expects time.Duration            // how long the transport waits for a 100 Continue before it takes the body
}

// watchWaits returns req under a context the watch cancels with a timeout error, and the watch. expect100
// is how long the transport waits for a 100 Continue before it sends a body anyway.
func watchWaits(req *http.Request, idle, expect100 time.Duration) (*http.Request, *waitWatch) {
	ctx, cancel := context.WithCancelCause(req.Context())
	w := &waitWatch{idle: idle, cancel: cancel}
	if strings.EqualFold(req.Header.Get("Expect"), "100-continue") {
		w.expects = expect100
	}
	ctx = trace.With(ctx, &httptrace.ClientTrace{
		WroteHeaders:         w.headWritten,
		WroteRequest:         func(httptrace.WroteRequestInfo) { w.arm(true) },
		GotFirstResponseByte: func() { w.arm(false) },
		Got1xxResponse:       func(int, textproto.MIMEHeader) error { w.arm(false); return nil },
		GotConn: func(info httptrace.GotConnInfo) {
			if ic := idleOf(info.Conn); ic != nil {
				w.conn.Store(ic)
			}
		},
	})
	req = req.WithContext(ctx)
	if req.Body != nil && req.Body != http.NoBody {
		w.upload = true
		req.Body = &watchedUpload{req.Body, w}
		if open := req.GetBody; open != nil {
			req.GetBody = func() (io.ReadCloser, error) { // the transport sends the body again
				rc, err := open()
				if err != nil {
					return nil, err
				}
				return &watchedUpload{rc, w}, nil
			}
		}
		w.mu.Lock()
		w.timer = time.AfterFunc(idle, w.check) // the upload's checks, until the request is written
		w.mu.Unlock()
	}
	return req, w
}

// headWritten starts the upload's count when the transport has taken none of the body yet: its first part
// is due within idle of the head written and of the wait for a 100 Continue. Without it, a transport that
// never took a first part (its connection's read loop deadlocked under it, see stuck.go) was never timed.
func (w *waitWatch) headWritten() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.upload && !w.sent && !w.over && !w.taking.Load() && w.pulled.Load() == 0 {
		w.pulled.Store(time.Now().Add(w.expects).UnixNano())
	}
}

// arm starts the head's count again, or starts it when sent says the request is now written.
func (w *waitWatch) arm(sent bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if sent && !w.sent {
		w.sent = true
		w.pulled.Store(0)
		if w.timer != nil && !w.over {
			// The upload's checks end; the head's count begins. (Over HTTP/2 the request may be reported
			// written after its answer came: the timer is then the body's, and stays.)
			w.timer.Stop()
			w.timer = nil
		}
	}
	switch {
	case w.over || !w.sent:
	case w.timer == nil:
		w.timer = time.AfterFunc(w.idle, w.fire)
	default:
		w.timer.Reset(w.idle)
	}
}

// fire ends the round trip whose head did not come in time.
func (w *waitWatch) fire() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.over {
		w.cancel(&HeadTimeoutError{After: w.idle})
	}
}

// check ends the exchange when the pending read of the response body, or the transport's next take of the
// request body, has waited idle; else it looks again when that could next be so.
func (w *waitWatch) check() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed || w.timer == nil {
		return
	}
	now := time.Now().UnixNano()
	next := w.idle
	for _, c := range []struct {
		since  int64
		upload bool
	}{{w.reading.Load(), false}, {w.pulled.Load(), true}} {
		if c.since == 0 {
			continue
		}
		waited := time.Duration(now - c.since)
		if waited >= w.idle {
			w.cancel(&BodyTimeoutError{After: w.idle, Upload: c.upload})
			return
		}
		next = min(next, w.idle-waited)
	}
	w.timer.Reset(next)
}

// end ends the head's count on the round trip's outcome: its error becomes the watch's when the watch
// stopped it, and a response's body is read under the watch's context and checks, released when the body
// is closed.
func (w *waitWatch) end(ctx context.Context, resp *http.Response, err error) (*http.Response, error) {
	w.mu.Lock()
	w.over = true
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	w.mu.Unlock()
	w.pulled.Store(0)
	timedOut, _ := context.Cause(ctx).(*HeadTimeoutError)
	if upload, ok := context.Cause(ctx).(*BodyTimeoutError); ok && err != nil {
		w.cancel(nil)
		return nil, upload
	}
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
	w.mu.Lock()
	w.timer = time.AfterFunc(w.idle, w.check) // the body's checks, until it is closed
	w.mu.Unlock()
	resp.Body = &watchedBody{ReadCloser: resp.Body, w: w, ctx: ctx}
	return resp, nil
}

// watchedBody is a response body whose reads the watch bounds.
type watchedBody struct {
	io.ReadCloser
	w   *waitWatch
	ctx context.Context
}

func (b *watchedBody) Read(p []byte) (int, error) {
	b.w.reading.Store(time.Now().UnixNano())
	n, err := b.ReadCloser.Read(p)
	b.w.reading.Store(0)
	if err != nil && err != io.EOF {
		if stalled, ok := context.Cause(b.ctx).(*BodyTimeoutError); ok {
			err = stalled
		}
	}
	return n, err
}

func (b *watchedBody) Close() error {
	err := b.ReadCloser.Close()
	b.w.mu.Lock()
	b.w.closed = true
	if b.w.timer != nil {
		b.w.timer.Stop()
	}
	b.w.mu.Unlock()
	b.w.cancel(nil)
	return err
}

// watchedUpload is a request body whose takes by the transport the watch times.
type watchedUpload struct {
	io.ReadCloser
	w *waitWatch
}

func (u *watchedUpload) Read(p []byte) (int, error) {
	u.w.taking.Store(true)
	u.w.pulled.Store(0) // the transport is taking: a slow producer (standard input) is not the server's wait
	if ic := u.w.conn.Load(); ic != nil {
		ic.hold()
		defer ic.release()
	}
	n, err := u.ReadCloser.Read(p)
	u.w.mu.Lock()
	u.w.taking.Store(false)
	if !u.w.sent && !u.w.over {
		u.w.pulled.Store(time.Now().UnixNano())
	}
	u.w.mu.Unlock()
	return n, err
}
