package exchange_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/transport"
)

// Probe is curl's way with --digest: a request with a body goes first without it (Content-Length: 0, its
// other headers as they are, no Expect), since the challenge it draws is answered with the body; an answer
// of 2xx to the probe sends the request again, body and all, and any other answer (a 404 here) is the
// final one, the body never sent. Without Probe the body goes every time.
func TestProbeSendsTheBodyOnce(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, fmt.Sprintf("%s len=%q type=%q expect=%q auth=%v body=%q", r.Method,
			r.Header.Get("Content-Length"), r.Header.Get("Content-Type"), r.Header.Get("Expect"), r.Header.Get("Authorization") != "", body))
		mu.Unlock()
		switch {
		case r.URL.Path == "/ok":
			w.Write([]byte("ok"))
		case r.URL.Path == "/missing":
			http.NotFound(w, r)
		case r.Header.Get("Authorization") == "":
			w.Header().Set("WWW-Authenticate", `Digest realm="r", nonce="n"`)
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	answer := func(*http.Response, *http.Request, int) (string, bool) { return `Digest username="u"`, true }
	for _, tc := range []struct {
		path   string
		probe  bool
		upload bool
		want   []string
	}{
		{"/auth", true, false, []string{
			`POST len="0" type="text/plain" expect="" auth=false body=""`,
			`POST len="5" type="text/plain" expect="" auth=true body="hello"`}},
		{"/auth", true, true, []string{
			`PUT len="0" type="" expect="" auth=false body=""`,
			`PUT len="5" type="" expect="100-continue" auth=true body="hello"`}},
		{"/ok", true, false, []string{
			`POST len="0" type="text/plain" expect="" auth=false body=""`,
			`POST len="5" type="text/plain" expect="" auth=false body="hello"`}},
		{"/missing", true, false, []string{
			`POST len="0" type="text/plain" expect="" auth=false body=""`}},
		{"/auth", false, false, []string{
			`POST len="5" type="text/plain" expect="" auth=false body="hello"`,
			`POST len="5" type="text/plain" expect="" auth=true body="hello"`}},
	} {
		mu.Lock()
		seen = nil
		mu.Unlock()
		spec := request.Spec{URL: srv.URL + tc.path, Method: "POST", Data: []request.Data{{Value: "hello"}}, Headers: []string{"Content-Type: text/plain"}}
		if tc.upload {
			path := filepath.Join(t.TempDir(), "up.txt")
			if err := os.WriteFile(path, []byte("hello"), 0o600); err != nil {
				t.Fatal(err)
			}
			spec = request.Spec{URL: srv.URL + tc.path, Upload: path, Expect100: true}
		}
		r, err := request.Build(spec)
		if err != nil {
			t.Fatal(err)
		}
		c := client(t, exchange.Options{Challenge: answer, Probe: tc.probe}, transport.Options{})
		ex, _ := doRead(t, c, r)
		mu.Lock()
		got := strings.Join(seen, "\n")
		mu.Unlock()
		if want := strings.Join(tc.want, "\n"); got != want {
			t.Errorf("%s, probe %v, upload %v: the server saw\n%s\nwant\n%s", tc.path, tc.probe, tc.upload, got, want)
		}
		if n := len(ex.Hops); n != len(tc.want) {
			t.Errorf("%s: %d hops, want one a request", tc.path, n)
		}
	}
}
