package exchange

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// TestThrottle: on a clock that moves only when the reader sleeps, reading a body at a rate takes the time
// the rate says, in reads of at most an eighth of a second's bytes, with every byte delivered.
func TestThrottle(t *testing.T) {
	body := strings.Repeat("x", 10_000)
	clock := time.Unix(0, 0)
	var slept time.Duration
	var reads []int
	th := throttle(context.Background(), io.NopCloser(strings.NewReader(body)), 1000)
	th.now = func() time.Time { return clock }
	th.sleep = func(_ context.Context, d time.Duration) error {
		slept += d
		clock = clock.Add(d)
		return nil
	}
	var got bytes.Buffer
	buf := make([]byte, 4096)
	for {
		n, err := th.Read(buf)
		got.Write(buf[:n])
		if n > 0 {
			reads = append(reads, n)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if got.String() != body {
		t.Fatalf("read %d bytes, want the %d sent", got.Len(), len(body))
	}
	if slept != 10*time.Second {
		t.Errorf("slept %v for 10,000 bytes at 1,000 a second, want 10s", slept)
	}
	for _, n := range reads {
		if n > 125 {
			t.Fatalf("a read of %d bytes, more than an eighth of a second's (125)", n)
		}
	}
	// Time already spent (a slow server) is not slept again.
	clock, slept = time.Unix(0, 0), 0
	th = throttle(context.Background(), io.NopCloser(strings.NewReader(body)), 1000)
	th.now = func() time.Time { clock = clock.Add(time.Second); return clock }
	th.sleep = func(_ context.Context, d time.Duration) error { slept += d; return nil }
	io.Copy(io.Discard, th)
	if slept != 0 {
		t.Errorf("slept %v though every read came a second later than due", slept)
	}
}

// TestThrottleStopsWithItsContext: once the context is done (-m ran out), a read reports it rather than
// going on unpaced through what the connection holds.
func TestThrottleStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	th := throttle(ctx, io.NopCloser(strings.NewReader(strings.Repeat("x", 10_000))), 1000)
	n, err := io.Copy(io.Discard, th)
	if err == nil || n >= 10_000 {
		t.Errorf("read %d bytes, error %v, after the context was done; want it stopped with the context's error", n, err)
	}
}
