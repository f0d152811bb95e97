package check

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/trace"
)

func TestParseWindow(t *testing.T) {
	for in, want := range map[string]time.Duration{"30d": 30 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "12h": 12 * time.Hour, "1.5d": 36 * time.Hour, "90m": 90 * time.Minute} {
		if got, err := ParseWindow(in); err != nil || got != want {
			t.Errorf("ParseWindow(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "soon", "-1d", "0d", "0s", "NaNd", "Infd", "200000d", "d", "3x", "30"} {
		if got, err := ParseWindow(bad); err == nil {
			t.Errorf("ParseWindow(%q) = %v, want an error", bad, got)
		}
	}
	// A bare number is not taken as seconds here: the error names the unit to add.
	if _, err := ParseWindow("30"); err == nil || !strings.Contains(err.Error(), "30d") {
		t.Errorf("ParseWindow(30) error = %v; want it to suggest 30d", err)
	}
}

func TestStatus(t *testing.T) {
	for code, fails := range map[int]bool{200: false, 204: false, 302: false, 399: false, 400: true, 404: true, 500: true, 599: true} {
		err := Status(code, func() string { return "explained" })
		if (err != nil) != fails {
			t.Errorf("Status(%d) = %v, want failing %v", code, err, fails)
		}
		if err != nil && (exchange.ClassOf(err) != exchange.Status || err.Error() != "explained") {
			t.Errorf("Status(%d) = %q of class %v", code, err, exchange.ClassOf(err))
		}
	}
}

func TestParseErrorsNameFlagAndPosition(t *testing.T) {
	tests := []struct {
		spec Spec
		flag string
		pos  int
	}{
		{Spec{Status: "200,2yy"}, "--expect-status", 5},
		{Spec{Status: "abc"}, "--expect-status", 1},
		{Spec{Headers: []string{"Bad Name: x"}}, "--expect-header", 1},
		{Spec{Headers: []string{"X-A: a(b"}}, "--expect-header", 6},
		{Spec{JSON: []string{"items.#"}}, "--expect-json", 8},
		{Spec{JSON: []string{"items.# >"}}, "--expect-json", 10},
		{Spec{JSON: []string{"items.# => 1"}}, "--expect-json", 9},
		{Spec{JSON: []string{"id exists 3"}}, "--expect-json", 11},
		{Spec{JSON: []string{`name == "unclosed`}}, "--expect-json", 9},
		{Spec{JSON: []string{"name ~ a(b"}}, "--expect-json", 8},
		{Spec{Body: []string{"a(b"}}, "--expect-body", 1},
		{Spec{SLO: []string{"server=200ms,dsn=1s"}}, "--slo", 14},
		{Spec{SLO: []string{"server"}}, "--slo", 1},
		{Spec{SLO: []string{"server=fast"}}, "--slo", 8},
		{Spec{SLO: []string{"p200:total=1s"}}, "--slo", 1},
		{Spec{ExpiresWithin: "soon"}, "--expires-within", 1},
	}
	for _, tt := range tests {
		_, err := Parse(tt.spec)
		se, ok := err.(*SyntaxError)
		if !ok {
			t.Errorf("Parse(%+v) = %v, want a *SyntaxError", tt.spec, err)
			continue
		}
		if se.Flag != tt.flag || se.Pos+1 != tt.pos {
			t.Errorf("Parse(%+v): %v; want flag %s at character %d", tt.spec, err, tt.flag, tt.pos)
		}
	}
}

func evaluate(t *testing.T, spec Spec, in Input) []Result {
	t.Helper()
	c, err := Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	return c.Evaluate(in)
}

func TestStatusHeaderBodyChecks(t *testing.T) {
	in := Input{Status: 503, Header: http.Header{"Content-Type": {"application/json"}, "X-Id": {"42"}}, Body: []byte(`{"ok":false}`)}
	tests := []struct {
		spec Spec
		ok   bool
		line string
	}{
		{Spec{Status: "2xx"}, false, "status 503, expected 2xx"},
		{Spec{Status: "2xx,503"}, true, ""},
		{Spec{Status: "5XX"}, true, ""},
		{Spec{Headers: []string{"X-Id"}}, true, ""},
		{Spec{Headers: []string{"x-id: ^4\\d$"}}, true, ""},
		{Spec{Headers: []string{"X-Id: ^7"}}, false, `header X-Id is "42", expected to match ^7`},
		{Spec{Headers: []string{"!X-Debug"}}, true, ""},
		{Spec{Headers: []string{"!X-Id"}}, false, "header X-Id is present, expected absent"},
		{Spec{Headers: []string{"X-Trace"}}, false, "header X-Trace is missing, expected present"},
		{Spec{Body: []string{`"ok":\s*false`}}, true, ""},
		{Spec{Body: []string{"^ok"}}, false, "body does not match ^ok"},
	}
	for _, tt := range tests {
		rs := evaluate(t, tt.spec, in)
		if len(rs) != 1 || rs[0].OK != tt.ok || rs[0].Line() != tt.line {
			t.Errorf("%+v: %+v (line %q), want ok=%v line %q", tt.spec, rs, rs[0].Line(), tt.ok, tt.line)
		}
	}
}

func TestJSONChecks(t *testing.T) {
	body := []byte(`{"items":[1,2,3],"user":{"name":"ann","admin":false,"id":7},"status":"ok: fine","empty":[],"n":null}`)
	in := Input{Body: body}
	tests := []struct {
		check string
		ok    bool
		line  string
	}{
		{"items.# > 0", true, ""},
		{"items.# == 3", true, ""},
		{"empty.# > 0", false, "empty.# is 0, expected > 0"},
		{`user.name == "ann"`, true, ""},
		{"user.name == ann", true, ""}, // a bare word is a string
		{"user.name != ann", false, `user.name is "ann", expected != ann`},
		{"user.admin == false", true, ""},
		{"user.id >= 7", true, ""},
		{"user.id < 7", false, "user.id is 7, expected < 7"},
		{"user.name < bob", true, ""},
		{"status ~ ^ok", true, ""},
		{"user.id ~ ^7$", true, ""},
		{"user.id exists", true, ""},
		{"user.email exists", false, "user.email is missing, expected exists"},
		{"user.email !exists", true, ""},
		{"n == null", true, ""},
		{`items == [1,2,3]`, true, ""},
		{"user.email == x", false, "user.email is missing, expected == x"},
		{"user.name > 3", false, `user.name is "ann", which cannot be compared with 3`},
	}
	for _, tt := range tests {
		rs := evaluate(t, Spec{JSON: []string{tt.check}}, in)
		if rs[0].OK != tt.ok || rs[0].Line() != tt.line {
			t.Errorf("%q: ok=%v line %q; want ok=%v line %q", tt.check, rs[0].OK, rs[0].Line(), tt.ok, tt.line)
		}
	}
	for _, body := range [][]byte{[]byte("<html>"), []byte("")} {
		rs := evaluate(t, Spec{JSON: []string{"id exists"}}, Input{Body: body})
		if rs[0].OK || rs[0].Line() != "body is not JSON, expected id exists" {
			t.Errorf("JSON check of %q: %+v", body, rs[0])
		}
	}
	// A value from an indented body is said on one line, and one too long is cut between characters.
	pretty := []byte("{\n  \"tags\": [\n    \"a\",\n    \"b c\"\n  ],\n  \"long\": \"x" + strings.Repeat("é", 60) + "\"\n}")
	for _, tt := range []struct{ check, line string }{
		{`tags == []`, `tags is ["a","b c"], expected == []`},
		{`long == x`, `long is "x` + strings.Repeat("é", 37) + `..., expected == x`},
	} {
		rs := evaluate(t, Spec{JSON: []string{tt.check}}, Input{Body: pretty})
		if rs[0].Line() != tt.line || !utf8.ValidString(rs[0].Line()) {
			t.Errorf("%q: line %q, want %q", tt.check, rs[0].Line(), tt.line)
		}
	}
	// A byte order mark first is ignored, as RFC 8259 allows (IIS and .NET send one).
	if rs := evaluate(t, Spec{JSON: []string{"id == 1"}}, Input{Body: []byte("\ufeff{\"id\":1}")}); !rs[0].OK {
		t.Errorf("JSON after a BOM: %+v", rs[0])
	}
	rs := evaluate(t, Spec{JSON: []string{"id exists"}}, Input{Body: []byte(`{"id":1`), BodyCut: true})
	if rs[0].OK {
		t.Errorf("a body cut at the cap passed a JSON check")
	}
}

// TestJSONPathsReadAsWritten: every operator reads a string as encoding/json does (which == uses), also a
// lone surrogate's escape that a server sent: "\ud800\u0041" is U+FFFD then "A", the "A" not lost; and an
// index past 2^64 names no element (it wrapped to 1 in gjson before v1.20.1).
func TestJSONPathsReadAsWritten(t *testing.T) {
	in := Input{Body: []byte(`{"s":"\ud800\u0041","t":"\udc00x","items":[1,2,3]}`)}
	for _, check := range []string{"s == \ufffdA", "s ~ ^\ufffdA$", "s >= \ufffdA", "s <= \ufffdA", "t == \ufffdx", "t ~ ^\ufffdx$",
		"items.18446744073709551617 !exists", "items.18446744073709551616 !exists", "items.1 == 2"} {
		if rs := evaluate(t, Spec{JSON: []string{check}}, in); !rs[0].OK {
			t.Errorf("%q: %s", check, rs[0].Line())
		}
	}
}

func TestSLOChecks(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	rec := trace.Record{URL: "http://127.0.0.1/", Host: "127.0.0.1", Reused: true,
		Events: trace.Events{Start: at(0), GotConn: at(1), WroteRequest: at(2), FirstByte: at(414), BodyDone: at(420)}}
	in := Input{Record: rec, Timings: rec.Timings()}
	rs := evaluate(t, Spec{SLO: []string{"server=0.2,total=1s", "ttfb=100ms,dns=1ms,connect=1ms"}}, in)
	want := []struct {
		ok   bool
		line string
	}{
		{false, "server 412 ms, slo 200 ms"},
		{true, ""},
		{false, "ttfb 414 ms, slo 100 ms"},
		{true, ""}, // dns did not happen on a reused connection
		{true, ""},
	}
	if len(rs) != len(want) {
		t.Fatalf("%d results, want %d: %+v", len(rs), len(want), rs)
	}
	for i, w := range want {
		if rs[i].OK != w.ok || rs[i].Line() != w.line {
			t.Errorf("slo %d: ok=%v line %q; want ok=%v line %q", i, rs[i].OK, rs[i].Line(), w.ok, w.line)
		}
	}
	c, _ := Parse(Spec{SLO: []string{"p95:total=300ms,total=1s"}})
	if got := c.Evaluate(in); len(got) != 1 {
		t.Errorf("a percentile SLO was judged on one run: %+v", got)
	}
	ps := c.EvaluatePercentiles(func(phase string, p float64) (time.Duration, bool) {
		if phase != "total" || p != 95 {
			t.Errorf("asked for p%v of %s", p, phase)
		}
		return 412 * time.Millisecond, true
	})
	if len(ps) != 1 || ps[0].OK || ps[0].Line() != "p95 total 412 ms, slo 300 ms" {
		t.Errorf("percentile SLO = %+v", ps)
	}
}
