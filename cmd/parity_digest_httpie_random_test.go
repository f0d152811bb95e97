package cmd_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"context"
)

// TestRandomDigestAsHTTPieAnswersIt: a server challenges with Digest (realm, nonce and opaque; qop absent,
// auth or auth,auth-int; MD5, MD5-sess and SHA-256 in any case; stale, charset and domain; its parameters
// in any order), and HTTPie's -A digest and hop's --auth-type digest answer it with the same words:
// credentials from -a (blanks, colons, a UTF-8 password, an empty one), a GET, a JSON or form body, a PUT,
// a DELETE, to a path with a query, to one open to all, to one not found, to an open redirect followed
// with --follow or not. The server checks each answer as RFC 7616 says. Both must end alike (HTTPie's 0 on a 4xx
// is hop's 4) and make the same requests (method, URI, body, whether an answer came and checked out).
// HOP_HTTPIE_DIGEST_SEEDS searches longer, HOP_HTTPIE_DIGEST_FIRST moves on.
//
// Left out, as requests (under HTTPie) cannot answer them where hop can: a name or realm that is not
// ASCII (requests sends it in Latin-1), a name or realm holding a quote or a backslash (requests writes them
// unescaped), userhash=true, a -sess form without qop or other than MD5's, SHA-512-256, a qop list with
// auth after a blank (`auth-int, auth`), several challenges (requests reads them as one); credentials in
// the URL (HTTPie wants -a with -A, hop takes the URL's as curl does); a redirect behind the challenge,
// which hop answers at once as curl does and requests sends bare, drawing the challenge again; a PUT or
// DELETE on a 302, which requests turns into a GET without a body (README).
func TestRandomDigestAsHTTPieAnswersIt(t *testing.T) {
	httpie := lookHTTPie(t)
	dir := fixtures(t)
	config := httpieConfig(t, dir)
	srv := startDigestServer(t)
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]

	first, n := envSeed("HOP_HTTPIE_DIGEST_FIRST", 1), envSeed("HOP_HTTPIE_DIGEST_SEEDS", 30)
	for seed := first; seed < first+n; seed++ {
		r := rand.New(rand.NewPCG(seed, 256))
		pick := func(s ...string) string { return s[r.IntN(len(s))] }
		c := randomRequestsDigestCase(r)
		host := pick("127.0.0.1", "localhost") + ":" + port
		path := pick("/d", "/d/x", "/d/a%20b", "/d/x?q=1&r=a%2Fb", "/d/x", "/open", "/gone", "/r307", "/r302")
		target := "http://" + host + path
		auth := []string{"-a", c.user + ":" + c.password}
		var words []string
		switch r.IntN(6) {
		case 0:
			words = []string{"POST", target, "a=1", "b:=2"}
		case 1:
			words = []string{"-f", "POST", target, "a=1", "b=two words"}
		case 2:
			words = []string{"PUT", target, "x=y"}
		case 3:
			words = []string{"DELETE", target}
		default:
			words = []string{"GET", target}
		}
		if path == "/r302" && (words[0] == "PUT" || words[0] == "DELETE") {
			// requests turns any method but HEAD into a GET without a body on a 302; hop only a POST, as Fetch
			words = []string{"GET", target}
		}
		if strings.HasPrefix(path, "/r3") && r.IntN(3) > 0 {
			words = append([]string{"--follow"}, words...)
		}
		line := fmt.Sprintf("seed %d: http -A digest %s\n\tchallenged with %q, credentials %q:%q", seed, strings.Join(append(slices.Clone(auth), words...), " "), c.challenges, c.user, c.password)

		srv.set(c, false)
		took := map[string][]digestSeen{}
		var codes [2]int
		var stderr [2]string
		for i, tool := range []string{"httpie", "hop"} {
			srv.take()
			var cmd []string
			if tool == "httpie" {
				cmd = slices.Concat([]string{httpie, "--ignore-stdin", "--print=b", "-A", "digest"}, auth, words)
			} else {
				cmd = slices.Concat([]string{hopBinary(t), "--ignore-stdin", "--auth-type", "digest"}, auth, words)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			run := exec.CommandContext(ctx, cmd[0], cmd[1:]...)
			run.Dir = dir
			run.Env = append(proxyFreeEnv(), "HTTPIE_CONFIG_DIR="+config, "NETRC="+filepath.Join(dir, "no-netrc"))
			var errb bytes.Buffer
			run.Stderr = &errb
			run.Run()
			cancel()
			codes[i], stderr[i] = run.ProcessState.ExitCode(), errb.String()
			for _, s := range srv.take() {
				// Each tool names its own parameters (requests leaves an unnamed algorithm out), and writes its
				// own JSON (HTTPie a blank after each : and ,).
				s.Body, s.Length, s.Params = compactJSON([]byte(s.Body)), "", nil
				took[tool] = append(took[tool], s)
			}
		}
		want, got := took["httpie"], took["hop"]
		code := codes[0]
		if last := len(want) - 1; code == 0 && last >= 0 && want[last].Status >= 400 {
			code = 4 // the 401 or 404 HTTPie ended with, an error in hop's rules
		}
		if code != codes[1] {
			t.Errorf("%s: HTTPie exit %d (%s), hop exit %d (%s)", line, codes[0], lastLine(stderr[0]), codes[1], lastLine(stderr[1]))
			continue
		}
		sameSeen(t, line, "HTTPie", want, got)
	}
}

// randomRequestsDigestCase draws a challenge and credentials within what requests answers (see
// TestRandomDigestAsHTTPieAnswersIt).
func randomRequestsDigestCase(r *rand.Rand) digestCase {
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	c := digestCase{
		user:     pick("ann", "ann", "a b", "user@x", "x:y"),
		password: pick("pw", "s3cret", "p:w", "", "🔑", "p w"),
	}
	c.realm = pick("test", "test", "a, b", "", "x=y")
	c.nonce = pick("dcd98b7102dd2f0e8b11d0f600bfb0c093", "MTIzNDU2Nzg5MA==", "a/b+c=", "n"+strconv.Itoa(r.IntN(1e6)))
	params := []string{`realm="` + c.realm + `"`, `nonce="` + c.nonce + `"`}
	if r.IntN(2) == 0 {
		o := pick("5ccc069c403ebaf9f0171e9517f40e41", "", "op/aque==")
		c.opaque = &o
		params = append(params, `opaque="`+o+`"`)
	}
	qop := pick("", "", `qop="auth"`, "qop=auth", `qop="auth,auth-int"`)
	if qop != "" {
		params = append(params, qop)
	}
	algs := []string{"", "", "MD5", "md5", "SHA-256", "sha-256", `"SHA-256"`}
	if qop != "" {
		algs = append(algs, "MD5-sess", "md5-sess")
	}
	if a := pick(algs...); a != "" {
		params = append(params, "algorithm="+a)
	}
	if r.IntN(4) == 0 {
		params = append(params, "userhash=false")
	}
	if r.IntN(4) == 0 {
		params = append(params, "stale="+pick("false", "FALSE"))
	}
	if r.IntN(4) == 0 {
		params = append(params, "charset=UTF-8")
	}
	if r.IntN(4) == 0 {
		params = append(params, `domain="/d"`)
	}
	r.Shuffle(len(params), func(i, j int) { params[i], params[j] = params[j], params[i] })
	c.challenges = []string{"Digest " + strings.Join(params, pick(", ", ","))}
	return c
}

// compactJSON is a JSON body written without blanks (HTTPie writes one after each : and ,), or any other
// body as it is.
func compactJSON(b []byte) string {
	var out bytes.Buffer
	if json.Compact(&out, b) == nil {
		return out.String()
	}
	return string(b)
}
