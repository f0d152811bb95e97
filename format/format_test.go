package format

import (
	"bytes"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/hop-cli/hop/tlsinfo"
	"github.com/hop-cli/hop/trace"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"héllo wörld ✓", "héllo wörld ✓"},
		{"a\x1b[31mb", `a\x1b[31mb`},
		{"bell\x07", `bell\x07`},
		{"line\nbreak\ttab\rcr", `line\nbreak\ttab\rcr`},
		{"del\x7f", `del\x7f`},
		{"c1\u009b31m", `c1\u009b31m`},
		{"bidi\u202eevil\u2066", `bidi\u202eevil\u2066`},
		{"bad\xffutf8", `bad\xffutf8`},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEscaper(t *testing.T) {
	tests := []struct{ in, want string }{
		{"text\nwith\ttabs\n", "text\nwith\ttabs\n"},
		{"crlf\r\nends\r\n", "crlf\r\nends\r\n"},
		{"lone\rcr", `lone\rcr`},
		{"trailing cr\r", `trailing cr\r`},
		{"esc\x1b[2J", `esc\x1b[2J`},
		{"ünïcödé ✓ 日本", "ünïcödé ✓ 日本"},
		{"c1 \xc2\x9b", `c1 \u009b`},
		{"cut \xe6\x97", `cut \xe6\x97`},
		{"bad \xff\xfe", `bad \xff\xfe`},
	}
	for _, tt := range tests {
		// Write one byte at a time too: state must carry across writes.
		for _, oneByte := range []bool{false, true} {
			var buf bytes.Buffer
			e := newEscaper(&buf)
			if oneByte {
				for i := 0; i < len(tt.in); i++ {
					e.Write([]byte{tt.in[i]})
				}
			} else {
				e.Write([]byte(tt.in))
			}
			e.Close()
			if got := buf.String(); got != tt.want {
				t.Errorf("escaper(%q, byte at a time %v) = %q, want %q", tt.in, oneByte, got, tt.want)
			}
		}
	}
}

func TestMeaning(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Add(kv[i], kv[i+1])
		}
		return out
	}
	tests := []struct {
		code int
		h    http.Header
		want string
	}{
		{200, nil, "success: the request worked"},
		{301, h("Location", "https://new/"), "redirect: moved for good, → https://new/"},
		{401, h("WWW-Authenticate", `Bearer realm="api", Basic realm="x"`), "client error: authentication required, scheme Bearer, Basic"},
		{429, h("Retry-After", "30"), "client error: slow down, retry after 30s"},
		{503, h("Retry-After", "Sun, 22 Nov 2026 12:02:00 GMT"), "server error: the server is down or overloaded, retry after 2m0s (2026-11-22T12:02:00Z)"},
		{405, h("Allow", "GET, HEAD"), "client error: this method is not allowed here, allowed: GET, HEAD"},
		{299, nil, "success: unregistered code"},
		{999, nil, "non-standard status: unregistered code"},
		{1204, nil, "non-standard status: unregistered code"},
		{0, nil, "non-standard status: unregistered code"},
	}
	for _, tt := range tests {
		if got := Meaning(tt.code, tt.h, now); got != tt.want {
			t.Errorf("Meaning(%d) = %q, want %q", tt.code, got, tt.want)
		}
	}
	// Every registered code has its own words.
	for code := 100; code < 600; code++ {
		if http.StatusText(code) != "" && meaningOf(code) == "" {
			t.Errorf("status %d (%s) has no meaning", code, http.StatusText(code))
		}
	}
	if got := Reason(200, "200"); got != "OK" {
		t.Errorf("Reason for HTTP/2 200 = %q, want OK", got)
	}
	if got := Reason(200, "200 Fine"); got != "Fine" {
		t.Errorf("Reason(200, %q) = %q, want the server's phrase", "200 Fine", got)
	}
}

func TestBody(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		opts     BodyOptions
		want     string
		wantKind string
		wantNote string
	}{
		{"piped passes bytes", "{\"a\":1}", BodyOptions{ContentType: "application/json"}, "{\"a\":1}", "", ""},
		{"terminal formats JSON", `{"a":[1,2]}`, BodyOptions{ContentType: "application/json", Terminal: true, Format: true}, "{\n  \"a\": [1, 2]\n}\n", "json", ""},
		{"+json is JSON", `{"a":1}`, BodyOptions{ContentType: "application/problem+json; charset=utf-8", Format: true}, "{\n  \"a\": 1\n}\n", "json", ""},
		{"invalid JSON shown as text", `{"a":`, BodyOptions{ContentType: "application/json", Terminal: true, Format: true}, "{\"a\":\n", "text", "not valid JSON"},
		{"binary never on a terminal", "\x89PNG\r\n\x1a\n\x00\x00", BodyOptions{ContentType: "text/plain", Terminal: true}, "", "binary", "binary body not shown (image/png, 10 bytes)"},
		{"binary passes to a file", "\x00\x01\x02", BodyOptions{Format: true}, "\x00\x01\x02", "binary", ""},
		{"text escaped on a terminal", "hi\x1b[2J\n", BodyOptions{Terminal: true}, "hi\\x1b[2J\n", "text", ""},
		{"terminal gets a final newline", "no newline", BodyOptions{Terminal: true}, "no newline\n", "text", ""},
		{"JSON over the cap streams unformatted", `{"a": 1}`, BodyOptions{ContentType: "application/json", Format: true, Cap: 4}, `{"a": 1}`, "json", "larger than 4 bytes"},
		{"C1 in JSON escaped on a terminal", "{\"a\":\"\u009b\"}", BodyOptions{ContentType: "application/json", Terminal: true, Format: true}, "{\n  \"a\": \"\\u009b\"\n}\n", "json", ""},
		{"empty body", "", BodyOptions{Terminal: true, Format: true}, "", "", ""},
		// RFC 8259 lets a reader ignore a byte order mark; piped, the bytes stay as sent.
		{"JSON after a BOM formatted", "\ufeff{\"a\":1}", BodyOptions{ContentType: "application/json", Terminal: true, Format: true}, "{\n  \"a\": 1\n}\n", "json", ""},
		{"JSON after a BOM piped as sent", "\ufeff{\"a\":1}", BodyOptions{ContentType: "application/json"}, "\ufeff{\"a\":1}", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			res, err := Body(&buf, iotest.HalfReader(strings.NewReader(tt.body)), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if buf.String() != tt.want {
				t.Errorf("wrote %q, want %q", buf.String(), tt.want)
			}
			if res.Kind != tt.wantKind || !strings.Contains(res.Note, tt.wantNote) || (tt.wantNote == "" && res.Note != "") {
				t.Errorf("result = %+v, want kind %q and a note containing %q", res, tt.wantKind, tt.wantNote)
			}
		})
	}
}

func TestBodyReportsReadErrorAfterWriting(t *testing.T) {
	var buf bytes.Buffer
	r := iotest.TimeoutReader(strings.NewReader(strings.Repeat("x", 300<<10)))
	_, err := Body(&buf, r, BodyOptions{})
	if err == nil || buf.Len() == 0 {
		t.Errorf("got %d bytes and err %v; want the bytes read before the error, then the error", buf.Len(), err)
	}
}

func TestFormatJSONStaysValid(t *testing.T) {
	in := []byte(`{"s":"a\u007fb\u009bc","n":[1,{"x":null}]}`)
	out := formatJSON(in, BodyOptions{Format: true, Terminal: true})
	var a, b any
	if err := json.Unmarshal(in, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &b); err != nil {
		t.Fatalf("formatted JSON does not parse: %v\n%s", err, out)
	}
	if !bytes.Equal(mustMarshal(a), mustMarshal(b)) {
		t.Errorf("formatting changed the value:\n%s", out)
	}
}

func mustMarshal(v any) []byte {
	p, _ := json.Marshal(v)
	return p
}

// fixedHops are two hops with known timings: a redirect on a fresh TLS connection, then a reused one.
func fixedHops() []Hop {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ms := func(n float64) time.Time { return t0.Add(time.Duration(n * float64(time.Millisecond))) }
	var hops []Hop
	for _, rec := range []trace.Record{
		{
			Method: "GET", URL: "https://example.com/old", Host: "example.com", Secure: true, Status: 301, Proto: "HTTP/2.0",
			RemoteAddr: "93.184.216.34:443",
			Events: trace.Events{
				Start: ms(0), DNSStart: ms(0.1), DNSDone: ms(12.5), ConnectStart: ms(12.6), ConnectDone: ms(30.2),
				TLSStart: ms(30.3), TLSDone: ms(75), GotConn: ms(75.1), WroteRequest: ms(75.4), FirstByte: ms(180),
				BodyDone: ms(181),
			},
		},
		{
			Method: "GET", URL: "https://example.com/new", Host: "example.com", Secure: true, Status: 200, Proto: "HTTP/2.0",
			RemoteAddr: "93.184.216.34:443", Reused: true, IdleTime: 2 * time.Millisecond,
			Events: trace.Events{
				Start: ms(182), GotConn: ms(182.1), WroteRequest: ms(182.3), FirstByte: ms(230), BodyDone: ms(262),
			},
		},
	} {
		hops = append(hops, Hop{Record: rec})
	}
	return hops
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("..", "testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./format -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

// TestGolden renders every screen from fixed data, plain and in colour, in lines of any length (what a pipe
// gets) and fitted to terminals of 80 and 120 columns.
func TestGolden(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	for _, width := range []int{0, 80, 120} {
		for _, colored := range []bool{false, true} {
			suffix := ".txt"
			if colored {
				suffix = ".color.txt"
			}
			if width > 0 {
				suffix = fmt.Sprintf(".%d%s", width, suffix)
			}
			s := Style{Color: colored, Width: width}
			var buf bytes.Buffer
			h := http.Header{"Content-Type": {"application/json"}, "Retry-After": {"30"}, "X-Evil": {"\x1b[2Jboom"}}
			StatusLine(&buf, s, Status{Proto: "HTTP/2.0", Code: 429, Status: "429", Header: h, Now: now})
			Headers(&buf, s, h)
			buf.WriteString("\n")
			RequestHead(&buf, s, Request{Method: "POST", Target: "/api?x=1", Proto: "HTTP/1.1", Host: "example.com",
				Header: http.Header{"Authorization": {"Bearer abc.def"}, "Cookie": {"a=1; b=2"}, "Accept": {"*/*"}}})
			buf.WriteString("\n")
			golden(t, "head"+suffix, buf.Bytes())

			buf.Reset()
			conn, chain := fixedTLS()
			TLSSummary(&buf, s, conn)
			weak := tlsinfo.Connection{Version: "TLS 1.2", VersionGrade: "ok", Cipher: "TLS_RSA_WITH_AES_128_GCM_SHA256", CipherGrade: "weak", Resumed: true}
			TLSSummary(&buf, s, weak)
			buf.WriteString("\n")
			if err := Cert(&buf, s, CertReport{Target: "example.com:443", RemoteAddr: "93.184.216.34:443", SNI: "example.com",
				Offered: "TLS 1.2–TLS 1.3", ALPN: []string{"h2", "http/1.1"}, Conn: &conn, Chain: chain,
				Checks: []tlsinfo.Check{
					{Name: "trust", OK: true, Detail: "issued by a trusted CA (Example Root)"},
					{Name: "name", OK: true, Detail: "valid for example.com (matched example.com)"},
					{Name: "dates", OK: false, Detail: "example.com expired on 2026-11-01"},
				},
				Verdict: tlsinfo.Verdict{Reason: "the certificate expired on 2026-11-01"}}); err != nil {
				t.Fatal(err)
			}
			golden(t, "tls"+suffix, buf.Bytes())

			buf.Reset()
			Summary(&buf, s, fixedHops()[:1])
			Summary(&buf, s, fixedHops())
			golden(t, "summary"+suffix, buf.Bytes())

			buf.Reset()
			if err := Waterfall(&buf, s, fixedHops(), cmp.Or(width, 100)); err != nil {
				t.Fatal(err)
			}
			golden(t, "waterfall"+suffix, buf.Bytes())
			if width > 0 {
				for i, line := range strings.Split(buf.String(), "\n") {
					if n := visibleLen(line); n > width {
						t.Errorf("waterfall at %d columns: line %d is %d columns wide: %q", width, i+1, n, line)
					}
				}
			}
		}
	}
}

// fixedTLS is a connection and chain with known values.
func fixedTLS() (tlsinfo.Connection, []tlsinfo.Certificate) {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	chain := []tlsinfo.Certificate{
		{Subject: "CN=example.com", SANs: []string{"example.com", "www.example.com"}, MatchedName: "example.com",
			Issuer: "CN=Example Intermediate", Serial: "0A:1B", NotBefore: day(2026, 8, 1), NotAfter: day(2026, 11, 1),
			DaysLeft: -21, KeyType: "ECDSA", KeyBits: 256, KeyGrade: "good", SignatureAlgorithm: "ECDSA-SHA256",
			SHA256: "A2:92:9C:68:FC:9F:22:6A:9D:B9:66:70:2A:33:E7:32:37:36:0E:88:17:9E:11:AF:CB:82:9C:92:06:66:49:32", SPKIPin: "sha256//74Wa7XJT3tfDPZ4pN6RwrjnagBrvlno2+I3C/N3Nyu8="},
		{Subject: "CN=Example Intermediate", SANs: []string{}, Issuer: "CN=Example Root", Serial: "02",
			NotBefore: day(2025, 1, 1), NotAfter: day(2026, 12, 10), DaysLeft: 18, KeyType: "RSA", KeyBits: 2048,
			KeyGrade: "ok", SignatureAlgorithm: "SHA256-RSA", SHA256: "CC:DD", SPKIPin: "sha256//pin1=", IsCA: true,
			OCSPServers: []string{"http://ocsp.example"}},
	}
	conn := tlsinfo.Connection{Version: "TLS 1.3", VersionGrade: "good", Cipher: "TLS_AES_128_GCM_SHA256",
		CipherGrade: "good", ALPN: "h2", KeyExchange: "X25519", ForwardSecrecy: true, OCSPStapled: true, SCTs: 2,
		OCSP:     &tlsinfo.Staple{Status: "good", ThisUpdate: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		Verified: true, ServerName: "example.com", Chain: chain}
	return conn, chain
}

// A formatted JSON body shows \u escapes as the characters they stand for, as jq and HTTPie do, but for
// what a terminal or JSON must not get raw.
func TestUnescapeJSONStrings(t *testing.T) {
	for in, want := range map[string]string{
		`{"name": "caf\u00e9"}`:                `{"name": "café"}`,
		`["\ud83d\ude00", "a\/b"]`:             `["😀", "a/b"]`,
		`{"caf\u00E9": 1}`:                     `{"café": 1}`,
		`["\u001b[31m", "\u007f", "\u009b"]`:   `["\u001b[31m", "\u007f", "\u009b"]`,
		`["\u202e", "\u2066"]`:                 `["\u202e", "\u2066"]`,
		`["\u0022", "\u005c", "\"", "\\"]`:     `["\u0022", "\u005c", "\"", "\\"]`,
		`["\\u00e9", "\\\u00e9"]`:              `["\\u00e9", "\\é"]`,
		`["\ud83d", "\ud83d\u0041", "\ude00"]`: `["\ud83d", "\ud83dA", "\ude00"]`,
		`{"n": 1, "t": "a\tb\n"}`:              `{"n": 1, "t": "a\tb\n"}`,
	} {
		if got := string(unescapeJSONStrings([]byte(in))); got != want {
			t.Errorf("unescapeJSONStrings(%s) = %s, want %s", in, got, want)
		}
		var a, b any
		if json.Unmarshal([]byte(in), &a) != nil || json.Unmarshal([]byte(want), &b) != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("%s and %s are not the same JSON", in, want)
		}
	}
}

// TestWriteOutHeaderGone: after a request that got no answer (or too many redirects), %header{NAME} and
// %{header_json} are empty, as curl's, where num_headers keeps the last answer's count; an empty
// header_json is "{\n}", as curl writes it.
func TestWriteOutHeaderGone(t *testing.T) {
	h := http.Header{"Location": {"/next"}, "Date": {"today"}}
	for _, tt := range []struct {
		gone bool
		want string
	}{
		{false, "/next|2|{\"date\":[\"today\"],\n\"location\":[\"/next\"]\n}"},
		{true, "|2|{\n}"},
	} {
		var out, errOut bytes.Buffer
		WriteOutput(&out, &errOut, "%header{location}|%{num_headers}|%{header_json}", &WriteOut{Header: h, HeaderGone: tt.gone}, nil)
		if out.String() != tt.want {
			t.Errorf("gone %v: %q, want %q", tt.gone, out.String(), tt.want)
		}
	}
}
