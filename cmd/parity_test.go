package cmd_test

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hop-cli/hop/testserver"
)

// sent runs hop in dir against the recording endpoint (the URL argument's "REC" is replaced by its URL)
// and returns what the server received. stdin, when not nil, is piped in.
func sent(t *testing.T, dir string, stdin *string, args ...string) (testserver.Recorded, int) {
	t.Helper()
	srv := recordingServer(t)
	for i, a := range args {
		args[i] = strings.ReplaceAll(a, "REC", srv+"/record")
	}
	c := exec.Command(hopBinary(t), args...)
	c.Dir = dir
	if stdin != nil {
		c.Stdin = strings.NewReader(*stdin)
	}
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, _ := c.Output()
	code := c.ProcessState.ExitCode()
	var rec testserver.Recorded
	if code == 0 {
		if err := json.Unmarshal(out, &rec); err != nil {
			t.Fatalf("hop %q: %v\n%s\n%s", args, err, out, stderr.String())
		}
	}
	return rec, code
}

var recording string

func recordingServer(t *testing.T) string {
	if recording == "" {
		srv := testserver.Start(testserver.Config{})
		recording = srv.URL // kept for the whole test binary
	}
	return recording
}

func fixtures(t *testing.T) string {
	dir := t.TempDir()
	files := map[string]string{
		"data.json":            `{"from":"file"}`,
		"my data.json":         `{"from":"a file with a space in its name"}`,
		"semi;colon,\"q\".txt": "a file whose name -F must quote\n",
		"data.zzq":             "unknown kind",
		"notes.txt":            "plain notes\n",
		"lines.txt":            "a=1\r\nb=2\n",
		"pic.png":              "\x89PNG\r\n\x1a\nfake",
		"blob.bin":             "\xff\xfe\x00binary",
		"upload.txt":           "uploaded\n",
		"heads.txt":            "X-A: 1\r\n\nX-B:  two words \n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func jsonEqual(t *testing.T, got []byte, want string) bool {
	t.Helper()
	var g, w any
	if json.Unmarshal(got, &g) != nil || json.Unmarshal([]byte(want), &w) != nil {
		return false
	}
	return reflect.DeepEqual(g, w)
}

// part is one multipart part as the server parsed it.
type part struct{ name, filename, ctype, body string }

func parts(t *testing.T, rec testserver.Recorded) []part {
	t.Helper()
	_, params, err := mime.ParseMediaType(rec.Header["Content-Type"][0])
	if err != nil || params["boundary"] == "" {
		t.Fatalf("Content-Type %q has no boundary", rec.Header["Content-Type"])
	}
	mr := multipart.NewReader(bytes.NewReader(rec.Body), params["boundary"])
	var out []part
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("multipart body: %v", err)
		}
		b, _ := io.ReadAll(p)
		out = append(out, part{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), string(b)})
	}
}

// partHeaders are the headers of each part of a multipart body other than its Content-Type, "Name: value"
// in order: its Content-Disposition as written (a name="" and no name at all are apart, which the part's
// FormName is not), and curl's ;headers=.
func partHeaders(t *testing.T, rec testserver.Recorded) [][]string {
	t.Helper()
	_, params, _ := mime.ParseMediaType(rec.Header["Content-Type"][0])
	mr := multipart.NewReader(bytes.NewReader(rec.Body), params["boundary"])
	var out [][]string
	for {
		p, err := mr.NextPart()
		if err != nil {
			return out
		}
		var hs []string
		for _, name := range slices.Sorted(maps.Keys(p.Header)) {
			if name != "Content-Type" {
				hs = append(hs, name+": "+strings.Join(p.Header[name], ", "))
			}
		}
		out = append(out, hs)
	}
}

// expect is one request and what a rule (HTTPie's or curl's) says is sent for it.
type expect struct {
	args     []string
	stdin    *string
	method   string
	uri      string
	header   map[string]string // exact values; "" means absent
	body     string            // exact bytes, unless json or parts is set
	json     string            // the body as a JSON value
	parts    []part            // the body as multipart parts, in order
	noChunks bool              // sent with a Content-Length
	chunked  bool              // sent with Transfer-Encoding: chunked
}

func str(s string) *string { return &s }

func check(t *testing.T, dir string, tt expect) {
	t.Helper()
	rec, code := sent(t, dir, tt.stdin, tt.args...)
	if code != 0 {
		t.Errorf("hop %q exited %d", tt.args, code)
		return
	}
	if tt.method != "" && rec.Method != tt.method {
		t.Errorf("hop %q: method %q, want %q", tt.args, rec.Method, tt.method)
	}
	if tt.uri != "" && rec.URI != tt.uri {
		t.Errorf("hop %q: request-target %q, want %q", tt.args, rec.URI, tt.uri)
	}
	for k, want := range tt.header {
		got := strings.Join(rec.Header[k], ", ")
		if got != want {
			t.Errorf("hop %q: %s: %q, want %q", tt.args, k, got, want)
		}
	}
	switch {
	case tt.json != "":
		if !jsonEqual(t, rec.Body, tt.json) {
			t.Errorf("hop %q: body %s, want the JSON %s", tt.args, rec.Body, tt.json)
		}
	case tt.parts != nil:
		if got := parts(t, rec); !reflect.DeepEqual(got, tt.parts) {
			t.Errorf("hop %q: parts\n %+v\nwant\n %+v", tt.args, got, tt.parts)
		}
	case tt.body != "" || tt.method == "GET":
		if string(rec.Body) != tt.body {
			t.Errorf("hop %q: body %q, want %q", tt.args, rec.Body, tt.body)
		}
	}
	if tt.chunked && (rec.ContentLength >= 0 || !slices.Equal(rec.TransferEncoding, []string{"chunked"})) {
		t.Errorf("hop %q: Content-Length %d, Transfer-Encoding %q; want it chunked", tt.args, rec.ContentLength, rec.TransferEncoding)
	}
	if tt.noChunks && (rec.ContentLength < 0 || len(rec.TransferEncoding) > 0) {
		t.Errorf("hop %q: sent chunked, want a Content-Length", tt.args)
	}
}

const acceptJSON = "application/json, */*;q=0.5"

// TestRequestsAsHTTPieSendsThem: each request item as HTTPie 3.2 turns it into a request. The expected
// requests are written from HTTPie's rules (its item tokenizer, nested JSON, default headers), not from
// what hop sends.
func TestRequestsAsHTTPieSendsThem(t *testing.T) {
	dir := fixtures(t)
	for _, tt := range []expect{
		// A repeated key: the last value wins. An escaped separator is part of the value.
		{args: []string{"post", "REC/x", "a=1", "a=2"}, method: "POST", json: `{"a": "2"}`,
			header: map[string]string{"Content-Type": "application/json", "Accept": acceptJSON}},
		{args: []string{"post", "REC/x", `a=b\=c`, `k\:y=v`}, json: `{"a": "b=c", "k:y": "v"}`},
		{args: []string{"get", "REC/x", `q==b\=c`, "==empty"}, uri: "/record/x?q=b%3Dc&=empty"},
		{args: []string{"post", "REC/x", "=empty", "a:=[1]", "a[]:=2", `o:={"x":1}`, "o[y]=2"},
			json: `{"": "empty", "a": [1, 2], "o": {"x": 1, "y": "2"}}`},
		{args: []string{"post", "REC/x", `a[\0]=x`, `a[\1]=y`, `A[B\\]=C`, `A[\B\\]=C`}, json: `{"a": {"0": "x", "1": "y"}, "A": {"B\\": "C", "\\B\\": "C"}}`},
		// A body from a file: its type from its name (text/plain, not Go's "; charset=utf-8"), JSON when the name
		// says nothing, and JSON's Accept either way.
		{args: []string{"post", "REC/x", "@data.json"}, body: `{"from":"file"}`,
			header: map[string]string{"Content-Type": "application/json", "Accept": acceptJSON}},
		{args: []string{"post", "REC/x", "@data.zzq"}, body: "unknown kind",
			header: map[string]string{"Content-Type": "application/json", "Accept": acceptJSON}},
		{args: []string{"post", "REC/x", "@notes.txt"}, body: "plain notes\n",
			header: map[string]string{"Content-Type": "text/plain", "Accept": acceptJSON}},
		// Standard input: read whole and sent with a Content-Length, as JSON.
		{args: []string{"post", "REC/x"}, stdin: str(`{"piped":true}`), body: `{"piped":true}`, noChunks: true,
			header: map[string]string{"Content-Type": "application/json", "Accept": acceptJSON}},
		// --raw: the body as typed, JSON's types (a form's with -f) as for standard input, which it wins over.
		{args: []string{"post", "REC/x", "--raw", "hello world"}, body: "hello world",
			header: map[string]string{"Content-Type": "application/json", "Accept": acceptJSON}},
		{args: []string{"post", "REC/x", "-f", "--raw", "a=1&b=2"}, body: "a=1&b=2",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": "*/*"}},
		{args: []string{"post", "REC/x", "--raw", "typed"}, stdin: str("piped"), body: "typed"},
		{args: []string{"post", "REC/x", "-f"}, stdin: str("a=1&b=2"), body: "a=1&b=2", noChunks: true,
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": "*/*"}},
		// --boundary, or the one a multipart Content-Type typed names, is the body's.
		{args: []string{"post", "REC/x", "--multipart", "a=1", "--boundary", "XyZ-1"}, parts: []part{{"a", "", "", "1"}},
			header: map[string]string{"Content-Type": "multipart/form-data; boundary=XyZ-1"}},
		{args: []string{"post", "REC/x", "--multipart", "Content-Type:multipart/form-data; boundary=typed", "a=1"}, parts: []part{{"a", "", "", "1"}},
			header: map[string]string{"Content-Type": "multipart/form-data; boundary=typed"}},
		// --chunked: the body without its length, in chunks; standard input so too.
		{args: []string{"post", "REC/x", "a=1", "--chunked"}, json: `{"a": "1"}`, chunked: true},
		{args: []string{"post", "REC/x", "--chunked"}, stdin: str(`{"piped":true}`), body: `{"piped":true}`, chunked: true},
		// -j, -f and --multipart are one choice in HTTPie (argparse's one destination): the last typed wins.
		{args: []string{"post", "REC/x", "-j", "-f", "a=1"}, body: "a=1",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": "*/*"}},
		{args: []string{"post", "REC/x", "-f", "-j", "a=1"}, json: `{"a": "1"}`,
			header: map[string]string{"Content-Type": "application/json", "Accept": acceptJSON}},
		{args: []string{"post", "REC/x", "--multipart", "-f", "a=1"}, body: "a=1",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}},
		{args: []string{"post", "REC/x", "-f", "--multipart", "a=1", "--boundary", "XyZ-2"}, parts: []part{{"a", "", "", "1"}},
			header: map[string]string{"Content-Type": "multipart/form-data; boundary=XyZ-2"}},
		{args: []string{"post", "REC/x", "--multipart", "-j", "a=1"}, json: `{"a": "1"}`},
		{args: []string{"post", "REC/x", "-f", "--no-form", "a=1"}, json: `{"a": "1"}`},
		// --form with no fields still says it is a form.
		{args: []string{"post", "REC/x", "-f"}, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}},
		{args: []string{"post", "REC/x", "-f", "n:=1", "t:=true", "s=x y"}, body: "n=1&t=True&s=x+y"},
		// Under -f or --multipart, @path is HTTPie's upload with an empty name: a part, beside the fields.
		{args: []string{"post", "REC/x", "-f", "@notes.txt"}, parts: []part{{"", "notes.txt", "text/plain", "plain notes\n"}}},
		{args: []string{"post", "REC/x", "--multipart", "a=1", "@data.json"}, parts: []part{{"a", "", "", "1"}, {"", "data.json", "application/json", `{"from":"file"}`}}},
		// Multipart parts stay in the order typed; a file part's type from its name.
		{args: []string{"post", "REC/x", "--multipart", "a=1", "f@notes.txt", "b=2"},
			parts: []part{{"a", "", "", "1"}, {"f", "notes.txt", "text/plain", "plain notes\n"}, {"b", "", "", "2"}}},
		// A multipart type the user names gets the boundary; so does any other type, which HTTPie (and curl)
		// append it to as well: the body is multipart whatever the header says.
		{args: []string{"post", "REC/x", "--multipart", "Content-Type:multipart/form-data", "a=1"}, parts: []part{{"a", "", "", "1"}}},
		{args: []string{"post", "REC/x", "--multipart", "a=1", "Content-Type:text/plain", "--boundary", "XyZ-1"}, parts: []part{{"a", "", "", "1"}},
			header: map[string]string{"Content-Type": "text/plain; boundary=XyZ-1"}},
		// Dot segments are removed from the path.
		{args: []string{"get", "REC/a/../b/./c"}, uri: "/record/b/c"},
		// A header's value and a query parameter from a file (HTTPie 3's :@ and ==@): the text without its
		// final newline; lines.txt's CR stays in a query (HTTPie strips newlines only) and leaves a header
		// (HTTPie trims header values). Neither is data: the command-less form stays a GET.
		{args: []string{"get", "REC/x", "Authorization:@notes.txt", "q==@notes.txt", `X-At:\@home`},
			uri: "/record/x?q=plain+notes", header: map[string]string{"Authorization": "plain notes", "X-At": "@home"}},
		{args: []string{"get", "REC/x", "q==@lines.txt"}, uri: "/record/x?q=a%3D1%0D%0Ab%3D2"},
		{args: []string{"REC/x", "X:@notes.txt"}, method: "GET", header: map[string]string{"X": "plain notes"}},
		// HTTPie's command-less forms.
		{args: []string{"REC/x"}, method: "GET"},
		{args: []string{"REC/x", "q==1"}, method: "GET", uri: "/record/x?q=1"},
		{args: []string{"REC/x", "a=1"}, method: "POST", json: `{"a": "1"}`},
		{args: []string{"PATCH", "REC/x", "a=1"}, method: "PATCH", json: `{"a": "1"}`},
		// --raw is data too, before the URL or after it, as is a curl data flag typed first.
		{args: []string{"REC/x", "--raw", "a=1"}, method: "POST", body: "a=1"},
		{args: []string{"--raw=a=1", "REC/x"}, method: "POST", body: "a=1"},
		{args: []string{"-f", "--raw", "a=1", "REC/x", "X:1"}, method: "POST", body: "a=1"},
		{args: []string{"-d", "a=1", "REC/x"}, method: "POST", body: "a=1"},
	} {
		check(t, dir, tt)
	}
	// What HTTPie refuses, a boundary longer than RFC 2046 allows (HTTPie sends it), and a body HTTPie would
	// lose.
	for _, args := range [][]string{
		{"post", "REC/x", "X;a=b"},
		{"post", "REC/x", "a=@blob.bin"},
		{"post", "REC/x", "a[-1]=x"},
		{"post", "REC/x", `A\[]:=1`},
		{"post", "REC/x", "foo[bar][1][142241[]:=2"},
		{"post", "REC/x", "--raw", "x", "a=1"},
		{"post", "REC/x", "--multipart", "a=1", "--boundary", strings.Repeat("x", 71)},
		// --raw's body under --multipart, which HTTPie 3.2.1 drops to send an empty multipart body.
		{"post", "REC/x", "--multipart", "--raw", `{"a":1}`},
	} {
		if _, code := sent(t, dir, nil, args...); code != 2 {
			t.Errorf("hop %q exited %d, want 2", args, code)
		}
	}
}

// TestRequestsAsCurlSendsThem: the curl-style flags, each as curl 7.88 turns it into a request.
func TestRequestsAsCurlSendsThem(t *testing.T) {
	dir := fixtures(t)
	form := "application/x-www-form-urlencoded"
	for _, tt := range []expect{
		// Any -F means multipart, text parts included, in the order typed; curl's part options.
		{args: []string{"post", "REC/x", "-F", "a=b"}, parts: []part{{"a", "", "", "b"}}},
		{args: []string{"post", "REC/x", "-F", "a=1", "-F", "f=@notes.txt", "-F", "b=2"},
			parts: []part{{"a", "", "", "1"}, {"f", "notes.txt", "text/plain", "plain notes\n"}, {"b", "", "", "2"}}},
		{args: []string{"post", "REC/x", "-F", "f=@pic.png;filename=renamed.png", "-F", "g=@pic.png;type=image/x-test"},
			parts: []part{{"f", "renamed.png", "image/png", "\x89PNG\r\n\x1a\nfake"}, {"g", "pic.png", "image/x-test", "\x89PNG\r\n\x1a\nfake"}}},
		{args: []string{"post", "REC/x", "-F", "name=<notes.txt"}, parts: []part{{"name", "", "", "plain notes\n"}}},
		{args: []string{"post", "REC/x", "-F", `q="a;b"`}, parts: []part{{"q", "", "", "a;b"}}},
		// A quoted value is text, never a file to read.
		{args: []string{"post", "REC/x", "-F", `a="@notes.txt"`, "-F", `b="<notes.txt;x"`, "-F", `c="q\"r";type=text/x`},
			parts: []part{{"a", "", "", "@notes.txt"}, {"b", "", "", "<notes.txt;x"}, {"c", "", "text/x", `q"r`}}},
		// -d @file and -d @- drop CR and LF; --data-binary keeps them; --data-raw does not read files.
		{args: []string{"post", "REC/x", "-d", "@lines.txt"}, body: "a=1b=2", header: map[string]string{"Content-Type": form, "Accept": "*/*"}},
		{args: []string{"post", "REC/x", "-d", "@-"}, stdin: str("x=1\ny=2\n"), body: "x=1y=2"},
		{args: []string{"post", "REC/x", "--data-binary", "@lines.txt"}, body: "a=1\r\nb=2\n"},
		{args: []string{"post", "REC/x", "--data-raw", "@lines.txt"}, body: "@lines.txt"},
		{args: []string{"post", "REC/x", "-d", "a=1", "--data-raw", "b=2", "-d", "c=3"}, body: "a=1&b=2&c=3"},
		// --data-urlencode's five forms, percent-encoded as curl does (a space is +, since curl 7.77).
		{args: []string{"post", "REC/x", "--data-urlencode", "a b&c", "--data-urlencode", "=d e", "--data-urlencode", "n=f/g",
			"--data-urlencode", "@notes.txt", "--data-urlencode", "m@notes.txt"},
			body: "a+b%26c&d+e&n=f%2Fg&plain+notes%0A&m=plain+notes%0A"},
		// --json: JSON's type and Accept; its pieces concatenate.
		{args: []string{"post", "REC/x", "--json", `{"a":`, "--json", `1}`}, body: `{"a":1}`,
			header: map[string]string{"Content-Type": "application/json", "Accept": "application/json"}},
		// -G puts the data in the query; --url-query adds to it (+ as it is).
		{args: []string{"get", "REC/x", "-G", "-d", "a=1", "-d", "b=2"}, method: "GET", uri: "/record/x?a=1&b=2", body: ""},
		{args: []string{"get", "REC/x?z=0", "--url-query", "q=a b", "--url-query", "+raw=x%20y"}, uri: "/record/x?z=0&q=a+b&raw=x%20y"},
		// -T sends a file with PUT, named after it when the URL ends in /; -A and -e; -X as typed.
		{args: []string{"get", "REC/up/", "-T", "upload.txt"}, method: "PUT", uri: "/record/up/upload.txt", body: "uploaded\n",
			header: map[string]string{"Content-Type": ""}},
		// -H @FILE: a header per line (curl 7.55), CR LF or LF, blank lines skipped.
		{args: []string{"get", "REC/x", "-H", "@heads.txt", "-H", "X-C: 3"}, header: map[string]string{"X-A": "1", "X-B": "two words", "X-C": "3"}},
		{args: []string{"get", "REC/x", "-A", "agent/1", "-e", "https://from.example/"},
			header: map[string]string{"User-Agent": "agent/1", "Referer": "https://from.example/"}},
		{args: []string{"get", "REC/x", "-X", "post"}, method: "post"},
		{args: []string{"get", "REC/x", "--compressed"}, method: "GET"},
		{args: []string{"REC/x", "-d", "a=1"}, method: "POST", body: "a=1"},
		// --path-as-is sends dot segments as typed (curl 7.42; HTTPie has the flag too).
		{args: []string{"get", "REC/a/../b/./c", "--path-as-is"}, uri: "/record/a/../b/./c"},
	} {
		check(t, dir, tt)
	}
	// -I: HEAD, and the head on stdout.
	srv := recordingServer(t)
	out, code := runHop(t, "get", srv+"/get", "-I")
	if code != 0 || !bytes.HasPrefix(out, []byte("HTTP/1.1 200 OK\r\n")) || !bytes.Contains(out, []byte("Content-Type: application/json")) {
		t.Errorf("-I: exit %d, stdout %q; want the status line and headers", code, out)
	}
	for _, args := range [][]string{
		{"post", "REC/x", "-d", "a=1", "-F", "b=2"},
		{"post", "REC/x", "-F", "f=@pic.png;encoder=base64"},
		// curl 7.88 cuts an unquoted value at the ; and skips "d" with a warning: refused, not sent cut short.
		{"post", "REC/x", "-F", "r=c;d"},
		{"post", "REC/x", "-F", "noequals"},
		{"get", "REC/x", "-H", "@missing.txt"},
	} {
		if _, code := sent(t, dir, nil, args...); code != 2 {
			t.Errorf("hop %q exited %d, want 2", args, code)
		}
	}
}

// TestCompressAsHTTPieSendsIt: HTTPie's --compress deflates the body (zlib's format) with Content-Encoding:
// deflate, only when that makes it smaller unless given twice; a file is compressed as it is read, sent
// without its length. The server inflates what it received and finds what was meant.
func TestCompressAsHTTPieSendsIt(t *testing.T) {
	dir := fixtures(t)
	long := strings.Repeat("compressible ", 200)
	if err := os.WriteFile(filepath.Join(dir, "long.txt"), []byte(long), 0o644); err != nil {
		t.Fatal(err)
	}
	inflate := func(b []byte) string {
		zr, err := zlib.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("the body is not zlib: %v", err)
		}
		out, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("the body does not inflate: %v", err)
		}
		return string(out)
	}
	for _, tt := range []struct {
		args       []string
		compressed bool
		want       string // the body as meant (JSON compared as JSON)
		chunked    bool
	}{
		{[]string{"post", "REC/x", "a=1", "--compress"}, false, `{"a": "1"}`, false}, // larger compressed: sent as is
		{[]string{"post", "REC/x", "a=1", "--compress", "--compress"}, true, `{"a": "1"}`, false},
		{[]string{"post", "REC/x", "t=" + long, "--compress"}, true, `{"t": "` + long + `"}`, false},
		{[]string{"post", "REC/x", "@long.txt", "--compress"}, true, long, true},
	} {
		rec, code := sent(t, dir, nil, tt.args...)
		if code != 0 {
			t.Errorf("hop %q exited %d", tt.args, code)
			continue
		}
		body := string(rec.Body)
		if got := strings.Join(rec.Header["Content-Encoding"], ","); (got == "deflate") != tt.compressed {
			t.Errorf("hop %q: Content-Encoding %q, compressed %v", tt.args, got, tt.compressed)
			continue
		}
		if tt.compressed {
			body = inflate(rec.Body)
		}
		if body != tt.want && !jsonEqual(t, []byte(body), tt.want) {
			t.Errorf("hop %q: the server found %.80q, want %.80q", tt.args, body, tt.want)
		}
		if tt.chunked != (rec.ContentLength < 0) {
			t.Errorf("hop %q: Content-Length %d, want it chunked: %v", tt.args, rec.ContentLength, tt.chunked)
		}
	}
	if _, code := sent(t, dir, nil, "post", "REC/x", "a=1", "--compress", "Content-Encoding:gzip"); code != 2 {
		t.Errorf("--compress with a Content-Encoding typed: exit %d, want 2", code)
	}
}

// TestReplaySendsWhatWasSent: hop replay of the HAR hop wrote sends the request again, as the server
// received it the first time: method, target, headers, body. Credentials the HAR holds masked are not sent.
func TestReplaySendsWhatWasSent(t *testing.T) {
	dir := fixtures(t)
	for i, args := range [][]string{
		{"get", "REC/a?x=1", "q==two words", "X-A:b c"},
		{"post", "REC/b", "a=1", "n:=2", "--show-secrets", "--bearer", "tok"},
		{"post", "REC/c", "-f", "a=1", "b=x y&z"},
		{"put", "REC/d", "a:=[1,2]", "-H", "X-B: 2"},
		{"request", "PURGE", "REC/e", "Cookie:sid=1", "--show-secrets"},
		{"put", "REC/g", "@notes.txt"},                       // a file hop streams: kept for the HAR as sent
		{"post", "REC/h", "-F", "f=@notes.txt", "-F", "a=1"}, // a multipart form with a file, its boundary too
	} {
		har := filepath.Join(dir, fmt.Sprintf("r%d.har", i))
		want, code := sent(t, dir, nil, append(args, "--har", har)...)
		if code != 0 {
			t.Fatalf("hop %q: exit %d", args, code)
		}
		got, code := sent(t, dir, nil, "replay", har)
		if code != 0 {
			t.Errorf("hop replay of %q: exit %d", args, code)
			continue
		}
		sameRequest(t, fmt.Sprintf("replay of %q", args), got, want)
	}
	// Standard input, streamed, is kept as sent too.
	stdin := `{"from":"stdin"}`
	harIn := filepath.Join(dir, "stdin.har")
	want, code := sent(t, dir, &stdin, "post", "REC/i", "--har", harIn)
	if code != 0 {
		t.Fatal("hop --har with a body on stdin: failed")
	}
	if got, code := sent(t, dir, nil, "replay", harIn); code != 0 {
		t.Errorf("replay of a body read from stdin: exit %d", code)
	} else {
		sameRequest(t, "replay of a body read from stdin", got, want)
	}
	// A body the HAR does not hold (a binary file: HAR's text is a string): refused, rather than sent empty.
	har0 := filepath.Join(dir, "file.har")
	if _, code := sent(t, dir, nil, "put", "REC/g", "@blob.bin", "--har", har0); code != 0 {
		t.Fatal("hop --har: failed")
	}
	if _, code := sent(t, dir, nil, "replay", har0); code != 2 {
		t.Errorf("replay of a request whose body the HAR does not hold: exit %d, want 2", code)
	}
	// Without --show-secrets the HAR holds the token masked: the replay sends none.
	har := filepath.Join(dir, "masked.har")
	if _, code := sent(t, dir, nil, "get", "REC/f", "--bearer", "tok", "--har", har); code != 0 {
		t.Fatal("hop --har: failed")
	}
	got, code := sent(t, dir, nil, "replay", har)
	if code != 0 || got.Header["Authorization"] != nil {
		t.Errorf("replay of a masked HAR: exit %d, Authorization %q; want it left out", code, got.Header["Authorization"])
	}
}
