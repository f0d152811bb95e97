package format

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// terminalSafe reports whether b can go to a terminal: no C0 control but newline and tab, no DEL, no C1,
// no bidi override, no byte that is not UTF-8.
func terminalSafe(b []byte, body bool) bool {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if needsEscape(r, size, body) {
			return false
		}
		i += size
	}
	return true
}

// Escape's output is always safe, and safe text is left as it is.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[31mred", "\u009b31m", "\u202eevil", "\xff\xfe", "tab\tnl\n", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Escape(s)
		if !terminalSafe([]byte(out), false) {
			t.Fatalf("Escape(%q) = %q", s, out)
		}
		if terminalSafe([]byte(s), false) && out != s {
			t.Fatalf("Escape changed safe text %q to %q", s, out)
		}
	})
}

// The body escaper's output is safe whatever the bytes and however they are split across writes.
func FuzzEscaper(f *testing.F) {
	f.Add([]byte("a\x1b[2Jb\r\nc\u009bd\xe2\x80"), uint8(3))
	f.Add([]byte("\r"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, split uint8) {
		var buf bytes.Buffer
		e := newEscaper(&buf)
		step := int(split)%7 + 1
		for i := 0; i < len(data); i += step {
			e.Write(data[i:min(i+step, len(data))])
		}
		e.Close()
		out := bytes.ReplaceAll(buf.Bytes(), []byte("\r\n"), []byte("\n")) // CRLF line ends are kept
		if !terminalSafe(out, true) {
			t.Fatalf("escaper(%q) = %q", data, buf.Bytes())
		}
	})
}

// Whatever a server labels and sends, Body on a terminal writes nothing a terminal obeys, and piped it
// writes the bytes as they came.
func FuzzBody(f *testing.F) {
	for _, s := range []string{`{"a":"\u001b"}`, "[1,2,3]", "\x1b]0;x\x07", "{\"a\":\"\x9b\"}", "[" + strings.Repeat("[", 600) + "]"} {
		f.Add([]byte(s), "application/json")
		f.Add([]byte(s), "text/plain")
		f.Add([]byte(s), "")
	}
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		var term bytes.Buffer
		if _, err := Body(&term, bytes.NewReader(body), BodyOptions{ContentType: ctype, Terminal: true, Format: true, Color: false}); err != nil {
			t.Fatal(err)
		}
		out := bytes.ReplaceAll(term.Bytes(), []byte("\r\n"), []byte("\n"))
		if !terminalSafe(out, true) {
			t.Fatalf("Body(%q, %q) on a terminal wrote %q", body, ctype, term.Bytes())
		}
		var piped bytes.Buffer
		if _, err := Body(&piped, bytes.NewReader(body), BodyOptions{ContentType: ctype}); err != nil || !bytes.Equal(piped.Bytes(), body) {
			t.Fatalf("piped Body changed %q into %q (%v)", body, piped.Bytes(), err)
		}
		io.Discard.Write(nil)
	})
}

// FuzzTraceBlock checks that a dump of any bytes is printable ASCII in lines, and that its text holds every
// byte in order (a dot when not printable), but for the CRLFs that end its lines in ASCII.
func FuzzTraceBlock(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), false)
	f.Add([]byte("\r\n\r\r\n\n\x1b[31m\xc2\x9b"), true)
	f.Add(bytes.Repeat([]byte("a\r\n"), 50), false)
	f.Fuzz(func(t *testing.T, data []byte, hex bool) {
		var b strings.Builder
		if err := TraceBlock(&b, "", TraceRecvData, data, hex); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, c := range []byte(out) {
			if c != '\n' && (c < 0x20 || c >= 0x7f) {
				t.Fatalf("byte %#x in the dump of %q", c, data)
			}
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")[1:]
		var text strings.Builder
		for _, l := range lines {
			l = l[len("0000: "):]
			if hex {
				l = l[3*16:]
			}
			text.WriteString(l)
		}
		shown := data
		if !hex {
			shown = bytes.ReplaceAll(data, []byte("\r\n"), nil) // a CRLF ends a line, and is not shown
		}
		want := make([]byte, 0, len(shown))
		for _, c := range shown {
			want = append(want, traceChar(c))
		}
		if got := text.String(); got != string(want) {
			t.Fatalf("text %q, want %q", got, want)
		}
	})
}

// FuzzUnescapeJSON checks that showing a formatted body's \u escapes as characters keeps it valid JSON of
// the same value, and keeps out what a terminal must not get.
func FuzzUnescapeJSON(f *testing.F) {
	f.Add([]byte(`{"caf\u00e9": ["\ud83d\ude00", "\u001b", "\u202e", "\\u0041", "\/", "\ud800"]}`))
	f.Add([]byte(`"\u0022\u005c"`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		out := unescapeJSONStrings(prettyJSON(data, BodyOptions{}))
		var a, b any
		if err := json.Unmarshal(data, &a); err != nil {
			return
		}
		if err := json.Unmarshal(out, &b); err != nil {
			t.Fatalf("%q became %q, not JSON: %v", data, out, err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%q became %q: %v, want %v", data, out, b, a)
		}
		if terminalSafe(data, true) && !terminalSafe(out, true) {
			// (what is raw in the input already is escapeJSONStrings's to handle)
			t.Fatalf("%q became %q, with a control or bidi override raw", data, out)
		}
	})
}

// closeCounter is an %output{} file that counts how often it is closed.
type closeCounter struct {
	bytes.Buffer
	closed *int
}

func (c *closeCounter) Close() error { *c.closed++; return nil }

// WriteOutput takes any template: no panic, every %output{} file it opens is closed once, and a template
// with no % and no backslash is written as it is.
func FuzzWriteOutput(f *testing.F) {
	for _, seed := range []string{"%{http_code}\\n", "a%output{x}b%{stdout}c", "%output{>>x}%output{y}", "%header{a:all:\\}}",
		"%time{%c %f %s %%}", "%{onerror}%output{z}e", "%header{", "%time{", "%output{", "%{", "%", "\\", "%{json}%{header_json}", "plain text"} {
		f.Add(seed)
	}
	v := &WriteOut{Header: map[string][]string{"A": {"1", "2"}}, Heads: []http.Header{{"A": {"0"}}}, ConnID: -1}
	f.Fuzz(func(t *testing.T, tmpl string) {
		var out, errOut bytes.Buffer
		opened, closed := 0, 0
		open := func(name string, _ bool) (io.WriteCloser, error) {
			if strings.HasPrefix(name, "fail") {
				return nil, io.ErrClosedPipe
			}
			opened++
			return &closeCounter{closed: &closed}, nil
		}
		WriteOutput(&out, &errOut, tmpl, v, open)
		if opened != closed {
			t.Errorf("%q: %d files opened, %d closed", tmpl, opened, closed)
		}
		if !strings.ContainsAny(tmpl, "%\\") && (out.String() != tmpl || errOut.Len() > 0) {
			t.Errorf("%q written as %q", tmpl, out.String())
		}
	})
}
