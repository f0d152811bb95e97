package cmd_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"maps"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hop-cli/hop/testserver"
)

// runCurl runs a shell command line (a curl command, perhaps fed by printf) in dir and returns what the
// recording endpoint answered: the request curl sent.
func runCurl(t *testing.T, dir, line string, stdin *string) testserver.Recorded {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash is needed to run the curl command lines")
	}
	c := exec.Command(bash, "-c", line)
	c.Dir = dir
	if stdin != nil {
		c.Stdin = strings.NewReader(*stdin)
	}
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", line, err, stderr.String())
	}
	var rec testserver.Recorded
	if err := json.Unmarshal(out, &rec); err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}
	return rec
}

// sameRequest compares two recorded requests: method, request-target, body bytes, and headers; a multipart
// body is compared part by part, its boundary being each sender's own (a deflated one byte by byte: both
// send hop's bytes).
func sameRequest(t *testing.T, what string, got, want testserver.Recorded, ignore ...string) {
	t.Helper()
	gh, wh := maps.Clone(got.Header), maps.Clone(want.Header)
	for _, h := range ignore {
		delete(gh, h)
		delete(wh, h)
	}
	if strings.HasPrefix(strings.Join(want.Header["Content-Type"], ""), "multipart/") && want.Header["Content-Encoding"] == nil {
		if gp, wp := parts(t, got), parts(t, want); !reflect.DeepEqual(gp, wp) {
			t.Errorf("%s: parts\n %+v\nwant\n %+v", what, gp, wp)
		}
		if gh, wh := partHeaders(t, got), partHeaders(t, want); !reflect.DeepEqual(gh, wh) {
			t.Errorf("%s: the parts' own headers\n %q\nwant\n %q", what, gh, wh)
		}
		delete(gh, "Content-Type")
		delete(wh, "Content-Type")
		delete(gh, "Content-Length")
		delete(wh, "Content-Length")
		got.Body, want.Body = nil, nil
	}
	if gb, wb := boundaryOf(got), boundaryOf(want); gb != "" && wb != "" && want.Body != nil && want.Header["Content-Encoding"] == nil {
		// A multipart body in another type (text/plain, MULTIPART/FORM-DATA): each picks its own boundary,
		// and the bodies are compared byte for byte with it set aside.
		got.Body, want.Body = bytes.ReplaceAll(got.Body, []byte(gb), []byte("BOUNDARY")), bytes.ReplaceAll(want.Body, []byte(wb), []byte("BOUNDARY"))
		gh["Content-Type"] = []string{strings.ReplaceAll(strings.Join(gh["Content-Type"], ""), gb, "BOUNDARY")}
		wh["Content-Type"] = []string{strings.ReplaceAll(strings.Join(wh["Content-Type"], ""), wb, "BOUNDARY")}
		delete(gh, "Content-Length")
		delete(wh, "Content-Length")
	}
	if got.Method != want.Method || got.URI != want.URI || !bytes.Equal(got.Body, want.Body) {
		t.Errorf("%s:\n %s %s %q\nwant\n %s %s %q", what, got.Method, got.URI, got.Body, want.Method, want.URI, want.Body)
	}
	if !reflect.DeepEqual(gh, wh) {
		t.Errorf("%s: headers\n %v\nwant\n %v", what, gh, wh)
	}
	if !slices.Equal(got.TransferEncoding, want.TransferEncoding) {
		t.Errorf("%s: Transfer-Encoding %q, want %q", what, got.TransferEncoding, want.TransferEncoding)
	}
}

// boundaryOf is the boundary a recorded request's Content-Type names, or "".
func boundaryOf(r testserver.Recorded) string {
	_, params, err := mime.ParseMediaType(strings.Join(r.Header["Content-Type"], ""))
	if err != nil {
		return ""
	}
	return params["boundary"]
}

// --curl prints a command that real curl runs as it is and that sends what hop sends: both go to the
// recording endpoint, and what it received is compared. xh's --curl-long writes the same command with
// every option by its long name.
func TestCurlCommandSendsTheSameRequest(t *testing.T) {
	dir := fixtures(t)
	for _, tt := range []struct {
		args  []string
		stdin *string
	}{
		{args: []string{"get", "REC/a?x=1", "q==two words", "X-A:b c", "X-Quote:it's"}},
		{args: []string{"post", "REC/b", "a=1", "n:=2", "tags[]=x", "o[k]=v"}},
		{args: []string{"post", "REC/c", "-f", "a=1", "b=x y&z"}},
		{args: []string{"post", "REC/d", "-d", "a=1", "-d", "b=2"}},
		{args: []string{"post", "REC/d2", "-F", `f=@notes.txt;headers="X-A: 1;2"`, "-F", "g=v;headers=X-B: 3;type=text/x;charset=utf-8"}},
		{args: []string{"post", "REC/e", "@data.json"}},
		{args: []string{"put", "REC/e2", "--data-binary", "@blob.bin"}}, // a NUL byte: piped in by printf
		{args: []string{"post", "REC/f", "-F", "a=b", "-F", "up=@data.json;type=application/json", "-F", "pic=@pic.png"}},
		{args: []string{"post", "REC/f2", "-F", `up=@"semi;colon,\"q\".txt";filename="a;b"`}},
		{args: []string{"post", "REC/f3", "-F", "a=b;filename=x.png", "-F", "c=d;filename=e.bin"}}, // text sent as files
		{args: []string{"put", "REC/f4", "-F", "a=b", "Content-Type:text/x;charset=utf-8"}},        // a typed type: parts as attachments
		{args: []string{"patch", "REC/f5", "--data-raw", "@not-a-file"}},                           // an @ that names no file
		// Parts curl would write another Content-Disposition for: HTTPie's items under a typed type (HTTPie
		// writes form-data), a name with an = (curl's -F ends the name there).
		// (Under a type other than multipart, curl writes the type before a part's own disposition: the
		// heads are compared as names and values here.)
		{args: []string{"post", "REC/f6", "up@notes.txt", "a=b", "Content-Type:multipart/related"}},
		{args: []string{"post", "REC/f7", `a\=b=c`, "--multipart", "--form-escape", `q"=r`}},
		{args: []string{"post", "REC/f8", "-F", "d=e", "-F", "up=@notes.txt", "Content-Type:multipart/related"}}, // attachments in both
		{args: []string{"request", "PURGE", "REC/f9", "--chunked"}},                                              // standard input's empty body: the last chunk alone
		{args: []string{"get", "REC/g", "-a", "ann:p'w", "--show-secrets"}},
		{args: []string{"get", "REC/h", "--bearer", "tok", "--show-secrets", "-b", "a=1; b=2"}},
		{args: []string{"put", "REC/i"}, stdin: str("from stdin\n")},
		{args: []string{"request", "PURGE", "REC/j"}},
		{args: []string{"get", "REC/k", "User-Agent:", "Accept:"}},
		{args: []string{"get", "REC/l", "Host:example.org"}},
		{args: []string{"delete", "REC/m", "-L", "--retry", "2", "-m", "20"}},
		{args: []string{"get", "REC/n", "--url-query", "a=b c", "-G", "-d", "x=1"}},
		{args: []string{"get", "REC/o/../p/./q", "--path-as-is"}},
		{args: []string{"get", "REC/q", "--proto", "-https", "--proto-redir", "=http"}},
		{args: []string{"post", "REC/r", "a=1", "--chunked"}},
		{args: []string{"get", "REC/s?q=1", "--request-target", "/record/t?x=%2F"}},
		{args: []string{"get", "REC/u", "X-Empty;", "X-Spaces:  "}},                                                     // sent empty: curl's -H 'Name;'
		{args: []string{"post", "REC/v", "--multipart"}},                                                                // no fields: no -F to write
		{args: []string{"get", "REC/w?f[a]=1&s={x}"}},                                                                   // curl's globbing kept off
		{args: []string{"post", "REC/x", "a=1", "--compress", "--compress"}},                                            // deflated: piped in
		{args: []string{"post", "REC/y", "-f", "a=1", "--multipart", "--boundary", "hopb", "--compress", "--compress"}}, // the same, multipart
	} {
		hopArgs := append([]string(nil), tt.args...)
		want, code := sent(t, dir, tt.stdin, hopArgs...)
		if code != 0 {
			t.Errorf("hop %q: exit %d", tt.args, code)
			continue
		}
		for _, flag := range []string{"--curl", "--curl-long"} {
			curlArgs := append(append([]string(nil), tt.args...), flag)
			line := curlLine(t, dir, tt.stdin, curlArgs...)
			if short := regexp.MustCompile(` -[A-Za-z] `).FindString(line); flag == "--curl-long" && short != "" {
				t.Errorf("--curl-long wrote %q: %s", short, line)
			}
			got := runCurl(t, dir, line, tt.stdin)
			sameRequest(t, line, got, want)
			// And hop curl takes the command back: what --curl writes, hop curl reads.
			back := strings.Replace(line, "curl ", shellQuote(hopBinary(t))+" curl ", 1)
			sameRequest(t, "hop curl of "+line, runCurl(t, dir, back, tt.stdin), want)
		}
	}
}

// A body hop deflates as it reads it has no curl command (curl compresses no request body): --curl says so.
func TestCurlCommandRefusesStreamedCompression(t *testing.T) {
	dir := fixtures(t)
	c := exec.Command(hopBinary(t), "post", "http://127.0.0.1:9/x", "@data.json", "--compress", "--curl")
	c.Dir = dir
	out, err := c.CombinedOutput()
	if c.ProcessState.ExitCode() != 2 || !strings.Contains(string(out), "curl compresses no request body") {
		t.Errorf("--curl of a deflated file body: %v\n%s", err, out)
	}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// curlLine runs hop --curl and returns the command line it printed.
func curlLine(t *testing.T, dir string, stdin *string, args ...string) string {
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
	out, err := c.Output()
	if err != nil {
		t.Fatalf("hop %q: %v\n%s", args, err, stderr.String())
	}
	return strings.TrimSuffix(string(out), "\n")
}

// Without --show-secrets, credentials are a marked placeholder and nothing secret is printed.
func TestCurlCommandHidesSecrets(t *testing.T) {
	line := curlLine(t, t.TempDir(), nil, "get", "--curl", "http://ann:url-pw@example.com/", "-H", "Authorization: Bearer tok-123456789012345", "-b", "sid=cookie-secret",
		"--proxy", "http://pu:proxy-pw@127.0.0.1:9")
	for _, secret := range []string{"url-pw", "tok-123456789012345", "cookie-secret", "proxy-pw"} {
		if strings.Contains(line, secret) {
			t.Errorf("--curl printed %q: %s", secret, line)
		}
	}
	for _, want := range []string{"'Authorization: Bearer <SECRET>'", "'Cookie: sid=<SECRET>'", "pu:%3CSECRET%3E@", "ann:%3CSECRET%3E@"} {
		if !strings.Contains(line, want) {
			t.Errorf("--curl lacks %s: %s", want, line)
		}
	}
}

// A whole curl command given as one argument (hop curl "$(pbpaste)") sends what the shell running it
// makes curl send: browsers' "Copy as cURL" lines, continued and $'…'-quoted, among them.
func TestHopCurlTakesOnePastedCommand(t *testing.T) {
	lookCurl(t)
	dir := fixtures(t)
	srv := recordingServer(t)
	for _, line := range []string{
		"curl 'REC/p1?a=1&b=2' \\\n  -H 'accept: application/json' \\\n  -H 'cookie: a=b; c=d' \\\n  --data-raw $'{\"k\":\"v\\nw\",\"q\":\"it\\'s\"}' \\\n  --compressed",
		`curl -sS -X PUT "REC/p2" -H "X-Q: \"quoted\" \\ \$HOME" -d 'a b' -d @data.json`,
		`curl REC/p3 -F 'f=@data.json;type=application/json' -F a=b\ c # a comment`,
	} {
		line = strings.ReplaceAll(line, "REC", srv+"/record")
		want := runCurl(t, dir, line, nil)
		got, code := sent(t, dir, nil, "curl", line)
		if code != 0 {
			t.Errorf("hop curl %q: exit %d", line, code)
			continue
		}
		sameRequest(t, "hop curl "+line, got, want, "User-Agent", "Accept-Encoding")
	}
	// What a shell would expand, hop refuses: one line saying so, exit 2.
	c := exec.Command(hopBinary(t), "curl", "curl -H \"Authorization: Bearer $TOKEN\" "+srv+"/record/p4")
	out, _ := c.CombinedOutput()
	if c.ProcessState.ExitCode() != 2 || !strings.Contains(string(out), `"$TOKEN" asks the shell to expand it`) {
		t.Errorf("a pasted command with $TOKEN: exit %d\n%s", c.ProcessState.ExitCode(), out)
	}
}

// hop curl sends what curl sends for the same arguments, but for hop's own User-Agent and Accept-Encoding.
func TestHopCurlSendsWhatCurlSends(t *testing.T) {
	curl := lookCurl(t)
	dir := fixtures(t)
	os.WriteFile(filepath.Join(dir, "parthdrs.txt"), []byte("X-H: 1\n# a comment\n\nX-I: 2\n  folded\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "neg.cfg"), []byte("get\nno-get\ndata = \"x=1\"\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "nul.txt"), []byte("a=1\r\n&b=2\n\x00&c=3\n"), 0o600)
	for name, size := range map[string]int{"big.bin": 1<<20 + 1, "mib.bin": 1 << 20, "empty.txt": 0} {
		if err := os.WriteFile(filepath.Join(dir, name), bytes.Repeat([]byte("b"), size), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		args  []string
		stdin *string
	}{
		{args: []string{"-X", "POST", "-H", "Content-Type: application/json", "-d", `{"a":1}`, "REC/a"}},
		{args: []string{"curl", "-sS", "-d", "a=1", "-d", "b=2", "REC/b"}},
		{args: []string{"-G", "--data-urlencode", "q=a b", "REC/c"}},
		{args: []string{"-F", "a=b", "-F", "up=@data.json", "REC/d"}},
		{args: []string{"-XPUT", "-d@data.json", "REC/e"}},
		// -d @FILE is read as text, as curl reads it: without CR and LF, and up to a NUL byte (a C string);
		// --data-binary sends it all.
		{args: []string{"-d", "@nul.txt", "REC/e3"}},
		{args: []string{"--data-binary", "@nul.txt", "REC/e4"}},
		{args: []string{"-d", "@-", "REC/e5"}, stdin: str("x=1\n\x00y=2")},
		{args: []string{"-T", "upload.txt", "REC/f"}},
		{args: []string{"--data-binary", "@-", "REC/g"}, stdin: str("piped\n")},
		{args: []string{"-u", "ann:pw", "-A", "agent/1", "-e", "http://ref/", "-b", "c=1", "REC/h"}},
		{args: []string{"-u", ":api-key", "REC/h2"}},
		{args: []string{"-X", "post", "-d", "a", "REC/h4"}},                  // the method as typed
		{args: []string{"-u", "ann:pw", "--oauth2-bearer", "tok", "REC/h5"}}, // the token wins
		// A Cookie header of the user's own (or its removal) keeps -b's NAME=VALUE strings out; a jar's
		// cookies would still go.
		{args: []string{"-b", "c=1", "-H", "Cookie: d=2", "REC/h6"}},
		{args: []string{"-H", "cookie;", "-b", "c=1; e=3", "REC/h7"}},
		{args: []string{"-b", "c=1", "-H", "Cookie:", "REC/h8"}},
		{args: []string{"-u", "ann:pw", "-A", "a/1", "-b", "c=1", "--oauth2-bearer", "tok", "-H", "Cookie: d=2", "REC/h9"}},
		{args: []string{"--json", `{"j":true}`, "REC/i"}},
		// A --json piece joins what came before without a '&'; any other piece after it with one.
		{args: []string{"-d", `{"a":`, "--json", `1}`, "--json", `,2`, "REC/i2"}},
		{args: []string{"--json", `[1`, "-d", "2]", "REC/i3"}},
		// -G moves -d's data (and --json's, whose two headers stay) to the query, and leaves -F's parts and
		// -T's file the body, sent with POST and PUT.
		{args: []string{"-G", "--json", `x`, "REC/i4"}},
		{args: []string{"-G", "-F", "a=b", "REC/i5"}},
		{args: []string{"-G", "-T", "upload.txt", "REC/i6"}},
		{args: []string{"-X", "PATCH", "--data-raw", "@not-a-file", "REC/j"}},
		{args: []string{"--path-as-is", "REC/k/../l/./m"}},
		{args: []string{"-F", `a="@data.json"`, "-F", `b="x;type=y"`, "REC/n"}},
		// A quoted file name (Postman writes them), a quoted option value, a backslash curl keeps.
		{args: []string{"--form", `up=@"my data.json";type=application/x-test`, "-F", `w=<"notes.txt"`, "REC/n2"}},
		{args: []string{"-F", `f=@notes.txt;filename="x;y.txt"`, "-F", `c="C:\dir\x" ;type=text/x`, "-F", `d="q\\r\"s"`, "REC/n3"}},
		{args: []string{"--form-string", `a=@data.json;type=x"`, "-Y", "1", "-y", "5", "REC/o"}},
		// A part's own headers (headers=, a file of them too), and a type's parameters after it.
		{args: []string{"-F", "f=@notes.txt;headers=X-A: 1", "-F", `g=val;headers="X-B: a;b";type=text/q`, "REC/o2"}},
		{args: []string{"-F", "h=val;type=text/z;charset=utf-8", "-F", "i=@notes.txt;headers=@parthdrs.txt;headers=X-J: 3", "REC/o3"}},
		// A Content-Type other than multipart/form-data (in any case, with parameters) makes curl's parts
		// attachments.
		{args: []string{"-F", "a=b", "-H", "Content-Type: text/plain", "REC/o4"}},
		{args: []string{"-F", "a=b", "-H", "Content-Type: MULTIPART/FORM-DATA;charset=x", "REC/o6"}},
		{args: []string{"REC/k/../l/./m"}},
		{args: []string{"--proto", "=http,https", "--proto-redir", "-all,http", "REC/p"}},
		// Expect: 100-continue where curl asks it: a -T upload that is not empty, a body over 1 MiB or of
		// unknown length; -H 'Expect:' keeps it out.
		{args: []string{"--data-binary", "@big.bin", "REC/q"}},
		{args: []string{"--data-binary", "@mib.bin", "REC/q2"}},
		{args: []string{"-H", "Expect:", "-T", "upload.txt", "REC/q3"}},
		{args: []string{"-T", "empty.txt", "REC/q4"}},
		// -r asks a GET or HEAD for a Range; a POST or PUT body goes with a Content-Range (curl's http_range),
		// a -F form with neither.
		{args: []string{"-r", "0-10", "REC/ra"}},
		{args: []string{"-r", "0-10", "-G", "-d", "a=1", "REC/rb"}},
		{args: []string{"-r", "0-3", "-d", "helloworld", "REC/rc"}},
		{args: []string{"-r", "2-", "-T", "upload.txt", "REC/rd"}},
		{args: []string{"-r", "0-3", "-F", "a=b", "REC/re"}},
		{args: []string{"-r", "0-3", "-X", "PATCH", "--data-binary", "@data.json", "-H", "Content-Range: bytes 9-9/10", "REC/rf"}},
		// A chunked body of a known length is announced only past 1 MiB, as any other: curl goes by its
		// size, not by how it is framed.
		{args: []string{"-H", "Transfer-Encoding: chunked", "-d", "helloworld", "REC/q5"}},
		{args: []string{"-H", "Transfer-Encoding: chunked", "--data-binary", "@big.bin", "REC/q7"}},
		{args: []string{"--expect100-timeout", "0.5", "-F", "up=@big.bin", "REC/q6"}},
		// --no-NAME turns an option off again, the last one typed holding: -G's query back to a body,
		// the path's dot segments resolved again, Basic sent at once instead of waiting for a challenge.
		{args: []string{"-G", "--no-get", "-d", "a=1", "REC/r"}},
		{args: []string{"--path-as-is", "--no-path-as-is", "REC/r2/../s"}},
		{args: []string{"--anyauth", "--no-anyauth", "-u", "a:b", "REC/r3"}},
		{args: []string{"-K", "neg.cfg", "REC/r4"}},
		// -F name=@- is standard input as a file part named "-" (curl gives it no type unless ;type= does);
		// name=<- its text.
		{args: []string{"-F", "a=1", "-F", "f=@-", "REC/s"}, stdin: str("piped\nbytes\n")},
		{args: []string{"-F", "f=@-;type=text/x;filename=p.txt", "REC/s2"}, stdin: str("typed")},
		{args: []string{"-F", "t=<-", "REC/s3"}, stdin: str("text")},
		// A part's type, when none is given, comes from curl's short list of extensions: the filename='s
		// first, then the file's own; a text value with filename= is sent as a file of that name, typed by
		// it; a <FILE value by the file's (text/plain left out), and its filename= ignored.
		{args: []string{"-F", "t=<pic.png", "-F", "a=b;filename=x.txt", "-F", "c=d;filename=x.png", "-F", `e="q;r";filename=y.pdf`,
			"-F", "f=@data.json;filename=x.png", "-F", "g=@pic.png;filename=x.bin", "-F", "h=<notes.txt;filename=y.html", "REC/s4"}},
		{args: []string{"-F", "f=@-;filename=x.svg", "REC/s5"}, stdin: str("<svg/>")},
		// A part's own Content-Disposition (headers=) replaces curl's; its own Content-Type is the part's
		// type when type= gives none (one line, never two), the extension's guess left out.
		{args: []string{"-F", `a=b;headers="Content-Disposition: form-data; name=\"x=y\""`, "-F", `f=@notes.txt;headers="Content-Disposition: attachment; filename=\"y\""`,
			"-F", `c=d;type=text/z;headers="Content-Type: text/q"`, "-F", `g=@pic.png;headers="Content-Type: text/q"`, "REC/s6"}},
		// The part's head in curl's order, compared byte for byte under a type other than multipart: its
		// Content-Disposition and Content-Type, then its own headers as typed.
		{args: []string{"-H", "Content-Type: text/plain", "-F", "a=b;headers=x-b: 1;headers=Accept: x", "-F", `f=@notes.txt;headers="Content-Disposition: attachment; filename=\"y\""`, "REC/s7"}},
	} {
		srv := recordingServer(t)
		args := make([]string, len(tt.args))
		for i, a := range tt.args {
			args[i] = strings.ReplaceAll(a, "REC", srv+"/record")
		}
		curlArgs := args
		if curlArgs[0] == "curl" {
			curlArgs = curlArgs[1:]
		}
		c := exec.Command(curl, append([]string{"-s"}, curlArgs...)...)
		c.Dir = dir
		if tt.stdin != nil {
			c.Stdin = strings.NewReader(*tt.stdin)
		}
		out, err := c.Output()
		var want testserver.Recorded
		if err != nil || json.Unmarshal(out, &want) != nil {
			t.Fatalf("curl %q: %v %s", args, err, out)
		}
		got, code := sent(t, dir, tt.stdin, append([]string{"curl"}, tt.args...)...)
		if code != 0 {
			t.Errorf("hop curl %q: exit %d", tt.args, code)
			continue
		}
		// hop's own User-Agent and Accept-Encoding stay.
		sameRequest(t, "hop curl "+strings.Join(tt.args, " "), got, want, "User-Agent", "Accept-Encoding")
	}
}

// A URL's user information with an empty user name and a password (http://:KEY@host/, a key taken as the
// password) becomes Basic auth, as curl sends it; hop's own -a :KEY too.
func TestEmptyUserNameAsCurl(t *testing.T) {
	curl := lookCurl(t)
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	u := strings.Replace(srv.URL, "://", "://:key@", 1) + "/record/x"
	_, want := curlRun(t, curl, "-s", u)
	_, got := curlRun(t, hopBinary(t), "curl", "-s", u)
	w, g := records(t, want)[0], records(t, got)[0]
	if a := w.Header["Authorization"]; len(a) != 1 || a[0] != "Basic OmtleQ==" {
		t.Fatalf("curl sent %v", w.Header)
	}
	sameRequest(t, "hop curl http://:key@...", g, w, "User-Agent", "Accept-Encoding")
	_, own := curlRun(t, hopBinary(t), "get", srv.URL+"/record/x", "-a", ":key")
	if a := records(t, own)[0].Header["Authorization"]; len(a) != 1 || a[0] != "Basic OmtleQ==" {
		t.Errorf("hop get -a :key sent %q", a)
	}
}

// curlRun runs name (curl or hop) with args in a new directory and returns the directory and stdout.
func curlRun(t *testing.T, name string, args ...string) (string, []byte) {
	t.Helper()
	return curlRunInput(t, name, "", args...)
}

// curlRunInput is curlRun with input on standard input.
func curlRunInput(t *testing.T, name, input string, args ...string) (string, []byte) {
	t.Helper()
	dir := t.TempDir()
	c := exec.Command(name, args...)
	c.Dir = dir
	if input != "" {
		c.Stdin = strings.NewReader(input)
	}
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, stderr.String())
	}
	return dir, out
}

// records reads the recorded requests a recording endpoint's answers hold, one after another.
func records(t *testing.T, b []byte) []testserver.Recorded {
	t.Helper()
	var all []testserver.Recorded
	dec := json.NewDecoder(bytes.NewReader(b))
	for dec.More() {
		var rec testserver.Recorded
		if err := dec.Decode(&rec); err != nil {
			t.Fatalf("%v in %s", err, b)
		}
		all = append(all, rec)
	}
	return all
}

// A curl command with several URLs, globbed, each with the -o or -O curl pairs with it: hop curl sends what
// curl sends to each, in curl's order, into the files curl names (#N: the Nth pattern's value).
func TestHopCurlSendsEachURLAsCurlDoes(t *testing.T) {
	curl := lookCurl(t)
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	rec := srv.URL + "/record"
	args := []string{"-s", "-H", "X-T: 1", "-d", "a=1", rec + "/{a,b}/x[1-2]?n=[08-09]", "-o", "out_#1_#3_#2.json",
		"-O", "--url", rec + "/named", rec + "/stdout/[a-e:4]"}
	curlDir, curlOut := curlRun(t, curl, args...)
	hopDir, hopOut := curlRun(t, hopBinary(t), append([]string{"curl"}, args...)...)

	want, _ := os.ReadDir(curlDir)
	got, _ := os.ReadDir(hopDir)
	names := func(es []os.DirEntry) (s []string) {
		for _, e := range es {
			s = append(s, e.Name())
		}
		return s
	}
	if len(want) != 9 || !slices.Equal(names(got), names(want)) {
		t.Fatalf("hop curl wrote %q; curl wrote %q", names(got), names(want))
	}
	for _, e := range want {
		w, _ := os.ReadFile(filepath.Join(curlDir, e.Name()))
		g, _ := os.ReadFile(filepath.Join(hopDir, e.Name()))
		sameRequest(t, e.Name(), records(t, g)[0], records(t, w)[0], "User-Agent", "Accept-Encoding")
	}
	wantOut, gotOut := records(t, curlOut), records(t, hopOut)
	if len(wantOut) != 2 || len(gotOut) != len(wantOut) {
		t.Fatalf("stdout held %d requests; curl's %d", len(gotOut), len(wantOut))
	}
	for i := range wantOut {
		sameRequest(t, "stdout", gotOut[i], wantOut[i], "User-Agent", "Accept-Encoding")
	}
}

// The nth -T's file goes to the nth URL, as curl pairs them: to a URL that ends in / under the file's name,
// to each URL of a glob, each file of -T's own glob; a URL past the last -T's goes without a body. hop curl
// refused a -T with several URLs.
func TestHopCurlUploadsEachFileAsCurlDoes(t *testing.T) {
	curl := lookCurl(t)
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	rec := srv.URL + "/record"
	files := t.TempDir()
	for name, body := range map[string]string{"a.txt": "first\n", "b.txt": "second file\n", "c.txt": "third\n"} {
		if err := os.WriteFile(filepath.Join(files, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		args   []string
		n      int
		ignore []string
	}{
		{[]string{"-s", "-T", filepath.Join(files, "a.txt"), rec + "/one", "-T", filepath.Join(files, "b.txt"), rec + "/two/",
			"-T", filepath.Join(files, "c.txt"), rec + "/{x,y}/"}, 4, nil},
		// The URLs past the last -T's go without a body: GET, or -X's method (a body-less POST carries Go's
		// Content-Length: 0, which curl leaves out).
		{[]string{"-s", "-T", filepath.Join(files, "a.txt"), rec + "/up", rec + "/after{1,2}"}, 3, nil},
		{[]string{"-s", "-X", "POST", "-T", filepath.Join(files, "a.txt"), rec + "/up", rec + "/after"}, 2, []string{"Content-Length"}},
		// -T's file is globbed too: each file to each of the URL's, the files outermost.
		{[]string{"-s", "-T", filepath.Join(files, "{a,b}.txt"), rec + "/{x,y}/"}, 4, nil},
		{[]string{"-s", "-T", filepath.Join(files, "[a-c].txt"), rec + "/z/"}, 3, nil},
	} {
		_, curlOut := curlRun(t, curl, tt.args...)
		_, hopOut := curlRun(t, hopBinary(t), append([]string{"curl"}, tt.args...)...)
		want, got := records(t, curlOut), records(t, hopOut)
		if len(want) != tt.n || len(got) != len(want) {
			t.Fatalf("%q: hop curl sent %d requests; curl %d", tt.args, len(got), len(want))
		}
		for i := range want {
			sameRequest(t, want[i].URI, got[i], want[i], append([]string{"User-Agent", "Accept-Encoding"}, tt.ignore...)...)
		}
	}
}

// With curl's cookie engine on (-b FILE, -c FILE), a cookie one URL sets goes with the next URL, and -c
// writes the jar after each URL (-c - twice here); without it, nothing carries over. hop curl does what curl
// does.
func TestHopCurlCarriesCookiesAsCurlDoes(t *testing.T) {
	curl := lookCurl(t)
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	jarIn := filepath.Join(t.TempDir(), "in.txt")
	u, _ := url.Parse(srv.URL)
	if err := os.WriteFile(jarIn, []byte(u.Hostname()+"\tFALSE\t/\tFALSE\t0\tb\t2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cookies := range [][]string{{"-b", jarIn, "-c", "out.txt"}, {"-b", jarIn}, {"-c", "-"}, {}} {
		args := append(slices.Clone(cookies), "-s", srv.URL+"/cookies/set?a=1", srv.URL+"/record/after")
		curlDir, curlOut := curlRun(t, curl, args...)
		hopDir, hopOut := curlRun(t, hopBinary(t), append([]string{"curl"}, args...)...)
		split := func(out []byte) (testserver.Recorded, string) { // the record (one line) and -c -'s jar, in any order
			var rec, jar []byte
			for _, line := range bytes.SplitAfter(out, []byte("\n")) {
				if bytes.HasPrefix(line, []byte("{")) {
					rec = append(rec, line...)
				} else {
					jar = append(jar, line...)
				}
			}
			r := records(t, rec)[0]
			// The order of cookies in the header is the jar's (curl's sorts otherwise), not what this tests.
			pairs := strings.Split(strings.Join(r.Header["Cookie"], ""), "; ")
			slices.Sort(pairs)
			r.Header["Cookie"] = []string{strings.Join(pairs, "; ")}
			return r, string(jar)
		}
		wantRec, wantJar := split(curlOut)
		gotRec, gotJar := split(hopOut)
		what := fmt.Sprintf("hop curl %q", cookies)
		sameRequest(t, what, gotRec, wantRec, "User-Agent", "Accept-Encoding")
		if len(cookies) > 2 {
			w, _ := os.ReadFile(filepath.Join(curlDir, "out.txt"))
			g, _ := os.ReadFile(filepath.Join(hopDir, "out.txt"))
			wantJar, gotJar = string(w), string(g)
		}
		if cookieLines(gotJar) != cookieLines(wantJar) {
			t.Errorf("%s: jar\n%s\nwant\n%s", what, gotJar, wantJar)
		}
	}
}

// cookieLines are a Netscape jar's cookies, without comments, sorted.
func cookieLines(jar string) string {
	var lines []string
	for _, l := range strings.Split(jar, "\n") {
		if l != "" && !strings.HasPrefix(l, "# ") && l != "#" {
			lines = append(lines, strings.TrimPrefix(l, "#HttpOnly_"))
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// Unlike curl, whose exit code is the last URL's, hop curl fails when any URL failed (with the first
// failure's code), says each failure at once, and sums up at the end; --fail-early stops at the first.
func TestHopCurlSeveralURLsFail(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	c := exec.Command(hopBinary(t), "curl", "-s", srv.URL+"/status/{404,503}", srv.URL+"/record/after")
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, _ := c.Output()
	if code := c.ProcessState.ExitCode(); code != 4 || len(records(t, out)) != 1 ||
		!strings.Contains(stderr.String(), "HTTP 503") || !strings.HasSuffix(stderr.String(), "hop: error: 2 of 3 URLs failed: 1 (exit 4), 2 (exit 5)\n") {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, out, stderr.String())
	}
	c = exec.Command(hopBinary(t), "curl", "-s", "--fail-early", srv.URL+"/status/{404,503}", srv.URL+"/record/after")
	stderr.Reset()
	c.Stderr = &stderr
	out, _ = c.Output()
	if code := c.ProcessState.ExitCode(); code != 4 || len(out) != 0 || strings.Contains(stderr.String(), "503") ||
		!strings.HasSuffix(stderr.String(), "hop: error: 1 of 1 URLs sent failed: 1 (exit 4); 2 not sent\n") {
		t.Errorf("--fail-early: exit %d, stdout %q, stderr:\n%s", code, out, stderr.String())
	}
	// What curl cannot glob (curl stops, exit 3) hop curl sends as typed, as -g does, and says why.
	// (-s leaves the warning out, as curl -s leaves out curl's.)
	got := hopStderr(t, 0, "curl", "-o", "/dev/null", srv.URL+"/record/x?filter[name]=a")
	if !strings.Contains(got, "curl's globbing: bad range at position") || !strings.Contains(got, "sent as typed, as with -g") {
		t.Errorf("stderr %s", got)
	}
	if got := hopStderr(t, 0, "curl", "-s", "-o", "/dev/null", srv.URL+"/record/x?filter[name]=a"); got != "" {
		t.Errorf("-s: stderr %q, want none", got)
	}
	for _, args := range [][]string{{"-g"}, nil} {
		out, code := runHop(t, append(append([]string{"curl"}, args...), srv.URL+"/record/x?filter[name]=a")...)
		if recs := records(t, out); code != 0 || len(recs) != 1 || recs[0].URI != "/record/x?filter[name]=a" {
			t.Errorf("hop curl %q: exit %d, %s", args, code, out)
		}
	}
}

// -w is written after each URL; %{urlnum} is the URL's place on the command line, shared by a glob's URLs,
// and %{url} the URL the glob made: as curl writes them.
func TestHopCurlWriteOutPerURL(t *testing.T) {
	curl := lookCurl(t)
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	args := []string{"-s", "-o", "/dev/null", "-w", `%{urlnum} %{url} %{http_code} %{filename_effective}\n`,
		srv.URL + "/anything/[1-3]", "-o", "/dev/null", srv.URL + "/status/{201,202}"}
	_, want := curlRun(t, curl, args...)
	_, got := curlRun(t, hopBinary(t), append([]string{"curl"}, args...)...)
	if string(got) != string(want) || strings.Count(string(want), "\n") != 5 {
		t.Errorf("hop curl wrote\n%s\ncurl\n%s", got, want)
	}
}

// The URLs of one hop curl command share a kept-alive connection, as curl's do: the server sees the second
// request come from the port the first came from.
func TestHopCurlReusesTheConnection(t *testing.T) {
	curl := lookCurl(t)
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	args := []string{"-s", "-w", `\n`, srv.URL + "/peer", srv.URL + "/peer"}
	for _, name := range []string{curl, hopBinary(t)} {
		a := args
		if name != curl {
			a = append([]string{"curl"}, args...)
		}
		_, out := curlRun(t, name, a...)
		peers := strings.Fields(string(out))
		if len(peers) != 2 || peers[0] != peers[1] {
			t.Errorf("%s: the server saw %q", name, peers)
		}
	}
}

// --next (-:) gives each part of a curl command its own method, headers, data, credentials, -o and -w,
// while -s holds for all; a cookie one part's engine keeps goes with a later part whose engine is on (-b
// FILE, read as that part starts, after the first part's -c wrote it). hop curl sends each server what
// curl sends, and writes what curl writes.
func TestHopCurlNextAsCurl(t *testing.T) {
	curl := lookCurl(t)
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	rec := srv.URL + "/record"
	args := []string{"-X", "PUT", "-H", "A: 1", "-d", "x=1", rec + "/a", "--next", "-H", "B: 2", rec + "/b/[1-2]", "-s",
		"-:", "-u", "ann:pw", "--json", `{"c":3}`, rec + "/c"}
	_, want := curlRun(t, curl, args...)
	_, got := curlRun(t, hopBinary(t), append([]string{"curl"}, args...)...)
	w, g := records(t, want), records(t, got)
	if len(w) != 4 || len(g) != len(w) {
		t.Fatalf("hop curl sent %d requests; curl %d", len(g), len(w))
	}
	for i := range w {
		sameRequest(t, "hop curl --next, request "+fmt.Sprint(i+1), g[i], w[i], "User-Agent", "Accept-Encoding")
	}

	args = []string{"-s", "-c", "jar", "-o", "/dev/null", "-w", `%{urlnum} %{http_code}\n`, srv.URL + "/cookies/set?sid=1",
		"--next", "-b", "jar", "-w", `%{urlnum} %{method}\n`, rec + "/after", "--next", rec + "/none"}
	curlDir, want := curlRun(t, curl, args...)
	hopDir, got := curlRun(t, hopBinary(t), append([]string{"curl"}, args...)...)
	split := func(out []byte) (recs []testserver.Recorded, lines string) {
		for _, line := range strings.SplitAfter(string(out), "\n") {
			if strings.HasPrefix(line, "{") {
				recs = append(recs, records(t, []byte(line))...)
			} else {
				lines += line
			}
		}
		return recs, lines
	}
	wantRecs, wantLines := split(want)
	gotRecs, gotLines := split(got)
	if gotLines != wantLines || wantLines != "0 302\n1 GET\n" || len(gotRecs) != 2 || len(wantRecs) != 2 {
		t.Fatalf("hop curl wrote %q and %d records; curl %q and %d", gotLines, len(gotRecs), wantLines, len(wantRecs))
	}
	for i := range wantRecs {
		sameRequest(t, "cookies across --next", gotRecs[i], wantRecs[i], "User-Agent", "Accept-Encoding")
	}
	if strings.Join(gotRecs[0].Header["Cookie"], "") != "sid=1" || gotRecs[1].Header["Cookie"] != nil {
		t.Errorf("Cookie headers %q, %q", gotRecs[0].Header["Cookie"], gotRecs[1].Header["Cookie"])
	}
	wj, _ := os.ReadFile(filepath.Join(curlDir, "jar"))
	gj, _ := os.ReadFile(filepath.Join(hopDir, "jar"))
	if cookieLines(string(gj)) != cookieLines(string(wj)) {
		t.Errorf("jar\n%s\nwant\n%s", gj, wj)
	}
}

// curl's -e ";auto" sends, with each redirect followed, the URL it came from as the Referer (a URL before
// ";auto" goes with the first request); hop curl sends what curl sends, and so does hop's -e.
func TestAutoRefererAsCurl(t *testing.T) {
	curl := lookCurl(t)
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	chain := srv.URL + "/redirect-to?url=" + url.QueryEscape("/redirect-to?url=/record/r")
	for _, e := range []string{";auto", "http://first.example/;auto", "http://first.example/"} {
		args := []string{"-s", "-L", "-e", e, chain}
		_, want := curlRun(t, curl, args...)
		_, got := curlRun(t, hopBinary(t), append([]string{"curl"}, args...)...)
		w, g := records(t, want), records(t, got)
		if len(w) != 1 || len(g) != 1 {
			t.Fatalf("-e %s: %d and %d records", e, len(g), len(w))
		}
		sameRequest(t, "hop curl -e "+e, g[0], w[0], "User-Agent", "Accept-Encoding")
		out, code := runHop(t, "get", "-L", "-e", e, chain)
		if recs := records(t, out); code != 0 || !reflect.DeepEqual(recs[0].Header["Referer"], w[0].Header["Referer"]) {
			t.Errorf("hop get -e %s: exit %d, Referer %q; curl's %q", e, code, recs[0].Header["Referer"], w[0].Header["Referer"])
		}
	}
}

// curl keeps one switch for following redirects: --location-trusted turns it on as -L does (with the
// credentials kept on every host), and --no-location or --no-location-trusted turns it off, whichever
// turned it on. hop curl follows, or not, where curl does, and sends the same last request.
func TestFollowSwitchAsCurl(t *testing.T) {
	curl := lookCurl(t)
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	chain := srv.URL + "/redirect-to?url=/record/r"
	for _, args := range [][]string{
		{"--location-trusted", "-u", "a:b"},
		{"-L", "--no-location-trusted"},
		{"--location-trusted", "--no-location", "-u", "a:b"},
		{"--no-location", "-L"},
		{"-K", "-"},
	} {
		args := append(append([]string{"-s"}, args...), chain)
		cfg := "location\nno-location\n"
		_, want := curlRunInput(t, curl, cfg, args...)
		_, got := curlRunInput(t, hopBinary(t), cfg, append([]string{"curl"}, args...)...)
		w, g := records(t, want), records(t, got)
		if len(w) != len(g) {
			t.Errorf("hop curl %q: %d requests recorded; curl %d", args, len(g), len(w))
			continue
		}
		for i := range w {
			sameRequest(t, "hop curl "+strings.Join(args, " "), g[i], w[i], "User-Agent", "Accept-Encoding")
		}
	}
}

// curl's --abstract-unix-socket connects to a socket in Linux's abstract namespace: hop curl gets there
// too (hop's --unix-socket @NAME), sends the server what curl sends, and --curl writes it back.
func TestAbstractUnixSocketAsCurl(t *testing.T) {
	curl := lookCurl(t)
	name := fmt.Sprintf("hop-test-%d", os.Getpid())
	ln, err := net.Listen("unix", "@"+name)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: testserver.Handler()}
	go srv.Serve(ln)
	defer srv.Close()
	args := []string{"-s", "--abstract-unix-socket", name, "http://sock.example/record/a"}
	_, want := curlRun(t, curl, args...)
	_, got := curlRun(t, hopBinary(t), append([]string{"curl"}, args...)...)
	sameRequest(t, "hop curl --abstract-unix-socket", records(t, got)[0], records(t, want)[0], "User-Agent", "Accept-Encoding")
	if line := curlLine(t, t.TempDir(), nil, "get", "http://sock.example/", "--unix-socket", "@"+name, "--curl"); !strings.Contains(line, "--abstract-unix-socket "+name+" ") {
		t.Errorf("--curl wrote %s", line)
	}
}

// -Z sends the URLs at once, as curl -Z does. The server's /together/KEY/N answers "together" only to N
// requests in flight at the same time, and "alone" (504) to one that waited in vain, so that a client
// sending one URL after another fails these checks without anything being timed. A body saved to a file
// travels beside one on stdout; --parallel-max bounds how many are under way; -w is written for each URL.
// hop curl and curl get the same answers.
func TestHopCurlParallelAsCurl(t *testing.T) {
	curl := lookCurl(t)
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	for _, name := range []string{curl, hopBinary(t)} {
		// curl 7.88 waits for the first connection's answer before it opens another, in case it can
		// multiplex over it; --parallel-immediate opens them at once, as hop always does.
		pre := []string{"--parallel-immediate"}
		if name != curl {
			pre = []string{"curl"}
		}
		key := srv.URL + "/together/" + filepath.Base(name)
		run := func(args ...string) (dir, out string, code int) {
			dir = t.TempDir()
			out, code = runIn(t, dir, name, append(slices.Clone(pre), args...)...)
			return dir, out, code
		}
		file := func(dir, f string) string { b, _ := os.ReadFile(filepath.Join(dir, f)); return string(b) }

		dir, out, code := run("-Z", "-s", "-o", "f#1", key+"-files/3?i=[1-3]", "-w", `%{urlnum} %{http_code}\n`)
		if code != 0 || file(dir, "f1")+file(dir, "f2")+file(dir, "f3") != strings.Repeat("together\n", 3) || out != strings.Repeat("0 200\n", 3) {
			t.Errorf("%s -Z, three files: exit %d, -w %q, f1 %q", name, code, out, file(dir, "f1"))
		}
		dir, out, code = run("-Z", "-s", "-o", "f", key+"-mixed/2", key+"-mixed/2")
		if code != 0 || out != "together\n" || file(dir, "f") != "together\n" {
			t.Errorf("%s -Z, a file and stdout: exit %d, stdout %q, file %q", name, code, out, file(dir, "f"))
		}
		dir, _, _ = run("-Z", "--parallel-max", "2", "-s", "-o", "m#1", key+"-max/3?wait=200ms&i=[1-3]")
		if got := file(dir, "m1") + file(dir, "m2") + file(dir, "m3"); got != strings.Repeat("alone\n", 3) {
			t.Errorf("%s -Z --parallel-max 2 of 3: %q", name, got)
		}
	}
	// Without -Z, one after another: never together.
	dir := t.TempDir()
	if out, code := runIn(t, dir, hopBinary(t), "curl", "-s", srv.URL+"/together/serial/2?wait=200ms&i=[1-2]"); code != 5 || out != "alone\nalone\n" {
		t.Errorf("hop curl without -Z: exit %d, %q", code, out)
	}
}

// hop curl -Z writes bodies on stdout whole and in the command's order (curl -Z writes them as they come),
// while the URLs saved to files go on beside them; --fail-early starts no URL after a failure.
func TestHopCurlParallelStdout(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	out, code := runHop(t, "curl", "-Z", "-s", "-o", "-", srv.URL+"/drip?duration=0.3&numbytes=3&delay=0", "-o", "-", srv.URL+"/record/b",
		"-o", "/dev/null", srv.URL+"/record/c")
	if code != 0 || !strings.HasPrefix(string(out), "***{") || !strings.Contains(string(out), `"/record/b"`) || strings.Contains(string(out), "/record/c") {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	// -o /dev/stdout is stdout too: its body waits its turn rather than cut into the first one.
	out, code = runHop(t, "curl", "-Z", "-s", "-o", "/dev/stdout", srv.URL+"/drip?duration=0.3&numbytes=3&delay=0", "-o", "/dev/stdout", srv.URL+"/record/b")
	if code != 0 || !strings.HasPrefix(string(out), "***{") {
		t.Errorf("-o /dev/stdout: exit %d, stdout %q", code, out)
	}
	c := exec.Command(hopBinary(t), "curl", "-Z", "--parallel-max", "1", "--fail-early", "-o", "/dev/null", "-o", "/dev/null", srv.URL+"/status/404", srv.URL+"/record/x")
	var stderr bytes.Buffer
	c.Stderr = &stderr
	c.Run()
	if code := c.ProcessState.ExitCode(); code != 4 || !strings.HasSuffix(stderr.String(), "hop: error: 1 of 1 URLs sent failed: 1 (exit 4); 1 not sent\n") {
		t.Errorf("--fail-early: exit %d, stderr %s", code, stderr.String())
	}
}

// headProxy records the head of every request a proxy gets (CONNECTs, and the requests it forwards).
type headProxy struct {
	*testserver.Proxy
	mu   sync.Mutex
	seen []http.Header
}

func (p *headProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	h := r.Header.Clone()
	h.Set("X-Method", r.Method)
	p.seen = append(p.seen, h)
	p.mu.Unlock()
	p.Proxy.ServeHTTP(w, r)
}

// heads are the heads the proxy got so far.
func (p *headProxy) heads() []http.Header {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.seen)
}

// curl's --proxy-header goes to the proxy only: in its CONNECT (--proxytunnel), or with a plain-http request
// it forwards; "Name:" leaves a header out (the User-Agent here). hop curl sends the proxy and the server
// what curl sends them, and --curl writes the flag back.
func TestProxyHeaderAsCurl(t *testing.T) {
	curl := lookCurl(t)
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	p := &headProxy{Proxy: &testserver.Proxy{Route: func(string) string { return strings.TrimPrefix(srv.URL, "http://") }}}
	proxy := httptest.NewServer(p)
	defer proxy.Close()
	for _, tunnel := range []string{"", "--proxytunnel"} {
		args := []string{"-s", "-x", proxy.URL, "--proxy-header", "X-To-Proxy: 1", "--proxy-header", "User-Agent:", "-A", "agent/1",
			"http://example.com/record/a"}
		if tunnel != "" {
			args = append(args, tunnel)
		}
		seen := func(name string, args ...string) (http.Header, testserver.Recorded) {
			n := len(p.heads())
			_, out := curlRun(t, name, args...)
			heads := p.heads()
			if len(heads) != n+1 {
				t.Fatalf("%s: the proxy got %d requests", name, len(heads)-n)
			}
			return heads[n], records(t, out)[0]
		}
		wantHead, want := seen(curl, args...)
		gotHead, got := seen(hopBinary(t), append([]string{"curl"}, args...)...)
		what := fmt.Sprintf("hop curl --proxy-header %s", tunnel)
		for _, name := range []string{"X-Method", "X-To-Proxy", "User-Agent"} {
			if !slices.Equal(gotHead[name], wantHead[name]) {
				t.Errorf("%s: the proxy got %s %q; from curl %q", what, name, gotHead[name], wantHead[name])
			}
		}
		if wantHead.Get("X-To-Proxy") != "1" || (wantHead.Get("X-Method") == "CONNECT") != (tunnel != "") {
			t.Fatalf("curl sent the proxy %v", wantHead)
		}
		sameRequest(t, what, got, want, "Accept-Encoding", "Proxy-Connection")
	}
	line := curlLine(t, t.TempDir(), nil, "get", "http://example.com/", "-x", proxy.URL, "--proxy-header", "X-A: 1", "--proxy-header", "User-Agent:", "--curl")
	if !strings.Contains(line, "--proxy-header 'X-A: 1' --proxy-header User-Agent:") {
		t.Errorf("--curl wrote %s", line)
	}
}

// A part's name or file name holding '"' or '\': curl writes '"' as %22 and a backslash as it is (as
// browsers do), and with --form-escape puts a backslash before both. hop curl and hop's own multipart bodies
// send the Content-Disposition lines curl sends, and --curl writes --form-escape back. CR and LF are %0D
// and %0A in hop either way (curl sends them bare under --form-escape, which ends the part's head early).
func TestFormNamesAsCurl(t *testing.T) {
	curl := lookCurl(t)
	hop := hopBinary(t)
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, `x"y\z.txt`), []byte("hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	heads := regexp.MustCompile(`(?m)^Content-Disposition: .*\r$`)
	dispositions := func(name string, args ...string) []string {
		t.Helper()
		out, code := runIn(t, dir, name, args...)
		if code != 0 {
			t.Fatalf("%s %q: exit %d", name, args, code)
		}
		return heads.FindAllString(string(records(t, []byte(out))[0].Body), -1)
	}
	for _, c := range []struct {
		escape []string
		name   string // the first part's name as curl writes it
	}{
		{nil, `name="a%22b\c"`},
		{[]string{"--form-escape"}, `name="a\"b\\c"`},
	} {
		args := append([]string{"-s", "-F", `a"b\c=1`, "-F", `f=@x"y\z.txt`, "-F", `g=@x"y\z.txt;filename=q"r\s`, srv.URL + "/record/f"}, c.escape...)
		want := dispositions(curl, args...)
		if len(want) != 3 || !strings.Contains(want[0], c.name) {
			t.Fatalf("curl %q sent %q", c.escape, want)
		}
		if got := dispositions(hop, append([]string{"curl"}, args...)...); !slices.Equal(got, want) {
			t.Errorf("hop curl %q sent\n%q\ncurl\n%q", c.escape, got, want)
		}
		own := dispositions(hop, append([]string{"post", srv.URL + "/record/f", `a"b\c=1`, `f@x"y\z.txt`, "--multipart"}, c.escape...)...)
		if !slices.Equal(own, want[:2]) {
			t.Errorf("hop post %q sent\n%q\ncurl\n%q", c.escape, own, want[:2])
		}
	}
	// Another multipart type named in -H: curl calls its parts attachments.
	args := []string{"-s", "-H", "Content-Type: multipart/mixed", "-F", "a=1", "-F", `f=@x"y\z.txt`, srv.URL + "/record/f"}
	want := dispositions(curl, args...)
	if len(want) != 2 || !strings.HasPrefix(want[0], "Content-Disposition: attachment; ") {
		t.Fatalf("curl, multipart/mixed: %q", want)
	}
	if got := dispositions(hop, append([]string{"curl"}, args...)...); !slices.Equal(got, want) {
		t.Errorf("hop curl, multipart/mixed:\n%q\ncurl\n%q", got, want)
	}
	if got := dispositions(hop, "curl", "-s", "--form-escape", "-F", "a\nb\r=1", srv.URL+"/record/f"); len(got) != 1 || got[0] != "Content-Disposition: form-data; name=\"a%0Ab%0D\"\r" {
		t.Errorf("a name with CR and LF: %q", got)
	}
	if line := curlLine(t, dir, nil, "post", "http://example.com/", "a=1", "--multipart", "--form-escape", "--curl"); !strings.Contains(line, " --form-escape ") {
		t.Errorf("--curl wrote %s", line)
	}
}

// curl's --haproxy-clientip (8.2, after the curl these tests compare with) gives its address in the PROXY
// line, as curl writes it: the source and the destination both, TCP4 or TCP6 by the address's form, with
// the connection's ports; UNKNOWN over a unix socket. hop curl and hop's own flag send it, --curl writes it
// back, and a value that would break the line is refused before anything is sent.
func TestHAProxyClientIP(t *testing.T) {
	hop := hopBinary(t)
	s := httptest.NewUnstartedServer(testserver.Handler())
	lines := &testserver.PROXYLines{Listener: s.Listener}
	s.Listener = lines
	s.Start()
	t.Cleanup(s.Close)
	port := s.Listener.Addr().(*net.TCPAddr).Port
	for _, c := range []struct{ ip, family string }{{"203.0.113.7", "TCP4"}, {"2001:db8::1", "TCP6"}, {"::ffff:192.0.2.1", "TCP6"}, {"client.example", "TCP6"}} {
		for _, args := range [][]string{{"curl", "-s", "--haproxy-clientip", c.ip, s.URL + "/get"}, {"get", "--haproxy-clientip", c.ip, s.URL + "/get"}} {
			n := len(lines.Seen())
			if _, code := runIn(t, t.TempDir(), hop, args...); code != 0 {
				t.Fatalf("%q: exit %d", args, code)
			}
			seen := lines.Seen()[n:]
			want := regexp.MustCompile(`^PROXY ` + c.family + ` ` + regexp.QuoteMeta(c.ip) + ` ` + regexp.QuoteMeta(c.ip) + ` \d+ ` + strconv.Itoa(port) + "\r\n$")
			if len(seen) != 1 || !want.MatchString(seen[0].Got) {
				t.Errorf("%q: the server got %q, want %s", args, seen, want)
			}
		}
	}
	if line := curlLine(t, t.TempDir(), nil, "get", "http://example.com/", "--haproxy-clientip", "198.51.100.2", "--curl"); !strings.Contains(line, " --haproxy-clientip 198.51.100.2 ") || strings.Contains(line, "--haproxy-protocol") {
		t.Errorf("--curl wrote %s", line)
	}
	n := len(lines.Seen())
	if stderr := hopStderr(t, 2, "get", "--haproxy-clientip", "1.2.3.4\r\nGET /", s.URL); !strings.Contains(stderr, "--haproxy-clientip") || len(lines.Seen()) != n {
		t.Errorf("a value with CR LF: %s; %d connections", stderr, len(lines.Seen())-n)
	}
}

// curl's --haproxy-protocol begins every connection with a PROXY line that gives the connection's own
// addresses: to the server, over TLS before the handshake, to a proxy that forwards plain http, inside a
// CONNECT tunnel (where the socket's far end is the proxy), and UNKNOWN over a unix socket. hop curl, hop's
// own flag and hop cert send the line curl sends, the request after it is curl's, and --curl writes it back.
func TestHAProxyProtocolAsCurl(t *testing.T) {
	curl := lookCurl(t)
	hop := hopBinary(t)
	serve := func(h http.Handler, tls bool) (*httptest.Server, *testserver.PROXYLines) {
		s := httptest.NewUnstartedServer(h)
		l := &testserver.PROXYLines{Listener: s.Listener}
		s.Listener = l
		if tls {
			s.StartTLS()
		} else {
			s.Start()
		}
		t.Cleanup(s.Close)
		return s, l
	}
	plain, plainLines := serve(testserver.Handler(), false)
	secure, secureLines := serve(testserver.Handler(), true)
	proxy, proxyLines := serve(&testserver.Proxy{Route: func(string) string { return plain.Listener.Addr().String() }}, false)
	sock := filepath.Join(t.TempDir(), "s")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	sockLines := &testserver.PROXYLines{Listener: ln}
	unixSrv := &http.Server{Handler: testserver.Handler()}
	go unixSrv.Serve(sockLines)
	defer unixSrv.Close()

	// sent runs one command and returns the record the server answered, and the lines the connections it
	// made to each listener began with.
	sent := func(name string, args []string, ls ...*testserver.PROXYLines) (testserver.Recorded, [][]testserver.PROXYLine) {
		t.Helper()
		before := make([]int, len(ls))
		for i, l := range ls {
			before[i] = len(l.Seen())
		}
		_, out := curlRun(t, name, args...)
		lines := make([][]testserver.PROXYLine, len(ls))
		for i, l := range ls {
			lines[i] = l.Seen()[before[i]:]
		}
		var rec testserver.Recorded
		if len(out) > 0 && out[0] == '{' {
			rec = records(t, out)[0]
		}
		return rec, lines
	}
	// From the server's side of the socket, the client's port is one curl and hop each pick.
	anyPort := regexp.MustCompile(`^(PROXY TCP[46] \S+ \S+) \d+ `)
	for _, c := range []struct {
		what   string
		args   []string
		ls     []*testserver.PROXYLines
		tunnel bool // the server's line is the one a tunnel through the proxy carries
	}{
		{"direct", []string{plain.URL + "/record/a"}, []*testserver.PROXYLines{plainLines}, false},
		{"over TLS", []string{"-k", secure.URL + "/record/b"}, []*testserver.PROXYLines{secureLines}, false},
		{"to a proxy that forwards", []string{"-x", proxy.URL, "http://example.com/record/c"}, []*testserver.PROXYLines{proxyLines}, false},
		{"through a tunnel", []string{"--proxytunnel", "-x", proxy.URL, "http://example.com/record/d"}, []*testserver.PROXYLines{proxyLines, plainLines}, true},
		{"over a unix socket", []string{"--unix-socket", sock, "http://sock.example/record/e"}, []*testserver.PROXYLines{sockLines}, false},
	} {
		args := append([]string{"-s", "--haproxy-protocol"}, c.args...)
		want, wantLines := sent(curl, args, c.ls...)
		got, gotLines := sent(hop, append([]string{"curl"}, args...), c.ls...)
		_, ownLines := sent(hop, append([]string{"get", "--haproxy-protocol"}, c.args...), c.ls...)
		sameRequest(t, "hop curl --haproxy-protocol "+c.what, got, want, "User-Agent", "Accept-Encoding", "Proxy-Connection")
		for i := range c.ls {
			for who, lines := range map[string][]testserver.PROXYLine{"curl": wantLines[i], "hop curl": gotLines[i], "hop get": ownLines[i]} {
				if len(lines) != 1 {
					t.Fatalf("%s, %s: %d connections to listener %d", c.what, who, len(lines), i)
				}
				line := lines[0]
				switch {
				case c.tunnel && i == 0:
					// The CONNECT's connection to the proxy: the line goes through the tunnel.
					if line.Got != "" {
						t.Errorf("%s, %s: listener %d got %q", c.what, who, i, line.Got)
					}
				case c.tunnel:
					// The origin hears of the client's socket, which leads to the proxy.
					want := fmt.Sprintf("PROXY TCP4 127.0.0.1 127.0.0.1 N %d\r\n", proxy.Listener.Addr().(*net.TCPAddr).Port)
					if anyPort.ReplaceAllString(line.Got, "$1 N ") != want {
						t.Errorf("%s, %s: the server got %q, want %q (N any port)", c.what, who, line.Got, want)
					}
				default:
					if line.Got != line.Want {
						t.Errorf("%s, %s: got %q, want %q", c.what, who, line.Got, line.Want)
					}
				}
			}
		}
	}
	// hop cert opens a connection too: the line comes before its handshake (whose chain is not trusted here).
	n := len(secureLines.Seen())
	if _, code := runIn(t, t.TempDir(), hop, "cert", "--haproxy-protocol", "-q", secure.Listener.Addr().String()); code != 60 {
		t.Errorf("hop cert --haproxy-protocol: exit %d", code)
	}
	if lines := secureLines.Seen()[n:]; len(lines) != 1 || lines[0].Got != lines[0].Want {
		t.Errorf("hop cert --haproxy-protocol: %q", lines)
	}
	// QUIC has no place for the line: --http3 says so, before anything is sent.
	if stderr := hopStderr(t, 2, "get", "--http3", "--haproxy-protocol", "https://example.com/"); !strings.Contains(stderr, "--haproxy-protocol") {
		t.Errorf("--http3 --haproxy-protocol: %s", stderr)
	}
	if line := curlLine(t, t.TempDir(), nil, "get", "http://example.com/", "--haproxy-protocol", "--curl"); !strings.Contains(line, " --haproxy-protocol ") {
		t.Errorf("--curl wrote %s", line)
	}
}

// Through SOCKS4 (the address resolved by the client, --resolve's here) and SOCKS4a (the name sent to the
// proxy), with a user ID from the URL or -U, hop curl asks the proxy what curl asks, and the server gets the
// same request.
func TestSOCKS4AsCurl(t *testing.T) {
	curl := lookCurl(t)
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	backend := strings.TrimPrefix(srv.URL, "http://")
	route := func(string) string { return backend }
	open, err := testserver.StartSOCKS(&testserver.SOCKS{Route: route})
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close()
	locked, err := testserver.StartSOCKS(&testserver.SOCKS{Route: route, User: "ann"})
	if err != nil {
		t.Fatal(err)
	}
	defer locked.Close()
	for _, tt := range []struct {
		socks *testserver.SOCKS
		args  []string
	}{
		{open, []string{"-x", "socks4://" + open.Addr(), "--resolve", "example.com:80:127.0.0.1"}},
		{open, []string{"--socks4a", open.Addr()}},
		{locked, []string{"-x", "socks4a://ann@" + locked.Addr()}},
		{locked, []string{"-x", "socks4://" + locked.Addr(), "-U", "ann:unused", "--resolve", "example.com:80:127.0.0.1"}},
	} {
		args := append(slices.Clone(tt.args), "-s", "http://example.com/record/x")
		asked := func(name string, args ...string) (testserver.Recorded, []string) {
			hosts, ids := len(tt.socks.Hosts()), len(tt.socks.UserIDs())
			_, out := curlRun(t, name, args...)
			return records(t, out)[0], append(tt.socks.Hosts()[hosts:], tt.socks.UserIDs()[ids:]...)
		}
		want, wantAsked := asked(curl, args...)
		got, gotAsked := asked(hopBinary(t), append([]string{"curl"}, args...)...)
		what := fmt.Sprintf("hop curl %q", tt.args)
		if !slices.Equal(gotAsked, wantAsked) || len(wantAsked) != 2 {
			t.Errorf("%s asked the proxy for (host, user ID) %q; curl %q", what, gotAsked, wantAsked)
		}
		sameRequest(t, what, got, want, "User-Agent", "Accept-Encoding")
	}
}

// --curl with a client certificate in each form hop reads (PEM with an encrypted key, DER, PKCS#12) writes a
// command that the real curl runs against a server that wants the certificate: the form is named
// (--cert-type, --key-type) where curl would otherwise read PEM, and the passphrase goes as --pass.
func TestCurlCommandWithClientCertificates(t *testing.T) {
	lookCurl(t)
	dir := t.TempDir()
	url := mtlsServer(t, dir) + "/get"
	testserver.RunOpenSSL(t, dir, "x509", "-in", "client.pem", "-outform", "DER", "-out", "client.der")
	testserver.RunOpenSSL(t, dir, "pkcs8", "-topk8", "-nocrypt", "-in", "key.pem", "-outform", "DER", "-out", "key.der")
	testserver.RunOpenSSL(t, dir, "pkcs12", "-export", "-in", "client.pem", "-inkey", "key.pem", "-passout", "pass:hop-test", "-out", "client.p12")
	for _, cert := range [][]string{
		{"--cert", "client.pem", "--key", "enc.pem", "--pass", "hop-test"},
		{"--cert", "client.der", "--key", "key.der"},
		{"--cert", "client.p12", "--pass", "hop-test"},
	} {
		args := append([]string{"get", url, "--cacert", "root.pem", "--show-secrets"}, cert...)
		c := exec.Command(hopBinary(t), args...)
		c.Dir = dir
		if out, err := c.CombinedOutput(); err != nil || !strings.Contains(string(out), `"url"`) {
			t.Errorf("hop %q: %v\n%s", cert, err, out)
			continue
		}
		line := curlLine(t, dir, nil, append(args, "--curl")...)
		sh := exec.Command("bash", "-c", line+" -s")
		sh.Dir = dir
		if out, err := sh.CombinedOutput(); err != nil || !strings.Contains(string(out), `"url"`) {
			t.Errorf("%s: %v\n%s", line, err, out)
		}
	}
}

// hop curl -O names and writes the file as curl -O does: the URL's last segment as typed (escapes kept,
// the query left out, Content-Disposition ignored), replacing a file of that name; a path ending in "/"
// names none (curl exit 23 once the answer is in; hop exit 2, nothing sent). -J names it by
// Content-Disposition and, as curl's, never replaces a file.
func TestRemoteNameAsCurl(t *testing.T) {
	curl := lookCurl(t)
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	hop := hopBinary(t)
	cd := "/response-headers?Content-Disposition=attachment%3B%20filename%3Dcd.txt"
	for _, path := range []string{"/anything/a%20b.txt", "/anything/x.txt?q=1", "/anything/..%2f..%2fetc", "/anything/%2e%2e",
		"/anything/a%2Fb", "/anything/.hidden", cd} {
		files := map[string][]string{}
		for _, name := range []string{curl, hop} {
			dir := t.TempDir()
			args := []string{"-s", "-O", srv.URL + path}
			if name == hop {
				args = append([]string{"curl"}, args...)
			}
			if _, code := runIn(t, dir, name, args...); code != 0 {
				t.Fatalf("%s %q: exit %d", name, args, code)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				files[name] = append(files[name], e.Name())
			}
			// Again, over a file of that name: curl -O replaces it.
			if len(entries) == 1 {
				f := filepath.Join(dir, entries[0].Name())
				os.WriteFile(f, []byte("old"), 0o600)
				runIn(t, dir, name, args...)
				if b, _ := os.ReadFile(f); string(b) == "old" {
					t.Errorf("%s %q left the file there as it was", name, args)
				}
			}
		}
		if !slices.Equal(files[curl], files[hop]) || len(files[curl]) != 1 {
			t.Errorf("-O %s: curl saved %q, hop curl %q", path, files[curl], files[hop])
		}
	}

	dir := t.TempDir()
	if _, code := runIn(t, dir, curl, "-s", "-O", srv.URL+"/anything/"); code != 23 {
		t.Errorf("curl -O .../: exit %d, want 23", code)
	}
	if _, code := runIn(t, dir, hop, "curl", "-s", "-O", srv.URL+"/anything/"); code != 2 {
		t.Errorf("hop curl -O .../: exit %d, want 2", code)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("-O .../ left %v", entries)
	}

	for _, name := range []string{curl, hop} {
		dir := t.TempDir()
		args := []string{"-s", "-J", "-O", srv.URL + cd}
		if name == hop {
			args = append([]string{"curl"}, args...)
		}
		if _, code := runIn(t, dir, name, args...); code != 0 {
			t.Fatalf("%s %q: exit %d", name, args, code)
		}
		f := filepath.Join(dir, "cd.txt")
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s -J -O: %v", name, err)
		}
		os.WriteFile(f, []byte("old"), 0o600)
		if _, code := runIn(t, dir, name, args...); code == 0 {
			t.Errorf("%s -J -O over a file of that name: exit 0", name)
		}
		if b, _ := os.ReadFile(f); string(b) != "old" {
			t.Errorf("%s -J -O replaced the file", name)
		}
	}
}

// A stored compressed file that a server labels with its own compression (Content-Encoding: gzip on a
// .tar.gz, or on an application/gzip body) is saved as sent, as browsers keep it and as curl saves it:
// decoding it would put a tar under a .tar.gz name. Any other coded body is decoded on its way to a file.
func TestStoredCompressedFileKeptAsSent(t *testing.T) {
	curl := lookCurl(t)
	var stored bytes.Buffer
	zw := gzip.NewWriter(&stored)
	zw.Write(bytes.Repeat([]byte("tar payload\n"), 100))
	zw.Close()
	var json bytes.Buffer
	zw = gzip.NewWriter(&json)
	zw.Write([]byte(`{"a":1}`))
	zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := stored.Bytes()
		switch r.URL.Path {
		case "/get":
			w.Header().Set("Content-Type", "application/gzip")
		case "/data.json":
			w.Header().Set("Content-Type", "application/json")
			body = json.Bytes()
		default:
			w.Header().Set("Content-Type", "application/octet-stream")
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(body)
	}))
	defer srv.Close()
	hop := hopBinary(t)
	for _, tt := range []struct {
		args []string
		file string
		want []byte
	}{
		{[]string{hop, "get", "-O", srv.URL + "/pkg.tar.gz"}, "pkg.tar.gz", stored.Bytes()},
		{[]string{hop, "curl", "-s", "-O", srv.URL + "/pkg.tar.gz"}, "pkg.tar.gz", stored.Bytes()},
		{[]string{curl, "-s", "-O", srv.URL + "/pkg.tar.gz"}, "pkg.tar.gz", stored.Bytes()},
		{[]string{hop, "get", "-o", "x.tgz", srv.URL + "/pkg"}, "x.tgz", stored.Bytes()},
		{[]string{hop, "get", "-o", "any.bin", srv.URL + "/get"}, "any.bin", stored.Bytes()},
		{[]string{hop, "get", "-o", "data.json", srv.URL + "/data.json"}, "data.json", []byte(`{"a":1}`)},
	} {
		dir := t.TempDir()
		if _, code := runIn(t, dir, tt.args[0], tt.args[1:]...); code != 0 {
			t.Fatalf("%q: exit %d", tt.args, code)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, tt.file)); !bytes.Equal(got, tt.want) {
			t.Errorf("%q saved %d bytes (%.20q), want %d", tt.args[1:], len(got), got, len(tt.want))
		}
	}
}

// %{certs} writes the server's chain as curl 7.88 writes it, compared byte for byte: the test PKI's chains
// (an ECDSA, an RSA and an Ed25519 leaf under an intermediate with OCSP and CRL locations) and httptest's
// own RSA certificate (IPv6 in its names).
func TestWriteOutCertsAsCurl(t *testing.T) {
	curl := lookCurl(t)
	hop := hopBinary(t)
	dir := t.TempDir()
	pki, err := testserver.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "root.pem")
	os.WriteFile(root, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: pki.Root.Raw}), 0o600)
	type target struct{ url, ca string }
	var targets []target
	for _, key := range []string{"", "rsa", "ed25519"} {
		cert, err := pki.Issue(testserver.Leaf{Names: []string{"127.0.0.1", "localhost"}, Key: key})
		if err != nil {
			t.Fatal(err)
		}
		srv := testserver.Start(testserver.Config{TLS: true, Cert: &cert})
		defer srv.Close()
		targets = append(targets, target{srv.URL + "/get", root})
	}
	own := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer own.Close()
	ownCA := filepath.Join(dir, "own.pem")
	os.WriteFile(ownCA, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: own.Certificate().Raw}), 0o600)
	targets = append(targets, target{own.URL + "/", ownCA})
	for _, tt := range targets {
		args := []string{"-s", "--cacert", tt.ca, "-o", "/dev/null", "-w", "%{num_certs}\n%{certs}", tt.url}
		want, _ := runIn(t, dir, curl, args...)
		got, code := runIn(t, dir, hop, append([]string{"curl"}, args...)...)
		if code != 0 || got != want || !strings.Contains(got, "-----BEGIN CERTIFICATE-----") {
			t.Errorf("%s: exit %d\n%s\nwant (curl)\n%s", tt.url, code, got, want)
		}
	}
}
