package request

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"example.com", "https://example.com/"},
		{"example.com/x?y=1", "https://example.com/x?y=1"},
		{"http://example.com", "http://example.com/"},
		{"HTTPS://Example.com/a", "https://Example.com/a"},
		{":8080/x", "http://localhost:8080/x"},
		{":8080", "http://localhost:8080/"},
		{":/x", "http://localhost/x"},
		{"localhost:3000/api", "http://localhost:3000/api"},
		{"localhost", "http://localhost/"},
		{"app.localhost:8000", "http://app.localhost:8000/"},
		{"127.0.0.1:9/x", "http://127.0.0.1:9/x"},
		{"127.1.2.3", "http://127.1.2.3/"},
		{"[::1]:8080/x", "http://[::1]:8080/x"},
		{"10.0.0.1/x", "https://10.0.0.1/x"},
		{"localhost.example.com", "https://localhost.example.com/"},
		// HTTPie's paste shortcut: "://x" is x without a scheme.
		{"://example.com/x", "https://example.com/x"},
		{"://localhost:8000", "http://localhost:8000/"},
		// What HTTPie sends (requests' requote_uri): a space as %20, in the path and in the query; a '%'
		// that begins no escape in the path as %25, escapes kept; the query's '%' as typed. Spaces around a
		// pasted URL are dropped, as xh (WHATWG's parser) drops them.
		{"example.com/my file.pdf?q=a b", "https://example.com/my%20file.pdf?q=a%20b"},
		{"example.com/100%.jpg?p=1%", "https://example.com/100%25.jpg?p=1%"},
		{"example.com/a%41%zz", "https://example.com/a%41%25zz"},
		{" http://example.com/x  ", "http://example.com/x"},
		// A slash too few or too many after http: or https:, as curl reads it (one to three) and browsers
		// too; not the host "http" of HTTPie's shorthand.
		{"http:/example.com/x", "http://example.com/x"},
		{"HTTPS:///example.com", "https://example.com/"},
		{"http:/localhost:8/x", "http://localhost:8/x"},
		// HTTPie and xh send a query's UTF-8 percent-encoded, as browsers do, and '"', '<', '>' too.
		{"example.com/straße?q=ä&r=\"<x>\"&s=%41", "https://example.com/stra%C3%9Fe?q=%C3%A4&r=%22%3Cx%3E%22&s=%41"},
		// A path is sent as typed but for the bytes a URL cannot carry raw, escaped as HTTPie and browsers
		// escape them: '!', '\'', '(', ')', '*' and escapes typed stay, even beside one of those.
		{"example.com/a(1)^", "https://example.com/a(1)%5E"},
		{"example.com/x%41!*|y", "https://example.com/x%41!*%7Cy"},
		{"example.com/a'b`c/{d}/ü(e)", "https://example.com/a'b%60c/%7Bd%7D/%C3%BC(e)"},
		{"example.com/\"q\"/<a>/a\\b", "https://example.com/%22q%22/%3Ca%3E/a%5Cb"},
	}
	for _, tt := range tests {
		u, err := ParseURL(tt.in)
		if err != nil {
			t.Errorf("parseURL(%q) error: %v", tt.in, err)
			continue
		}
		if got := u.String(); got != tt.want {
			t.Errorf("parseURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"", "://", "ftp://x", "file:///etc/passwd", "http://", "http://[::1", "exa mple.com", "a.com/\x1b[2J", "a.com/a\tb", "a.com/a\r\nX-Injected: 1", "http://x:99999/", "http://x:port/", "http:////example.com", "http:/"} {
		_, err := ParseURL(bad)
		var ue *UsageError
		if !errors.As(err, &ue) {
			t.Errorf("parseURL(%q) error = %v, want a *UsageError", bad, err)
		}
	}
}

// TestNumericIPv4: an IPv4 address written as a number in other forms (decimal, octal, hex, fewer than four
// parts) is the address curl 7.88 connects to and names in Host (curl -v shows "Trying 127.0.0.1"; WHATWG's
// URL parser agrees); what curl leaves a name to resolve (and fails to) stays as typed.
func TestNumericIPv4(t *testing.T) {
	for in, want := range map[string]string{
		"2130706433": "127.0.0.1", "0x7f.1": "127.0.0.1", "0x7f000001": "127.0.0.1", "127.1": "127.0.0.1",
		"0177.0.0.1": "127.0.0.1", "017700000001": "127.0.0.1", "4294967295": "255.255.255.255",
		"10.1.65535": "10.1.255.255", "0X0A.0": "10.0.0.0", "0": "0.0.0.0", "1.2.3.4": "1.2.3.4",
		// left as names, as curl leaves them
		"999.1.1.1": "", "1.2.3.4.5": "", "0x100000000": "", "4294967296": "", "08.0.0.1": "", "0x": "",
		"1.0x": "", "09": "", "1..2": "", "0xg.1": "", "127.0.0.1.": "", "": "", "example.com": "", "1.2.3.com": "",
		"1.256.0": "", "1e3": "", "+1": "", "1_000": "", "١٢٣": "",
	} {
		got, ok := NumericIPv4(in)
		if ok != (want != "") || got != want {
			t.Errorf("NumericIPv4(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for in, want := range map[string]string{
		"http://2130706433:8080/x": "http://127.0.0.1:8080/x",
		"https://ann:pw@0x7f.1/":   "https://ann:pw@127.0.0.1/",
		"127.1:8080/x":             "http://127.0.0.1:8080/x", // loopback: http://, as 127.0.0.1 is
		"10.1/x":                   "https://10.0.0.1/x",
		"http://999.1.1.1/":        "http://999.1.1.1/",
	} {
		if u, err := ParseURL(in); err != nil || u.String() != want {
			t.Errorf("ParseURL(%q) = %v, %v; want %s", in, u, err, want)
		}
	}
}

// TestUnbracketedIPv6: an IPv6 address typed without the brackets a URL needs is refused with the form it
// takes ("http://::1:8080/" → [::1]:8080).
func TestUnbracketedIPv6(t *testing.T) {
	for in, want := range map[string]string{
		"http://::1:8080/x":         "(an IPv6 address goes in brackets: [::1]:8080)",
		"http://fe80::1:2:3:4:5:6/": "(an IPv6 address goes in brackets: [fe80::1:2:3:4:5]:6)",
		"https://ann@2001:db8::1/x": "(an IPv6 address goes in brackets: [2001:db8::1])",
	} {
		_, err := ParseURL(in)
		if err == nil || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("ParseURL(%q): %v; want it to end %q", in, err, want)
		}
	}
	if _, err := ParseURL("http://a:b:c/"); err == nil || strings.Contains(err.Error(), "brackets") {
		t.Errorf("ParseURL(\"http://a:b:c/\"): %v; no address, no brackets to advise", err)
	}
}

// TestDefaultScheme: HTTPie's --default-scheme applies to every URL typed without a scheme, the localhost
// shorthand too; a scheme typed wins.
func TestDefaultScheme(t *testing.T) {
	for _, tt := range []struct{ in, scheme, want string }{
		{"example.com/x", "http", "http://example.com/x"},
		{"localhost:3000", "https", "https://localhost:3000/"},
		{":8080/x", "https", "https://localhost:8080/x"},
		{"127.0.0.1/x", "https", "https://127.0.0.1/x"},
		{"http://example.com", "https", "http://example.com/"},
	} {
		u, err := parseURL(tt.in, false, tt.scheme, false)
		if err != nil || u.String() != tt.want {
			t.Errorf("parseURL(%q, scheme %s) = %v, %v; want %s", tt.in, tt.scheme, u, err, tt.want)
		}
	}
}

// TestParseURLErrorsHidePasswords: a URL that cannot be used is echoed in its error, never with the
// password of its userinfo (a URL from a CI secret must not reach the log).
func TestParseURLErrorsHidePasswords(t *testing.T) {
	for _, bad := range []string{"http://ann:s3cret@exa mple.com", "http://ann:s3cret@[::1", "ftp://ann:s3cret@x/",
		"http://ann:s3cret@/x", "http://ann:s3cret@x:port/", "http://ann:s3cret@x:99999/"} {
		_, err := ParseURL(bad)
		if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "ann:xxxxx@") {
			t.Errorf("ParseURL(%q) error %v: want it with the password hidden", bad, err)
		}
	}
}

func TestOrigin(t *testing.T) {
	same := [][2]string{{"https://a.com/x", "https://A.com:443/y"}, {"http://a.com", "http://a.com:80/z"}}
	differ := [][2]string{{"https://a.com", "http://a.com"}, {"http://a.com:80", "http://a.com:8080"}, {"http://a.com", "http://b.a.com"}}
	for _, p := range same {
		a, _ := ParseURL(p[0])
		b, _ := ParseURL(p[1])
		if Origin(a) != Origin(b) {
			t.Errorf("Origin(%q) = %q, Origin(%q) = %q; want equal", p[0], Origin(a), p[1], Origin(b))
		}
	}
	for _, p := range differ {
		a, _ := ParseURL(p[0])
		b, _ := ParseURL(p[1])
		if Origin(a) == Origin(b) {
			t.Errorf("Origin(%q) == Origin(%q) = %q; want different", p[0], p[1], Origin(a))
		}
	}
}

func TestParseItem(t *testing.T) {
	tests := []struct {
		in        string
		kind      itemKind
		key, val  string
		wantError bool
	}{
		{in: "Name:Value", kind: itemHeader, key: "Name", val: "Value"},
		{in: "X-Url:http://a.com:80", kind: itemHeader, key: "X-Url", val: "http://a.com:80"},
		{in: "Accept:", kind: itemHeader, key: "Accept", val: ""},
		{in: "X-Empty;", kind: itemEmptyHeader, key: "X-Empty"},
		{in: "q==a b", kind: itemQuery, key: "q", val: "a b"},
		{in: "q==", kind: itemQuery, key: "q", val: ""},
		{in: "name=hop", kind: itemField, key: "name", val: "hop"},
		{in: "url=http://x", kind: itemField, key: "url", val: "http://x"},
		{in: "eq=a=b", kind: itemField, key: "eq", val: "a=b"},
		{in: "n:=3", kind: itemJSON, key: "n", val: "3"},
		{in: "f=@file.txt", kind: itemFieldFile, key: "f", val: "file.txt"},
		{in: "j:=@x.json", kind: itemJSONFile, key: "j", val: "x.json"},
		{in: "photo@cat.jpg", kind: itemUpload, key: "photo", val: "cat.jpg"},
		{in: "@body.bin", kind: itemBodyFile, key: "", val: "body.bin"},
		{in: "@-", kind: itemBodyFile, key: "", val: "-"},
		{in: `a\=b=c`, kind: itemField, key: "a=b", val: "c"},
		{in: `a\:b=c`, kind: itemField, key: "a:b", val: "c"},
		{in: "[]:=1", kind: itemJSON, key: "[]", val: "1"},
		// HTTPie 3: empty names are allowed; a backslash before a separator escapes it in the value too; a
		// backslash before anything else is kept for the nested-field parser.
		{in: "=x", kind: itemField, key: "", val: "x"},
		{in: ":=1", kind: itemJSON, key: "", val: "1"},
		{in: "==x", kind: itemQuery, key: "", val: "x"},
		{in: `a=b\=c`, kind: itemField, key: "a", val: "b=c"},
		{in: `q==a\=\=b`, kind: itemQuery, key: "q", val: "a==b"},
		{in: `A[B\\]=C`, kind: itemField, key: `A[B\\]`, val: "C"},
		// HTTPie 3's embed separators: a header's value and a query parameter read from a file; a backslash
		// keeps the @ literal.
		{in: "Authorization:@token.txt", kind: itemHeaderFile, key: "Authorization", val: "token.txt"},
		{in: "q==@q.txt", kind: itemQueryFile, key: "q", val: "q.txt"},
		{in: `X:\@home`, kind: itemHeader, key: "X", val: "@home"},
		{in: `q==\@home`, kind: itemQuery, key: "q", val: "@home"},
		{in: "X:@", wantError: true},
		{in: "q==@", wantError: true},
		{in: "Bad Name:@f", wantError: true},
		{in: "X;a=b", wantError: true},
		{in: "word", wantError: true},
		{in: "f=@", wantError: true},
		{in: "@", wantError: true},
		{in: "Bad Name:x", wantError: true},
		{in: "X:a\r\nInjected: 1", wantError: true},
		{in: "X:a\nb", wantError: true},
		{in: "X:a\x01b", wantError: true},
		{in: "X:a\x7f", wantError: true},
		{in: "X:a\tb", kind: itemHeader, key: "X", val: "a\tb"},
		// A second URL, which HTTPie would send as a header named http: a mistake, said so.
		{in: "http://example.com/b", wantError: true},
		{in: "HTTPS://example.com/b", wantError: true},
		{in: "http:/x", kind: itemHeader, key: "http", val: "/x"},
	}
	for _, tt := range tests {
		it, err := parseItem(tt.in)
		if tt.wantError {
			var ue *UsageError
			if !errors.As(err, &ue) {
				t.Errorf("parseItem(%q) error = %v, want a *UsageError", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseItem(%q) error: %v", tt.in, err)
			continue
		}
		if it.Kind != tt.kind || it.Key != tt.key || it.Value != tt.val {
			t.Errorf("parseItem(%q) = kind %d %q %q, want kind %d %q %q", tt.in, it.Kind, it.Key, it.Value, tt.kind, tt.key, tt.val)
		}
	}
}

// A leading ~ in a file an item names is the home directory, as HTTPie reads it (the shell leaves
// f=@~/x as typed); elsewhere a ~ is a ~.
func TestParseItemHome(t *testing.T) {
	t.Setenv("HOME", "/home/ann")
	for in, want := range map[string]string{
		"f=@~/x.txt": "/home/ann/x.txt", "j:=@~/x.json": "/home/ann/x.json", "X:@~/tok": "/home/ann/tok",
		"q==@~/q": "/home/ann/q", "up@~/a b.png": "/home/ann/a b.png", "@~/body": "/home/ann/body", "f=@~": "/home/ann",
		"f=@~ann/x": "~ann/x", "f=@./~/x": "./~/x", "f=~/x": "~/x", "X:~/x": "~/x", "q==~/x": "~/x",
	} {
		it, err := parseItem(in)
		if err != nil || it.Value != want {
			t.Errorf("parseItem(%q) = %q, %v; want %q", in, it.Value, err, want)
		}
	}
}

// The error for a second URL says what happened, how to send several, and never shows its password.
func TestSecondURLItem(t *testing.T) {
	_, err := parseItem("https://ann:s3cret@example.com/b")
	if err == nil || !strings.Contains(err.Error(), "a second URL: hop sends one request") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %v", err)
	}
}

func bodyString(t *testing.T, r *Request) string {
	t.Helper()
	if r.Body == nil {
		return ""
	}
	rc, err := r.Body.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	p, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(p)
}

func TestBuildJSON(t *testing.T) {
	tests := []struct {
		items []string
		want  string
	}{
		{[]string{"name=hop", "n:=3"}, `{"name":"hop","n":3}`},
		{[]string{"user[name]=x", "user[age]:=30", "tags[]=a", "tags[]=b"}, `{"user":{"name":"x","age":30},"tags":["a","b"]}`},
		{[]string{"a[2]=z"}, `{"a":[null,null,"z"]}`},
		{[]string{"[]:=1", "[]:=2"}, `[1,2]`},
		{[]string{"[0][k]=v", "[1][k]=w"}, `[{"k":"v"},{"k":"w"}]`},
		{[]string{"a=1", "a=2", "a=3"}, `{"a":"3"}`}, // HTTPie 3: the last value wins
		{[]string{"html=<b>&"}, `{"html":"<b>&"}`},
		{[]string{`x\[y\]=1`}, `{"x[y]":"1"}`},
		{[]string{`o:={ "spaced" : [1, 2] }`}, `{"o":{"spaced":[1,2]}}`},
	}
	for _, tt := range tests {
		r, err := Build(Spec{Method: "POST", URL: "example.com", Items: tt.items})
		if err != nil {
			t.Errorf("Build(%q) error: %v", tt.items, err)
			continue
		}
		if got := bodyString(t, r); got != tt.want {
			t.Errorf("Build(%q) body = %s, want %s", tt.items, got, tt.want)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Build(%q) Content-Type = %q", tt.items, ct)
		}
	}
	for _, bad := range [][]string{
		{"a=1", "a[b]=2"}, {"a[b]=1", "a[]=2"}, {"[]:=1", "k=v"}, {"a[b=1"}, {"a[b]x=1"}, {"a[99999999]=1"}, {"n:=nope"},
		{"a[-1]=x"}, {`A\[]:=1`}, {"foo[bar][1][142241[]:=2"},
	} {
		_, err := Build(Spec{Method: "POST", URL: "example.com", Items: bad})
		var ue *UsageError
		if !errors.As(err, &ue) {
			t.Errorf("Build(%q) error = %v, want a *UsageError", bad, err)
		}
	}
}

func TestBuildHeaders(t *testing.T) {
	r, err := Build(Spec{
		Method: "GET", URL: "example.com", UserAgent: "hop/test",
		Headers: []string{"X-List: a, b", "Accept:", "", "  "}, // -H "$UNSET" adds nothing, as in curl
		Items:   []string{"User-Agent:", "Host:virtual.example", "X-E;"},
		User:    "ann", Password: "pw",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Header.Get("X-List"); got != "a, b" {
		t.Errorf("X-List = %q", got)
	}
	if _, ok := r.Header[""]; ok || len(r.Header) != 5 {
		t.Errorf("headers %q; want X-List, User-Agent, Accept-Encoding, X-E and Authorization", r.Header)
	}
	if _, ok := r.Header["Accept"]; ok {
		t.Errorf("Accept: should remove the default Accept, got %q", r.Header["Accept"])
	}
	if v, ok := r.Header["User-Agent"]; !ok || len(v) != 0 {
		t.Errorf("User-Agent: should leave an empty entry so Go sends none, got %q (present %v)", v, ok)
	}
	if r.Host != "virtual.example" {
		t.Errorf("Host = %q", r.Host)
	}
	if v, ok := r.Header["X-E"]; !ok || v[0] != "" {
		t.Errorf("X-E; should send an empty value, got %q", v)
	}
	if got := r.Header.Get("Authorization"); got != "Basic YW5uOnB3" {
		t.Errorf("Authorization = %q", got)
	}
	// Cookie items and -b's pairs go in one header, every one of them.
	r, err = Build(Spec{Method: "GET", URL: "example.com", Items: []string{"Cookie:a=1", "Cookie:b=2"}, Cookie: "c=3"})
	if err != nil || r.Header.Get("Cookie") != "a=1; b=2; c=3" || len(r.Header["Cookie"]) != 1 {
		t.Errorf("Cookie items and -b: %q, %v", r.Header["Cookie"], err)
	}
	// Without -b too: two Cookie items (or -H lines) are one Cookie header (RFC 6265, 5.4: a client sends
	// one), where hop sent two, and a jar's cookies added to the first dropped the second.
	r, err = Build(Spec{Method: "GET", URL: "example.com", Items: []string{"Cookie:a=1", "Cookie;", "Cookie:b=2"}, Headers: []string{"Cookie: c=3"}})
	if err != nil || r.Header.Get("Cookie") != "c=3; a=1; b=2" || len(r.Header["Cookie"]) != 1 {
		t.Errorf("Cookie items and -H Cookie: %q, %v", r.Header["Cookie"], err)
	}
	// A header typed and then removed ("X-A:1 X-A:") is not sent, and so not given for a session to keep,
	// where a session kept it and sent it on the next run.
	r, err = Build(Spec{Method: "GET", URL: "example.com", Items: []string{"X-A:1", "X-B:2", "X-A:"}})
	if err != nil || r.Header.Get("X-A") != "" || r.Given.Get("X-A") != "" || r.Given.Get("X-B") != "2" {
		t.Errorf("X-A:1 X-A:: sent %q, given %q, %v", r.Header, r.Given, err)
	}
	// -H 'Name:' keeps out the header hop would add, never one typed with -H, before it or after: curl's
	// rule (it drops only its own headers), where hop removed the typed one too. An item ("Name:") is
	// HTTPie's, the last word: above.
	r, err = Build(Spec{Method: "GET", URL: "example.com", UserAgent: "hop/test",
		Headers: []string{"Accept: text/x", "Accept:", "X-A: 1", "X-A:", "X-A: 2", "User-Agent: mine", "User-Agent:"}})
	if err != nil || !slices.Equal(r.Header["Accept"], []string{"text/x"}) || !slices.Equal(r.Header["X-A"], []string{"1", "2"}) ||
		!slices.Equal(r.Header["User-Agent"], []string{"mine"}) {
		t.Errorf("-H 'Name: v' -H 'Name:': sent %q, %v", r.Header, err)
	}
	// An empty Cookie item ("Cookie;") adds no empty pair before -b's.
	r, err = Build(Spec{Method: "GET", URL: "example.com", Items: []string{"Cookie;"}, Cookie: "c=3"})
	if err != nil || r.Header.Get("Cookie") != "c=3" || len(r.Header["Cookie"]) != 1 {
		t.Errorf("Cookie; and -b: %q, %v", r.Header["Cookie"], err)
	}
	// Go's client sends one User-Agent, the first: two are refused rather than shown and not sent.
	if _, err := Build(Spec{Method: "GET", URL: "example.com", Items: []string{"User-Agent:a", "User-Agent:b"}}); err == nil {
		t.Error("two User-Agent items were taken")
	}
	for _, bad := range []string{"X: a\r\nInjected: 1", "X: a\nb", "X: a\x1bb", "NoColon", "Bad Name: x", ": empty"} {
		_, err := Build(Spec{Method: "GET", URL: "example.com", Headers: []string{bad}})
		var ue *UsageError
		if !errors.As(err, &ue) {
			t.Errorf("Build(-H %q) error = %v, want a *UsageError", bad, err)
		}
	}
}

// TestBuildItemFiles: Name:@file and name==@file send what HTTPie 3.2 sends for the same files (its
// process_embed_header_arg and process_embed_query_param_arg strip the final newlines, and every header value
// is trimmed), and stdin, as @- reads it for =@-.
// TestBadJSONItemsSayWhy: a := value that is not JSON says what is wrong in words that lead to the fix: a
// bare word needs quotes (or = instead), a value cut short is not closed, an empty one is none.
func TestBadJSONItemsSayWhy(t *testing.T) {
	for item, want := range map[string]string{
		"name:=john":      `not valid JSON: a JSON string needs quotes (name:='"john"'), or name=john sends it as a string`,
		"user[id]:=ab-12": `a JSON string needs quotes (user[id]:='"ab-12"'), or user[id]=ab-12 sends it as a string`,
		`o:={"b":1`:       "not valid JSON: it ends before the value does (a bracket or quote not closed?)",
		"e:=":             `not valid JSON: there is none (an empty string is '""')`,
		"n:=[1,}":         "not valid JSON: invalid character",
	} {
		_, err := Build(Spec{Method: "POST", URL: "example.com", Items: []string{item}})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Build(%q): %v; want %q", item, err, want)
		}
	}
}

func TestBuildItemFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"tok": "Bearer t0k\n", "crlf": "tok\r\n", "nl3": "tok\n\n\n", "empty": "", "words": "a b&c\n",
		"two": "secret\nline\n", "latin1": "caf\xe9", "big": strings.Repeat("a", 1<<20+1)}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	f := func(name string) string { return filepath.Join(dir, name) }
	tests := []struct {
		items      []string
		stdin      string
		header     http.Header // the headers named here, as sent
		query      string
		wantErr    string // a part of the error
		notInError string
	}{
		{items: []string{"Authorization:@" + f("tok")}, header: http.Header{"Authorization": {"Bearer t0k"}}},
		{items: []string{"X:@" + f("crlf")}, header: http.Header{"X": {"tok"}}},
		{items: []string{"X:@" + f("nl3")}, header: http.Header{"X": {"tok"}}},
		{items: []string{"X:@" + f("empty")}, header: http.Header{"X": {""}}}, // sent empty, not removed
		{items: []string{"User-Agent:@" + f("tok")}, header: http.Header{"User-Agent": {"Bearer t0k"}}},
		{items: []string{"X:@-"}, stdin: "from stdin\n", header: http.Header{"X": {"from stdin"}}},
		{items: []string{"q==@" + f("words")}, query: "q=a+b%26c"},
		{items: []string{"q==@" + f("crlf")}, query: "q=tok%0D"}, // HTTPie strips only the newlines
		{items: []string{"q==@" + f("nl3")}, query: "q=tok"},
		{items: []string{"q==@" + f("empty")}, query: "q="},
		{items: []string{"q==@" + f("two")}, query: "q=secret%0Aline"},
		{items: []string{"X:@" + f("two")}, wantErr: "value contains CR, LF or NUL", notInError: "secret"},
		{items: []string{"X:@" + f("latin1")}, wantErr: "not a UTF-8 or ASCII-encoded text file", notInError: "caf"},
		{items: []string{"q==@" + f("latin1")}, wantErr: "not a UTF-8 or ASCII-encoded text file"},
		{items: []string{"X:@" + f("nothing")}, wantErr: "no such file"},
		// Bounded as -H @FILE is (/dev/zero must not fill memory), and a field's file is not.
		{items: []string{"X:@" + f("big")}, wantErr: "larger than 1 MiB"},
		{items: []string{"q==@" + f("big")}, wantErr: "larger than 1 MiB"},
		{items: []string{"q==@-"}, stdin: strings.Repeat("a", 1<<20+1), wantErr: "longer than 1 MiB"},
		{items: []string{"X:@-", "q==@-"}, stdin: "x", wantErr: "already used"},
	}
	for _, tt := range tests {
		spec := Spec{Method: "GET", URL: "http://example.com/x", Items: tt.items}
		if tt.stdin != "" {
			spec.Stdin, spec.StdinBody = strings.NewReader(tt.stdin), true
		}
		r, err := Build(spec)
		if tt.wantErr != "" {
			var ue *UsageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.wantErr) || tt.notInError != "" && strings.Contains(err.Error(), tt.notInError) {
				t.Errorf("%q: error %v, want a *UsageError saying %q without %q", tt.items, err, tt.wantErr, tt.notInError)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.items, err)
			continue
		}
		for name, want := range tt.header {
			if got, ok := r.Header[name]; !ok || !reflect.DeepEqual(got, want) {
				t.Errorf("%q: %s = %q (present %v), want %q", tt.items, name, got, ok, want)
			}
		}
		if r.URL.RawQuery != tt.query {
			t.Errorf("%q: query %q, want %q", tt.items, r.URL.RawQuery, tt.query)
		}
		if r.Body != nil {
			t.Errorf("%q: a body was made; the items send none, and stdin read by an item is not the body too", tt.items)
		}
	}
}

// -F's headers=@FILE is bounded as -H @FILE is: a file of headers larger than 1 MiB is refused before it
// is held whole.
func TestFormHeadersFileBounded(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(big, []byte(strings.Repeat("X-A: 1\n", 1<<20/7+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Build(Spec{Method: "POST", URL: "http://example.com/", FormParts: []string{"a=b;headers=@" + big}})
	var ue *UsageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("error %v, want a *UsageError saying larger than 1 MiB", err)
	}
}

// curl's -F with an empty name (=value, =@file, --form-string =value) sends a part with no name at all, as
// curl 7.88 writes it; HTTPie's @file under -f is a part named "", as HTTPie writes it.
func TestFormPartWithoutName(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(file, []byte("hi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Build(Spec{Method: "POST", URL: "http://example.com/", FormParts: []string{"=v", "=@" + file, `="w"`}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range r.Body.Parts {
		got = append(got, r.Body.Disposition(p))
	}
	if want := []string{"form-data", `form-data; filename="f.txt"`, "form-data"}; !slices.Equal(got, want) {
		t.Errorf("-F without names: %q, want %q", got, want)
	}
	r, err = Build(Spec{Method: "POST", URL: "http://example.com/", Form: true, Items: []string{"@" + file}})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Body.Disposition(r.Body.Parts[0]); got != `form-data; name=""; filename="f.txt"` {
		t.Errorf("HTTPie's @file under -f: %q", got)
	}
}

// TestBuildSendsWhatNetHTTPSends: for every byte in a header value, from every place a value comes from,
// either Build refuses it as the user's error or net/http sends it to a real server. A value net/http
// refuses to send would otherwise be a failure of the exchange, and hop would blame the server.
func TestBuildSendsWhatNetHTTPSends(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	client := srv.Client()
	sources := map[string]func(v string) Spec{
		"item":     func(v string) Spec { return Spec{Items: []string{"X-V:" + v}} },
		"-H":       func(v string) Spec { return Spec{Headers: []string{"X-V: " + v}} },
		"-A":       func(v string) Spec { return Spec{UserAgent: v} },
		"-e":       func(v string) Spec { return Spec{Referer: v} },
		"-b":       func(v string) Spec { return Spec{Cookie: "c=" + v} },
		"--bearer": func(v string) Spec { return Spec{Bearer: v} },
	}
	for name, spec := range sources {
		refused := 0
		for b := 0; b < 256; b++ {
			s := spec("a" + string([]byte{byte(b)}) + "b")
			s.Method, s.URL = "GET", srv.URL
			r, err := Build(s)
			if err != nil {
				var ue *UsageError
				if !errors.As(err, &ue) {
					t.Errorf("%s with byte 0x%02x: error %v, want a *UsageError", name, b, err)
				}
				refused++
				continue
			}
			req, err := r.HTTPRequest(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Errorf("%s with byte 0x%02x: Build accepted it, net/http did not send it: %v", name, b, err)
				continue
			}
			resp.Body.Close()
		}
		// The 32 control characters but the tab, and DEL.
		if refused != 32 {
			t.Errorf("%s: %d bytes refused, want 32", name, refused)
		}
	}
}

func TestBuildMultipart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cat.txt")
	if err := os.WriteFile(path, []byte("meow\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Build(Spec{Method: "POST", URL: "example.com", Form: true, Items: []string{"title=cat", "photo@" + path}})
	if err != nil {
		t.Fatal(err)
	}
	body := bodyString(t, r)
	if int64(len(body)) != r.Body.Length {
		t.Errorf("declared length %d, actual %d", r.Body.Length, len(body))
	}
	if again := bodyString(t, r); again != body {
		t.Errorf("a second Open gave a different body")
	}
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	form, err := multipart.NewReader(strings.NewReader(body), params["boundary"]).ReadForm(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	if form.Value["title"][0] != "cat" {
		t.Errorf("title = %q", form.Value["title"])
	}
	fh := form.File["photo"][0]
	if fh.Filename != "cat.txt" || fh.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("file part: name %q type %q", fh.Filename, fh.Header.Get("Content-Type"))
	}
}

// TestEmptyMultipart: --multipart with no fields sends only the close delimiter, as browsers and HTTPie
// write it, not a blank line before it.
func TestEmptyMultipart(t *testing.T) {
	r, err := Build(Spec{Method: "POST", URL: "example.com", Multipart: true, Boundary: "XyZ"})
	if err != nil {
		t.Fatal(err)
	}
	if body := bodyString(t, r); body != "--XyZ--\r\n" || r.Body.Length != int64(len(body)) {
		t.Errorf("body %q (length %d), want %q", body, r.Body.Length, "--XyZ--\r\n")
	}
}

func TestBuildBodies(t *testing.T) {
	r, err := Build(Spec{Method: "POST", URL: "example.com", Form: true, Items: []string{"a=1 2", "b=&"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := bodyString(t, r); got != "a=1+2&b=%26" {
		t.Errorf("form body = %q", got)
	}
	r, err = Build(Spec{Method: "POST", URL: "example.com", Stdin: strings.NewReader("piped"), StdinBody: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := bodyString(t, r); got != "piped" {
		t.Errorf("stdin body = %q", got)
	}
	// Longer than hop holds: streamed once; refused, naming the cap and the way out, when it must be resent.
	big := strings.Repeat("x", maxStdinInMemory+1)
	r, err = Build(Spec{Method: "PUT", URL: "example.com", Stdin: strings.NewReader(big), StdinBody: true})
	if err != nil || r.Body.Length != -1 || bodyString(t, r) != big {
		t.Errorf("a long stdin body: err %v, length %d; want it streamed whole", err, r.Body.Length)
	}
	if _, err := r.Body.Open(); err == nil {
		t.Errorf("a streamed stdin body opened twice")
	}
	_, err = Build(Spec{Method: "PUT", URL: "example.com", Stdin: strings.NewReader(big), StdinBody: true, Resend: true})
	if err == nil || !strings.Contains(err.Error(), "longer than 8 MiB") || !strings.Contains(err.Error(), "@FILE") {
		t.Errorf("a long stdin body to resend: err %v; want a usage error naming the cap", err)
	}
	r, err = Build(Spec{Method: "GET", URL: "example.com", Stdin: strings.NewReader("never read")})
	if err != nil || r.Body != nil {
		t.Errorf("without StdinBody, stdin must not become the body (body %v, err %v)", r.Body, err)
	}
	if _, err := Build(Spec{Method: "POST", URL: "example.com", Items: []string{"a=1"}, Data: []Data{{Value: "x"}}}); err == nil {
		t.Errorf("two bodies were accepted")
	}
	if _, err := Build(Spec{Method: "BAD METHOD", URL: "example.com"}); err == nil {
		t.Errorf("a method with a space was accepted")
	}
}

// TestKeep: a streamed body keeps a copy of its last send, whole, for the HAR; a send still read after a
// later one began does not change it; a body over the limit keeps nothing.
func TestKeep(t *testing.T) {
	path := filepath.Join(t.TempDir(), "body.txt")
	os.WriteFile(path, []byte("twelve bytes"), 0o644)
	r, err := Build(Spec{Method: "PUT", URL: "example.com", Items: []string{"@" + path}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Keep(100)
	first, _ := r.Body.Open()
	io.ReadFull(first, make([]byte, 3))
	if got := r.Body.Kept(); got != nil {
		t.Errorf("a send read in part: kept %q", got)
	}
	second, _ := r.Body.Open()
	io.ReadAll(second)
	io.ReadAll(first) // the earlier send, read to its end after the later one began
	if got := string(r.Body.Kept()); got != "twelve bytes" {
		t.Errorf("kept %q, want the last send's", got)
	}
	r.Body.Keep(5)
	rc, _ := r.Body.Open()
	io.ReadAll(rc)
	if got := r.Body.Kept(); got != nil {
		t.Errorf("a body over the limit: kept %q", got)
	}
	held, _ := Build(Spec{Method: "POST", URL: "example.com", Items: []string{"a=1"}})
	held.Body.Keep(100)
	if got := held.Body.Kept(); got != nil {
		t.Errorf("a body held in memory keeps no copy (Bytes has it): %q", got)
	}
}

// -G and --url-query '+RAW' put data in the query as it is; a space or a control character there cannot stand
// in a request line (a CR LF would end it, and what follows would be read as a header), so it is refused.
func TestQueryDataSendable(t *testing.T) {
	for _, s := range []Spec{
		{Get: true, Data: []Data{{Kind: DataBinary, Value: "q=a\r\nX-Smuggled: 1"}}},
		{Get: true, Data: []Data{{Kind: DataRaw, Value: "q=1 2"}}},
		{URLQuery: []string{"+a=\tb"}},
	} {
		s.Method, s.URL = "GET", "http://example.com/get"
		var ue *UsageError
		if r, err := Build(s); !errors.As(err, &ue) {
			t.Errorf("%+v: %v, %v; want a usage error", s, r, err)
		}
	}
	r, err := Build(Spec{Method: "GET", URL: "http://example.com/get", Get: true, Data: []Data{{Kind: DataRaw, Value: "q=é&r=%20"}}})
	if err != nil || r.URL.RawQuery != "q=é&r=%20" {
		t.Errorf("bytes a request line carries: %v, %+v", err, r)
	}
}

// TestHeaderErrorsHideValues: a header that cannot be sent is named in its error without its value, which
// may be a token; "…" stands for a value only where there is one.
func TestHeaderErrorsHideValues(t *testing.T) {
	for _, tt := range []struct {
		items   []string
		headers []string
		want    string
	}{
		{items: []string{":"}, want: `":": header has no name`},
		{items: []string{":s3cret"}, want: `":…": header has no name`},
		{items: []string{"Bad Name:s3cret"}, want: `"Bad Name:…": header name "Bad Name" contains an invalid character`},
		{headers: []string{":"}, want: `"-H :": header has no name`},
		{headers: []string{"Bad Name: s3cret"}, want: `"-H Bad Name:…": header name`},
	} {
		_, err := Build(Spec{Method: "GET", URL: "http://example.com/", Items: tt.items, Headers: tt.headers})
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("items %q, -H %q: error %v; want one starting %s, without the value", tt.items, tt.headers, err, tt.want)
		}
	}
}
