package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fatih/color"

	"github.com/hop-cli/hop/stats"
	"github.com/hop-cli/hop/trace"
)

// CheckFailed writes the one line of a failed check: `hop: check failed: status 503, expected 2xx`.
func CheckFailed(w io.Writer, s Style, line string) {
	fmt.Fprintf(w, "hop: %s %s\n", s.paint(colorError, "check failed:"), Escape(line))
}

// RepeatProgress writes the live line of --repeat, over itself: runs done, statuses, the running p50.
func RepeatProgress(w io.Writer, s Style, done, total int, sum *stats.Summary) {
	parts := []string{fmt.Sprintf("run %d/%d", done, total)}
	parts = append(parts, statusCounts(s, sum)...)
	if h := sum.All[trace.Total]; h.N() > 0 {
		parts = append(parts, "p50 total "+Duration(h.Quantile(50)))
	}
	fmt.Fprintf(w, "\r\x1b[K%s", strings.Join(parts, s.paint(colorDim, " · ")))
}

// EndProgress clears the live line.
func EndProgress(w io.Writer) { io.WriteString(w, "\r\x1b[K") }

func statusCounts(s Style, sum *stats.Summary) []string {
	var out []string
	for _, code := range sum.StatusCodes() {
		out = append(out, fmt.Sprintf("%s ×%d", s.paint(statusColor(code), strconv.Itoa(code)), sum.Statuses[code]))
	}
	for _, class := range slices.Sorted(maps.Keys(sum.Errors)) {
		out = append(out, s.paint(colorError, class)+fmt.Sprintf(" ×%d", sum.Errors[class]))
	}
	return out
}

// The --repeat table, one row per phase that happened.
const (
	repeatHead = "  %-9s %7s %10s %10s %10s %10s %10s\n"
	repeatRow  = "  %s %7d %10s %10s %10s %10s %10s\n"
)

// RepeatSummary writes what --repeat measured: a title with the runs, their time and the statuses and
// failures; the cold run (the one that opened the connection) on its own line; then per phase of the warm
// runs (every run with --fresh) n, min, p50, p90, p99 and max.
func RepeatSummary(w io.Writer, s Style, sum *stats.Summary, elapsed time.Duration, fresh bool) {
	runs := "runs"
	if sum.Runs == 1 {
		runs = "run" // --repeat 1, or Ctrl-C in the second
	}
	title := []string{fmt.Sprintf("%d %s in %s", sum.Runs, runs, Duration(elapsed))}
	title = append(title, statusCounts(s, sum)...)
	fmt.Fprintln(w, strings.Join(title, s.paint(colorDim, " · ")))
	table, label := sum.Warm, "warm runs (reused connection)"
	if fresh || table[trace.Total].N() == 0 {
		table, label = sum.All, "every run"
	} else if len(sum.Cold) > 0 {
		cold := sum.Cold[0]
		t := cold.Timings()
		var parts []string
		for _, p := range t.Phases {
			if !p.Skipped {
				parts = append(parts, s.paint(phaseColors[p.Name], p.Name)+" "+Duration(p.Duration))
			}
		}
		parts = append(parts, "total "+Duration(t.Total))
		fmt.Fprintf(w, "cold run (new connection): %s\n", strings.Join(parts, s.paint(colorDim, " · ")))
	}
	fmt.Fprintf(w, "%s:\n", label)
	fmt.Fprintf(w, repeatHead, "phase", "n", "min", "p50", "p90", "p99", "max")
	for _, p := range stats.Phases {
		h := table[p]
		if h.N() == 0 || p == trace.TTFB {
			continue
		}
		fmt.Fprintf(w, repeatRow, s.paint(phaseColor(p), fmt.Sprintf("%-9s", p)), h.N(), Duration(h.Min()),
			Duration(h.Quantile(50)), Duration(h.Quantile(90)), Duration(h.Quantile(99)), Duration(h.Max()))
	}
}

func phaseColor(p string) *color.Color {
	if c, ok := phaseColors[p]; ok {
		return c
	}
	return colorDim
}

// RepeatRun is one run of --repeat in the document.
type RepeatRun struct {
	Run          int        `json:"run"`
	Status       int        `json:"status"`
	Reused       bool       `json:"reused"`
	TimingsMS    DocTimings `json:"timings_ms"`
	Error        *DocError  `json:"error"`
	FailedChecks []string   `json:"failed_checks,omitempty"`
}

// NewRepeatRun describes one run from its final hop.
func NewRepeatRun(n int, rec trace.Record, status int, err *DocError, failed []string) RepeatRun {
	t, _, _ := docTimings(rec.Timings())
	return RepeatRun{Run: n, Status: status, Reused: rec.Reused, TimingsMS: t, Error: err, FailedChecks: failed}
}

// PhaseStats are a phase's statistics over the runs, in milliseconds.
type PhaseStats struct {
	N    int     `json:"n"`
	Min  float64 `json:"min"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// RepeatSummaryDoc is the summary of --repeat in the document.
type RepeatSummaryDoc struct {
	Runs          int                    `json:"runs"`
	TimingsMS     map[string]*PhaseStats `json:"timings_ms"`      // over every run; null for a phase that never happened
	WarmTimingsMS map[string]*PhaseStats `json:"warm_timings_ms"` // over the runs on a reused connection
	Statuses      map[string]int         `json:"statuses"`
	Errors        map[string]int         `json:"errors"`
}

// NewRepeatSummaryDoc describes a summary.
func NewRepeatSummaryDoc(sum *stats.Summary) *RepeatSummaryDoc {
	d := &RepeatSummaryDoc{Runs: sum.Runs, TimingsMS: phaseStats(sum.All), WarmTimingsMS: phaseStats(sum.Warm),
		Statuses: map[string]int{}, Errors: sum.Errors}
	for code, n := range sum.Statuses {
		d.Statuses[strconv.Itoa(code)] = n
	}
	return d
}

func phaseStats(t stats.Timings) map[string]*PhaseStats {
	out := map[string]*PhaseStats{}
	for _, p := range stats.Phases {
		if p == trace.TTFB {
			continue
		}
		h := t[p]
		if h.N() == 0 {
			out[p] = nil
			continue
		}
		out[p] = &PhaseStats{N: h.N(), Min: ms(h.Min()), P50: ms(h.Quantile(50)), P90: ms(h.Quantile(90)),
			P99: ms(h.Quantile(99)), Max: ms(h.Max()), Mean: ms(h.Mean())}
	}
	return out
}

// RepeatDocument writes the --format json document of --repeat as the runs happen, so that memory does
// not grow with them: the request and each run first, the summary, checks, error and exit code last.
type RepeatDocument struct {
	w    io.Writer
	runs int
	err  error
}

// StartRepeatDocument writes the document's opening and the request.
func StartRepeatDocument(w io.Writer, req *DocRequest) *RepeatDocument {
	d := &RepeatDocument{w: w}
	d.write("{\n  \"schema_version\": %d,\n  \"request\": ", schemaVersion)
	d.value(req, "  ")
	d.write(",\n  \"runs\": [")
	return d
}

// Run writes one run.
func (d *RepeatDocument) Run(r RepeatRun) {
	if d.runs > 0 {
		d.write(",")
	}
	d.runs++
	d.write("\n    ")
	d.value(r, "    ")
}

// Finish closes the document with the summary, the checks, the error and the exit code, and returns the
// first write error.
func (d *RepeatDocument) Finish(sum *RepeatSummaryDoc, checks []DocCheck, docErr *DocError, exitCode int) error {
	if checks == nil {
		checks = []DocCheck{}
	}
	d.write("\n  ],\n  \"summary\": ")
	d.value(sum, "  ")
	d.write(",\n  \"checks\": ")
	d.value(checks, "  ")
	d.write(",\n  \"error\": ")
	d.value(docErr, "  ")
	d.write(",\n  \"exit_code\": %d\n}\n", exitCode)
	return d.err
}

func (d *RepeatDocument) write(format string, a ...any) {
	if d.err == nil {
		_, d.err = fmt.Fprintf(d.w, format, a...)
	}
}

func (d *RepeatDocument) value(v any, indent string) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent(indent, "  ")
	if err := enc.Encode(v); err != nil && d.err == nil {
		d.err = err
	}
	if d.err == nil {
		_, d.err = d.w.Write(escapeUnsafeJSON(bytes.TrimSuffix(b.Bytes(), []byte("\n"))))
	}
}
