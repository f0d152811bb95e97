package cmd_test

import (
	"encoding/json"
	"math/rand/v2"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hop-cli/hop/testserver"
)

// TestRandomProxiesAsCurlUsesThem: curl lines built at random that go through an HTTP proxy (-x, or the
// http_proxy and HTTPS_PROXY variables; credentials from -U, from the proxy's URL, or none where the
// proxy wants them; --proxytunnel; --noproxy; the server's own -u) to a plain or an https server of any
// name (the proxy routes every name to it) are run by curl and by hop curl. Both must end alike (curl's 56
// for a CONNECT refused is hop's 7 there; a 407 forwarded is hop's 4), and when both got the server's
// answer the server must have received the same request: no Proxy-Authorization through a tunnel, the
// server's credentials as curl sends them. HOP_PROXY_SEEDS searches longer, HOP_PROXY_FIRST moves on.
func TestRandomProxiesAsCurlUsesThem(t *testing.T) {
	lookCurl(t)
	dir := fixtures(t)
	plain := testserver.Start(testserver.Config{})
	defer plain.Close()
	secure := testserver.Start(testserver.Config{TLS: true})
	defer secure.Close()
	route := func(hostport string) string {
		if strings.HasSuffix(hostport, ":443") {
			return strings.TrimPrefix(secure.URL, "https://")
		}
		return strings.TrimPrefix(plain.URL, "http://")
	}
	open := httptest.NewServer(&testserver.Proxy{Route: route})
	defer open.Close()
	locked := httptest.NewServer(&testserver.Proxy{Route: route, User: "ann", Password: "s3cret"})
	defer locked.Close()
	first, n := envSeed("HOP_PROXY_FIRST", 1), envSeed("HOP_PROXY_SEEDS", 30)
	for seed := first; seed < first+n; seed++ {
		r := rand.New(rand.NewPCG(seed, 8))
		pick := func(options ...[]string) []string { return options[r.IntN(len(options))] }
		proxy := open.URL
		if r.IntN(2) == 0 {
			proxy = locked.URL
		}
		target := pick([]string{"http://example.test/record/p"}, []string{"https://example.test/record/s"}, []string{"http://other.test:80/record/q?x=1"})[0]
		var parts [][]string
		var env []string
		creds := pick(nil, []string{"-U", "ann:s3cret"}, []string{"--proxy-user", "ann:wrong"}, []string{"url"})
		via := "http://" + strings.TrimPrefix(proxy, "http://")
		if slices.Equal(creds, []string{"url"}) {
			via, creds = strings.Replace(via, "://", "://ann:s3cret@", 1), nil
		}
		parts = append(parts, creds)
		if r.IntN(3) == 0 {
			// From the environment, as curl reads it: http_proxy in lower case only, HTTPS_PROXY either way.
			env = append(env, "http_proxy="+via, "HTTPS_PROXY="+via)
		} else {
			parts = append(parts, []string{"-x", via})
		}
		if strings.HasPrefix(target, "https") {
			parts = append(parts, []string{"-k"})
		}
		if r.IntN(4) == 0 {
			parts = append(parts, []string{"--proxytunnel"})
		}
		if r.IntN(3) == 0 {
			parts = append(parts, pick([]string{"-u", "srv:pw"}, []string{"-H", "Authorization: Bearer t"}, []string{"-H", "X-Own: 1"}))
		}
		if r.IntN(4) == 0 {
			parts = append(parts, pick([]string{"-d", "a=1"}, []string{"-L"}, []string{"--proxy-header", "X-Proxy-Only: 1"}))
		}
		r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
		args := slices.Concat([]string{"-s"}, slices.Concat(parts...), []string{target})
		line := "seed " + strconv.FormatUint(seed, 10) + ": " + strings.Join(env, " ") + " curl " + strings.Join(args, " ")

		b := runBoth(t, dir, env, args...)
		want, cc, got, hc, stderr := b.want, b.curlCode, b.got, b.hopCode, b.hopStderr
		var w, g testserver.Recorded
		curlGot := cc == 0 && json.Unmarshal(want, &w) == nil
		hopGot := (hc == 0 || hc == 4) && json.Unmarshal(got, &g) == nil
		switch {
		case cc == 56 && hc == 7, cc == 0 && hc == 4 && !curlGot && !hopGot: // a CONNECT refused; a 407 forwarded
		case cc != hc:
			t.Errorf("%s: curl exit %d, hop curl exit %d: %s", line, cc, hc, stderr)
		case curlGot != hopGot:
			t.Errorf("%s: the server's answer came to one only:\n%s\n%s", line, got, want)
		case curlGot:
			sameRequest(t, line, g, emptyBodyLength(&g, w), "User-Agent", "Accept-Encoding")
		}
	}
}
