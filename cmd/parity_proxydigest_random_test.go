package cmd_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hop-cli/hop/testserver"
)

// TestRandomProxyDigestAsCurlAnswersIt: an HTTP proxy (http:// or https://) challenges with Digest (the
// challenges randomDigestCase draws, Basic or Bearer beside some, or Basic alone), answering its 407s
// with the connection kept or closed, and curl and hop curl go through it with --proxy-digest,
// --proxy-anyauth, --proxy-basic or none, credentials from -U or the proxy's URL, to a plain http URL it
// forwards (a GET, a POST of -d or -F, a PUT of -T, a DELETE; redirects followed with -L or not, one to
// https) or through a CONNECT tunnel (https, or --proxytunnel). The proxy checks each Proxy-Authorization
// as RFC 7616 says (the uri a forwarded request's path and query, a CONNECT's HOST:PORT). Both must end
// alike (a 407 forwarded, curl's 0, is hop's 4), write the same, and make the same requests of the proxy
// (a challenge met answered at once on the requests after it, the nonce count going up), each answer
// checking out or neither. HOP_PROXYDIGEST_SEEDS searches longer, HOP_PROXYDIGEST_FIRST moves on.
//
// Set aside, as for a server's Digest: several Digest challenges, auth-int alone, -X with -L.
func TestRandomProxyDigestAsCurlAnswersIt(t *testing.T) {
	lookCurl(t)
	dir := fixtures(t)
	p := startDigestProxy(t)
	proxy, secureProxy := p.plain, p.secure

	first, n := envSeed("HOP_PROXYDIGEST_FIRST", 1), envSeed("HOP_PROXYDIGEST_SEEDS", 40)
	for seed := first; seed < first+n; seed++ {
		r := rand.New(rand.NewPCG(seed, 32))
		pick := func(s ...string) string { return s[r.IntN(len(s))] }
		c := randomDigestCase(r)
		if r.IntN(8) == 0 {
			c.challenges = []string{pick(`Basic realm="b"`, `Basic realm="proxy", charset="UTF-8"`)}
		}
		closing := r.IntN(3) == 0
		args := []string{"-s"}
		if mode := pick("--proxy-digest", "--proxy-digest", "--proxy-anyauth", "--proxy-basic", ""); mode != "" {
			args = append(args, mode)
		}
		via := proxy.URL
		if r.IntN(4) == 0 {
			via = secureProxy.URL
			args = append(args, "--proxy-insecure")
		}
		if r.IntN(3) == 0 {
			u, _ := url.Parse(via)
			u.User = url.UserPassword(c.user, c.password)
			via = u.String()
		} else {
			args = append(args, "-U", c.user+":"+c.password)
		}
		args = append(args, "-x", via)
		target := pick("http://example.test/p", "http://example.test/a/b?q=1&r=a%2Fb", "https://example.test/s", "http://example.test:8080/t",
			"http://example.test/r307/p", "http://example.test/r302/a?b", "http://example.test/r301/https/s")
		if strings.Contains(target, "https") {
			args = append(args, "-k")
		}
		if !strings.HasPrefix(target, "https") && r.IntN(4) == 0 {
			args = append(args, "--proxytunnel")
		}
		switch r.IntN(6) {
		case 0:
			args = append(args, "-d", pick("a=1", "a=1&b=two words", ""))
		case 1:
			args = append(args, "-T", "upload.txt")
		case 2:
			args = append(args, "-X", pick("DELETE", "PUT"))
		case 3:
			args = append(args, "-F", pick("x=1", "f=@notes.txt"))
		}
		if strings.Contains(target, "/r30") && r.IntN(3) > 0 && !slices.Contains(args, "-X") {
			args = append(args, "-L") // curl -L repeats -X's method on every hop, which hop curl does not
		}
		args = append(args, target)
		line := fmt.Sprintf("seed %d: curl %s\n\tchallenged with %q (closing %v), credentials %q:%q", seed, strings.Join(args, " "), c.challenges, closing, c.user, c.password)

		p.set(c, closing)
		took := map[string][]digestSeen{}
		var outs [2][]byte
		var codes [2]int
		var stderr string
		for i, tool := range []string{"curl", "hop"} {
			p.take()
			outs[i], codes[i], stderr = runEnv(t, dir, nil, append(curlTool(t, tool), args...)...)
			took[tool] = p.take()
		}
		want, got := took["curl"], took["hop"]
		code := codes[0]
		if last := len(want) - 1; code == 0 && last >= 0 && want[last].Status >= 400 {
			code = 4 // the 407 curl ended with, an error in hop's rules
		}
		if code != codes[1] {
			t.Errorf("%s: curl exit %d, hop curl exit %d: %s", line, codes[0], codes[1], lastLine(stderr))
			continue
		}
		if string(outs[0]) != string(outs[1]) {
			t.Errorf("%s: hop curl wrote %q, curl %q", line, outs[1], outs[0])
		}
		sameSeen(t, line, "curl", want, got)
	}
}

// digestProxy is an HTTP proxy, on plain http and on https, that wants the credentials of its digestCase
// as Digest (or Basic), checking each Proxy-Authorization as RFC 7616 says (the uri a forwarded request's
// path and query, a CONNECT's HOST:PORT), and answers a 407 with its challenges (closing its connection
// when told to); what it forwards it answers itself (forwarded METHOD URI "BODY"; /r307/p and the like
// redirect), what it tunnels goes to a plain or an https server that echoes it (tunneled METHOD URI
// "BODY"). It keeps what it saw of each request.
type digestProxy struct {
	plain, secure *httptest.Server
	digestLog
}

func startDigestProxy(t *testing.T) *digestProxy {
	p := &digestProxy{}
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "tunneled %s %s %q\n", r.Method, r.RequestURI, boundaryless(r))
	})
	plain, secure := httptest.NewServer(echo), httptest.NewTLSServer(echo)
	t.Cleanup(plain.Close)
	t.Cleanup(secure.Close)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := boundaryless(r)
		c, closing := p.now()
		s := digestSeen{Method: r.Method, URI: r.RequestURI, Body: body, Length: r.Header.Get("Content-Length")}
		if body != "" && strings.Contains(body, "BOUNDARY") {
			s.Length = "a multipart length" // each tool draws its own boundary, of its own length
		}
		uri := r.RequestURI // a CONNECT's HOST:PORT
		if r.Method != http.MethodConnect {
			uri = r.URL.RequestURI() // the path and query of the URL forwarded, as curl's uri= has them
		}
		s.Scheme, s.Params, s.Valid = c.check(r.Header.Get("Proxy-Authorization"), r.Method, uri)
		s.Status = http.StatusOK
		switch {
		case !s.Valid:
			s.Status = http.StatusProxyAuthRequired
		case r.Method != http.MethodConnect && strings.HasPrefix(r.URL.Path, "/r30"):
			s.Status, _ = strconv.Atoi(r.URL.Path[2:5])
		}
		p.add(s)
		switch {
		case !s.Valid:
			for _, h := range c.challenges {
				w.Header().Add("Proxy-Authenticate", h)
			}
			if closing {
				w.Header().Set("Connection", "close")
			}
			w.WriteHeader(http.StatusProxyAuthRequired)
			fmt.Fprintf(w, "407 %s %s\n", r.Method, r.RequestURI)
		case r.Method != http.MethodConnect && strings.HasPrefix(r.URL.Path, "/r30"):
			// /r307/p and the like: a redirect to what follows the code, on the same host, or to /s over https
			// when that is what follows it
			to := strings.TrimPrefix(r.URL.Path[5:], "/https")
			if to != r.URL.Path[5:] {
				to = "https://" + r.URL.Hostname() + to
			}
			w.Header().Set("Location", to)
			w.WriteHeader(s.Status)
		case r.Method != http.MethodConnect:
			fmt.Fprintf(w, "forwarded %s %s %q\n", r.Method, r.RequestURI, body)
		default:
			to := plain.Listener.Addr().String()
			if strings.HasSuffix(r.RequestURI, ":443") {
				to = secure.Listener.Addr().String()
			}
			testserver.Tunnel(w, to)
		}
	})
	p.plain, p.secure = httptest.NewServer(handler), httptest.NewTLSServer(handler)
	t.Cleanup(p.plain.Close)
	t.Cleanup(p.secure.Close)
	return p
}

// boundaryless is r's body, a multipart body's boundary (each tool draws its own) written BOUNDARY.
func boundaryless(r *http.Request) string {
	body, _ := io.ReadAll(r.Body)
	if _, p, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && p["boundary"] != "" {
		return strings.ReplaceAll(string(body), p["boundary"], "BOUNDARY")
	}
	return string(body)
}

// TestProxyDigestOwnCommands: hop's own commands answer a proxy's Digest challenge with
// --proxy-auth-type digest or any, forwarded (the body sent with the request the proxy challenges and
// again with the answer, as HTTPie sends a body to a server's challenge; after a redirect answered at
// once) or tunnelled; credentials refused end with the 407 (exit 4); Basic, the default, goes with the
// first request. --curl writes curl's --proxy-digest and --proxy-anyauth.
func TestProxyDigestOwnCommands(t *testing.T) {
	dir := fixtures(t)
	p := startDigestProxy(t)
	c := digestCase{user: "ann", password: "s3cret", realm: "proxy", nonce: "n1",
		challenges: []string{`Digest realm="proxy", nonce="n1", qop="auth", algorithm=SHA-256`}}
	via := strings.Replace(p.plain.URL, "://", "://ann:s3cret@", 1)
	for _, tc := range []struct {
		args     []string
		code     int
		requests string // each request the proxy saw: its method, status and scheme of Proxy-Authorization
	}{
		{[]string{"post", "--proxy-auth-type", "digest", "-U", "ann:s3cret", "-x", p.plain.URL, "http://example.test/p", "a=1"}, 0,
			`POST 407 "" {"a":"1"}; POST 200 "Digest" {"a":"1"}`},
		{[]string{"get", "--proxy-auth-type=any", "-x", via, "-k", "https://example.test/s"}, 0, `CONNECT 407 "" ; CONNECT 200 "Digest" `},
		{[]string{"get", "--proxy-auth-type", "digest", "-x", via, "http://example.test/r307/p", "--follow"}, 0,
			`GET 407 "" ; GET 307 "Digest" ; GET 200 "Digest" `},
		{[]string{"get", "--proxy-auth-type", "digest", "-U", "ann:wrong", "-x", p.plain.URL, "http://example.test/p"}, 4, `GET 407 "" ; GET 407 "Digest" `},
		{[]string{"get", "-x", via, "http://example.test/p"}, 0, `GET 200 "Basic" `}, // this proxy takes Basic too
	} {
		p.set(c, false)
		_, code, stderr := runEnv(t, dir, nil, append([]string{hopBinary(t), "--ignore-stdin"}, tc.args...)...)
		var got []string
		for _, s := range p.take() {
			if s.Scheme != "" && !s.Valid && s.Status != http.StatusProxyAuthRequired {
				t.Errorf("hop %s: an answer that does not check out: %+v", strings.Join(tc.args, " "), s)
			}
			got = append(got, fmt.Sprintf("%s %d %q %s", s.Method, s.Status, s.Scheme, s.Body))
		}
		if code != tc.code || strings.Join(got, "; ") != tc.requests {
			t.Errorf("hop %s: exit %d, the proxy saw\n\t%s\nwant exit %d and\n\t%s\n%s", strings.Join(tc.args, " "), code, strings.Join(got, "; "), tc.code, tc.requests, stderr)
		}
	}
	for mode, want := range map[string]string{"digest": " --proxy-digest ", "any": " --proxy-anyauth ", "basic": ""} {
		out, code, _ := runEnv(t, dir, nil, hopBinary(t), "get", "--proxy-auth-type", mode, "-x", via, "http://example.test/p", "--curl")
		if code != 0 || want != "" && !strings.Contains(string(out), want) || want == "" && strings.Contains(string(out), "--proxy-") {
			t.Errorf("--proxy-auth-type %s --curl: exit %d, %s", mode, code, out)
		}
	}
}
