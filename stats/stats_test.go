package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/hop-cli/hop/trace"
)

// TestQuantilesWithinOnePercent compares the histogram's percentiles with exact ones over distributions a
// server produces: tight, long-tailed, and spread over six orders of magnitude.
func TestQuantilesWithinOnePercent(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	dists := map[string]func() time.Duration{
		"tight":     func() time.Duration { return 2*time.Millisecond + time.Duration(r.IntN(200))*time.Microsecond },
		"long tail": func() time.Duration { return time.Duration(math.Exp(r.NormFloat64()*1.5 + 13)) },
		"spread":    func() time.Duration { return time.Duration(math.Pow(10, 3+r.Float64()*6)) },
	}
	for name, next := range dists {
		var h Histogram
		var exact []time.Duration
		for range 100000 {
			d := next()
			h.Add(d)
			exact = append(exact, d)
		}
		slices.Sort(exact)
		for _, p := range []float64{1, 50, 90, 95, 99, 99.9, 100} {
			want := exact[max(int(math.Ceil(p/100*float64(len(exact))))-1, 0)]
			got := h.Quantile(p)
			if rel := math.Abs(float64(got-want)) / float64(want); rel > 0.01 {
				t.Errorf("%s: p%v = %v, exact %v: off by %.2f%%", name, p, got, want, rel*100)
			}
		}
		if h.Min() != exact[0] || h.Max() != exact[len(exact)-1] || h.N() != len(exact) {
			t.Errorf("%s: min %v max %v n %d; want %v %v %d exactly", name, h.Min(), h.Max(), h.N(), exact[0], exact[len(exact)-1], len(exact))
		}
	}
}

func TestEmptyAndExtremes(t *testing.T) {
	var h Histogram
	if h.Quantile(50) != 0 || h.Mean() != 0 || h.N() != 0 {
		t.Errorf("an empty histogram reports %v, %v, %d", h.Quantile(50), h.Mean(), h.N())
	}
	for _, d := range []time.Duration{0, time.Nanosecond, 3 * time.Hour} {
		var one Histogram
		one.Add(d)
		if got := one.Quantile(50); got != d {
			t.Errorf("one duration %v: p50 = %v (min and max clamp it)", d, got)
		}
	}
}

func TestSummaryMemoryIsFlat(t *testing.T) {
	s := New()
	t0 := time.Now()
	rec := func(i int, reused bool) trace.Record {
		start := t0.Add(time.Duration(i) * time.Millisecond)
		e := trace.Events{Start: start, GotConn: start.Add(10 * time.Microsecond), WroteRequest: start.Add(20 * time.Microsecond),
			FirstByte: start.Add(time.Duration(100+i%50) * time.Microsecond), BodyDone: start.Add(200 * time.Microsecond)}
		if !reused {
			e.ConnectStart, e.ConnectDone = start, start.Add(5*time.Microsecond)
		}
		return trace.Record{URL: "http://127.0.0.1/", Host: "127.0.0.1", Reused: reused, Events: e}
	}
	for i := range 100000 {
		s.Add(rec(i, i > 0), 200, "")
	}
	s.Add(trace.Record{}, 0, "connect")
	if s.Runs != 100001 || s.Statuses[200] != 100000 || s.Errors["connect"] != 1 {
		t.Errorf("runs %d statuses %v errors %v", s.Runs, s.Statuses, s.Errors)
	}
	if len(s.Cold) != 1 || s.All["connect"].N() != 1 || s.Warm["server"].N() != 99999 || s.All[trace.DNS].N() != 0 {
		t.Errorf("cold %d, connects %d, warm server %d, dns %d", len(s.Cold), s.All["connect"].N(), s.Warm["server"].N(), s.All[trace.DNS].N())
	}
	for p, h := range s.All {
		if h.counts != nil && len(h.counts) != bucketCount {
			t.Errorf("%s holds %d buckets, want the fixed %d", p, len(h.counts), bucketCount)
		}
	}
}
