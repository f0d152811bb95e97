package exchange

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{"Wed, 02 Dec 2026 10:00:05 GMT", 5 * time.Second, true},
		{"Wed, 02 Dec 2026 09:00:00 GMT", 0, true}, // in the past: now
		{"-1", 0, false},
		{"soon", 0, false},
		{"", 0, false},
		{"99999999999999999999", 0, false},
	} {
		got, ok := retryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// The backoff doubles from Delay with full jitter: each wait lies in [0, Delay·2^(attempt-1)], never above a
// minute; the jitter source is replaced to read the ceiling itself.
func TestBackoffCeilings(t *testing.T) {
	now := time.Now()
	r := newRetrier(Retry{N: 12, Delay: 500 * time.Millisecond}, now)
	var asked []int64
	r.jitter = func(n int64) int64 { asked = append(asked, n); return n - 1 }
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second}
	for i, w := range want {
		d, ok := r.wait(i+1, 0, false, now)
		if !ok || d != w {
			t.Errorf("attempt %d: wait %v, %v; want %v", i+1, d, ok, w)
		}
	}
	if d, _ := r.wait(12, 0, false, now); d != maxBackoff {
		t.Errorf("attempt 12: wait %v; want the %v cap", d, maxBackoff)
	}
	if _, ok := r.wait(13, 0, false, now); ok {
		t.Errorf("a 13th retry with --retry 12")
	}
	// The jitter is full: zero is a possible wait.
	r.jitter = func(int64) int64 { return 0 }
	if d, _ := r.wait(3, 0, false, now); d != 0 {
		t.Errorf("full jitter floor: %v", d)
	}
}

func TestRetryBudget(t *testing.T) {
	start := time.Now()
	r := newRetrier(Retry{N: 5, MaxTime: 10 * time.Second}, start)
	// Retry-After is honoured, but no further than the budget.
	if d, ok := r.wait(1, time.Minute, true, start.Add(4*time.Second)); !ok || d != 6*time.Second {
		t.Errorf("Retry-After 60s with 6s of budget left: %v, %v; want 6s", d, ok)
	}
	if _, ok := r.wait(2, time.Second, true, start.Add(10*time.Second)); ok {
		t.Errorf("a retry after the budget is spent")
	}
	// Without a budget, a Retry-After is capped so that hop never waits for hours; under curl's rules too
	// (curl would sleep as long as a server says).
	for _, curl := range []bool{false, true} {
		r = newRetrier(Retry{N: 1, Curl: curl}, start)
		if d, _ := r.wait(1, 10*time.Hour, true, start); d != maxRetryAfter {
			t.Errorf("curl %v: unbudgeted Retry-After of 10h: wait %v; want %v", curl, d, maxRetryAfter)
		}
	}
}

// TestCurlWaits: under curl's rules a wait is --retry-delay each time when given, else 1 s doubling to 10
// minutes, whole; no retry starts once --retry-max-time has passed, and a Retry-After that would end past
// it is none.
func TestCurlWaits(t *testing.T) {
	start := time.Now()
	r := newRetrier(Retry{N: 30, Curl: true}, start)
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 4: 8 * time.Second, 20: 10 * time.Minute} {
		if d, ok := r.wait(attempt, 0, false, start); !ok || d != want {
			t.Errorf("after attempt %d: %v, %v; want %v", attempt, d, ok, want)
		}
	}
	r = newRetrier(Retry{N: 30, Curl: true, Delay: 3 * time.Second, MaxTime: 10 * time.Second}, start)
	if d, ok := r.wait(5, 0, false, start.Add(9*time.Second)); !ok || d != 3*time.Second {
		t.Errorf("--retry-delay 3 with 1 s of budget left: %v, %v; want the whole 3 s", d, ok)
	}
	if _, ok := r.wait(5, 0, false, start.Add(10*time.Second)); ok {
		t.Error("a retry once --retry-max-time has passed")
	}
	if _, ok := r.wait(1, 5*time.Second, true, start.Add(6*time.Second)); ok {
		t.Error("a Retry-After that ends past --retry-max-time")
	}
}

func TestWhatIsRetried(t *testing.T) {
	now := time.Now()
	resp := func(code int) *http.Response { return &http.Response{StatusCode: code, Header: http.Header{}} }
	r := newRetrier(Retry{N: 1}, now)
	for code, want := range map[int]bool{408: true, 429: true, 500: true, 502: true, 503: true, 504: true, 404: false, 501: false, 200: false} {
		if _, _, got := r.afterStatus(resp(code), "GET", 1, now); got != want {
			t.Errorf("GET answered %d: retried %v; want %v", code, got, want)
		}
	}
	if _, _, got := r.afterStatus(resp(503), "POST", 1, now); got || r.notRetried == "" {
		t.Errorf("POST answered 503 was retried (%v) or not said (%q)", got, r.notRetried)
	}
	connect := failure(Connect, "the connection", nil, "refused")
	if _, got := r.afterError(connect, "POST", false, 1, now); !got {
		t.Errorf("a POST that never connected sent nothing: it should be retried")
	}
	empty := failure(EmptyReply, "the first byte", nil, "empty")
	if _, got := r.afterError(empty, "PATCH", true, 1, now); got {
		t.Errorf("a PATCH that got an empty reply may have reached the server: not retried by default")
	}
	all := newRetrier(Retry{N: 1, AllMethods: true}, now)
	if _, got := all.afterError(empty, "PATCH", true, 1, now); !got {
		t.Errorf("--retry-all-methods: the PATCH should be retried")
	}
	if _, got := r.afterError(failure(Certificate, "", nil, "bad"), "GET", true, 1, now); got {
		t.Errorf("a certificate failure is not transient")
	}
}
