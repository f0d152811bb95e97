package request

import (
	"net/url"
	"strings"
	"testing"
)

// The item parser and the whole build never panic, and a built request never carries a header value a
// server would read as two headers.
func FuzzItems(f *testing.F) {
	for _, s := range []string{"a=1", "a:=[1,2]", "X-A:b", "X;", "q==1", `a\=b=c`, "user[name]=x", "tags[]=a", "a[0][b]=c",
		"f@/dev/null", "X:@/dev/null", "q==@/dev/null", "X:\\@v", "@-", ":", "=", "a:=@x.json", `\`, "a[", "a]b=1", "[]=1", "a[\\1]=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		it, err := parseItem(arg)
		if err == nil && it.Raw != arg {
			t.Fatalf("parseItem(%q).Raw = %q", arg, it.Raw)
		}
		if strings.Contains(strings.ReplaceAll(arg, "@/dev/null", ""), "@/") {
			return // a file anywhere on the machine: /dev/zero would read up to 256 MiB a run, /dev/stdin would wait
		}
		r, err := Build(Spec{Method: "POST", URL: "http://example.com/", Items: []string{arg}})
		if err != nil {
			return
		}
		for name, vs := range r.Header {
			for _, v := range vs {
				if strings.ContainsAny(name+v, "\r\n\x00") {
					t.Fatalf("item %q made header %q: %q", arg, name, v)
				}
			}
		}
	})
}

// The URL shorthand never panics, and whatever it accepts is http or https with a host.
func FuzzURL(f *testing.F) {
	for _, s := range []string{"example.com", ":8080/x", ":/x", "localhost:3000", "http://a/b?c=http://d", "https://[::1]:443/",
		":8080@evil.com/x", "1.2.3.4", "http://a:b@c/", "//x", "http://%zz/", "a/../../b", "HTTP://X/", "a.com/b c?d e#f g", "a.com/100%?x=%", "a.com/ä?q=ü&r=\"<>\"", "a.com/?q=\xff", "a.com/a(1)^/%2F|/%2e%2E/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := ParseURL(raw)
		if err != nil {
			return
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Hostname() == "" {
			t.Fatalf("ParseURL(%q) = %s", raw, u)
		}
		// Spaces are sent escaped (as HTTPie sends them): nothing in the request line's target breaks it. The
		// target is ASCII, and its query holds none of the bytes HTTPie and xh encode there.
		if strings.ContainsAny(u.RequestURI(), " \t\r\n") {
			t.Fatalf("ParseURL(%q) sends the target %q", raw, u.RequestURI())
		}
		if i := strings.IndexFunc(u.RequestURI(), func(r rune) bool { return r > 0x7e }); i >= 0 || strings.ContainsAny(u.RawQuery, `"<>`) {
			t.Fatalf("ParseURL(%q) sends the target %q, with bytes a request line cannot carry", raw, u.RequestURI())
		}
		// The path sent is the path hop holds, written so that the request line carries it.
		if p, err := url.PathUnescape(u.EscapedPath()); err != nil || p != u.Path || strings.ContainsAny(u.EscapedPath(), "\"<>\\^`{|}") {
			t.Fatalf("ParseURL(%q) holds the path %q and sends %q", raw, u.Path, u.EscapedPath())
		}
		// "://host" is HTTPie's pasted-URL shortcut for host, not the :PORT shorthand.
		if strings.HasPrefix(raw, ":") && !strings.HasPrefix(raw, "://") && u.Hostname() != "localhost" {
			t.Fatalf("the :PORT shorthand %q went to %s", raw, u.Hostname())
		}
	})
}

// FuzzReadHAR: whatever a HAR file holds, reading an entry never panics, and what it gives is a method, a
// URL and headers a request can carry, none of them a pseudo-header or Host.
func FuzzReadHAR(f *testing.F) {
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"GET","url":"http://x/","headers":[{"name":":authority","value":"x"},{"name":"A","value":"b"}]}}]}}`), 1)
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"POST","url":"http://x/","postData":{"params":[{"name":"a","value":"1"}]}}}]}}`), 0)
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"GET","url":"http://x/","headers":[{"name":"A b","value":"c\r\nd"}]}}]}}`), 1)
	f.Add([]byte(`{"log":{"entries":[]}}`), 0)
	f.Add([]byte(`[]`), 3)
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"GET","url":"u","headers":[{"name":"","value":"x"}]}}]}}`), 1)
	f.Fuzz(func(t *testing.T, data []byte, n int) {
		e, _, err := ReadHAR(data, n)
		if err != nil {
			return
		}
		if e.Method == "" || e.URL == "" {
			t.Fatalf("an entry without a method or URL: %+v", e)
		}
		for name, vs := range e.Headers {
			if name == "" || strings.HasPrefix(name, ":") || name == "Host" {
				t.Fatalf("header %q", name)
			}
			for _, v := range vs {
				if err := ValidateHeader(name, v); err != nil {
					t.Fatalf("a header no request can carry: %v", err)
				}
			}
		}
	})
}

// A -F value never panics the parser, and any text quoted as --curl quotes a file name (\ and " escaped,
// in double quotes) reads back as that text, with the options after it.
func FuzzFormValue(f *testing.F) {
	for _, s := range []string{`"a;b"`, `@"x y";type=a/b`, `"a\"b"`, `"a\\b"`, `"C:\dir"`, `x;filename="a;b"`, `"`, `a;type`, `;`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		splitFormValue(s)
		quoted := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `";type=a/b`
		v, opts, err := splitFormValue(quoted)
		if err != nil || v != s || len(opts) != 1 || opts[0] != "type=a/b" {
			t.Fatalf("splitFormValue(%q) = %q, %q, %v; want %q and type=a/b", quoted, v, opts, err, s)
		}
	})
}
