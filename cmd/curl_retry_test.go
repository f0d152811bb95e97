package cmd_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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
	dir := fixtures(t)
	srv, sentTo := scriptedServer(t)
	for i, tc := range []struct {
		args    string
		script  string
		sent    []string
		curl    int // curl's exit code
		hopCode int // hop curl's, where hop's rules (a 4xx or 5xx fails) part from curl's
	}{
		// curl retries any method: a POST after a 503.
		{"--retry 1 -d a=1", "503,200", []string{`POST "a=1"`, `POST "a=1"`}, 0, 0},
		// -m is each attempt's limit: one timed out is tried again, with a second of its own.
		{"--retry 1 -m 1", "stall,200", []string{`GET ""`, `GET ""`}, 0, 0},
		{"--retry 2 -m 1", "stall,stall,stall", []string{`GET ""`, `GET ""`, `GET ""`}, 28, 28},
		// An empty reply is retried only with --retry-all-errors.
		{"--retry 1", "empty,200", []string{`GET ""`}, 52, 52},
		{"--retry 1 --retry-all-errors", "empty,200", []string{`GET ""`, `GET ""`}, 0, 0},
		// --retry-all-errors retries a 4xx or 5xx only with -f (or --fail-with-body): without, curl has no
		// error to retry.
		{"--retry 1 --retry-all-errors", "404,200", []string{`GET ""`}, 0, 4},
		{"--retry 1 --retry-all-errors -f", "404,200", []string{`GET ""`, `GET ""`}, 0, 0},
		{"--retry 1 --retry-all-errors --fail-with-body", "501,200", []string{`GET ""`, `GET ""`}, 0, 0},
		{"--retry 1 -f", "404,200", []string{`GET ""`}, 22, 4},
	} {
		for _, tool := range []string{"curl", "hop"} {
			id := tool + strconv.Itoa(i)
			args := slices.Concat(curlTool(t, tool), []string{"-s", "-o", "out.txt", "--retry-delay", "1"}, strings.Fields(tc.args), []string{srv + "/retry/" + id + "/" + tc.script})
			_, code, stderr := runEnv(t, dir, nil, args...)
			want := tc.curl
			if tool == "hop" {
				want = tc.hopCode
			}
			if got := sentTo(id); code != want || !slices.Equal(got, tc.sent) {
				t.Errorf("%s (answers %s): exit %d, sent %q; want exit %d, %q\n%s", strings.Join(args, " "), tc.script, code, got, want, tc.sent, stderr)
			}
		}
	}
}

// scriptedServer serves /retry/ID/ACTION,ACTION,...: the Nth request to ID does the Nth action (the last
// one after that): a status code (its body says which answer it was), stall (an answer held back 3 s), or
// empty (the connection closed with no answer). sentTo says what requests an ID got, method and body.
func scriptedServer(t *testing.T) (url string, sentTo func(id string) []string) {
	var (
		mu   sync.Mutex
		seen = map[string][]string{}
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, script, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/retry/"), "/")
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		n := len(seen[id])
		seen[id] = append(seen[id], r.Method+" "+strconv.Quote(string(body)))
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
		case "empty":
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
		default:
			code, _ := strconv.Atoi(action)
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
