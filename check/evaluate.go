package check

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/hop-cli/hop/tlsinfo"
	"github.com/hop-cli/hop/trace"
)

// Result is the outcome of one check.
type Result struct {
	Check    string // what is checked: "status", "header X-Id", "json items.#", "slo server"
	Expected string
	Actual   string
	OK       bool
	line     string // what failed, in words, for the one line on stderr
}

// Line says what failed in one line: "status 503, expected 2xx".
func (r Result) Line() string { return r.line }

// Input is what the checks see of one run: the final response, its body as captured, the final hop's
// timings and the certificates the server presented.
type Input struct {
	Status    int
	Header    http.Header
	Body      []byte
	BodyCut   bool // the body was larger than what was captured: body checks cannot be decided
	Timings   trace.Timings
	Record    trace.Record // the final hop, for ttfb
	Chain     []*x509.Certificate
	Now       time.Time
	NoBody    bool // the request was HEAD, or the body was not read
	Secure    bool
	Completed bool
}

// Evaluate runs every check that concerns one run (all but the percentile SLOs), in order, without
// stopping at the first failure.
func (c *Checks) Evaluate(in Input) []Result {
	if c == nil {
		return nil
	}
	var out []Result
	if len(c.status) > 0 {
		out = append(out, c.checkStatus(in.Status))
	}
	for _, h := range c.headers {
		out = append(out, h.check(in.Header))
	}
	for _, j := range c.json {
		out = append(out, j.check(in))
	}
	for _, re := range c.body {
		r := Result{Check: "body", Expected: "matches " + re.String()}
		switch {
		case in.BodyCut:
			r.Actual, r.line = "too large to check", fmt.Sprintf("body is larger than what hop holds to check, expected to match %s", re)
		case re.Match(in.Body):
			r.Actual, r.OK = "matches", true
		default:
			r.Actual, r.line = "does not match", fmt.Sprintf("body does not match %s", re)
		}
		out = append(out, r)
	}
	var spans map[string]time.Duration
	for _, s := range c.slo {
		if s.percentile == 0 {
			if spans == nil {
				spans = in.Timings.Durations(in.Record)
			}
			d, ok := spans[s.phase]
			out = append(out, s.result(d, ok, ""))
		}
	}
	if c.expiry > 0 {
		out = append(out, c.checkExpiry(in.Chain, in.Now))
	}
	return out
}

// EvaluatePercentiles runs the SLOs that name a percentile, over many runs: quantile gives a phase's value
// at a percentile, false when the phase never happened.
func (c *Checks) EvaluatePercentiles(quantile func(phase string, p float64) (time.Duration, bool)) []Result {
	if c == nil {
		return nil
	}
	var out []Result
	for _, s := range c.slo {
		if s.percentile > 0 {
			d, ok := quantile(s.phase, s.percentile)
			out = append(out, s.result(d, ok, "p"+strconv.FormatFloat(s.percentile, 'f', -1, 64)+" "))
		}
	}
	return out
}

// Failed returns the failures among results.
func Failed(results []Result) []Result {
	var out []Result
	for _, r := range results {
		if !r.OK {
			out = append(out, r)
		}
	}
	return out
}

func (c *Checks) checkStatus(code int) Result {
	var want []string
	for _, s := range c.status {
		if s.lo == s.hi {
			want = append(want, strconv.Itoa(s.lo))
		} else {
			want = append(want, strconv.Itoa(s.lo/100)+"xx")
		}
	}
	r := Result{Check: "status", Expected: strings.Join(want, ","), Actual: strconv.Itoa(code)}
	for _, s := range c.status {
		if code >= s.lo && code <= s.hi {
			r.OK = true
		}
	}
	if !r.OK {
		r.line = fmt.Sprintf("status %d, expected %s", code, r.Expected)
	}
	return r
}

func (h headerCheck) check(hdr http.Header) Result {
	values, present := hdr[http.CanonicalHeaderKey(h.name)]
	r := Result{Check: "header " + h.name}
	switch {
	case h.absent:
		r.Expected, r.OK = "absent", !present
		r.Actual = "absent"
		if present {
			r.Actual = "present"
			r.line = fmt.Sprintf("header %s is present, expected absent", h.name)
		}
	case h.value == nil:
		r.Expected, r.OK = "present", present
		r.Actual = "present"
		if !present {
			r.Actual = "missing"
			r.line = fmt.Sprintf("header %s is missing, expected present", h.name)
		}
	default:
		r.Expected = "matches " + h.value.String()
		for _, v := range values {
			if h.value.MatchString(v) {
				r.OK, r.Actual = true, v
			}
		}
		switch {
		case !present:
			r.Actual = "missing"
			r.line = fmt.Sprintf("header %s is missing, expected to match %s", h.name, h.value)
		case !r.OK:
			r.Actual = strings.Join(values, ", ")
			r.line = fmt.Sprintf("header %s is %q, expected to match %s", h.name, r.Actual, h.value)
		}
	}
	return r
}

func (j jsonCheck) check(in Input) Result {
	r := Result{Check: "json " + j.path, Expected: strings.TrimSpace(j.op + " " + j.wantText)}
	fail := func(actual, line string) Result {
		r.Actual, r.line = actual, line
		return r
	}
	body := bytes.TrimPrefix(in.Body, []byte("\ufeff")) // a byte order mark may be ignored (RFC 8259 §8.1)
	switch {
	case in.NoBody:
		return fail("no body", fmt.Sprintf("no body to check %s", j.raw))
	case in.BodyCut:
		return fail("too large to check", fmt.Sprintf("body is larger than what hop holds to check, expected %s", j.raw))
	case !json.Valid(body):
		return fail("not JSON", fmt.Sprintf("body is not JSON, expected %s", j.raw))
	}
	res := gjson.GetBytes(body, j.path)
	actual := "missing"
	if res.Exists() {
		actual = shorten(res.Raw)
	}
	r.Actual = actual
	switch j.op {
	case "exists":
		r.OK = res.Exists()
	case "!exists":
		r.OK = !res.Exists()
	case "~":
		r.OK = res.Exists() && j.re.MatchString(res.String())
	case "==", "!=":
		var got any
		eq := res.Exists() && json.Unmarshal([]byte(res.Raw), &got) == nil && reflect.DeepEqual(got, j.want)
		r.OK = eq == (j.op == "==")
	default:
		cmp, ok := compare(res, j.want)
		if !ok {
			r.line = fmt.Sprintf("%s is %s, which cannot be compared with %s", j.path, actual, j.wantText)
			return r
		}
		r.OK = map[string]bool{"<": cmp < 0, "<=": cmp <= 0, ">": cmp > 0, ">=": cmp >= 0}[j.op]
	}
	if !r.OK {
		r.line = fmt.Sprintf("%s is %s, expected %s", j.path, actual, r.Expected)
	}
	return r
}

// compare orders a JSON value against the expected one: numbers with numbers, strings with strings.
func compare(res gjson.Result, want any) (int, bool) {
	switch w := want.(type) {
	case float64:
		if res.Type != gjson.Number {
			return 0, false
		}
		switch {
		case res.Num < w:
			return -1, true
		case res.Num > w:
			return 1, true
		}
		return 0, true
	case string:
		if res.Type != gjson.String {
			return 0, false
		}
		return strings.Compare(res.Str, w), true
	}
	return 0, false
}

// shorten is a JSON value as a check's line says it: on one line (an array or object from an indented body
// without its layout), and cut to 77 bytes and "..." between two characters when longer than 80.
func shorten(s string) string {
	if strings.HasPrefix(s, "[") || strings.HasPrefix(s, "{") {
		var b bytes.Buffer
		if json.Compact(&b, []byte(s)) == nil {
			s = b.String()
		}
	}
	if len(s) > 80 {
		cut := 77
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return s[:cut] + "..."
	}
	return s
}

func (s slo) result(d time.Duration, happened bool, prefix string) Result {
	r := Result{Check: "slo " + prefix + s.phase, Expected: "<= " + Millis(s.limit)}
	if !happened {
		r.Actual, r.OK = "did not happen", true // a phase that did not happen cannot be slow
		return r
	}
	r.Actual, r.OK = Millis(d), d <= s.limit
	if !r.OK {
		r.line = fmt.Sprintf("%s%s %s, slo %s", prefix, s.phase, Millis(d), Millis(s.limit))
	}
	return r
}

func (c *Checks) checkExpiry(chain []*x509.Certificate, now time.Time) Result {
	r := Result{Check: "certificate expiry", Expected: "none within " + c.expiryS}
	if len(chain) == 0 {
		r.Actual, r.OK = "no certificate (not TLS)", true
		return r
	}
	exp := tlsinfo.ExpiringWithin(chain, c.expiry, now)
	if len(exp) == 0 {
		soonest := chain[0].NotAfter
		for _, cert := range chain {
			if cert.NotAfter.Before(soonest) {
				soonest = cert.NotAfter
			}
		}
		r.Actual, r.OK = fmt.Sprintf("first expiry %s (%d days left)", soonest.UTC().Format(time.DateOnly), tlsinfo.DaysLeft(soonest, now)), true
		return r
	}
	cert := exp[0]
	r.Actual = fmt.Sprintf("%s expires on %s (%d days left)", cert.Subject, cert.NotAfter.UTC().Format(time.DateOnly), tlsinfo.DaysLeft(cert.NotAfter, now))
	r.line = fmt.Sprintf("certificate %s, within %s", r.Actual, c.expiryS)
	return r
}

// Millis words a duration for a check line: "412 ms", "3.27 ms", "1.25 s"; below 10 µs, "1.5 µs", "1 ns".
func Millis(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d > 0 && d < time.Microsecond:
		return strconv.FormatInt(int64(d), 10) + " ns" // a tiny limit is not shown as 0.00 ms
	case d > 0 && d < 10*time.Microsecond:
		return strconv.FormatFloat(float64(d)/float64(time.Microsecond), 'f', -1, 64) + " µs"
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(ms, 'f', 2, 64) + " ms"
	case d < time.Second:
		return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
}
