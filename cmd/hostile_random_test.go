package cmd_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/tls"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
)

// TestRandomHostileResponses: a server answers with responses built at random from the ways servers break
// HTTP/1.1 (status lines, header fields, framing, content codings, 1xx heads before the answer, bodies cut,
// reset or stalled, escapes where text goes), and hop runs with one of the flag sets its users run (follow,
// retry, save, the document, the HAR, -v, checks). Each case is seeded, and named by its seed, so that a
// failure runs again as it was. Whatever the server did, hop ends within its limits, with a documented exit
// code, no panic and no data race (under make test, hop is the race build), at most one error line in its
// own words (exactly one when it failed; never a library's "read tcp ..."), no control character of the
// server's on stderr, and no file under a name -O chose when it failed. HOP_HOSTILE_SEEDS=2000 searches
// longer.
func TestRandomHostileResponses(t *testing.T) {
	cert, root := loopbackCert(t)
	plain, plainLog := startScripted(t, nil)
	overTLS, tlsLog := startScripted(t, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}})
	hop := hopBinary(t)
	documented := []int{0, 1, 2, 4, 5, 7, 10, 18, 28, 47, 52, 63}
	hostileCases(t, hostileSeeds, func(t *testing.T, seed uint64, r *rand.Rand, flags []string) {
		method := []string{"get", "get", "post", "head"}[r.IntN(4)]
		srv, log, trust := plain, plainLog, []string(nil)
		if seed%3 == 0 { // every third over TLS (HTTP/1.1), for TLS's own ways to end
			srv, log, trust = overTLS, tlsLog, []string{"--cacert", root}
		}
		args := slices.Concat([]string{method, fmt.Sprintf("%s/r/%d/file.bin", srv, seed), "--timeout", "1s"}, trust, flags)
		runHostile(t, hop, args, flags, documented)
		mustReach(t, args, flags, log.reached(seed))
	})
}

// hostileCases runs n seeded cases at once, each named by its seed, with its own generator and one of
// hostileFlagSets drawn from it. The seeds start at HOP_HOSTILE_FIRST (1 unless set), so that a longer
// search can go on from where the last one stopped.
func hostileCases(t *testing.T, n uint64, run func(t *testing.T, seed uint64, r *rand.Rand, flags []string)) {
	for seed := hostileFirst; seed < hostileFirst+n; seed++ {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(seed, 0))
			run(t, seed, r, slices.Clone(hostileFlagSets[r.IntN(len(hostileFlagSets))]))
		})
	}
}

// attemptLog counts the requests a random server has read for each seed, its path being /r/SEED/...
type attemptLog struct {
	mu   sync.Mutex
	seen map[uint64]uint64
}

// next names the seed path asks for and counts its request: the first is attempt 0.
func (l *attemptLog) next(path string) (seed, attempt uint64) {
	fmt.Sscanf(path, "/r/%d/", &seed)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[uint64]uint64{}
	}
	attempt = l.seen[seed]
	l.seen[seed]++
	return seed, attempt
}

// reached reports whether a request for seed came.
func (l *attemptLog) reached(seed uint64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seen[seed] > 0
}

// mustReach fails a case whose request never reached the server, so that a flag set hop refuses (a usage
// error is a documented exit) cannot pass for one the server was tested with. --offline and --curl send
// nothing by design; a POST with -I is refused before sending, as curl refuses it.
func mustReach(t *testing.T, args, flags []string, reached bool) {
	t.Helper()
	refused := args[0] == "post" && slices.Contains(flags, "-I")
	if !reached && !refused && !slices.Contains(flags, "--offline") && !slices.Contains(flags, "--curl") {
		t.Errorf("hop %q sent nothing to the server", args)
	}
}

// runHostile runs hop with args in a directory of its own and checks what must hold whatever the server
// did (see TestRandomHostileResponses); flags are the case's flag set.
func runHostile(t *testing.T, hop string, args, flags []string, documented []int) {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, hop, args...)
	c.Dir, c.Env = dir, append(os.Environ(), "NO_COLOR=1", "HOME="+dir)
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	c.Run()
	if ctx.Err() != nil {
		t.Fatalf("hop %q did not end within 30 s", args)
	}
	code := c.ProcessState.ExitCode()
	errText := stderr.String()
	if strings.Contains(errText, "panic:") || strings.Contains(errText, "DATA RACE") {
		t.Fatalf("hop %q: %s", args, errText)
	}
	if !slices.Contains(documented, code) {
		t.Errorf("hop %q: exit %d, not one the README documents for this; stderr %q", args, code, trimmed(stderr.Bytes()))
	}
	errLines := regexp.MustCompile(`(?m)^hop: error: `).FindAllStringIndex(errText, -1)
	if len(errLines) > 1 || len(errLines) == 0 && !slices.Contains([]int{0, 4, 5, 10}, code) {
		t.Errorf("hop %q: exit %d with %d error lines: %q", args, code, len(errLines), trimmed(stderr.Bytes()))
	}
	if raw := regexp.MustCompile(`(?m)^hop: error: .*\b(net/http: |http2: |http3: |tls: |read tcp |write tcp |dial tcp |quic: |qpack|peer sent an unexpected frame|received after trailers|\*http3\.).*`).FindString(errText); raw != "" {
		t.Errorf("hop %q: a library's words, not hop's: %q", args, raw)
	}
	if i := strings.IndexAny(errText, "\x1b\x07\x00"); i >= 0 {
		t.Errorf("hop %q: a server's control character reached stderr: %q", args, errText[max(0, i-40):min(len(errText), i+40)])
	}
	if slices.Contains(flags, "-O") && !slices.Contains([]int{0, 4, 5}, code) {
		for _, name := range listDir(t, dir) {
			if !strings.HasSuffix(name, ".part") {
				t.Errorf("hop %q failed (exit %d) and left %s under its final name", args, code, name)
			}
		}
	}
}

// loopbackCert is a certificate for 127.0.0.1 and the file of the CA that issued it, for --cacert.
func loopbackCert(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	pki, err := testserver.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := pki.Issue(testserver.Leaf{Names: []string{"127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	root, err := pki.WriteRoot(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return cert, root
}

// hostileSeeds is how many cases run: HOP_HOSTILE_SEEDS raises it for a longer search.
var hostileSeeds = func() uint64 {
	if n, err := strconv.ParseUint(os.Getenv("HOP_HOSTILE_SEEDS"), 10, 64); err == nil && n > 0 {
		return n
	}
	return 150
}()

// hostileFirst is the first seed run: HOP_HOSTILE_FIRST moves the search on to seeds not run before.
var hostileFirst = func() uint64 {
	if n, err := strconv.ParseUint(os.Getenv("HOP_HOSTILE_FIRST"), 10, 64); err == nil && n > 0 {
		return n
	}
	return 1
}()

// hostileFlagSets are the ways hop is run against the random server; OUT names files in the case's own
// directory.
var hostileFlagSets = [][]string{
	{}, {"-v"}, {"-p", "Hhb"}, {"--format", "json"}, {"--har", "out.har"}, {"-o", "out.bin"}, {"-O"}, {"-L"},
	{"-L", "-v", "--all"}, {"--retry", "2", "--retry-delay", "10ms"}, {"-I"}, {"--pretty", "all", "--sorted"}, {"--pretty", "all"},
	{"-t"}, {"--repeat", "3"}, {"--raw-encoding", "-o", "out.bin"}, {"-D", "out.head"},
	{"-w", "%{http_code} %{size_download} %{content_type} %{header_json}\n"}, {"--trace-ascii", "out.trace"},
	{"-i"}, {"-a", "u:p", "--auth-type", "digest"}, {"-L", "-a", "u:p", "--auth-type", "any"},
	{"-c", "jar.txt"}, {"--hsts", "hsts.txt"}, {"--alt-svc", "alt.txt"}, {"-C", "-o", "out.bin"},
	{"--expect-json", "a == 1"}, {"--session", "./session.json"}, {"-q"}, {"-s"}, {"-R", "-o", "out.bin"},
	{"--etag-save", "etag.txt"}, {"--max-filesize", "1000"}, {"-m", "3s"}, {"--no-check-status"}, {"-L", "-O"},
	{"--retry", "2", "--retry-delay", "10ms", "-O"}, {"--max-headers", "50"}, {"--curl"}, {"--offline"},
}

// startScripted starts a server that reads each request on a connection and answers /r/SEED/... with the
// response hostileResponse builds for that seed and attempt (a retry or a redirect to itself is the next
// attempt), then closes the connection; over TLS with cfg. It returns the server's URL and its log of
// requests.
func startScripted(t *testing.T, cfg *tls.Config) (string, *attemptLog) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	scheme := "http://"
	if cfg != nil {
		ln, scheme = tls.NewListener(ln, cfg), "https://"
	}
	attempts := &attemptLog{}
	t.Cleanup(func() { ln.Close() })
	testserver.ServeConns(ln, func(conn net.Conn) {
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(20 * time.Second))
		req, err := http.ReadRequest(bufio.NewReader(conn))
		if err != nil {
			return
		}
		seed, attempt := attempts.next(req.URL.Path)
		for _, s := range hostileResponse(seed, attempt, scheme+ln.Addr().String()) {
			switch {
			case s.pause > 0:
				time.Sleep(s.pause)
			case s.reset:
				raw := conn
				if tc, ok := conn.(*tls.Conn); ok {
					raw = tc.NetConn()
				}
				if tc, ok := raw.(*net.TCPConn); ok {
					tc.SetLinger(0)
				}
				return
			default:
				if _, err := conn.Write(s.data); err != nil {
					return
				}
			}
		}
	})
	return scheme + ln.Addr().String(), attempts
}

// step is one act of the scripted server: bytes to write, a pause, or a reset.
type step struct {
	data  []byte
	pause time.Duration
	reset bool
}

// hostileResponse builds the answer to a seed's attempt.
func hostileResponse(seed, attempt uint64, self string) []step {
	r := rand.New(rand.NewPCG(seed, attempt+1))
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	switch r.IntN(40) {
	case 0:
		return nil // an empty reply
	case 1:
		return []step{{data: []byte("HTTP/1.1 200 OK\r\nContent-Le")}} // a head cut short
	case 2:
		return []step{{pause: 1500 * time.Millisecond}} // nothing, past --timeout
	}
	body, ctype := hostileBody(r)
	wire, coding := hostileCoding(r, body)
	var head []string
	status := pick("HTTP/1.1 200 OK", "HTTP/1.1 200 OK", "HTTP/1.1 200 OK", "HTTP/1.0 200 OK", "HTTP/1.1 404 Not Found",
		"HTTP/1.1 500 Oops", "HTTP/1.1 503 Busy", "HTTP/1.1 429 Slow", "HTTP/1.1 999 Odd", "HTTP/1.1 200",
		"HTTP/1.1 204 No Content", "HTTP/1.1 304 Not Modified", "HTTP/1.1 206 Partial Content", "HTTP/1.1 301 Moved",
		"HTTP/1.1 302 Found", "HTTP/1.1 307 Again", "HTTP/1.1 401 Unauthorized", "HTTP/1.1 200 \x1b[31mred\x1b]0;title\x07")
	if r.IntN(10) == 0 { // a status line that is none
		status = pick("HTTP/1.1 20 OK", "HTTP/2 200", "ICY 200 OK", "garbage", "HTTP/1.1 101 Switching Protocols", "HTTP/1.1 -1 X")
	}
	head = append(head, status)
	if ctype != "" && r.IntN(10) > 0 {
		head = append(head, "Content-Type: "+ctype)
	}
	if coding != "" {
		head = append(head, "Content-Encoding: "+coding)
	}
	framing := pick("length", "length", "chunked", "close", "short", "long", "bad-chunk", "cut-chunks", "both")
	payload := wire
	switch framing {
	case "length", "both":
		head = append(head, fmt.Sprintf("Content-Length: %d", len(wire)))
	case "short":
		head = append(head, fmt.Sprintf("Content-Length: %d", max(0, len(wire)-3)))
	case "long":
		head = append(head, fmt.Sprintf("Content-Length: %d", len(wire)+10))
	}
	if strings.Contains("chunked bad-chunk cut-chunks both", framing) {
		head = append(head, "Transfer-Encoding: chunked")
		var b bytes.Buffer
		for i := 0; i < len(wire); i += 1000 {
			part := wire[i:min(len(wire), i+1000)]
			fmt.Fprintf(&b, "%x\r\n%s\r\n", len(part), part)
		}
		switch framing {
		case "bad-chunk":
			b.WriteString("zz\r\n")
		case "cut-chunks":
			b.Truncate(b.Len() / 2)
		default:
			b.WriteString("0\r\n" + pick("", "X-Trailer: t\r\n", "\x1b: x\r\n") + "\r\n")
		}
		payload = b.Bytes()
	}
	for range r.IntN(5) {
		head = append(head, pick(
			"Location: "+pick("/r/"+strconv.FormatUint(seed, 10)+"/next", self+"/r/"+strconv.FormatUint(seed, 10)+"/loop", "//", "http://[::1", "ftp://x/y", "", "/%zz", "javascript:alert(1)", "http://127.0.0.1:1/"),
			"Content-Disposition: "+pick(`attachment; filename="../../etc/passwd"`, "attachment; filename=", "attachment; filename*=UTF-8''%2e%2e%2fx", `attachment; filename=".."`, `attachment; filename="a`+"\x1b"+`[2Jb"`, `attachment; filename="`+strings.Repeat("a", 5000)+`"`),
			"Set-Cookie: "+pick("a=b; Domain=.com", "=; ", "x="+strings.Repeat("y", 9000), "a=b; Expires=garbage", "sid=1; Max-Age=-1"),
			"Retry-After: "+pick("0", "-5", "99999999999999999999", "Wed, 21 Oct 2015 07:28:00 GMT", "soon"),
			"Alt-Svc: "+pick(`h3=":1"`, "garbage", `h3=":443"; ma=99999999999999999999`, "clear"),
			"X-Escape: \x1b]52;c;cHduZWQ=\x07 \x1b[2J",
			"X-Long: "+strings.Repeat("v", pickFrom(r, 100, 70000)),
			"X-Bytes: \xff\xfe\x80",
			"Content-Range: "+pick("bytes 0-1/2", "bytes */*", "garbage", "bytes 5-2/1"),
			"Strict-Transport-Security: "+pick("max-age=99999999999999999999", "max-age=-1", "max-age=1; includeSubDomains"),
			"WWW-Authenticate: "+pick(`Digest realm="a", nonce="b", qop="auth", algorithm=MD5`, "Digest", "Basic", `Digest realm="`+"\x1b"+`"`, `Digest realm=a,nonce=b,algorithm=SHA-512-256,qop="auth-int"`),
			"Last-Modified: "+pick("garbage", "Thu, 01 Jan 1970 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT"),
			"ETag: "+pick(`"abc"`, "W/", `"`+strings.Repeat("e", 10000)+`"`),
			"Transfer-Encoding: "+pick("gzip", "identity", "chunked, chunked", "bogus"),
		))
	}
	if r.IntN(8) == 0 { // a field line that breaks the head
		head = append(head, pick("Content-Length: -1", "Content-Length: abc", "Content-Length: 99999999999999999999",
			"Content-Length: 5, 6", "Bad Header: x", ": empty name", "NoColon", "X-Fold: a\r\n  folded"))
	}
	if r.IntN(20) == 0 {
		for i := range pickFrom(r, 200, 20000) {
			head = append(head, fmt.Sprintf("X-Many-%d: v", i))
		}
	}
	eol := "\r\n"
	if r.IntN(20) == 0 {
		eol = "\n"
	}
	var pre string
	if r.IntN(10) == 0 {
		pre = pick("HTTP/1.1 100 Continue\r\n\r\n", strings.Repeat("HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n", pickFrom(r, 1, 50)))
	}
	steps := []step{{data: []byte(pre + strings.Join(head, eol) + eol + eol)}}
	if r.IntN(20) == 0 {
		steps = append(steps, step{pause: 1500 * time.Millisecond}) // a stall after the head
	}
	steps = append(steps, step{data: payload})
	if r.IntN(4) == 0 {
		steps = append(steps, step{reset: true})
	}
	return steps
}

// pickFrom is one of v, chosen by r.
func pickFrom[T any](r *rand.Rand, v ...T) T { return v[r.IntN(len(v))] }

// hostileBody is a body and the type it is labelled with.
func hostileBody(r *rand.Rand) ([]byte, string) {
	switch r.IntN(12) {
	case 0:
		return []byte(`{"a":1,"b":[1,2,{"c":"d"}],"e":"\u00e9\ud800"}`), "application/json"
	case 1:
		n := pickFrom(r, 1000, 100000)
		return []byte(strings.Repeat("[", n) + strings.Repeat("]", pickFrom(r, 0, n))), "application/json"
	case 2:
		return []byte("{\"a\":1,,\"b\":\x00\xff}"), "application/json"
	case 3:
		return []byte("hello\nworld\n"), "text/plain"
	case 4:
		b := make([]byte, 300)
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		return b, pickFrom(r, "application/octet-stream", "text/plain", "application/json")
	case 5:
		return nil, pickFrom(r, "text/plain", "application/json", "")
	case 6:
		b := make([]byte, pickFrom(r, 70000, 1<<20))
		for i := range b {
			b[i] = byte(i * 7)
		}
		return b, "application/octet-stream"
	case 7:
		return []byte("\x1b]0;pwned\x07\x1b[2J\x1b[31mred\r\n"), "text/plain"
	case 8:
		return []byte("\xc3\x28\xa0\xa1\xf0\x28\x8c\x28"), "text/plain; charset=utf-8"
	case 9:
		return bytes.Repeat([]byte("x"), 2_000_000), "text/plain"
	case 10:
		return hostileLargeJSON(r), "application/json"
	}
	return []byte("a\x00b"), "text/plain"
}

// hostileLargeJSON is a top-level array or object over the 256 KiB that hop formats at a time, so it is
// formatted in batches, and maybe broken past the first: cut short, a member with no value, the other
// bracket closing it, data after it, a terminal escape in a key.
func hostileLargeJSON(r *rand.Rand) []byte {
	open := pickFrom(r, byte('['), byte('{'))
	var b bytes.Buffer
	b.WriteByte(open)
	for i := 0; b.Len() < 600<<10; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		if open == '{' {
			fmt.Fprintf(&b, `"k%d":`, i)
		}
		fmt.Fprintf(&b, `{"id":%d,"s":"\u001b[2J\u00e9","a":[1,2]}`, i)
	}
	switch r.IntN(6) {
	case 0:
		return b.Bytes() // cut short
	case 1:
		b.WriteString(`,"x":}`)
	case 2:
		b.WriteByte(map[byte]byte{'[': '}', '{': ']'}[open]) // the other closing bracket
	case 3:
		b.WriteString(string(open+2) + " trailing")
	case 4:
		b.WriteString(",\"\x1b]0;pwned\x07\":1" + string(open+2))
	default:
		b.WriteByte(open + 2)
	}
	return b.Bytes()
}

// hostileCoding encodes a body, well or badly, and names the coding it claims.
func hostileCoding(r *rand.Rand, body []byte) ([]byte, string) {
	gz := func(b []byte) []byte {
		var out bytes.Buffer
		w := gzip.NewWriter(&out)
		w.Write(b)
		w.Close()
		return out.Bytes()
	}
	switch r.IntN(12) {
	case 0:
		return gz(body), pickFrom(r, "gzip", "GZIP", "x-gzip")
	case 1:
		return gz(gz(body)), "gzip, gzip"
	case 2:
		var out bytes.Buffer
		w := zlib.NewWriter(&out)
		w.Write(body)
		w.Close()
		return out.Bytes(), "deflate"
	case 3:
		return append([]byte("\x1f\x8b\x08\x00garbage"), body...), "gzip"
	case 4:
		g := gz(body)
		return g[:len(g)/2], "gzip"
	case 5:
		return body, pickFrom(r, "br", "zstd", "bogus", "identity") // not what it claims
	}
	return body, ""
}
