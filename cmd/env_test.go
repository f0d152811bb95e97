package cmd_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hop-cli/hop/cmd"
	"github.com/hop-cli/hop/testserver"
)

// TestProxyVariablesReadThroughStreams: the *_PROXY variables are read from the command's environment
// (Streams.Getenv), as every other variable hop reads, not from the process's behind its back: a command run
// in this process with http_proxy in its environment goes through that proxy, and one without goes direct
// whatever the process's own environment says.
func TestProxyVariablesReadThroughStreams(t *testing.T) {
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "from the origin")
	}))
	defer origin.Close()
	proxy := httptest.NewServer(&testserver.Proxy{Route: func(string) string { return origin.Listener.Addr().String() }})
	defer proxy.Close()
	// A proxy that answers every request itself, for the process's environment only.
	wrong := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "the process's proxy", http.StatusBadGateway)
	}))
	defer wrong.Close()
	t.Setenv("http_proxy", wrong.URL)
	t.Setenv("HTTP_PROXY", wrong.URL)

	run := func(env map[string]string, url string) (string, string, error) {
		s, out, errb := cmd.TestStreams("")
		s.Getenv = func(name string) string { return env[name] }
		err := cmd.Execute(context.Background(), s, cmd.Runners{}, []string{"get", url, "--timeout", "20s"})
		return out.String(), errb.String(), err
	}
	// A name only the proxy can reach: example.invalid never resolves.
	out, errs, err := run(map[string]string{"http_proxy": proxy.URL}, "http://example.invalid/x")
	if err != nil || !strings.Contains(out, "from the origin") {
		t.Errorf("with http_proxy in the command's environment: %v, out %q, stderr %q; want the origin's body through the proxy", err, out, errs)
	}
	out, errs, err = run(nil, origin.URL+"/x")
	if err != nil || !strings.Contains(out, "from the origin") {
		t.Errorf("with no proxy in the command's environment: %v, out %q, stderr %q; want the origin reached directly", err, out, errs)
	}
}
