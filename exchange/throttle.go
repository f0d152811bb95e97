package exchange

import (
	"context"
	"io"
	"time"
)

// throttled reads at most rate bytes a second on average (curl's --limit-rate): after each read it sleeps
// until the bytes read so far are due, and a read asks for an eighth of a second's worth at most, so that
// the pace is even rather than a burst and a long pause. The sleep ends early when ctx is done (-m, an
// interrupt), and the read reports it.
type throttled struct {
	io.ReadCloser
	ctx   context.Context
	rate  int64
	start time.Time
	n     int64
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
}

func throttle(ctx context.Context, rc io.ReadCloser, rate int64) *throttled {
	return &throttled{ReadCloser: rc, ctx: ctx, rate: rate, now: time.Now, sleep: sleep}
}

func (t *throttled) Read(p []byte) (int, error) {
	if t.start.IsZero() {
		t.start = t.now()
	}
	if most := max(t.rate/8, 1); int64(len(p)) > most {
		p = p[:most]
	}
	n, err := t.ReadCloser.Read(p)
	t.n += int64(n)
	due := t.start.Add(time.Duration(float64(t.n) / float64(t.rate) * float64(time.Second)))
	if wait := due.Sub(t.now()); wait > 0 && n > 0 && err == nil {
		// The time is up, or hop was interrupted: said at once, since the bytes buffered on the connection
		// would otherwise be read unpaced, and a transfer that -m cut would end as if complete.
		err = t.sleep(t.ctx, wait)
	}
	return n, err
}
