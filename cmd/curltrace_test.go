package cmd_test

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/testserver"
)

// wireServer answers every request on a connection with reply, as bytes (after a 100 Continue when the
// request expects one), and keeps the bytes of each request it received, head and body apart.
type wireServer struct {
	ln    net.Listener
	reply string
	mu    sync.Mutex
	got   [][2][]byte // head (with its blank line), body
}

func startWireServer(t *testing.T, reply string) *wireServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &wireServer{ln: ln, reply: reply}
	t.Cleanup(func() { ln.Close() })
	testserver.ServeConns(ln, s.serve)
	return s
}

func (s *wireServer) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		var head bytes.Buffer
		for {
			line, err := r.ReadString('\n')
			head.WriteString(line)
			if err != nil {
				return
			}
			if line == "\r\n" {
				break
			}
		}
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(head.Bytes())))
		if err != nil {
			return
		}
		if req.Header.Get("Expect") == "100-continue" {
			if _, err := io.WriteString(c, "HTTP/1.1 100 Go Ahead\r\n\r\n"); err != nil { // a reason of its own, as curl shows it
				return
			}
		}
		body := make([]byte, max(req.ContentLength, 0))
		if _, err := io.ReadFull(r, body); err != nil {
			return
		}
		s.mu.Lock()
		s.got = append(s.got, [2][]byte{head.Bytes(), body})
		s.mu.Unlock()
		if _, err := io.WriteString(c, s.reply); err != nil {
			return
		}
	}
}

func (s *wireServer) url() string { return "http://" + s.ln.Addr().String() }

func (s *wireServer) port() string { return strconv.Itoa(s.ln.Addr().(*net.TCPAddr).Port) }

// requests are the requests received so far: head and body of each.
func (s *wireServer) requests() [][2][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.got)
}

// traceOf is the dump curl's --trace-ascii makes of one exchange on a new connection: the request's head and
// body as they were received, then the reply a line of its head to a block, then its body.
func traceOf(addr string, head, body []byte, reply string) string {
	var b strings.Builder
	host, port, _ := net.SplitHostPort(addr)
	format.TraceInfo(&b, "", "  Trying "+addr+"...")
	format.TraceInfo(&b, "", fmt.Sprintf("Connected to %s (%s) port %s (#0)", host, host, port))
	format.TraceBlock(&b, "", format.TraceSendHeader, head, false)
	if len(body) > 0 {
		format.TraceBlock(&b, "", format.TraceSendData, body, false)
	}
	replyHead, replyBody, _ := strings.Cut(reply, "\r\n\r\n")
	for line := range strings.SplitAfterSeq(replyHead+"\r\n\r\n", "\r\n") {
		if line != "" {
			format.TraceBlock(&b, "", format.TraceRecvHeader, []byte(line), false)
		}
	}
	format.TraceBlock(&b, "", format.TraceRecvData, []byte(replyBody), false)
	format.TraceInfo(&b, "", "Connection #0 to host "+host+" left intact")
	return b.String()
}

// The reply's fields are sorted by name: Go keeps no order of the fields received, and hop's dump (as its
// -D) writes them sorted.
const wireReply = "HTTP/1.1 200 OK\r\nContent-Length: 14\r\nContent-Type: text/plain\r\nX-Reply: caf\xc3\xa9\r\n\r\nhello\r\n\x00\xffworld"

// TestTraceASCIIIsWhatTravelled checks --trace-ascii's dump against the bytes the server received and sent:
// with --show-secrets the whole file is what curl's dump of those bytes would be (a POST with its body, and
// a GET forwarded by a proxy, whose request line holds the whole URL); without it the credentials sent
// are masked in the dump, and only there.
func TestTraceASCIIIsWhatTravelled(t *testing.T) {
	srv := startWireServer(t, wireReply)
	dir := t.TempDir()
	dump := filepath.Join(dir, "trace.txt")
	body := filepath.Join(dir, "body")
	if err := os.WriteFile(body, []byte("line one\r\nline two\n\x00\x01 ünïcode"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, args := range [][]string{
		{"post", srv.url() + "/p/a%20th?q=1&r", "@" + body, "-a", "ann:s3cret", "-H", "X-Order: 1", "-H", "Cookie: sid=abc"},
		{"get", "http://example.com/x?y=%20", "-x", srv.url(), "-H", "X-Order: 2"},
	} {
		_, code := runHop(t, append(args, "--show-secrets", "--trace-ascii", dump, "-o", filepath.Join(dir, "out"))...)
		if code != 0 {
			t.Fatalf("%v: exit %d", args, code)
		}
		got, err := os.ReadFile(dump)
		if err != nil {
			t.Fatal(err)
		}
		reqs := srv.requests()
		if len(reqs) != i+1 {
			t.Fatalf("the server got %d requests", len(reqs))
		}
		if want := traceOf(srv.ln.Addr().String(), reqs[i][0], reqs[i][1], wireReply); string(got) != want {
			t.Errorf("%v: --trace-ascii wrote:\n%s\nwhat travelled, dumped:\n%s", args, got, want)
		}
	}
	if fi, err := os.Stat(dump); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the dump's mode: %v, %v; want 0600 (it holds the heads)", fi.Mode(), err)
	}

	// Without --show-secrets, the same dump but for the credentials.
	_, code := runHop(t, "post", srv.url()+"/p", "@"+body, "-a", "ann:s3cret", "-H", "Cookie: sid=abc", "--trace-ascii", dump, "-o", os.DevNull)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	got, _ := os.ReadFile(dump)
	sentHead := string(srv.requests()[2][0])
	for _, secret := range []string{"YW5uOnMzY3JldA==", "sid=abc"} {
		if !strings.Contains(sentHead, secret) || strings.Contains(string(got), secret) {
			t.Errorf("%q: in what was sent %v (want true), in the dump %v (want false)", secret, strings.Contains(sentHead, secret), strings.Contains(string(got), secret))
		}
	}
	for _, masked := range []string{"0000: POST /p HTTP/1.1\n", ": Authorization: Basic ****\n", ": Cookie: sid=****\n", "<= Recv data, 14 bytes (0xe)\n"} {
		if !strings.Contains(string(got), masked) {
			t.Errorf("the dump has no %q:\n%s", masked, got)
		}
	}
}

// TestTraceAsCurlDumps runs the same requests with curl --trace-ascii and --trace and with hop curl, hop
// sending exactly what curl sends (curl's User-Agent and Accept, no Accept-Encoding), and compares the
// dumps: equal but, for a POST, for the order of the request's fields (Go writes Content-Length before the
// others, curl after Accept).
func TestTraceAsCurlDumps(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("curl is not installed; make test installs it")
	}
	srv := startWireServer(t, wireReply)
	dir := t.TempDir()
	same := []string{"-A", "curl/7.88.1", "-H", "Accept-Encoding:", "-s", "-o", os.DevNull}
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"GET, ascii", []string{"--trace-ascii", "DUMP", "-H", "X-A: 1", srv.url() + "/get?x=%20y"}},
		{"GET, hex, timed", []string{"--trace-time", "--trace", "DUMP", srv.url() + "/"}},
		{"GET, closing", []string{"--trace-ascii", "DUMP", "-H", "Connection: close", srv.url() + "/"}},
		{"POST", []string{"--trace-ascii", "DUMP", "-d", "a=1&b=\x01\r\n", srv.url() + "/post"}},
		{"POST, hex", []string{"--trace", "DUMP", "--data-binary", "x\r\ny", srv.url() + "/post"}},
		{"POST, 100 Continue", []string{"--trace-ascii", "DUMP", "-H", "Expect: 100-continue", "-d", "a=1", srv.url() + "/post"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dumps := map[string]string{}
			for _, who := range []string{"curl", "hop"} {
				path := filepath.Join(dir, who+".txt")
				args := append(append([]string{}, same...), tt.args...)
				for i, a := range args {
					if a == "DUMP" {
						args[i] = path
					}
				}
				c := exec.Command(curl, args...)
				if who == "hop" {
					c = exec.Command(hopBinary(t), append([]string{"curl"}, args...)...)
				}
				if out, err := c.CombinedOutput(); err != nil {
					t.Fatalf("%s: %v\n%s", who, err, out)
				}
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				dumps[who] = comparable(t, string(b), strings.Contains(tt.name, "POST"))
			}
			if dumps["hop"] != dumps["curl"] {
				t.Errorf("hop curl's dump:\n%s\ncurl's:\n%s", dumps["hop"], dumps["curl"])
			}
		})
	}
}

// comparable is a dump with what may differ between curl's and hop's left out: the time stamps, curl's note
// for a body sent apart from its head, and with unordered the request head's field lines: sorted and
// without their offsets in ASCII, left out in hex.
func comparable(t *testing.T, dump string, unordered bool) string {
	t.Helper()
	lines := strings.SplitAfter(dump, "\n")
	var b strings.Builder
	inHead := false
	var head []string
	for _, l := range lines {
		if len(l) > 16 && l[2] == ':' && l[5] == ':' && l[8] == '.' && l[15] == ' ' {
			if _, err := strconv.Atoi(l[:2]); err == nil {
				l = l[16:] // --trace-time's prefix
			}
		}
		switch {
		case strings.HasSuffix(l, "== Info: We are completely uploaded and fine\n"):
			continue // curl's note for a body sent apart from its head, which hop does not write
		case strings.Contains(l, "=> Send header"):
			inHead = true
			b.WriteString(l)
		case inHead && (strings.HasPrefix(l, "=> ") || strings.HasPrefix(l, "<= ") || strings.HasPrefix(l, "== ")):
			inHead = false
			if unordered {
				slices.Sort(head)
			}
			b.WriteString(strings.Join(head, ""))
			head = nil
			b.WriteString(l)
		case inHead && unordered && strings.Count(l, " ") > 16:
			// hex: the lines cut the fields at other places; the size in the title is compared.
		case inHead:
			if _, rest, ok := strings.Cut(l, ": "); ok && unordered {
				l = rest // the offsets differ with the order
			}
			head = append(head, l)
		default:
			b.WriteString(l)
		}
	}
	b.WriteString(strings.Join(head, ""))
	return b.String()
}

// ran is what a command wrote and how it ended.
type ran struct {
	stdout, stderr string
	code           int
}

// curlAndHop runs curl with args, then hop curl with the same, and returns what each did ("curl", "hop").
func curlAndHop(t *testing.T, args ...string) map[string]ran {
	t.Helper()
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("curl is not installed; make test installs it")
	}
	runs := map[string]ran{}
	for who, c := range map[string]*exec.Cmd{"curl": exec.Command(curl, args...), "hop": exec.Command(hopBinary(t), append([]string{"curl"}, args...)...)} {
		var out, errOut bytes.Buffer
		c.Stdout, c.Stderr = &out, &errOut
		err := c.Run()
		runs[who] = ran{out.String(), errOut.String(), exitCode(err)}
	}
	return runs
}

// linesOf keeps the lines of s that keep says to.
func linesOf(s string, keep func(line string) bool) string {
	var b strings.Builder
	for l := range strings.SplitAfterSeq(s, "\n") {
		if keep(l) {
			b.WriteString(l)
		}
	}
	return b.String()
}

// TestVerboseAsCurl runs the same requests with curl -v and hop curl -v, hop sending exactly what curl
// sends, and compares what each wrote to stderr: the same "* " notes, "> " and "< " heads and "[N bytes
// data]" lines (one for a run of a body's pieces), but for the order of a POST's request fields (Go writes
// Content-Length before the others) and --trace-time's stamps.
func TestVerboseAsCurl(t *testing.T) {
	srv := startWireServer(t, wireReply)
	moved := startWireServer(t, "HTTP/1.1 302 Found\r\nContent-Length: 0\r\nLocation: "+srv.url()+"/to\r\n\r\n")
	same := []string{"-A", "curl/7.88.1", "-H", "Accept-Encoding:"}
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"GET, body to a file", []string{"-sv", "-o", os.DevNull, "-H", "X-A: 1", srv.url() + "/get?x=%20y"}},
		{"GET, body to a pipe", []string{"-sv", srv.url() + "/"}},
		{"GET, timed, closing", []string{"-s", "--trace-time", "-v", "-H", "Connection: close", "-o", os.DevNull, srv.url() + "/"}},
		{"GET, after --trace-ascii", []string{"-s", "--trace-ascii", os.DevNull, "-v", srv.url() + "/"}},
		{"POST", []string{"-sv", "-o", os.DevNull, "-d", "a=1&b=\x01\r\n", srv.url() + "/post"}},
		{"POST, 100 Continue", []string{"-sv", "-o", os.DevNull, "-H", "Expect: 100-continue", "-d", "a=1", srv.url() + "/post"}},
		{"two URLs", []string{"-sv", "-o", os.DevNull, "-o", os.DevNull, srv.url() + "/1", srv.url() + "/2"}},
		{"redirected", []string{"-svL", "-o", os.DevNull, moved.url() + "/from"}},
		// An address that refuses, then one that answers: curl notes the refusal between the two tries.
		{"refused, then the next address", []string{"-sv", "-o", os.DevNull, "--resolve", "x.test:" + srv.port() + ":127.0.0.2,127.0.0.1", "http://x.test:" + srv.port() + "/"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			runs := curlAndHop(t, append(append([]string{}, same...), tt.args...)...)
			curl, hop := runs["curl"], runs["hop"]
			if curl.code != 0 || hop.code != 0 {
				t.Fatalf("curl exited %d, hop %d:\n%s\n%s", curl.code, hop.code, curl.stderr, hop.stderr)
			}
			if verboseComparable(hop.stderr) != verboseComparable(curl.stderr) {
				t.Errorf("hop curl -v wrote:\n%s\ncurl -v:\n%s", verboseComparable(hop.stderr), verboseComparable(curl.stderr))
			}
			if hop.stdout != curl.stdout {
				t.Errorf("hop curl's stdout: %q; curl's: %q", hop.stdout, curl.stdout)
			}
		})
	}
}

// verboseComparable is -v's output with --trace-time's stamps taken off, each request head's field lines
// sorted, and curl's notes about its connection cache (with a pointer in them), about a body sent apart
// from its head, and about --resolve's entries in its DNS cache (hop curl does not write those) left out.
func verboseComparable(s string) string {
	var b strings.Builder
	var fields []string
	for _, l := range strings.SplitAfter(s, "\n") {
		if len(l) > 16 && l[2] == ':' && l[5] == ':' && l[8] == '.' && l[15] == ' ' {
			l = l[16:]
		}
		switch {
		case strings.HasPrefix(l, "* Found bundle for host") || strings.HasPrefix(l, "* Can not multiplex"),
			l == "* We are completely uploaded and fine\n", strings.HasSuffix(l, " DNS cache\n"):
			continue
		case strings.HasPrefix(l, "> ") && strings.Contains(l, ": "):
			fields = append(fields, l)
			continue
		case strings.HasPrefix(l, "> \r\n"):
			slices.Sort(fields)
			b.WriteString(strings.Join(fields, ""))
			fields = nil
		}
		b.WriteString(l)
	}
	return b.String()
}

// pkiRoot is a fresh PKI and the file its root is in, for --cacert.
func pkiRoot(t *testing.T) (*testserver.PKI, string) {
	t.Helper()
	pki, err := testserver.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	root, err := pki.WriteRoot(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return pki, root
}

// TestVerboseCertificateAsCurl compares what curl -v and hop curl -v say of a TLS handshake: the protocols
// offered and accepted over ALPN, the version and cipher, and the server's certificate: its subject, dates
// and issuer in OpenSSL's form, the name matched (an IP address, a DNS name), and the verification's
// result, "ok" or, under -k, the chain's own failing as OpenSSL words it (an issuer missing, a self-signed
// leaf).
func TestVerboseCertificateAsCurl(t *testing.T) {
	pki, root := pkiRoot(t)
	serve := func(leaf testserver.Leaf) (port string) {
		cert, err := pki.Issue(leaf)
		if err != nil {
			t.Fatal(err)
		}
		srv := testserver.Start(testserver.Config{TLS: true, Cert: &cert})
		t.Cleanup(srv.Close)
		_, port, _ = net.SplitHostPort(strings.TrimPrefix(srv.URL, "https://"))
		return port
	}
	local := []string{"127.0.0.1", "localhost"}
	good, self := serve(testserver.Leaf{Names: local}), serve(testserver.Leaf{Names: local, SelfSigned: true})
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"an IP address", []string{"--cacert", root, "https://127.0.0.1:" + good + "/"}},
		{"a DNS name", []string{"--cacert", root, "--resolve", "localhost:" + good + ":127.0.0.1", "https://localhost:" + good + "/"}},
		{"-k, no issuer", []string{"-k", "https://127.0.0.1:" + good + "/"}},
		{"-k, self-signed", []string{"-k", "https://127.0.0.1:" + self + "/"}},
		{"HTTP/1.1 offered", []string{"--http1.1", "--cacert", root, "https://127.0.0.1:" + good + "/"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			notes := map[string]string{}
			for who, run := range curlAndHop(t, append([]string{"-sv", "-o", os.DevNull}, tt.args...)...) {
				if run.code != 0 {
					t.Fatalf("%s: exit %d\n%s", who, run.code, run.stderr)
				}
				notes[who] = linesOf(run.stderr, func(l string) bool {
					return strings.HasPrefix(l, "* Server certificate:") || strings.HasPrefix(l, "* ALPN: ") ||
						strings.HasPrefix(l, "* SSL connection using ") || strings.HasPrefix(l, "*  ") &&
						!strings.HasPrefix(l, "*  CAfile:") && !strings.HasPrefix(l, "*  CApath:")
				})
			}
			if notes["hop"] != notes["curl"] || !strings.Contains(notes["curl"], "*  issuer: ") {
				t.Errorf("hop curl -v says of the certificate:\n%s\ncurl -v:\n%s", notes["hop"], notes["curl"])
			}
		})
	}
}

// TestVerboseTunnelAsCurl compares what curl -v and hop curl -v say of a CONNECT through an HTTP proxy: the
// connection to the proxy, the tunnel asked for, the CONNECT's request line and Host, the proxy's answer,
// and curl's words for an opened tunnel and for a refused one (a 407).
func TestVerboseTunnelAsCurl(t *testing.T) {
	pki, root := pkiRoot(t)
	cert, err := pki.Issue(testserver.Leaf{Names: []string{"127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	srv := testserver.Start(testserver.Config{TLS: true, Cert: &cert})
	defer srv.Close()
	route := func(string) string { return strings.TrimPrefix(srv.URL, "https://") }
	open := httptest.NewServer(&testserver.Proxy{Route: route})
	defer open.Close()
	locked := httptest.NewServer(&testserver.Proxy{Route: route, User: "ann", Password: "s3cret"})
	defer locked.Close()
	// An https:// proxy: its own handshake and certificate come first, as "Proxy certificate:".
	secure := httptest.NewUnstartedServer(&testserver.Proxy{Route: route})
	secure.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	secure.StartTLS()
	defer secure.Close()
	for _, tt := range []struct {
		name, proxy string
		code        int
	}{{"tunnel opened", open.URL, 0}, {"tunnel refused", locked.URL, 56}, {"an https:// proxy", secure.URL, 0}} {
		t.Run(tt.name, func(t *testing.T) {
			notes := map[string]string{}
			for who, run := range curlAndHop(t, "-sv", "-o", os.DevNull, "-x", tt.proxy, "--proxy-cacert", root, "--cacert", root, srv.URL+"/") {
				if run.code != tt.code {
					t.Fatalf("%s: exit %d, want %d\n%s", who, run.code, tt.code, run.stderr)
				}
				notes[who] = linesOf(run.stderr, func(l string) bool {
					return slices.ContainsFunc([]string{"* Connected to ", "* Establish HTTP proxy tunnel", "> CONNECT ", "> Host: ",
						"< HTTP/1.1 ", "* CONNECT ", "* ALPN: ", "* SSL connection using ", "* Proxy certificate:", "* Server certificate:", "*  subject:",
						"*  issuer:", "*  SSL certificate verify"}, func(p string) bool { return strings.HasPrefix(l, p) })
				})
			}
			if notes["hop"] != notes["curl"] || !strings.Contains(notes["curl"], "> CONNECT ") {
				t.Errorf("hop curl -v says of the tunnel:\n%s\ncurl -v:\n%s", notes["hop"], notes["curl"])
			}
		})
	}
	// A connection through the proxy used again is the proxy's, in curl's words.
	reused := map[string]string{}
	for who, run := range curlAndHop(t, "-sv", "-o", os.DevNull, "-o", os.DevNull, "-x", open.URL, "--cacert", root, srv.URL+"/1", srv.URL+"/2") {
		reused[who] = linesOf(run.stderr, func(l string) bool { return strings.HasPrefix(l, "* Re-using") })
	}
	if reused["hop"] != reused["curl"] || reused["curl"] == "" {
		t.Errorf("hop curl -v, two URLs through the proxy: %q; curl: %q", reused["hop"], reused["curl"])
	}
	// The proxy's credentials go in the CONNECT, masked in the dump.
	out, err := exec.Command(hopBinary(t), "curl", "-sv", "-o", os.DevNull, "-x", locked.URL, "-U", "ann:s3cret", "--cacert", root, srv.URL+"/").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "\n> Proxy-Authorization: Basic ") || strings.Contains(string(out), "YW5uOnMzY3JldA") {
		t.Errorf("hop curl -v -U through a proxy that wants them: %v\n%s", err, out)
	}
}

// TestVerboseSOCKSAsCurl compares what curl -v and hop curl -v say of a SOCKS proxy's handshake: the
// connect asked for (a name the proxy resolves, or an address resolved here) and the proxy's grant, before
// the connection is said to be connected.
func TestVerboseSOCKSAsCurl(t *testing.T) {
	srv := startWireServer(t, wireReply)
	socks, err := testserver.StartSOCKS(&testserver.SOCKS{Route: func(string) string { return srv.ln.Addr().String() }})
	if err != nil {
		t.Fatal(err)
	}
	defer socks.Close()
	_, port, _ := net.SplitHostPort(srv.ln.Addr().String())
	for _, proxy := range []string{"socks5h://" + socks.Addr(), "socks5://" + socks.Addr(), "socks4a://" + socks.Addr(), "socks4://" + socks.Addr()} {
		t.Run(proxy[:strings.Index(proxy, ":")], func(t *testing.T) {
			notes := map[string]string{}
			for who, run := range curlAndHop(t, "-sv", "-o", os.DevNull, "-x", proxy, "http://localhost:"+port+"/") {
				if run.code != 0 {
					t.Fatalf("%s: exit %d\n%s", who, run.code, run.stderr)
				}
				notes[who] = linesOf(run.stderr, func(l string) bool {
					return strings.HasPrefix(l, "* ") && !strings.HasPrefix(l, "* Connection #")
				})
			}
			if notes["hop"] != notes["curl"] {
				t.Errorf("hop curl -v says of the SOCKS proxy:\n%s\ncurl -v:\n%s", notes["hop"], notes["curl"])
			}
		})
	}
}

// TestVerboseReaderGoes: `curl -sv -o /dev/null URL 2>&1 | grep -q PATTERN` stops reading at the first
// match; curl's later -v lines then fail unseen and curl ends 0, which a script under pipefail relies on.
// hop curl -v does the same, rather than die of SIGPIPE (141).
func TestVerboseReaderGoes(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5")
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		time.Sleep(300 * time.Millisecond) // the reader is gone by the time the body and its lines come
		io.WriteString(w, "hello")
	}))
	defer slow.Close()
	for _, who := range []string{"curl", "hop"} {
		name, args := "curl", []string{"-sv", "-o", os.DevNull, slow.URL + "/"}
		if who == "hop" {
			name, args = hopBinary(t), append([]string{"curl"}, args...)
		}
		if who == "curl" {
			if _, err := exec.LookPath("curl"); err != nil {
				t.Fatal("curl is not installed; make test installs it")
			}
		}
		c := exec.Command(name, args...)
		r, err := c.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		line, _ := bufio.NewReader(r).ReadString('\n') // the first line, then the reader goes
		r.Close()
		if err := c.Wait(); !strings.Contains(line, "Trying") || exitCode(err) != 0 {
			t.Errorf("%s: first line %q, then the reader gone: %v (exit %d), want exit 0", who, line, err, exitCode(err))
		}
	}
}
