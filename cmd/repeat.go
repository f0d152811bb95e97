package cmd

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/hop-cli/hop/check"
	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/stats"
)

// repeatCheck is one check over the runs of --repeat: how often it failed, and the first failure.
type repeatCheck struct {
	result check.Result // the first failure (or the last pass)
	failed int
	first  int // the run of the first failure
}

// runRepeat sends the request o.Repeat.N times, one after another, and shows where the time went over all
// of them. Bodies are read and counted, not shown; checks apply to every run. Memory does not grow with
// the runs: timings go into histograms and the JSON document is written as the runs happen.
func runRepeat(ctx context.Context, s *Streams, o *RequestOptions, p *presenter, req *request.Request) error {
	client, tr, err := newClient(o)
	if err != nil {
		if p.document {
			p.writeDocument(&outcome{req: req}, err)
		}
		return err
	}
	p.roots = tr.Roots
	<-s.watchInterrupts() // Ctrl-C ends the runs with the summary so far
	var doc *format.RepeatDocument
	startDoc := func(ex *exchange.Exchange) { // once the first run has sent the request, to show it as sent
		if p.document && doc == nil {
			doc = format.StartRepeatDocument(s.Out, docRequest(req, formatHops(ex), p.secrets))
		}
	}
	sum := stats.New()
	checks := map[string]*repeatCheck{}
	var order []string
	var transportErr, statusErr error
	progress := s.ErrTTY && !o.Output.hushed() && !p.document
	start := time.Now()
	lastShown := time.Time{}
	interrupted := false
	for run := 1; run <= o.Repeat.N; run++ {
		if run > 1 && o.Repeat.Interval > 0 {
			if wait := time.Until(start.Add(time.Duration(run-1) * o.Repeat.Interval)); wait > 0 {
				select {
				case <-time.After(wait):
				case <-ctx.Done():
				}
			}
		}
		if ctx.Err() != nil {
			interrupted = true
			break
		}
		if o.Repeat.Fresh {
			tr.CloseIdleConnections()
		}
		out := outcome{req: req}
		ex, err := client.Do(ctx, req, exchange.Observer{})
		out.ex = ex
		startDoc(ex)
		var head capture // a 400's first bytes, for the status error's hint
		if err == nil {
			err = readRepeatBody(ex, &out, o, &head)
		}
		ex.Close()
		if exchange.ClassOf(err) == exchange.Interrupted || ctx.Err() != nil {
			interrupted = true
			break
		}
		rec := ex.Hops[len(ex.Hops)-1].Record()
		status := 0
		var failed []string
		if resp := ex.Final(); resp != nil && err == nil {
			status = resp.StatusCode
			for _, r := range o.checks.Evaluate(checkInput(ex, &out)) {
				rc := checks[r.Check+" "+r.Expected]
				if rc == nil {
					rc = &repeatCheck{}
					checks[r.Check+" "+r.Expected] = rc
					order = append(order, r.Check+" "+r.Expected)
				}
				if !r.OK {
					failed = append(failed, r.Line())
					if rc.failed == 0 {
						rc.result, rc.first = r, run
					}
					rc.failed++
				} else if rc.failed == 0 {
					rc.result = r
				}
			}
			if statusErr == nil && !o.Output.NoCheckStatus && !o.checks.ReplacesStatusRule() {
				hint := exchange.TLSPortHint(resp, head.buf)
				statusErr = check.Status(status, func() string { return statusMessage(status, resp.Status, hint) })
			}
		} else if err != nil && transportErr == nil {
			transportErr = err
		}
		class := ""
		if err != nil {
			class = exchange.ClassOf(err).String()
		}
		sum.Add(rec, status, class)
		if doc != nil {
			doc.Run(format.NewRepeatRun(run, rec, status, docError(err), failed))
		}
		if o.Output.WriteOut != "" {
			p.writeOut(o.Output.WriteOut, &out, err)
		}
		if progress && (time.Since(lastShown) > 100*time.Millisecond || run == o.Repeat.N) {
			format.RepeatProgress(s.Err, p.errStyle, run, o.Repeat.N, sum)
			lastShown = time.Now()
		}
	}
	elapsed := time.Since(start)
	if progress {
		format.EndProgress(s.Err)
	}

	// Every check, and the percentile SLOs over the runs.
	var results []check.Result
	var failures []string
	for _, key := range order {
		rc := checks[key]
		r := rc.result
		if rc.failed > 0 {
			r.OK = false
			r.Actual = fmt.Sprintf("%s in %d of %d runs", r.Actual, rc.failed, sum.Runs)
			failures = append(failures, fmt.Sprintf("%s (%d of %d runs, first in run %d)", r.Line(), rc.failed, sum.Runs, rc.first))
		}
		results = append(results, r)
	}
	for _, r := range o.checks.EvaluatePercentiles(func(phase string, pct float64) (time.Duration, bool) {
		h := sum.All[phase]
		return h.Quantile(pct), h.N() > 0
	}) {
		results = append(results, r)
		if !r.OK {
			failures = append(failures, r.Line())
		}
	}
	for _, line := range failures {
		format.CheckFailed(s.Err, p.errStyle, line)
	}
	if (!o.Output.hushed() || o.Output.Trace) && !p.document { // -t asks for the timings by name, as in one run
		format.RepeatSummary(s.Err, p.errStyle, sum, elapsed, o.Repeat.Fresh)
	}

	err = nil
	switch {
	case interrupted:
		err = context.Canceled
	case transportErr != nil:
		err = transportErr
	case len(failures) > 0:
		err = &shownError{err: &check.Failure{Msg: fmt.Sprintf("%d check(s) failed", len(failures))}}
	case statusErr != nil:
		err = statusErr
	}
	startDoc(nil) // no run was sent (interrupted before the first)
	if doc != nil {
		doc.Finish(format.NewRepeatSummaryDoc(sum), docChecks(results), docError(err), exitCode(err))
	}
	return err
}

// readRepeatBody reads a run's body to its end: counted off the wire, and decoded and kept (up to the
// cap) only when a check reads it. A 400's first bytes go to head (decoded when a check reads the body, as
// received else: the servers whose words the TLS-port hint reads send them uncompressed).
func readRepeatBody(ex *exchange.Exchange, out *outcome, o *RequestOptions, head *capture) error {
	resp := ex.Final()
	if resp.Request.Method == http.MethodHead {
		return nil
	}
	var first io.Writer = io.Discard
	if resp.StatusCode == http.StatusBadRequest {
		head.max = 512 // as the presenter keeps it: the server's words come first
		first = head
	}
	if !o.checks.NeedsBody() {
		body, _ := ex.Body(true) // as received, but within --max-filesize
		_, err := io.Copy(first, body)
		out.bodyRead = true
		return err
	}
	body, _ := ex.Body(o.Output.RawEncoding)
	out.body.max = format.DefaultCap
	n, err := io.Copy(io.MultiWriter(&out.body, first), io.LimitReader(body, int64(format.DefaultCap)+1))
	out.bodyBytes, out.bodyRead = n, true
	return err
}
