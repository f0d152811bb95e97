// Package stats summarises many runs of one request in constant memory: per phase a histogram with
// log-scaled buckets, from which percentiles are read within 1% of the true value, beside the exact count,
// minimum, maximum and mean; and counts of statuses and failure classes. 100,000 runs cost what ten do.
package stats

import (
	"math"
	"slices"
	"time"

	"github.com/hop-cli/hop/trace"
)

// The histogram's range and resolution: buckets grow by 2% from 1 µs; values below land in the first
// bucket and values above an hour in the last, but min and max are kept exactly and clamp what a
// percentile reports. A value is reported as its bucket's geometric middle, so within √1.02 - 1 ≈ 0.995%
// of the true one.
const (
	bucketBase   = time.Microsecond
	bucketGrowth = 1.02
	bucketCount  = 1107 // ⌈ln(1 h / 1 µs) / ln 1.02⌉ + 1
)

var logGrowth = math.Log(bucketGrowth)

// Histogram counts durations.
type Histogram struct {
	counts   []uint32 // allocated on the first Add
	n        int
	min, max time.Duration
	sum      float64 // nanoseconds, for the mean
}

// Add counts one duration.
func (h *Histogram) Add(d time.Duration) {
	if h.counts == nil {
		h.counts = make([]uint32, bucketCount)
		h.min, h.max = d, d
	}
	h.counts[bucket(d)]++
	h.n++
	h.min, h.max = min(h.min, d), max(h.max, d)
	h.sum += float64(d)
}

func bucket(d time.Duration) int {
	if d <= bucketBase {
		return 0
	}
	return min(int(math.Log(float64(d)/float64(bucketBase))/logGrowth)+1, bucketCount-1)
}

// bucketValue is the geometric middle of bucket i.
func bucketValue(i int) time.Duration {
	if i == 0 {
		return bucketBase
	}
	lo := float64(bucketBase) * math.Pow(bucketGrowth, float64(i-1))
	return time.Duration(lo * math.Sqrt(bucketGrowth))
}

// N is the number of durations counted.
func (h *Histogram) N() int { return h.n }

// Min is the smallest duration counted.
func (h *Histogram) Min() time.Duration { return h.min }

// Max is the largest duration counted.
func (h *Histogram) Max() time.Duration { return h.max }

// Mean is the mean of the durations counted.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / float64(h.n))
}

// Quantile returns the p-th percentile (0 < p ≤ 100) by nearest rank: the smallest duration at or below
// which p% of the durations lie, within 1%. It is 0 when nothing was counted.
func (h *Histogram) Quantile(p float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := max(int(math.Ceil(p/100*float64(h.n))), 1)
	seen := 0
	for i, c := range h.counts {
		seen += int(c)
		if seen >= rank {
			return min(max(bucketValue(i), h.min), h.max)
		}
	}
	return h.max
}

// Phases are the phases a summary keeps, in order: those of timings_ms, total, and ttfb (the hop's start to
// its first response byte).
var Phases = []string{trace.DNS, trace.Connect, trace.Proxy, trace.TLS, trace.QUIC, trace.Send, trace.Server, trace.Transfer, trace.Total, trace.TTFB}

// Timings are histograms of every phase.
type Timings map[string]*Histogram

func newTimings() Timings {
	t := Timings{}
	for _, p := range Phases {
		t[p] = &Histogram{}
	}
	return t
}

// Summary is what many runs came to.
type Summary struct {
	Runs     int
	All      Timings        // every run's final hop
	Warm     Timings        // the runs on a reused connection
	Cold     []trace.Record // the runs that opened a connection, kept while there are few (the table shows the first)
	Statuses map[int]int    // responses by status
	Errors   map[string]int // failed runs by failure class
}

// New returns an empty summary.
func New() *Summary {
	return &Summary{All: newTimings(), Warm: newTimings(), Statuses: map[int]int{}, Errors: map[string]int{}}
}

// maxCold bounds the cold runs a summary keeps whole: with --fresh every run is cold.
const maxCold = 1

// Add counts one run: the final hop's record, its status (0 when none came) and its failure class ("" when
// it did not fail).
func (s *Summary) Add(rec trace.Record, status int, class string) {
	s.Runs++
	if status != 0 {
		s.Statuses[status]++
	}
	if class != "" {
		s.Errors[class]++
	}
	if rec.Events.Start.IsZero() {
		return
	}
	for p, d := range rec.Timings().Durations(rec) {
		s.All[p].Add(d)
		if rec.Reused {
			s.Warm[p].Add(d)
		}
	}
	if !rec.Reused && len(s.Cold) < maxCold {
		s.Cold = append(s.Cold, rec)
	}
}

// StatusCodes returns the statuses seen, in order.
func (s *Summary) StatusCodes() []int {
	var out []int
	for c := range s.Statuses {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}
