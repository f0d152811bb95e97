package check

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hop-cli/hop/trace"
)

// Spec is what the user asked to check, as typed; cmd binds the --expect-* flags, --slo and
// --expires-within to it.
type Spec struct {
	Status        string   // --expect-status 2xx,304
	Headers       []string // --expect-header NAME | !NAME | 'NAME: REGEX'
	JSON          []string // --expect-json 'PATH OP VALUE'
	Body          []string // --expect-body REGEX
	SLO           []string // --slo KEY=DURATION[,...], KEY may be pNN:phase
	ExpiresWithin string   // --expires-within 21d
}

// Checks are parsed checks, ready to evaluate against each run.
type Checks struct {
	status  []statusRange // empty: the default rule (4xx and 5xx fail) is cmd's
	headers []headerCheck
	json    []jsonCheck
	body    []*regexp.Regexp
	slo     []slo
	expiry  time.Duration
	expiryS string
}

// SyntaxError is a check that does not parse: a usage error naming the flag, what was typed and where.
type SyntaxError struct {
	Flag, Value string
	Pos         int // byte offset in Value where the problem is
	Msg         string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s %q: at character %d: %s", e.Flag, e.Value, e.Pos+1, e.Msg)
}

// Parse parses every check of s. The first one that does not parse is a *SyntaxError.
func Parse(s Spec) (*Checks, error) {
	c := &Checks{}
	var err error
	if s.Status != "" {
		if c.status, err = parseStatus(s.Status); err != nil {
			return nil, err
		}
	}
	for _, h := range s.Headers {
		hc, err := parseHeader(h)
		if err != nil {
			return nil, err
		}
		c.headers = append(c.headers, hc)
	}
	for _, j := range s.JSON {
		jc, err := parseJSON(j)
		if err != nil {
			return nil, err
		}
		c.json = append(c.json, jc)
	}
	for _, b := range s.Body {
		re, err := regexp.Compile(b)
		if err != nil {
			return nil, &SyntaxError{Flag: "--expect-body", Value: b, Pos: regexpPos(b, err), Msg: regexpMsg(err)}
		}
		c.body = append(c.body, re)
	}
	for _, v := range s.SLO {
		slos, err := parseSLO(v)
		if err != nil {
			return nil, err
		}
		c.slo = append(c.slo, slos...)
	}
	if s.ExpiresWithin != "" {
		d, err := ParseWindow(s.ExpiresWithin)
		if err != nil {
			return nil, &SyntaxError{Flag: "--expires-within", Value: s.ExpiresWithin, Msg: err.Error()}
		}
		c.expiry, c.expiryS = d, s.ExpiresWithin
	}
	return c, nil
}

// ReplacesStatusRule reports whether --expect-status was given: it then decides on the status instead of
// the default rule that 4xx and 5xx fail.
func (c *Checks) ReplacesStatusRule() bool { return c != nil && len(c.status) > 0 }

// NeedsBody reports whether a check reads the response body.
func (c *Checks) NeedsBody() bool { return c != nil && (len(c.json) > 0 || len(c.body) > 0) }

// Empty reports whether nothing is checked.
func (c *Checks) Empty() bool {
	return c == nil || len(c.status)+len(c.headers)+len(c.json)+len(c.body)+len(c.slo) == 0 && c.expiry == 0
}

// statusRange is one item of --expect-status: a status (200) or a class (2xx).
type statusRange struct{ lo, hi int }

func parseStatus(v string) ([]statusRange, error) {
	var out []statusRange
	pos := 0
	for _, item := range strings.Split(v, ",") {
		t := strings.TrimSpace(item)
		at := pos + strings.Index(item, t)
		pos += len(item) + 1
		switch {
		case len(t) == 3 && t[0] >= '1' && t[0] <= '5' && strings.EqualFold(t[1:], "xx"):
			base := int(t[0]-'0') * 100
			out = append(out, statusRange{base, base + 99})
		case len(t) == 3 && isDigits(t) && t[0] >= '1' && t[0] <= '5':
			n, _ := strconv.Atoi(t)
			out = append(out, statusRange{n, n})
		default:
			return nil, &SyntaxError{Flag: "--expect-status", Value: v, Pos: at,
				Msg: fmt.Sprintf("%q is not a status (use 200, 2xx, or a list: 200,204 or 2xx,304)", t)}
		}
	}
	return out, nil
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// headerCheck is one --expect-header: present, absent, or a value matching a pattern.
type headerCheck struct {
	raw    string
	name   string
	absent bool
	value  *regexp.Regexp // nil: presence only
}

func parseHeader(v string) (headerCheck, error) {
	h := headerCheck{raw: v}
	name, pattern, hasValue := strings.Cut(v, ":")
	name = strings.TrimSpace(name)
	if n, ok := strings.CutPrefix(name, "!"); ok && !hasValue {
		h.absent, name = true, strings.TrimSpace(n)
	}
	if name == "" || !isToken(name) {
		return h, &SyntaxError{Flag: "--expect-header", Value: v, Msg: "expected NAME, !NAME or 'NAME: REGEX' with NAME a header name"}
	}
	h.name = name
	if hasValue {
		pattern = strings.TrimSpace(pattern)
		re, err := regexp.Compile(pattern)
		if err != nil {
			return h, &SyntaxError{Flag: "--expect-header", Value: v, Pos: strings.Index(v, pattern) + regexpPos(pattern, err), Msg: regexpMsg(err)}
		}
		h.value = re
	}
	return h, nil
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// jsonCheck is one --expect-json: PATH OP VALUE, PATH exists or PATH !exists.
type jsonCheck struct {
	raw, path, op string
	want          any            // the expected value: a decoded JSON literal, or a bare word as a string
	wantText      string         // as typed
	re            *regexp.Regexp // for ~
}

var jsonOps = []string{"==", "!=", "<=", ">=", "<", ">", "~", "!exists", "exists"}

func parseJSON(v string) (jsonCheck, error) {
	j := jsonCheck{raw: v}
	bad := func(pos int, format string, a ...any) error {
		return &SyntaxError{Flag: "--expect-json", Value: v, Pos: pos, Msg: fmt.Sprintf(format, a...)}
	}
	s := strings.TrimLeft(v, " ")
	start := len(v) - len(s)
	end := strings.IndexByte(s, ' ')
	if s == "" || end < 0 {
		return j, bad(start+len(s), "expected PATH OP VALUE, PATH exists or PATH !exists (operators: == != < <= > >= ~)")
	}
	j.path = s[:end]
	rest := strings.TrimLeft(s[end:], " ")
	opAt := len(v) - len(rest)
	for _, op := range jsonOps {
		if r, ok := strings.CutPrefix(rest, op); ok && (r == "" || r[0] == ' ' || op != "exists" && op != "!exists") {
			j.op, rest = op, r
			break
		}
	}
	if j.op == "" {
		return j, bad(opAt, "expected an operator (== != < <= > >= ~ exists !exists) after the path")
	}
	value := strings.TrimSpace(rest)
	valueAt := len(v) - len(strings.TrimLeft(rest, " "))
	switch j.op {
	case "exists", "!exists":
		if value != "" {
			return j, bad(valueAt, "nothing may follow %s", j.op)
		}
		return j, nil
	case "~":
		if value == "" {
			return j, bad(valueAt, "missing the pattern after ~")
		}
		re, err := regexp.Compile(value)
		if err != nil {
			return j, bad(valueAt+regexpPos(value, err), "%s", regexpMsg(err))
		}
		j.re, j.wantText = re, value
		return j, nil
	}
	if value == "" {
		return j, bad(valueAt, "missing the value after %s", j.op)
	}
	j.wantText = value
	if err := json.Unmarshal([]byte(value), &j.want); err != nil {
		if strings.ContainsAny(value[:1], `"{[`) {
			return j, bad(valueAt, "%s is not valid JSON", value)
		}
		j.want = value // a bare word is a string
	}
	return j, nil
}

// slo is one --slo limit: a phase of the final hop (or ttfb) within a duration; at a percentile over the
// runs of --repeat when one is named.
type slo struct {
	raw        string
	percentile float64 // 0: every run
	phase      string
	limit      time.Duration
}

// SLOPhases are the keys --slo takes: the phases hop measures, total, and ttfb (the start of the hop to its
// first response byte).
var SLOPhases = []string{trace.DNS, trace.Connect, trace.Proxy, trace.TLS, trace.QUIC, trace.Send, trace.Server, trace.Transfer, trace.Total, trace.TTFB}

func parseSLO(v string) ([]slo, error) {
	var out []slo
	pos := 0
	for _, item := range strings.Split(v, ",") {
		at := pos
		pos += len(item) + 1
		bad := func(off int, format string, a ...any) error {
			return &SyntaxError{Flag: "--slo", Value: v, Pos: at + off, Msg: fmt.Sprintf(format, a...)}
		}
		key, dur, ok := strings.Cut(item, "=")
		if !ok {
			return nil, bad(0, "expected KEY=DURATION (server=200ms, p95:total=1s)")
		}
		s := slo{raw: strings.TrimSpace(item)}
		phase := strings.TrimSpace(key)
		if p, rest, ok := strings.Cut(phase, ":"); ok {
			n, err := strconv.ParseFloat(strings.TrimPrefix(p, "p"), 64)
			if !strings.HasPrefix(p, "p") || err != nil || !(n > 0 && n <= 100) {
				return nil, bad(0, "%q is not a percentile (p50, p95, p99.9)", p)
			}
			s.percentile, phase = n, rest
		}
		if !slices.Contains(SLOPhases, phase) {
			return nil, bad(0, "%q is not a phase (%s)", phase, strings.Join(SLOPhases, " "))
		}
		s.phase = phase
		d, err := ParseDuration(strings.TrimSpace(dur))
		if err != nil || d <= 0 {
			return nil, bad(len(key)+1, "%q is not a positive duration (200ms, 1.5s, 0.2)", strings.TrimSpace(dur))
		}
		s.limit = d
		out = append(out, s)
	}
	return out, nil
}

// regexpPos finds where in pattern a regexp error points, from the expression it quotes.
func regexpPos(pattern string, err error) int {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": `"); i >= 0 {
		frag := strings.TrimSuffix(msg[i+3:], "`")
		if j := strings.Index(pattern, frag); j >= 0 {
			return j
		}
	}
	return 0
}

func regexpMsg(err error) string {
	return "not a valid regular expression: " + strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}
