package exchange_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/testserver"
	"github.com/hop-cli/hop/transport"
)

// flakyAnswer is what the test server's /flaky/ endpoint says once it stops failing.
type flakyAnswer struct {
	Attempt int
	Method  string
	Body    string
}

func finish(t *testing.T, ex *exchange.Exchange) flakyAnswer {
	t.Helper()
	defer ex.Close()
	body, _ := ex.Body(false)
	var a flakyAnswer
	if err := json.NewDecoder(body).Decode(&a); err != nil {
		t.Fatalf("final body: %v", err)
	}
	return a
}

// A server that answers 503 twice, then 200: three attempts, each its own traced hop, the waits announced
// before they happen, and Retry-After honoured as a lower bound on the gap between attempts.
func TestRetriesUntilSuccess(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	c := client(t, exchange.Options{Retry: exchange.Retry{N: 3}}, transport.Options{})
	var waits []exchange.Wait
	var hops []exchange.Hop
	ex, err := c.Do(context.Background(), build(t, "GET", srv.URL+"/flaky/until-success/2?retry-after=1"), exchange.Observer{
		Hop:  func(h exchange.Hop) { hops = append(hops, h) },
		Wait: func(w exchange.Wait) { waits = append(waits, w) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if a := finish(t, ex); a.Attempt != 3 {
		t.Fatalf("the server saw %d attempts; want 3", a.Attempt)
	}
	if len(ex.Hops) != 3 || len(hops) != 3 || len(waits) != 2 {
		t.Fatalf("%d hops, %d seen, %d waits; want 3, 3, 2", len(ex.Hops), len(hops), len(waits))
	}
	for i, w := range waits {
		if w.Attempt != i+2 || w.Of != 4 || !w.RetryAfter || w.For != time.Second || w.Reason != "503 Service Unavailable" {
			t.Errorf("wait %d = %+v; want attempt %d of 4 after Retry-After 1s, for a 503", i, w, i+2)
		}
	}
	for i, h := range ex.Hops {
		rec := h.Record()
		if h.Attempt != i+1 || rec.Status != []int{503, 503, 200}[i] {
			t.Errorf("hop %d: attempt %d status %d", i, h.Attempt, rec.Status)
		}
		if i == 0 {
			continue
		}
		prev := ex.Hops[i-1].Record()
		if gap := rec.Events.Start.Sub(prev.Events.BodyDone); gap < time.Second {
			t.Errorf("attempt %d started %v after the previous ended; Retry-After said 1s", i+1, gap)
		}
		if h.Waited != time.Second || !h.RetryAfter {
			t.Errorf("hop %d: waited %v (Retry-After %v); want 1s from Retry-After", i, h.Waited, h.RetryAfter)
		}
	}
}

// Retry-After as an HTTP date: the wait runs to that date (a date has whole seconds, so at least a second
// of the two asked for remains).
func TestRetryAfterDate(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	c := client(t, exchange.Options{Retry: exchange.Retry{N: 1}}, transport.Options{})
	var waits []exchange.Wait
	ex, err := c.Do(context.Background(), build(t, "GET", srv.URL+"/flaky/date/1?retry-after=date:2"), exchange.Observer{
		Wait: func(w exchange.Wait) { waits = append(waits, w) },
	})
	if err != nil {
		t.Fatal(err)
	}
	finish(t, ex)
	if len(waits) != 1 || !waits[0].RetryAfter || waits[0].For < time.Second || waits[0].For > 2*time.Second {
		t.Fatalf("waits %+v; want one Retry-After wait of 1-2s", waits)
	}
	if gap := ex.Hops[1].Record().Events.Start.Sub(ex.Hops[0].Record().Events.Start); gap < time.Second {
		t.Errorf("second attempt %v after the first; want at least 1s", gap)
	}
}

func TestRetryGivesUpAfterN(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	c := client(t, exchange.Options{Retry: exchange.Retry{N: 2, Delay: time.Millisecond}}, transport.Options{})
	ex, err := c.Do(context.Background(), build(t, "GET", srv.URL+"/flaky/give-up/10?status=502"), exchange.Observer{})
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	if len(ex.Hops) != 3 || ex.Final().StatusCode != 502 {
		t.Fatalf("%d hops, final %d; want 3 attempts ending with the 502", len(ex.Hops), ex.Final().StatusCode)
	}
}

// A POST answered 503 is not sent again unless AllMethods, and the exchange says why; with AllMethods it is,
// carrying its body again.
func TestPostRetriedOnlyWhenAllowed(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	post := func(key string) *request.Request {
		r, err := request.Build(request.Spec{Method: "POST", URL: srv.URL + "/flaky/" + key + "/1", Items: []string{"a=1"}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	c := client(t, exchange.Options{Retry: exchange.Retry{N: 3, Delay: time.Millisecond}}, transport.Options{})
	ex, err := c.Do(context.Background(), post("post-default"), exchange.Observer{})
	if err != nil {
		t.Fatal(err)
	}
	ex.Close()
	if len(ex.Hops) != 1 || ex.Final().StatusCode != 503 || !strings.Contains(ex.NotRetried, "--retry-all-methods") {
		t.Errorf("%d hops, final %d, note %q; want the one 503 and a note", len(ex.Hops), ex.Final().StatusCode, ex.NotRetried)
	}
	c = client(t, exchange.Options{Retry: exchange.Retry{N: 3, Delay: time.Millisecond, AllMethods: true}}, transport.Options{})
	ex, err = c.Do(context.Background(), post("post-all"), exchange.Observer{})
	if err != nil {
		t.Fatal(err)
	}
	if a := finish(t, ex); a.Attempt != 2 || a.Method != "POST" || a.Body != `{"a":"1"}` {
		t.Errorf("answer %+v; want the POST's second attempt with its body", a)
	}
}

// An empty reply is its own failure, retried for GET.
func TestEmptyReplyRetried(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	c := client(t, exchange.Options{}, transport.Options{})
	ex, err := c.Do(context.Background(), build(t, "GET", srv.URL+"/misbehave/empty"), exchange.Observer{})
	ex.Close()
	if exchange.ClassOf(err) != exchange.EmptyReply || !strings.Contains(err.Error(), "empty reply") {
		t.Fatalf("error %v (class %v); want an empty reply", err, exchange.ClassOf(err))
	}
	c = client(t, exchange.Options{Retry: exchange.Retry{N: 2, Delay: time.Millisecond}}, transport.Options{})
	ex, err = c.Do(context.Background(), build(t, "GET", srv.URL+"/flaky/empty/1?mode=empty"), exchange.Observer{})
	if err != nil {
		t.Fatal(err)
	}
	if a := finish(t, ex); a.Attempt != 2 || ex.Hops[0].Err == nil || exchange.ClassOf(ex.Hops[0].Err) != exchange.EmptyReply {
		t.Errorf("attempt %d, first hop's error %v; want the empty reply kept on hop 1 and success on 2", a.Attempt, ex.Hops[0].Err)
	}
}

// A connection refused is retried, a POST too (nothing was sent), and every attempt is a failed hop.
func TestConnectErrorsRetried(t *testing.T) {
	c := client(t, exchange.Options{Retry: exchange.Retry{N: 2, Delay: time.Millisecond}}, transport.Options{})
	r, _ := request.Build(request.Spec{Method: "POST", URL: "http://127.0.0.1:1/", Items: []string{"a=1"}})
	ex, err := c.Do(context.Background(), r, exchange.Observer{})
	if exchange.ClassOf(err) != exchange.Connect || len(ex.Hops) != 3 {
		t.Fatalf("error %v, %d hops; want a connect error after 3 attempts", err, len(ex.Hops))
	}
	for i, h := range ex.Hops {
		if h.Err == nil || h.Response != nil || h.Attempt != i+1 {
			t.Errorf("hop %d: err %v, attempt %d", i, h.Err, h.Attempt)
		}
	}
}

// -m bounds the waits too: a Retry-After longer than what is left ends in a total timeout naming the
// attempt hop was waiting for.
func TestMaxTimeBoundsRetryWaits(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	c := client(t, exchange.Options{MaxTime: 300 * time.Millisecond, Retry: exchange.Retry{N: 3}}, transport.Options{})
	ex, err := c.Do(context.Background(), build(t, "GET", srv.URL+"/flaky/max-time/5?retry-after=30"), exchange.Observer{})
	ex.Close()
	if exchange.ClassOf(err) != exchange.Timeout || exchange.PhaseOf(err) != "attempt 2 of 4" {
		t.Fatalf("error %v (class %v, phase %q); want a total timeout waiting for attempt 2 of 4", err, exchange.ClassOf(err), exchange.PhaseOf(err))
	}
}

// Each request of a redirect chain has its own attempts.
func TestRetryAfterRedirect(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	c := client(t, exchange.Options{Follow: true, MaxRedirects: 3, Retry: exchange.Retry{N: 1, Delay: time.Millisecond}}, transport.Options{})
	ex, err := c.Do(context.Background(), build(t, "GET", srv.URL+"/redirect-to?url=/flaky/redirected/1"), exchange.Observer{})
	if err != nil {
		t.Fatal(err)
	}
	finish(t, ex)
	var got []int
	for _, h := range ex.Hops {
		got = append(got, h.Attempt)
	}
	if len(got) != 3 || got[0] != 1 || got[1] != 1 || got[2] != 2 || ex.Hops[0].Response.StatusCode != http.StatusFound {
		t.Errorf("attempts per hop %v; want [1 1 2]", got)
	}
}
