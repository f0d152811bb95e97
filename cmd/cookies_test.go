package cmd_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hop-cli/hop/testserver"
)

func lookCurl(t *testing.T) string {
	t.Helper()
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("curl is not installed; make test installs it")
	}
	return curl
}

// hopStderr runs hop and returns its stderr, failing the test on an exit code other than want.
func hopStderr(t *testing.T, want int, args ...string) string {
	t.Helper()
	c := exec.Command(hopBinary(t), args...)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	c.Run()
	if code := c.ProcessState.ExitCode(); code != want {
		t.Fatalf("hop %q: exit %d, want %d; stderr %s", args, code, want, stderr.String())
	}
	return stderr.String()
}

// cookieLine is the Cookie header a -v request head shows.
func cookieLine(stderr string) string {
	for _, line := range strings.Split(stderr, "\n") {
		if v, ok := strings.CutPrefix(line, "Cookie: "); ok {
			return v
		}
	}
	return ""
}

// A jar curl 7.88 wrote (testdata/cookies/curl-7.88.jar: a host-only HttpOnly session cookie, a domain
// cookie, a path cookie, a secure cookie and one with an empty value, all for www.example.com) is read by
// hop with curl's scoping: what each URL gets is what RFC 6265 and curl send there.
func TestCurlWrittenJarReadByHop(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	tls := testserver.Start(testserver.Config{TLS: true})
	defer tls.Close()
	port := func(s string) string { u, _ := url.Parse(s); return u.Port() }
	jar := filepath.Join("..", "testdata", "cookies", "curl-7.88.jar")
	before, _ := os.ReadFile(jar)
	for _, tt := range []struct{ url, want string }{
		{"http://www.example.com:" + port(srv.URL) + "/get", "empty=; host_only=1; dom=2"},
		{"http://www.example.com:" + port(srv.URL) + "/api/x", "api=3; empty=; host_only=1; dom=2"},
		{"https://www.example.com:" + port(tls.URL) + "/get", "empty=; host_only=1; dom=2; sec=4"},
		{"http://other.example.com:" + port(srv.URL) + "/get", "dom=2"},
		{"http://example.com:" + port(srv.URL) + "/get", "dom=2"},
	} {
		u, _ := url.Parse(tt.url)
		stderr := hopStderr(t, 0, "get", tt.url, "-b", jar, "-v", "--show-secrets", "-k", "--no-check-status",
			"--resolve", u.Hostname()+":"+u.Port()+":127.0.0.1")
		if got := cookieLine(stderr); got != tt.want {
			t.Errorf("%s: Cookie %q, want %q", tt.url, got, tt.want)
		}
	}
	if after, _ := os.ReadFile(jar); !bytes.Equal(before, after) {
		t.Errorf("-b alone changed the jar it read")
	}
}

// curl and hop agree both ways: a jar curl writes makes hop send what curl sends, and a jar hop writes makes
// curl send what hop sends. Each side's sending is read back from httpbin's /cookies.
func TestJarsMoveBetweenCurlAndHop(t *testing.T) {
	curl := lookCurl(t)
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	dir := t.TempDir()
	cookiesSeen := func(out []byte) map[string]string {
		t.Helper()
		var v struct{ Cookies map[string]string }
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return v.Cookies
	}
	setters := []string{"/cookies/set?a=1&b=2", "/session/login", "/response-headers?Set-Cookie=p%3D3%3B%20Path%3D%2Fcookies%3B%20Max-Age%3D600"}

	curlJar := filepath.Join(dir, "by-curl")
	for _, s := range setters {
		if err := exec.Command(curl, "-s", "-o", "/dev/null", "-b", curlJar, "-c", curlJar, srv.URL+s).Run(); err != nil {
			t.Fatal(err)
		}
	}
	curlSends, err := exec.Command(curl, "-s", "-b", curlJar, srv.URL+"/cookies").Output()
	if err != nil {
		t.Fatal(err)
	}
	hopSends, code := runHop(t, "get", srv.URL+"/cookies", "-b", curlJar)
	want := map[string]string{"a": "1", "b": "2", "sid": testserver.SessionCookie, "p": "3"}
	if code != 0 || !reflect.DeepEqual(cookiesSeen(hopSends), want) || !reflect.DeepEqual(cookiesSeen(curlSends), want) {
		t.Errorf("from curl's jar: hop sends %s, curl sends %s; want %v", hopSends, curlSends, want)
	}

	hopJar := filepath.Join(dir, "by-hop")
	for _, s := range setters {
		if _, code := runHop(t, "get", srv.URL+s, "-b", hopJar, "-c", hopJar, "-q"); code != 0 {
			t.Fatalf("hop %s: exit %d", s, code)
		}
	}
	curlSends, err = exec.Command(curl, "-s", "-b", hopJar, srv.URL+"/cookies").Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := cookiesSeen(curlSends); !reflect.DeepEqual(got, want) {
		t.Errorf("from hop's jar, curl sends %v; want %v", got, want)
	}
	data, _ := os.ReadFile(hopJar)
	if !strings.Contains(string(data), "#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\t"+testserver.SessionCookie+"\n") {
		t.Errorf("hop's jar lacks the HttpOnly session cookie as curl writes it:\n%s", data)
	}
	if fi, _ := os.Stat(hopJar); fi.Mode().Perm() != 0o600 {
		t.Errorf("hop's jar has mode %o, want 0600", fi.Mode().Perm())
	}
}
