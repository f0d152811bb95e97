package cmd_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"os/exec"
	"reflect"
	"slices"
	"strings"
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
// body is compared part by part, its boundary being each sender's own.
func sameRequest(t *testing.T, what string, got, want testserver.Recorded, ignore ...string) {
	t.Helper()
	gh, wh := maps.Clone(got.Header), maps.Clone(want.Header)
	for _, h := range ignore {
		delete(gh, h)
		delete(wh, h)
	}
	if strings.HasPrefix(strings.Join(want.Header["Content-Type"], ""), "multipart/") {
		if gp, wp := parts(t, got), parts(t, want); !reflect.DeepEqual(gp, wp) {
			t.Errorf("%s: parts\n %+v\nwant\n %+v", what, gp, wp)
		}
		delete(gh, "Content-Type")
		delete(wh, "Content-Type")
		delete(gh, "Content-Length")
		delete(wh, "Content-Length")
		got.Body, want.Body = nil, nil
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

// --curl prints a command that real curl runs as it is and that sends what hop sends: both go to the
// recording endpoint, and what it received is compared.
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
		{args: []string{"post", "REC/e", "@data.json"}},
		{args: []string{"put", "REC/e2", "--data-binary", "@blob.bin"}}, // a NUL byte: piped in by printf
		{args: []string{"post", "REC/f", "-F", "a=b", "-F", "up=@data.json;type=application/json", "-F", "pic=@pic.png"}},
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
	} {
		hopArgs := append([]string(nil), tt.args...)
		want, code := sent(t, dir, tt.stdin, hopArgs...)
		if code != 0 {
			t.Errorf("hop %q: exit %d", tt.args, code)
			continue
		}
		curlArgs := append(append([]string(nil), tt.args...), "--curl")
		line := curlLine(t, dir, tt.stdin, curlArgs...)
		got := runCurl(t, dir, line, tt.stdin)
		sameRequest(t, line, got, want)
		// And hop curl takes the command back: what --curl writes, hop curl reads.
		back := strings.Replace(line, "curl ", shellQuote(hopBinary(t))+" curl ", 1)
		sameRequest(t, "hop curl of "+line, runCurl(t, dir, back, tt.stdin), want)
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

// hop curl sends what curl sends for the same arguments, but for hop's own User-Agent and Accept-Encoding.
func TestHopCurlSendsWhatCurlSends(t *testing.T) {
	curl := lookCurl(t)
	dir := fixtures(t)
	for _, tt := range []struct {
		args  []string
		stdin *string
	}{
		{args: []string{"-X", "POST", "-H", "Content-Type: application/json", "-d", `{"a":1}`, "REC/a"}},
		{args: []string{"curl", "-sS", "-d", "a=1", "-d", "b=2", "REC/b"}},
		{args: []string{"-G", "--data-urlencode", "q=a b", "REC/c"}},
		{args: []string{"-F", "a=b", "-F", "up=@data.json", "REC/d"}},
		{args: []string{"-XPUT", "-d@data.json", "REC/e"}},
		{args: []string{"-T", "upload.txt", "REC/f"}},
		{args: []string{"--data-binary", "@-", "REC/g"}, stdin: str("piped\n")},
		{args: []string{"-u", "ann:pw", "-A", "agent/1", "-e", "http://ref/", "-b", "c=1", "REC/h"}},
		{args: []string{"--json", `{"j":true}`, "REC/i"}},
		{args: []string{"-X", "PATCH", "--data-raw", "@not-a-file", "REC/j"}},
		{args: []string{"--path-as-is", "REC/k/../l/./m"}},
		{args: []string{"-F", `a="@data.json"`, "-F", `b="x;type=y"`, "REC/n"}},
		{args: []string{"--form-string", `a=@data.json;type=x"`, "-Y", "1", "-y", "5", "REC/o"}},
		{args: []string{"REC/k/../l/./m"}},
		{args: []string{"--proto", "=http,https", "--proto-redir", "-all,http", "REC/p"}},
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
		// hop's own User-Agent and Accept-Encoding stay; hop never sends Expect: 100-continue (curl does for -T).
		sameRequest(t, "hop curl "+strings.Join(tt.args, " "), got, want, "User-Agent", "Accept-Encoding", "Expect")
	}
}
