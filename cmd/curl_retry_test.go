package cmd_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestCurlRetriesAsCurl: hop curl's --retry sends again what curl 7.88 sends again, where hop's own rules
// differ: each line goes through curl and hop curl, and both must send the requests listed.
func TestCurlRetriesAsCurl(t *testing.T) {
	curlTool(t, "curl") // before the subtests: hop is built once
	curlTool(t, "hop")
	srv, sentTo := scriptedServer(t)
	for i, tc := range []retryRow{
		// curl retries any method: a POST after a 503.
		{"--retry 1 -d a=1", "503,200", []string{`POST "a=1"`, `POST "a=1"`}, 0, 0, nil},
		// -m is each attempt's limit: one timed out is tried again, with a second of its own.
		{"--retry 1 -m 1", "stall,200", []string{`GET ""`, `GET ""`}, 0, 0, nil},
		{"--retry 2 -m 1", "stall,stall,stall", []string{`GET ""`, `GET ""`, `GET ""`}, 28, 28, nil},
		// A body cut short by -m is asked for again: whole by curl, into the file begun again; hop curl asks
		// for the rest (and takes the whole body the server sends instead).
		{"--retry 1 -m 1", "cut,200", []string{`GET ""`, `GET ""`}, 0, 0, []string{`GET ""`, `GET "" Range: bytes=10-`}},
		// A retry spent on a 503 leaves none for the body cut short after it.
		{"--retry 1 -m 1", "503,cut,200", []string{`GET ""`, `GET ""`}, 28, 28, nil},
		// An empty reply is retried only with --retry-all-errors.
		{"--retry 1", "empty,200", []string{`GET ""`}, 52, 52, nil},
		{"--retry 1 --retry-all-errors", "empty,200", []string{`GET ""`, `GET ""`}, 0, 0, nil},
		// --retry-all-errors retries a 4xx or 5xx only with -f (or --fail-with-body): without, curl has no
		// error to retry.
		{"--retry 1 --retry-all-errors", "404,200", []string{`GET ""`}, 0, 4, nil},
		{"--retry 1 --retry-all-errors -f", "404,200", []string{`GET ""`, `GET ""`}, 0, 0, nil},
		{"--retry 1 --retry-all-errors --fail-with-body", "501,200", []string{`GET ""`, `GET ""`}, 0, 0, nil},
		{"--retry 1 -f", "404,200", []string{`GET ""`}, 22, 4, nil},
		// A retry sends the request typed again, and follows its redirects anew.
		{"--retry 1 -L VIA", "503,200", []string{"GET via", `GET ""`, "GET via", `GET ""`}, 0, 0, nil},
		// curl waits --retry-delay each time, whole (no jitter), and starts no retry once --retry-max-time
		// has passed: the second 503 comes a second in, the budget spent.
		{"--retry 3 --retry-max-time 1", "503", []string{`GET ""`, `GET ""`}, 0, 5, nil},
		{"--retry 5 --retry-max-time 2", "503", []string{`GET ""`, `GET ""`, `GET ""`}, 0, 5, nil},
	} {
		for _, tool := range []string{"curl", "hop"} {
			id := tool + strconv.Itoa(i)
			t.Run(id, func(t *testing.T) {
				t.Parallel() // each waits out curl's least retry delay, a second a retry
				url := srv + "/retry/" + id + "/" + tc.script
				if strings.Contains(tc.args, "VIA") {
					url = strings.Replace(url, "/retry/", "/via/", 1)
				}
				tc.check(t, tool, id, url, sentTo)
			})
		}
	}
}

// retryRow is a line of TestCurlRetriesAsCurl: its options, the scripted answers, what curl sends and how
// it ends, and where hop curl parts from it.
type retryRow struct {
	args    string
	script  string
	sent    []string
	curl    int      // curl's exit code
	hopCode int      // hop curl's, where hop's rules (a 4xx or 5xx fails) part from curl's
	hopSent []string // what hop curl sends, where it parts from curl (nil: the same)
}

// check runs the row through tool, to url on the scripted server (sentTo), and checks its exit code and
// the requests the server got.
func (tc retryRow) check(t *testing.T, tool, id, url string, sentTo func(string) []string) {
	args := slices.Concat(curlTool(t, tool), []string{"-s", "-o", "out.txt", "--retry-delay", "1"}, strings.Fields(strings.ReplaceAll(tc.args, "VIA", "")), []string{url})
	_, code, stderr := runEnv(t, t.TempDir(), nil, args...)
	want, sent := tc.curl, tc.sent
	if tool == "hop" {
		want = tc.hopCode
		if tc.hopSent != nil {
			sent = tc.hopSent
		}
	}
	if tool == "hop" && code == 28 && !strings.Contains(stderr, "(attempt limit; raise -m/--max-time)") {
		t.Errorf("%s: %q names no attempt's limit", strings.Join(args, " "), stderr)
	}
	if got := sentTo(id); code != want || !slices.Equal(got, sent) {
		t.Errorf("%s: exit %d, sent %q; want exit %d, %q\n%s", strings.Join(args, " "), code, got, want, sent, stderr)
	}
}

// scriptedServer serves /retry/ID/ACTION,ACTION,...: the Nth request to ID does the Nth action (the last
// one after that): a status code (its body says which answer it was; 503ra a 503 with Retry-After: 1),
// stall (an answer held back 3 s), cut
// (half a body, then 3 s of nothing), or empty (the connection closed with no answer). A Range asked for
// is recorded with the request. /via/ID/SCRIPT redirects to /retry/ID/SCRIPT, recorded as "GET via".
// sentTo says what requests an ID got, method and body.
func scriptedServer(t *testing.T) (url string, sentTo func(id string) []string) {
	var (
		mu   sync.Mutex
		seen = map[string][]string{}
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rest, ok := strings.CutPrefix(r.URL.Path, "/via/"); ok { // a redirect to /retry/ID/SCRIPT
			id, _, _ := strings.Cut(rest, "/")
			mu.Lock()
			seen[id] = append(seen[id], r.Method+" via")
			mu.Unlock()
			w.Header().Set("Connection", "close")
			http.Redirect(w, r, "/retry/"+rest, http.StatusFound)
			return
		}
		id, script, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/retry/"), "/")
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		n := 0 // the requests to /retry/ID before this one
		for _, s := range seen[id] {
			if !strings.HasSuffix(s, " via") {
				n++
			}
		}
		what := r.Method + " " + strconv.Quote(string(body))
		if rg := r.Header.Get("Range"); rg != "" {
			what += " Range: " + rg
		}
		seen[id] = append(seen[id], what)
		mu.Unlock()
		actions := strings.Split(script, ",")
		switch action := actions[min(n, len(actions)-1)]; action {
		case "stall":
			select {
			case <-time.After(3 * time.Second):
			case <-r.Context().Done():
				return
			}
			fmt.Fprintf(w, "late %d\n", n+1)
		case "cut": // half the body, then nothing more: the client's -m ends it
			w.Header().Set("Content-Length", "20")
			w.Write([]byte("0123456789"))
			http.NewResponseController(w).Flush()
			select {
			case <-time.After(3 * time.Second):
			case <-r.Context().Done():
			}
		case "empty":
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
		default:
			if code, ok := strings.CutSuffix(action, "ra"); ok { // 503ra: a 503 with Retry-After: 1
				w.Header().Set("Retry-After", "1")
				action = code
			}
			code, _ := strconv.Atoi(action)
			// Each answer on a connection of its own: curl sends a request again, uncounted, when a
			// connection it reused closes unanswered (Go's transport only an idempotent one).
			w.Header().Set("Connection", "close")
			w.WriteHeader(code)
			fmt.Fprintf(w, "%d, answer %d\n", code, n+1)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func(id string) []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen[id])
	}
}

// TestCurlExportRetriesAsHop: the curl command --curl writes for a hop line with --retry makes curl send
// again what hop sends again: a POST not at all without --retry-all-methods (curl's --retry would), a 404
// under --retry-all-errors (curl's needs --fail-with-body to see an error in it).
func TestCurlExportRetriesAsHop(t *testing.T) {
	lookCurl(t)
	dir := fixtures(t)
	srv, sentTo := scriptedServer(t)
	for i, tc := range []struct {
		args   string // URL stands for the scripted endpoint
		script string
	}{
		{"post --retry 1 URL a=1", "503,200"},
		{"post --retry 1 --retry-all-methods URL a=1", "503,200"},
		{"get --retry 1 --retry-all-errors URL", "404,200"},
		{"get --retry 1 URL", "404,200"},
		// hop's -m bounds every attempt together, curl's each: no retry starts once it has passed.
		{"get --retry 3 -m 1 URL", "stall"},
	} {
		url := func(who string) string { return srv + "/retry/" + who + strconv.Itoa(i) + "/" + tc.script }
		run := func(who string, extra ...string) ([]byte, int) {
			args := append(strings.Fields(strings.Replace(tc.args, "URL", url(who), 1)), "--retry-delay", "1s", "-q")
			out, code, _ := runEnv(t, dir, nil, append([]string{hopBinary(t)}, append(args, extra...)...)...)
			return out, code
		}
		run("own")
		line, code := run("exp", "--curl")
		if code != 0 {
			t.Fatalf("%s --curl: exit %d", tc.args, code)
		}
		runEnv(t, dir, nil, "sh", "-c", strings.TrimSpace(string(line))+" -s -o out.txt") // (curl 7.88 cannot retry into /dev/null: exit 23)
		if own, exp := sentTo("own"+strconv.Itoa(i)), sentTo("exp"+strconv.Itoa(i)); !slices.Equal(own, exp) {
			t.Errorf("hop %s sent %q; curl, as --curl wrote it, %q:\n%s", tc.args, own, exp, line)
		}
	}
}

// TestNumRedirectsAsCurl: %{num_redirects} counts as curl 7.88 counts ("redirect-followings, including
// auth reloads"): the request that answers a Digest challenge and the one a --digest probe's 2xx sends
// whole are counted, a retry is not. (The limit of --max-redirs counts redirects alone in hop curl, where
// curl counts auth reloads against it too, and cannot answer a challenge with --max-redirs 0.)
func TestNumRedirectsAsCurl(t *testing.T) {
	dir := fixtures(t)
	srv, _ := scriptedServer(t)
	rec := recordingServer(t)
	for i, args := range [][]string{
		{"--digest", "-u", "ann:pw", rec + "/digest-auth/auth/ann/pw"},
		{"--digest", "-u", "ann:pw", "-d", "x", srv + "/retry/p/200"},
		{"--retry", "1", "--retry-delay", "1", srv + "/retry/r/503,200"},
		{"-L", "--retry", "1", "--retry-delay", "1", srv + "/via/v/503,200"},
		{"-L", "--retry", "1", "--retry-delay", "1", srv + "/retry/w/503,302"}, // (a 302 with no Location: no redirect)
		{"-L", "--digest", "-u", "ann:pw", rec + "/redirect-to?url=" + url.QueryEscape("/digest-auth/auth/ann/pw")},
	} {
		var got [2]string
		for j, tool := range []string{"curl", "hop"} {
			line := slices.Concat(curlTool(t, tool), []string{"-s", "-o", "out.txt", "-w", "%{num_redirects}"}, args)
			last := line[len(line)-1]
			for _, p := range []string{"/retry/", "/via/"} {
				last = strings.Replace(last, p, p+tool+strconv.Itoa(i), 1)
			}
			line[len(line)-1] = last
			out, _, stderr := runEnv(t, dir, nil, line...)
			got[j] = string(out) + stderr
		}
		if got[0] != got[1] {
			t.Errorf("%q: curl wrote %q, hop curl %q", args, got[0], got[1])
		}
	}
}

// TestCurlRetriesUnresolvedName: curl retries a name that did not resolve (it counts it among its
// timeouts: a service whose name is not up yet); hop curl too, saying so, where hop's own --retry does not.
func TestCurlRetriesUnresolvedName(t *testing.T) {
	dir := t.TempDir()
	url := "http://nowhere.invalid/"
	_, code, stderr := runEnv(t, dir, nil, lookCurl(t), "--retry", "1", "--retry-delay", "1", url)
	if code != 6 || !strings.Contains(stderr, "Will retry in 1 seconds. 1 retries left") {
		t.Fatalf("curl: exit %d, stderr %q; want exit 6 after one retry", code, stderr)
	}
	_, code, stderr = runEnv(t, dir, nil, hopBinary(t), "curl", "--retry", "1", "--retry-delay", "1", url)
	if code != 6 || !strings.Contains(stderr, "attempt 2 of 2") {
		t.Errorf("hop curl: exit %d, stderr %q; want exit 6 after one retry", code, stderr)
	}
	_, code, stderr = runEnv(t, dir, nil, hopBinary(t), "get", "--retry", "1", "--retry-delay", "1", url)
	if code != 6 || strings.Contains(stderr, "attempt 2") {
		t.Errorf("hop get: exit %d, stderr %q; want exit 6 without a retry", code, stderr)
	}
}

// TestCurlRetriesRefusedWhenAsked: curl retries a refused connection only with --retry-connrefused, and
// so does hop curl; hop's own --retry retries it always (a server still starting).
func TestCurlRetriesRefusedWhenAsked(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/"
	ln.Close() // nothing listens there now: connections are refused
	for _, tc := range []struct {
		cmd     []string
		retried bool
	}{
		{[]string{lookCurl(t)}, false},
		{[]string{lookCurl(t), "--retry-connrefused"}, true},
		{[]string{hopBinary(t), "curl"}, false},
		{[]string{hopBinary(t), "curl", "--retry-connrefused"}, true},
		{[]string{hopBinary(t), "get"}, true},
	} {
		_, code, stderr := runEnv(t, dir, nil, append(tc.cmd, "--retry", "1", "--retry-delay", "1", url)...)
		retried := strings.Contains(stderr, "Will retry") || strings.Contains(stderr, "attempt 2 of 2")
		if code != 7 || retried != tc.retried {
			t.Errorf("%q: exit %d, retried %v; want exit 7, retried %v\n%s", tc.cmd, code, retried, tc.retried, stderr)
		}
	}
}
