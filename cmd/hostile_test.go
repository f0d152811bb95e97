package cmd_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/creack/pty"

	"github.com/hop-cli/hop/decompress"
	"github.com/hop-cli/hop/testserver"
)

// run is one run of the real binary: what it printed, how it ended, and its peak memory.
type run struct {
	stdout, stderr []byte
	stdoutBytes    int64
	stdoutSum      [32]byte
	code           int
	rssMiB         int64
}

// capped keeps the first 1 MiB written to it, and counts and hashes everything.
type capped struct {
	buf bytes.Buffer
	n   int64
	sum interface {
		io.Writer
		Sum([]byte) []byte
	}
}

func newCapped() *capped { return &capped{sum: sha256.New()} }

func (c *capped) Write(p []byte) (int, error) {
	if room := 1<<20 - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(len(p), room)])
	}
	c.n += int64(len(p))
	c.sum.Write(p)
	return len(p), nil
}

// runHopAt runs hop (the plain build, so that its peak memory is hop's own) with args, piped, or with stdout
// and stderr on pseudo-terminals; it is killed after 60 s, far beyond any limit under test, so that a hang
// fails the test instead of stalling it.
func runHopAt(t *testing.T, onPTY bool, args ...string) run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, plainHop(t), args...)
	c.Env = append(os.Environ(), "NO_COLOR=1") // hop's own colours off: any escape in the output is the server's
	out, errOut := newCapped(), newCapped()
	var wg sync.WaitGroup
	if onPTY {
		for _, s := range []struct {
			set func(*os.File)
			to  io.Writer
		}{{func(f *os.File) { c.Stdout = f }, out}, {func(f *os.File) { c.Stderr = f }, errOut}} {
			master, slave, err := pty.Open()
			if err != nil {
				t.Fatal(err)
			}
			pty.Setsize(master, &pty.Winsize{Rows: 40, Cols: 120})
			s.set(slave)
			defer slave.Close()
			wg.Add(1)
			go func(to io.Writer) { defer wg.Done(); io.Copy(to, master); master.Close() }(s.to)
		}
	} else {
		c.Stdout, c.Stderr = out, errOut
	}
	err := c.Start()
	if err != nil {
		t.Fatal(err)
	}
	// The peak memory is read from the child's own VmHWM while it runs: its rusage is no good, as Linux
	// charges a child started with vfork (as Go starts one) the parent's peak until its exec.
	var hwm atomic.Int64
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			if status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.Process.Pid)); err == nil {
				if kb := vmHWM(status); kb > hwm.Load() {
					hwm.Store(kb)
				}
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	c.Wait()
	close(done)
	if onPTY {
		c.Stdout.(*os.File).Close()
		c.Stderr.(*os.File).Close()
	}
	wg.Wait()
	if ctx.Err() != nil {
		t.Fatalf("hop %q did not end within 60 s", args)
	}
	r := run{stdout: out.buf.Bytes(), stderr: errOut.buf.Bytes(), stdoutBytes: out.n, code: c.ProcessState.ExitCode()}
	copy(r.stdoutSum[:], out.sum.Sum(nil))
	r.rssMiB = hwm.Load() >> 10
	return r
}

// rawEscape finds what must never reach a terminal from a server: ESC and other C0 controls but newline,
// tab, carriage return (the pty turns \n into \r\n) and backspace, DEL, C1 controls (as UTF-8 or as raw
// bytes), bidi overrides; it returns where, or -1.
func rawEscape(out []byte) int {
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRune(out[i:])
		switch {
		case r == '\n' || r == '\r' || r == '\t':
		case r < 0x20 || r == 0x7f, r >= 0x80 && r <= 0x9f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return i
		case r == utf8.RuneError && size == 1:
			return i // a byte that is not UTF-8: a raw 0x9B is CSI to some terminals
		}
		i += size
	}
	return -1
}

// hazard is one thing a server can do on purpose, and how hop must end it.
type hazard struct {
	name     string
	path     string   // on the test server
	args     []string // besides the URL
	code     int
	stderr   string // matched against the error line, when code is not 0
	maxRSS   int64  // MiB
	noPTY    bool   // the piped run only (the pty run shows nothing more for it)
	bodyHash bool   // piped, the body must be byte for byte what the server sent
	quiet    bool   // piped, nothing at all on stderr
	outBytes int64  // piped, when not 0: exactly this many bytes on stdout
}

func TestHostileServers(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	other := testserver.Start(testserver.Config{})
	defer other.Close()
	hazards := []hazard{
		// Escapes in every place a server puts text.
		{name: "escapes in a text body", path: "/hostile/text-escapes", maxRSS: 40, bodyHash: true},
		{name: "escapes in the reason, a header and the body", path: "/misbehave/escape", args: []string{"-v"}, maxRSS: 40, bodyHash: true},
		{name: "escapes in curl's -v lines", path: "/misbehave/escape", args: []string{"--trace-verbose", "%"}, maxRSS: 40, bodyHash: true},
		{name: "escapes in a --trace-ascii dump", path: "/misbehave/escape", args: []string{"--trace-ascii", "%"}, maxRSS: 40, bodyHash: true},
		{name: "escapes in JSON keys and strings", path: "/hostile/json/escapes", maxRSS: 40, bodyHash: true},
		{name: "a raw 8-bit CSI deep in JSON", path: "/hostile/json/raw-c1", maxRSS: 40, bodyHash: true},
		{name: "a raw 8-bit CSI in a large array", path: "/hostile/json/raw-c1-array", maxRSS: 40, bodyHash: true},
		// (net/http refuses C0 controls in header values itself, so a Location or a file name can carry only C1
		// controls, bidi overrides and bytes that are not UTF-8; a refused redirect quotes the Location.)
		{name: "C1 and bidi in a refused redirect", path: "/hostile/location?to=gopher://%C2%9B31m%E2%80%AEevil%FF/", args: []string{"-L"}, code: 1, stderr: `hop only follows http and https`, maxRSS: 40},
		{name: "C1 and bidi in a download name", path: "/download/file/10?cd=attachment%3B%20filename%3D%22%C2%9Bx%E2%80%AEtxt.exe%22", args: []string{"-O", "--output-dir", t.TempDir(), "--force"}, maxRSS: 40},
		// JSON that strains the layout.
		{name: "JSON nested 9,999 levels", path: "/hostile/json/deep?n=9999", maxRSS: 48, bodyHash: true},
		{name: "JSON nested 100,000 levels", path: "/hostile/json/deep?n=100000", maxRSS: 48, bodyHash: true},
		{name: "JSON that would lay out to gigabytes", path: "/hostile/json/wide-deep", maxRSS: 64, bodyHash: true},
		{name: "truncated JSON", path: "/hostile/json/truncated", maxRSS: 40, bodyHash: true},
		{name: "JSON with trailing garbage", path: "/hostile/json/garbage", maxRSS: 40, bodyHash: true},
		{name: "NaN in JSON", path: "/hostile/json/nan", maxRSS: 40, bodyHash: true},
		{name: "empty JSON", path: "/hostile/json/empty", maxRSS: 40, bodyHash: true},
		{name: "JSON after a BOM", path: "/hostile/json/bom", maxRSS: 40, bodyHash: true},
		{name: "huge integers", path: "/hostile/json/bigint", maxRSS: 40, bodyHash: true},
		{name: "duplicate keys", path: "/hostile/json/dupkeys", maxRSS: 40, bodyHash: true},
		{name: "binary labelled as text", path: "/misbehave/binary", maxRSS: 40, bodyHash: true},
		{name: "Latin-1 text", path: "/hostile/latin1", maxRSS: 40, bodyHash: true},
		// Bombs: the body piped whole, memory flat; on a terminal, not shown.
		{name: "gzip bomb", path: "/hostile/bomb/gzip", maxRSS: 40, bodyHash: true},
		{name: "deflate bomb", path: "/hostile/bomb/deflate", maxRSS: 40, bodyHash: true},
		{name: "raw deflate bomb", path: "/hostile/bomb/deflate-raw", maxRSS: 40, bodyHash: true},
		{name: "brotli bomb", path: "/hostile/bomb/br", maxRSS: 48, bodyHash: true},
		{name: "zstd bomb", path: "/hostile/bomb/zstd", maxRSS: 48, bodyHash: true},
		{name: "stacked bomb", path: "/hostile/bomb/br,gzip", maxRSS: 48, bodyHash: true},
		{name: "a bomb into the document", path: "/hostile/bomb/zstd", args: []string{"--format", "json"}, maxRSS: 200, noPTY: true},
		{name: "a bomb into a HAR", path: "/hostile/bomb/gzip", args: []string{"--har", os.DevNull, "-o", os.DevNull}, maxRSS: 200, noPTY: true},
		// --max-filesize: the body stopped at the limit, its bytes up to it written.
		{name: "a bomb held to --max-filesize", path: "/hostile/bomb/zstd", args: []string{"--max-filesize", "1M"}, code: 63, stderr: `went over --max-filesize \(1048576 bytes\)`, maxRSS: 40, outBytes: 1 << 20},
		{name: "an endless body held to --max-filesize", path: "/misbehave/endless", args: []string{"--max-filesize", "100k"}, code: 63, stderr: `went over --max-filesize \(102400 bytes\)`, maxRSS: 40, outBytes: 100 << 10},
		{name: "60,000 content codings", path: "/hostile/layers/60000", code: 18, stderr: `60000 content codings, more than the 3 hop undoes`, maxRSS: 48},
		// Endless and stalled.
		{name: "endless 103 Early Hints", path: "/hostile/hints", code: 1, stderr: `more than 20 informational \(1xx\) responses`, maxRSS: 40},
		{name: "a partial status line, then nothing", path: "/hostile/partial-status", args: []string{"--timeout", "1"}, code: 28, stderr: `waiting for the rest of the response head \(idle limit`, maxRSS: 40},
		{name: "half a head, then nothing", path: "/hostile/stall-headers", args: []string{"--timeout", "1"}, code: 28, stderr: `waiting for the rest of the response head`, maxRSS: 40},
		{name: "a head dripped a byte at a time", path: "/hostile/drip-head", args: []string{"--timeout", "1"}, code: 28, stderr: `timed out after 1s waiting for the rest of the response head \(idle limit`, maxRSS: 40},
		{name: "a stall mid-body", path: "/misbehave/stall", args: []string{"--timeout", "1"}, code: 28, stderr: `waiting for the rest of the body \(idle limit`, maxRSS: 40},
		{name: "a drip, one byte at a time", path: "/hostile/drip/1000?every=100", args: []string{"-m", "1"}, code: 28, stderr: `\(total limit`, maxRSS: 40},
		{name: "an endless body", path: "/misbehave/endless", args: []string{"-m", "1", "-o", os.DevNull}, code: 28, stderr: `total limit`, maxRSS: 40, noPTY: true},
		{name: "a reset mid-body", path: "/hostile/reset-body", code: 18, stderr: `^hop: error: the response body ended early: 127\.0\.0\.1 reset the connection \(\d+ bytes came\)$`, maxRSS: 40},
		{name: "a malformed trailer", path: "/hostile/bad-trailer", code: 18, stderr: `^hop: error: the response body ended early or is malformed: 127\.0\.0\.1 sent a malformed trailer after the body \(malformed MIME header line: "\\x1b: x"\)$`, maxRSS: 40},
		{name: "a trailer longer than the read buffer", path: "/hostile/long-trailer", code: 18, stderr: `^hop: error: the response body ended early or is malformed: 127\.0\.0\.1 sent a trailer too long to read after the body \(http: suspiciously long trailer after chunked body\)$`, maxRSS: 40},
		{name: "huge headers", path: "/misbehave/huge-headers", code: 1, stderr: `malformed response|headers`, maxRSS: 48},
		{name: "5,000 Set-Cookie headers", path: "/hostile/cookie-flood", args: []string{"-c", os.DevNull}, maxRSS: 48, bodyHash: true},
		// Redirects.
		{name: "a redirect loop", path: "/misbehave/loop", args: []string{"-L"}, code: 47, stderr: `stopped after 10 redirects`, maxRSS: 40},
		{name: "ping-pong between two hosts", path: "/redirect-to?url=" + other.URL + "/redirect-to%3Furl%3D" + srv.URL + "/misbehave/loop", args: []string{"-L"}, code: 47, stderr: `stopped after`, maxRSS: 40},
		{name: "a redirect without Location", path: "/hostile/location", args: []string{"-L"}, maxRSS: 40},
		{name: "a malformed Location", path: "/hostile/location?to=http://%5B::1", args: []string{"-L"}, code: 1, stderr: `the Location is not a valid URL`, maxRSS: 40},
		{name: "a redirect to file:", path: "/hostile/location?to=file:///etc/passwd", args: []string{"-L"}, code: 1, stderr: `hop only follows http and https`, maxRSS: 40},
		// Framing.
		{name: "a truncated body", path: "/misbehave/truncated", code: 18, stderr: `ended early`, maxRSS: 40},
		{name: "broken chunking", path: "/misbehave/badchunk", code: 18, stderr: `ended early or is malformed`, maxRSS: 40},
		{name: "conflicting Content-Length", path: "/hostile/cl-conflict", code: 1, stderr: `multiple Content-Length`, maxRSS: 40},
		{name: "a 204 with a body", path: "/hostile/204-body", maxRSS: 40},
		{name: "no reason phrase", path: "/hostile/no-reason", maxRSS: 40, bodyHash: true},
		// RFC 9110 15: a code outside 100..599 is invalid, to be handled as a 5xx; curl refuses one below 100
		// ("Unsupported response code", exit 1) and fails one above 599 as a server error.
		{name: "a status below 100", path: "/hostile/status/099", code: 1, stderr: `127.0.0.1 sent a malformed response, refused: status code "099" is below 100$`, maxRSS: 40},
		{name: "status 000", path: "/hostile/status/000", code: 1, stderr: `refused: status code "000" is below 100$`, maxRSS: 40},
		{name: "a status above 599", path: "/hostile/status/600", code: 5, maxRSS: 40},
		{name: "a transfer coding hop does not speak", path: "/hostile/transfer-coding", code: 1, stderr: `^hop: error: 127.0.0.1 sent a malformed response, refused: unsupported transfer encoding: "gzip, chunked"$`, maxRSS: 40},
		{name: "Transfer-Encoding twice", path: "/hostile/transfer-coding?twice", code: 1, stderr: `^hop: error: 127.0.0.1 sent a malformed response, refused: too many transfer encodings: \["chunked" "chunked"\]$`, maxRSS: 40},
		{name: "an HTTP/0.9 reply", path: "/hostile/http09", code: 1, stderr: `answered without an HTTP status line: "<html>no status line</html>"`, maxRSS: 40},
		{name: "an empty reply", path: "/misbehave/empty", code: 52, stderr: `empty reply from 127.0.0.1`, maxRSS: 40},
		// Bytes on an idle connection: net/http's own complaint must not reach stderr.
		{name: "stray bytes on an idle connection", path: "/hostile/stray", args: []string{"--repeat", "2", "--interval", "0.4", "-q"}, maxRSS: 40, noPTY: true, quiet: true},
	}
	t.Cleanup(func() {
		// -c, --har and -o were pointed at /dev/null: it must still be the device.
		if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
			t.Errorf("%s is no longer a device: %v", os.DevNull, fi.Mode())
		}
	})
	for _, h := range hazards {
		t.Run(h.name, func(t *testing.T) {
			url := srv.URL + h.path
			var wantSum [32]byte
			var wantLen int64
			if h.bodyHash {
				// What the server sent, decoded as hop decodes it, hashed as it streams.
				req, _ := http.NewRequest("GET", url, nil)
				req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
				resp, err := http.DefaultTransport.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				sum := sha256.New()
				wantLen, err = io.Copy(sum, decompress.Reader(resp.Body, resp.Header.Get("Content-Encoding")))
				resp.Body.Close()
				if err != nil && !strings.Contains(h.name, "bomb") {
					t.Fatal(err)
				}
				copy(wantSum[:], sum.Sum(nil))
			}
			for _, onPTY := range []bool{false, true} {
				if onPTY && h.noPTY {
					continue
				}
				r := runHopAt(t, onPTY, append([]string{"get", url}, h.args...)...)
				where := map[bool]string{false: "piped", true: "on a terminal"}[onPTY]
				if r.code != h.code {
					t.Errorf("%s: exit %d, want %d; stderr %q", where, r.code, h.code, trimmed(r.stderr))
				}
				if h.stderr != "" {
					lines := strings.Split(strings.TrimRight(strings.ReplaceAll(string(r.stderr), "\r\n", "\n"), "\n"), "\n")
					last := lines[len(lines)-1]
					if !regexp.MustCompile(h.stderr).MatchString(last) || !strings.HasPrefix(last, "hop: error: ") {
						t.Errorf("%s: error line %q, want one matching %q", where, last, h.stderr)
					}
				}
				if h.quiet && len(r.stderr) > 0 {
					t.Errorf("%s: stderr %q, want nothing", where, trimmed(r.stderr))
				}
				if r.rssMiB > h.maxRSS {
					t.Errorf("%s: peak memory %d MiB, want at most %d", where, r.rssMiB, h.maxRSS)
				}
				if onPTY {
					for _, out := range [][]byte{r.stdout, r.stderr} {
						out = bytes.ReplaceAll(out, []byte("\r\x1b[K"), nil) // hop's own: clearing its progress line
						if i := rawEscape(out); i >= 0 {
							t.Errorf("%s: a raw control reached the terminal: %q", where, out[max(0, i-30):min(len(out), i+30)])
						}
					}
				} else if h.outBytes != 0 && r.stdoutBytes != h.outBytes {
					t.Errorf("piped: %d bytes on stdout, want %d", r.stdoutBytes, h.outBytes)
				} else if h.bodyHash && r.stdoutSum != wantSum {
					t.Errorf("piped: the body (%d bytes) differs from what the server sent (%d bytes)", r.stdoutBytes, wantLen)
				}
			}
		})
	}
}

// TestRefusingHTTP2Server: a server that turns every request away unprocessed (REFUSED_STREAM, or a
// GOAWAY that took no stream) gets one more try, then hop ends with one line and exit 52, as an empty reply;
// --retry sends a POST again, which it holds back after other empty replies, because HTTP/2 says nothing was
// processed. Before the bound, hop sat in net/http's retries for minutes, past every timeout.
func TestRefusingHTTP2Server(t *testing.T) {
	for _, c := range []struct {
		args     []string
		requests int64 // at least; the try stopped as it starts may add one per attempt
		attempts int64
	}{
		{args: []string{"get", "--http2", "/refuse"}, requests: 2, attempts: 1},
		{args: []string{"get", "--http2", "/goaway"}, requests: 2, attempts: 1},
		{args: []string{"post", "--http2", "--retry", "1", "--retry-delay", "0.1", "/refuse", "a=b"}, requests: 4, attempts: 2},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			srv, err := testserver.StartRawH2()
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			args := slices.Clone(c.args)
			for i, a := range args {
				if strings.HasPrefix(a, "/") {
					args[i] = srv.URL() + a
				}
			}
			r := runHopAt(t, false, args...)
			line := strings.TrimSpace(string(r.stderr[bytes.LastIndexByte(bytes.TrimSpace(r.stderr), '\n')+1:]))
			want := "hop: error: 127.0.0.1 turned the request away twice without processing it (HTTP/2 REFUSED_STREAM or GOAWAY): it is not taking requests now; try again later (--retry), or over HTTP/1.1 (--http1.1)"
			if r.code != 52 || line != want {
				t.Errorf("exit %d, last line %q; want 52 and %q", r.code, line, want)
			}
			if got := srv.Requests.Load(); got < c.requests || got > c.requests+c.attempts {
				t.Errorf("the server read %d requests, want %d to %d", got, c.requests, c.requests+c.attempts)
			}
		})
	}
}

// TestHostileHTTP2Server: frames net/http's own server never sends (stream resets and GOAWAYs before and
// during a body, a head without :status or that does not decode, a push the client disabled, a header block
// that never ends, PINGs in place of an answer) each end with one line saying what the server did and the
// documented exit code; a body cut short keeps what arrived on stdout.
func TestHostileHTTP2Server(t *testing.T) {
	srv, err := testserver.StartRawH2()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, c := range []struct {
		path string
		code int
		line string // the error line, hop: error: and host:port in the URL aside
		out  string
	}{
		{"/reset", 1, "127.0.0.1 reset the stream without answering (HTTP/2 INTERNAL_ERROR)", ""},
		{"/goaway-error", 1, `127.0.0.1 closed the connection without answering (HTTP/2 GOAWAY INTERNAL_ERROR: going \x1b[31maway)`, ""},
		{"/rst-body", 18, "the response body ended early or is malformed: 127.0.0.1 reset the stream (HTTP/2 INTERNAL_ERROR)", "partial\n"},
		{"/goaway-body", 18, "the response body ended early or is malformed: 127.0.0.1 closed the connection (HTTP/2 GOAWAY INTERNAL_ERROR)", "partial\n"},
		{"/goaway-left-out", 18, "the response body ended early or is malformed: 127.0.0.1 closed the connection (HTTP/2 GOAWAY: a shutdown that left this request out)", "partial\n"},
		{"/short-body", 18, "the response body ended early: 127.0.0.1 sent 8 of the 100 bytes its Content-Length promised", "partial\n"},
		{"/long-body", 18, "the response body ended early or is malformed: 127.0.0.1 sent more body than its Content-Length said (HTTP/2)", "01234"},
		{"/lengths", 1, "127.0.0.1 sent a malformed response, refused: HTTP/2 contradicting Content-Length fields (5 and 6)", ""},
		{"/no-status", 1, "127.0.0.1 sent a malformed response, refused: HTTP/2 missing status pseudo header", ""},
		{"/informs-end", 1, "127.0.0.1 sent a malformed response, refused: HTTP/2 PROTOCOL_ERROR: 1xx informational response with END_STREAM flag", ""},
		{"/upper-name", 1, `127.0.0.1 sent a malformed response, refused: HTTP/2 PROTOCOL_ERROR: invalid header field name "X-Upper"`, ""},
		{"/data-first", 1, "127.0.0.1 sent a malformed response, refused: HTTP/2 PROTOCOL_ERROR", ""},
		{"/trailer-status", 18, "the response body ended early or is malformed: 127.0.0.1 broke HTTP/2 (connection error: PROTOCOL_ERROR)", "ok\n"},
		{"/bad-hpack", 1, "127.0.0.1 sent a malformed response, refused: HTTP/2 connection error: COMPRESSION_ERROR", ""},
		{"/push", 1, "127.0.0.1 sent a malformed response, refused: HTTP/2 connection error: PROTOCOL_ERROR", ""},
		{"/continuation", 1, "127.0.0.1 sent a malformed response, refused: HTTP/2 connection error: PROTOCOL_ERROR", ""},
		{"/pings", 28, "timed out after 1s waiting for the first byte (idle limit; raise --timeout)", ""},
		{"/big-frame", 18, "the response body ended early or is malformed: 127.0.0.1 broke HTTP/2 (a frame larger than the SETTINGS_MAX_FRAME_SIZE hop announced)", ""},
		{"/big-head", 1, "127.0.0.1 sent a malformed response, refused: HTTP/2 frame larger than the SETTINGS_MAX_FRAME_SIZE hop announced", ""},
		{"/goaway-calm", 1, "127.0.0.1 closed the connection without answering (HTTP/2 GOAWAY ENHANCE_YOUR_CALM)", ""},
		{"/window-overflow", 28, "timed out after 1s waiting for the first byte (idle limit; raise --timeout)", ""},
		{"/window-overflow-body", 28, "timed out after 1s waiting for the rest of the body (idle limit; raise --timeout)", "partial\n"},
	} {
		t.Run(c.path, func(t *testing.T) {
			r := runHopAt(t, false, "get", "--http2", "--timeout", "1", srv.URL()+c.path)
			want := "hop: error: " + c.line + "\n"
			// The read that took /window-overflow-body's 8 bytes may be the one stuck: it never gives them back.
			held := c.path == "/window-overflow-body" && len(r.stdout) == 0
			if r.code != c.code || string(r.stderr) != want || string(r.stdout) != c.out && !held {
				t.Errorf("exit %d, stderr %q, stdout %q; want %d, %q, %q", r.code, r.stderr, r.stdout, c.code, want, c.out)
			}
		})
	}
}

// TestRequestLineWithoutAnswer: -v's request line names the protocol the request went over even when no
// answer came (a stream reset): HTTP/2 over h2c and over TLS (ALPN h2), where hop once wrote HTTP/1.1.
func TestRequestLineWithoutAnswer(t *testing.T) {
	h2c, err := testserver.StartRawH2()
	if err != nil {
		t.Fatal(err)
	}
	defer h2c.Close()
	overTLS := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
	overTLS.EnableHTTP2 = true
	overTLS.Config.ErrorLog = log.New(io.Discard, "", 0)
	overTLS.StartTLS()
	defer overTLS.Close()
	for _, args := range [][]string{{"--http2", h2c.URL() + "/reset"}, {"-k", overTLS.URL + "/reset"}} {
		r := runHopAt(t, false, append([]string{"get", "-v", "--timeout", "2"}, args...)...)
		line := regexp.MustCompile(`(?m)^GET /reset .*$`).Find(r.stderr)
		if r.code == 0 || string(line) != "GET /reset HTTP/2" {
			t.Errorf("hop get -v %q: exit %d, request line %q; want a failure and GET /reset HTTP/2 (stderr %q)", args, r.code, line, r.stderr)
		}
	}
}

// TestHostileHTTP3Server: the same acts over HTTP/3 are told in the same words (quic-go's were "http3:
// parsing frame failed: H3_INTERNAL_ERROR"), and an H3_REQUEST_REJECTED is a refusal, as HTTP/2's
// REFUSED_STREAM is: exit 52, and --retry sends even a POST again.
func TestHostileHTTP3Server(t *testing.T) {
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	defer tlsSrv.Close()
	h3, err := testserver.ServeHTTP3(tlsSrv.TLS.Certificates[0], testserver.HostileHTTP3())
	if err != nil {
		t.Fatal(err)
	}
	defer h3.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, []byte(testserver.CertPEM(tlsSrv.Certificate())), 0o644); err != nil {
		t.Fatal(err)
	}
	const rejected = "127.0.0.1 turned the request away without processing it (HTTP/3 H3_REQUEST_REJECTED): it is not taking requests now; try again later (--retry), or over TCP (without --http3 or --alt-svc)"
	for _, c := range []struct {
		args []string
		code int
		line string // the last line on stderr
		out  string
	}{
		{[]string{"get", "/reject"}, 52, rejected, ""},
		{[]string{"post", "--retry", "1", "--retry-delay", "0.1", "/reject", "a=b"}, 52, rejected, ""},
		{[]string{"get", "/reset"}, 1, "127.0.0.1 reset the stream without answering (HTTP/3 H3_INTERNAL_ERROR)", ""},
		{[]string{"get", "/close"}, 1, `127.0.0.1 closed the connection without answering (HTTP/3 H3_EXCESSIVE_LOAD: go away \x1b[31mnow)`, ""},
		{[]string{"get", "/reset-body"}, 18, "the response body ended early or is malformed: 127.0.0.1 reset the stream (HTTP/3 H3_INTERNAL_ERROR)", "partial\n"},
		{[]string{"get", "/close-body"}, 18, "the response body ended early or is malformed: 127.0.0.1 closed the connection (HTTP/3 H3_INTERNAL_ERROR)", "partial\n"},
		{[]string{"get", "/long"}, 18, "the response body ended early or is malformed: 127.0.0.1 sent more body than its Content-Length said (HTTP/3)", "01234"},
		{[]string{"get", "/lengths"}, 1, "127.0.0.1 sent a malformed response, refused: HTTP/3 contradicting content lengths (5 and 6)", ""},
		{[]string{"get", "/hints"}, 1, "127.0.0.1 sent more than 5 informational (1xx) responses without a final one; refused (quic-go's HTTP/3 limit)", ""},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			args := []string{"--http3", "--cacert", ca}
			for _, a := range c.args {
				if strings.HasPrefix(a, "/") {
					a = h3.URL + a
				}
				args = append(args, a)
			}
			r := runHopAt(t, false, args...)
			stderr := strings.TrimSuffix(string(r.stderr), "\n")
			line := "hop: error: " + c.line
			if r.code != c.code || stderr[strings.LastIndexByte(stderr, '\n')+1:] != line || string(r.stdout) != c.out {
				t.Errorf("exit %d, stderr %q, stdout %q; want %d, last line %q, %q", r.code, r.stderr, r.stdout, c.code, line, c.out)
			}
			if c.args[0] == "post" && !strings.Contains(stderr, "attempt 2 of 2") {
				t.Errorf("the POST was not sent again: %q", stderr)
			}
		})
	}
}

// TestHTTP3FramingInWords: an answer that breaks HTTP/3's framing below quic-go's http3 layer is told in
// hop's words, as HTTP/2's are (quic-go's were "http3: expected first frame to be a HEADERS frame", "peer
// sent an unexpected frame: *http3.settingsFrame", "strconv.Atoi: parsing ..."); a stream that ends before
// any frame is an empty reply.
func TestHTTP3FramingInWords(t *testing.T) {
	cert, root := loopbackCert(t)
	srv, err := testserver.ServeH3Frames(&tls.Config{Certificates: []tls.Certificate{cert}}, func(a *testserver.H3Answer) bool {
		switch a.Path {
		case "/data-first":
			a.Data([]byte("hi"))
		case "/reserved":
			a.Frame(0x06, []byte{0}) // HTTP/2's PING
		case "/cut-frame":
			a.Frame(0x21, []byte("unknown frames are skipped"))
			a.Stream.Write([]byte{0x21, 0x40, 0xff, 'x'}) // one that promises 255 bytes, and the stream ends
		case "/settings-in-body":
			a.Headers(":status", "200")
			a.Data([]byte("hi"))
			a.Frame(0x04, nil)
		case "/pseudo-trailer":
			a.Headers(":status", "200")
			a.Data([]byte("hi"))
			a.Headers(":status", "200")
		case "/second-trailer":
			a.Headers(":status", "200")
			a.Headers("x-t", "1")
			a.Headers("x-t", "2")
		case "/qpack":
			a.Frame(0x01, []byte("\x00\x00\xff"))
		case "/status":
			a.Headers(":status", "abc")
		case "/reserved-in-body":
			a.Headers(":status", "200")
			a.Data([]byte("hi"))
			a.Frame(0x08, []byte{0}) // HTTP/2's WINDOW_UPDATE
		case "/second-control":
			if s, err := a.Conn.OpenUniStream(); err == nil {
				s.Write([]byte{0x00, 0x04, 0x00}) // another control stream, with its SETTINGS
			}
			time.Sleep(3 * time.Second) // no answer: quic-go closes the connection first
		case "/unnamed-code":
			a.Stream.CancelWrite(0x999)
		case "/nothing":
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	const malformed = "127.0.0.1 sent a malformed response, refused: HTTP/3 "
	const body = "the response body ended early or is malformed: 127.0.0.1 broke HTTP/3 ("
	for _, c := range []struct {
		path string
		code int
		line string // the last line on stderr, after "hop: error: "
	}{
		{"/data-first", 1, malformed + "the answer began with another frame than its head (HEADERS)"},
		{"/reserved", 1, malformed + "a frame of type 0x6, one of HTTP/2's (PING), which HTTP/3 reserves"},
		{"/cut-frame", 52, "empty reply from 127.0.0.1: it closed the connection without answering (is it overloaded, or not speaking HTTP on this port?)"},
		{"/settings-in-body", 18, body + "a SETTINGS frame in the answer, where HTTP/3 allows none)"},
		{"/pseudo-trailer", 18, body + "a pseudo field (:status) in its trailer)"},
		{"/second-trailer", 18, body + "a second trailer)"},
		{"/qpack", 1, malformed + "a head whose QPACK field block does not decode (unexpected EOF)"},
		{"/status", 1, malformed + `a :status of "abc", not a number of three digits`},
		{"/reserved-in-body", 18, body + "a frame of type 0x8, one of HTTP/2's (WINDOW_UPDATE), which HTTP/3 reserves)"},
		{"/second-control", 1, malformed + "a stream the server may not open (H3_STREAM_CREATION_ERROR: duplicate control stream; hop closed the connection)"},
		{"/unnamed-code", 1, "127.0.0.1 reset the stream without answering (HTTP/3 error code 0x999)"},
		{"/nothing", 52, "empty reply from 127.0.0.1: it closed the connection without answering (is it overloaded, or not speaking HTTP on this port?)"},
	} {
		r := runHopAt(t, false, "get", srv.URL+c.path, "--http3", "--cacert", root, "-o", os.DevNull)
		stderr := strings.TrimSuffix(string(r.stderr), "\n")
		if last := stderr[strings.LastIndexByte(stderr, '\n')+1:]; r.code != c.code || last != "hop: error: "+c.line {
			t.Errorf("%s: exit %d, last line %q; want %d, %q", c.path, r.code, last, c.code, "hop: error: "+c.line)
		}
	}
}

// TestUnreadUpload: a server that takes the connection and never reads the request ends an upload after the
// idle limit, exit 28, and the line says the request was still being sent. net/http reports a request whose
// write failed as written, so hop said it was waiting for the first byte; and about half the time the
// error was the write's "use of closed network connection", exit 1.
func TestUnreadUpload(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	testserver.HoldConns(ln)
	big := sparseFile(t, 256<<20)
	for _, proto := range []string{"--http1.1", "--http2"} {
		r := runHopAt(t, false, "post", proto, "http://"+ln.Addr().String()+"/", "@"+big, "--timeout", "300ms")
		want := "hop: error: timed out after 300ms waiting for the request to be sent (idle limit; raise --timeout)\n"
		if r.code != 28 || string(r.stderr) != want {
			t.Errorf("%s: exit %d, stderr %q; want 28 and %q", proto, r.code, r.stderr, want)
		}
	}
}

// sparseFile is a file of size zero bytes that takes no disk: an upload larger than loopback's buffers
// hold, for a server that stops reading.
func sparseFile(t *testing.T, size int64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sparse")
	f, err := os.Create(path)
	if err == nil {
		err = f.Truncate(size)
		f.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// TestResettingServer: a server that resets the connection (a close with unread data, or SO_LINGER 0) after
// reading the request's head, or some of its body, gets one line and exit 52, as an empty reply: hop printed
// Go's "read tcp …: read: connection reset by peer", or during an upload "write: broken pipe" or "use of
// closed network connection" (the write loop's error, once the read loop had closed the connection), exit 1.
// One that answers an upload early (413) and closes with the body unread gets its answer shown, as curl
// shows it: hop lost it to the write's error more often than not.
func TestResettingServer(t *testing.T) {
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler()) // for its certificate
	defer tlsSrv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, []byte(testserver.CertPEM(tlsSrv.Certificate())), 0o644); err != nil {
		t.Fatal(err)
	}
	big := sparseFile(t, 256<<20)
	for _, scheme := range []string{"http", "https"} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		if scheme == "https" {
			ln = tls.NewListener(ln, tlsSrv.TLS)
		}
		testserver.ServeConns(ln, func(c net.Conn) {
			req, err := http.ReadRequest(bufio.NewReader(c))
			if err == nil {
				io.CopyN(io.Discard, req.Body, 64<<10) // a little of an upload's body, then no more
			}
			tcp := c
			if tc, ok := c.(*tls.Conn); ok {
				tcp = tc.NetConn()
			}
			if err == nil && req.URL.Path == "/early" {
				io.WriteString(c, "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 8\r\nConnection: close\r\n\r\ntoo big\n")
			} else {
				tcp.(*net.TCPConn).SetLinger(0)
			}
			tcp.Close() // with the body unread: a reset
		})
		url := scheme + "://" + ln.Addr().String() + "/"
		for _, c := range []struct {
			args []string
			code int
			line string
			out  string
		}{
			{[]string{"get", url}, 52, "127.0.0.1 reset the connection without answering (is it overloaded, or not speaking HTTP on this port?)", ""},
			{[]string{"post", url, "@" + big}, 52, "127.0.0.1 closed the connection while the request body was being sent, without answering (is the body more than it takes?)", ""},
			{[]string{"post", url + "early", "@" + big}, 4, "HTTP 413 Payload Too Large: client error: the request body is too large", "too big\n"},
		} {
			for range 5 { // the loops' race differs from run to run
				r := runHopAt(t, false, append(c.args, "--cacert", ca)...)
				if want := "hop: error: " + c.line + "\n"; r.code != c.code || string(r.stderr) != want || string(r.stdout) != c.out {
					t.Errorf("%s: exit %d, stderr %q, stdout %q; want %d, %q, %q", c.args[1], r.code, r.stderr, r.stdout, c.code, want, c.out)
					break
				}
			}
		}
	}
}

func trimmed(b []byte) string {
	s := string(b)
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// Text and server-sent events stream to a terminal as they come: the server sends a line and waits until
// the test has seen it on hop's terminal before sending the next, so a hop that held output until the end
// would never show the first line, and the test would fail instead of taking longer.
func TestStreamsShowAsTheyCome(t *testing.T) {
	for _, kind := range []struct{ ctype, line, want string }{
		{"text/plain", "log line %d\n", "log line %d"},
		{"text/event-stream", "event: tick\ndata: %d\n\n", "data: %d"},
		{"application/x-ndjson", `{"n":%d}` + "\n", `"n": %d`},
	} {
		seen := make(chan int)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", kind.ctype)
			for i := range 3 {
				fmt.Fprintf(w, kind.line, i)
				w.(http.Flusher).Flush()
				select {
				case <-seen:
				case <-time.After(30 * time.Second):
					return
				}
			}
		}))
		master, slave, err := pty.Open()
		if err != nil {
			t.Fatal(err)
		}
		c := exec.Command(hopBinary(t), "get", srv.URL)
		c.Env = append(os.Environ(), "NO_COLOR=1")
		c.Stdout, c.Stderr = slave, io.Discard
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(master)
		for i := range 3 {
			want := fmt.Sprintf(kind.want, i)
			for lines.Scan() && !strings.Contains(lines.Text(), want) {
			}
			if !strings.Contains(lines.Text(), want) {
				t.Fatalf("%s: never saw %q", kind.ctype, want)
			}
			seen <- i
		}
		c.Wait()
		slave.Close()
		master.Close()
		srv.Close()
	}
}

// A certificate's subject, issuer and names are the server's text too: hop cert shows them escaped.
func TestHostileCertificate(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	name := pkix.Name{CommonName: testserver.Escapes, Organization: []string{"evil\u202eCorp \u009b31m"}}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: name, Issuer: name,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"a\x1b[31m.example", "b.example"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "evil.pem")
	os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	for _, args := range [][]string{{"cert", path}, {"cert", path, "--format", "json"}} {
		r := runHopAt(t, true, args...)
		if !bytes.Contains(r.stdout, []byte("b.example")) {
			t.Errorf("hop %q showed no certificate:\n%s", args, trimmed(r.stdout))
		}
		for _, out := range [][]byte{r.stdout, r.stderr} {
			if i := rawEscape(out); i >= 0 {
				t.Errorf("hop %q: a raw control reached the terminal: %q", args, out[max(0, i-30):min(len(out), i+30)])
			}
		}
	}
}

// TestMaxTimeBoundsTheBody: -m bounds the wait for a request body whose producer may hang (standard input
// held open and never written, a named pipe no one writes to): exit 28 naming it, never a hang. A producer
// that answers within the limit is sent as usual, the wait counted in the total.
func TestMaxTimeBoundsTheBody(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	run := func(stdin io.Reader, args ...string) (string, string, int) {
		t.Helper()
		c := exec.Command(hopBinary(t), args...)
		c.Stdin = stdin
		var out, errb bytes.Buffer
		c.Stdout, c.Stderr = &out, &errb
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { c.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			c.Process.Kill()
			<-done
			t.Fatalf("hop %v did not end: -m was not applied to standard input", args)
		}
		return out.String(), errb.String(), c.ProcessState.ExitCode()
	}
	pr, pw, err := os.Pipe() // held open, never written
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	defer pr.Close()
	const want = "timed out after 1s waiting for the request body (standard input or a file) (total limit"
	_, stderr, code := run(pr, "post", srv.URL+"/post", "@-", "-m", "1")
	if code != 28 || !strings.Contains(stderr, want) {
		t.Errorf("stalled stdin: exit %d, stderr %q; want 28 naming the body", code, stderr)
	}
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, item := range []string{"a=@" + fifo, "@" + fifo} {
		_, stderr, code = run(nil, "post", srv.URL+"/post", item, "-m", "1")
		if code != 28 || !strings.Contains(stderr, want) {
			t.Errorf("%s, a named pipe no one writes to: exit %d, stderr %q; want 28 naming the body", item, code, stderr)
		}
	}
	// A body that arrives in time is sent.
	slow, sw := io.Pipe()
	go func() {
		time.Sleep(200 * time.Millisecond)
		io.WriteString(sw, `{"late":true}`)
		sw.Close()
	}()
	out, stderr, code := run(slow, "post", srv.URL+"/post", "-m", "20")
	if code != 0 || !strings.Contains(out, `"late": true`) {
		t.Errorf("stdin in time: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

// TestHostileHTTP2: what the hostile table checks over HTTP/1.1, over HTTP/2 where net/http's wording differs.
func TestHostileHTTP2(t *testing.T) {
	srv := testserver.Start(testserver.Config{TLS: true})
	defer srv.Close()
	for _, h := range []struct {
		path   string
		code   int
		stderr string
	}{
		{"/hostile/many-headers", 1, `^hop: error: 127.0.0.1 sent a malformed response, refused: HTTP/2 connection error: PROTOCOL_ERROR`},
	} {
		r := runHopAt(t, false, "get", srv.URL+h.path, "-k", "-q")
		lines := strings.Split(strings.TrimRight(string(r.stderr), "\n"), "\n")
		if r.code != h.code || !regexp.MustCompile(h.stderr).MatchString(lines[len(lines)-1]) {
			t.Errorf("%s over HTTP/2: exit %d, stderr %q; want %d and a line matching %q", h.path, r.code, r.stderr, h.code, h.stderr)
		}
	}
}

// TestKeyGoRefuses: a server whose RSA key is too small for Go (768 bits; openssl s_server at security level
// 0 serves it) fails the handshake whatever the verification: the error says so in words, not as an
// invalid signature with a hint that the port might not speak TLS, and hop cert still shows the chain that
// came, the key graded insecure and the handshake marked as not completed.
func TestKeyGoRefuses(t *testing.T) {
	dir := t.TempDir()
	testserver.RunOpenSSL(t, dir, "req", "-x509", "-newkey", "rsa:768", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "1",
		"-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
	srv, err := testserver.StartOpenSSL(dir, "-cert", "cert.pem", "-key", "key.pem", "-cipher", "ALL@SECLEVEL=0", "-www")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	const why = "TLS handshake with 127.0.0.1 failed: the server's certificate has a 768-bit RSA key, which Go refuses as insecure whatever the verification (the server needs a key of 2048 bits or more)"
	r := runHopAt(t, false, "get", "https://"+srv.Addr+"/", "-k")
	if r.code != 35 || !bytes.Contains(r.stderr, []byte(why)) {
		t.Errorf("hop get: exit %d, %q; want 35 saying %q", r.code, r.stderr, why)
	}
	r = runHopAt(t, false, "cert", srv.Addr, "--cacert", filepath.Join(dir, "cert.pem"))
	for _, want := range []string{"Key          RSA 768 (insecure)", "  ✗ Failed         the handshake did not complete (the error below says why)"} {
		if !bytes.Contains(r.stdout, []byte(want)) {
			t.Errorf("hop cert's report lacks %q:\n%s", want, r.stdout)
		}
	}
	if r.code != 35 || !bytes.Contains(r.stderr, []byte(why)) {
		t.Errorf("hop cert: exit %d, %q; want 35 saying %q", r.code, r.stderr, why)
	}
}

// TestClientKeyTheServerCannotTake: a server that takes client certificates signed with RSA only (openssl
// s_server -client_sigalgs) asks, and --cert holds an ECDSA key. Go failed the handshake ("peer doesn't
// support any of the certificate's signature algorithms", with a hint that the port might not speak TLS);
// hop now sends none, as curl (OpenSSL) does, so a server that only asks goes on, and one that requires a
// certificate is refused with the reason; --tls and hop cert say why none went.
func TestClientKeyTheServerCannotTake(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"server", "client"} {
		testserver.RunOpenSSL(t, dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name+"-key.pem",
			"-out", name+".pem", "-days", "1", "-subj", "/CN="+name, "-addext", "subjectAltName=IP:127.0.0.1")
	}
	why := "--cert's ECDSA key makes none of the signatures the server takes (PSSWithSHA256, PKCS1WithSHA256)"
	for _, tt := range []struct {
		verify string // s_server's: -verify asks, -Verify requires
		code   int
		stderr string
	}{
		{"-verify", 0, "client certificate asked for, none sent: " + why},
		{"-Verify", 35, "the server asked for a client certificate, but " + why + ", so hop sent none; it closed the connection: remote error: tls: certificate required"},
	} {
		srv, err := testserver.StartOpenSSL(dir, "-cert", "server.pem", "-key", "server-key.pem", tt.verify, "1", "-CAfile", "client.pem",
			"-client_sigalgs", "RSA-PSS+SHA256:RSA+SHA256", "-www")
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		tls := []string{"--cacert", filepath.Join(dir, "server.pem"), "--cert", filepath.Join(dir, "client.pem"), "--key", filepath.Join(dir, "client-key.pem")}
		r := runHopAt(t, false, append([]string{"get", "https://" + srv.Addr + "/", "--tls", "-o", os.DevNull}, tls...)...)
		if r.code != tt.code || !bytes.Contains(r.stderr, []byte(tt.stderr)) {
			t.Errorf("s_server %s: exit %d, %q; want %d saying %q", tt.verify, r.code, r.stderr, tt.code, tt.stderr)
		}
		r = runHopAt(t, false, append([]string{"cert", srv.Addr}, tls...)...)
		if want := "hop sent none, as " + why; !bytes.Contains(r.stdout, []byte(want)) || r.code != tt.code {
			t.Errorf("hop cert, s_server %s: exit %d, %s; want %d and %q", tt.verify, r.code, r.stdout, tt.code, want)
		}
	}
}

// TestNotHTTPAnswers: a server that answers a request with no status line at all (an HTTP/0.9 body, a
// Redis error, a binary protocol's bytes) is said to, with the line it sent, where hop said "malformed HTTP
// status code" with whatever net/http took for one.
func TestNotHTTPAnswers(t *testing.T) {
	for _, answer := range []string{"just a body\n", "-ERR unknown command 'GET'\r\n", "\x00\x00\x00\x01\x0aE\x1b[2J\n"} {
		addr := testserver.ServeLoopback(t, func(conn net.Conn) {
			defer conn.Close()
			conn.Read(make([]byte, 4096))
			io.WriteString(conn, answer)
		})
		line, _, _ := strings.Cut(strings.TrimRight(answer, "\r\n"), "\n")
		want := fmt.Sprintf("hop: error: 127.0.0.1 answered without an HTTP status line: %q (an HTTP/0.9 reply, which hop does not take, or another protocol on this port?)\n", line)
		r := runHopAt(t, false, "get", "http://"+addr+"/")
		if r.code != 1 || string(r.stderr) != want {
			t.Errorf("answer %q: exit %d, stderr %q; want 1, %q", answer, r.code, r.stderr, want)
		}
	}
}

// TestNotTLS: an answer to a TLS hello that is neither TLS, HTTP nor a greeting hop knows is quoted by its
// first bytes, and through a proxy's tunnel the line says the bytes came through it, where hop gave Go's
// "tls: first record does not look like a TLS handshake" and asked whether the port speaks TLS. A hang-up
// during the handshake is said as one, where hop gave "EOF" or "read tcp A->B: read: connection reset by
// peer".
func TestNotTLS(t *testing.T) {
	junk := testserver.ServeLoopback(t, func(conn net.Conn) {
		defer conn.Close()
		conn.Read(make([]byte, 4096))
		io.WriteString(conn, "hello \x1b[31mworld\r\n")
	})
	tunnel := testserver.ServeLoopback(t, func(conn net.Conn) { // a proxy that answers for the server itself
		defer conn.Close()
		req, err := http.ReadRequest(bufio.NewReader(conn))
		if err != nil || req.Method != http.MethodConnect {
			return
		}
		io.WriteString(conn, "HTTP/1.1 200 OK\r\n\r\nEXTRA bytes of the proxy's own")
		conn.Read(make([]byte, 4096))
	})
	hangUp := func(reset bool) func(net.Conn) {
		return func(conn net.Conn) {
			defer conn.Close()
			if reset {
				conn.Read(make([]byte, 100)) // the hello under way
				conn.(*net.TCPConn).SetLinger(0)
				return
			}
			readHello(conn) // the whole hello read: the close is a clean one
		}
	}
	closes, resets := testserver.ServeLoopback(t, hangUp(false)), testserver.ServeLoopback(t, hangUp(true))
	closingTunnel := testserver.ServeLoopback(t, func(conn net.Conn) { // a proxy that ends its tunnel unanswered
		defer conn.Close()
		if req, err := http.ReadRequest(bufio.NewReader(conn)); err == nil && req.Method == http.MethodConnect {
			io.WriteString(conn, "HTTP/1.1 200 OK\r\n\r\n")
			readHello(conn) // or a hello arriving after the close makes it a reset
		}
	})
	for _, c := range []struct {
		args []string
		line string
	}{
		{[]string{"get", "https://" + closes + "/"}, "TLS handshake with 127.0.0.1 failed: the server closed the connection during the handshake (does the port speak TLS?)"},
		{[]string{"get", "https://" + resets + "/"}, "TLS handshake with 127.0.0.1 failed: the server reset the connection during the handshake (does the port speak TLS?)"},
		{[]string{"cert", resets}, "TLS handshake with 127.0.0.1 failed: the server reset the connection during the handshake (does the port speak TLS?)"},
		{[]string{"get", "https://127.0.0.1:1/", "-x", "http://" + closingTunnel}, "TLS handshake with 127.0.0.1 failed: the proxy's tunnel closed during the handshake (the proxy ended it, or the server hung up)"},
		{[]string{"get", "https://" + junk + "/"}, `TLS handshake with 127.0.0.1 failed: it answered with bytes that are not TLS ("hello"): does the port speak TLS?`},
		{[]string{"cert", junk}, `TLS handshake with 127.0.0.1 failed: it answered with bytes that are not TLS ("hello"): does the port speak TLS?`},
		{[]string{"get", "https://127.0.0.1:1/", "-x", "http://" + tunnel}, `TLS handshake with 127.0.0.1 failed: it answered with bytes that are not TLS ("EXTRA") through the proxy's tunnel: the proxy's own, or a server that does not speak TLS there`},
	} {
		r := runHopAt(t, false, c.args...)
		if want := "hop: error: " + c.line + "\n"; r.code != 35 || string(r.stderr) != want {
			t.Errorf("%s: exit %d, stderr %q; want 35, %q", strings.Join(c.args, " "), r.code, r.stderr, want)
		}
	}
}

// readHello reads one TLS record, the client's hello, so that a close after it is a clean one: a close
// with unread bytes, or bytes arriving after it, is a reset.
func readHello(conn net.Conn) {
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	head := make([]byte, 5)
	if _, err := io.ReadFull(conn, head); err != nil {
		return
	}
	io.CopyN(io.Discard, conn, int64(head[3])<<8|int64(head[4]))
}

// TestOtherProtocols: a port whose server speaks first in another protocol (SSH on 22, SMTP on 25) is named
// by its greeting, for http:// (net/http read it as a malformed status line), https:// and hop cert (the
// TLS handshake read it as a record), and as a proxy (its answer to the CONNECT), where hop said
// "malformed HTTP status code", "malformed HTTP version" or Go's "first record does not look like a TLS
// handshake".
func TestOtherProtocols(t *testing.T) {
	for _, c := range []struct{ greeting, protocol string }{
		{"SSH-2.0-OpenSSH_9.2p1 Debian-2", "SSH"},
		{"220 mail.example.com ESMTP Postfix", "SMTP or FTP"},
	} {
		addr := testserver.ServeLoopback(t, func(conn net.Conn) {
			defer conn.Close()
			io.WriteString(conn, c.greeting+"\r\n")
			conn.Read(make([]byte, 4096))
			io.WriteString(conn, "Protocol mismatch.\r\n")
		})
		for _, w := range []struct {
			args []string
			code int
			line string
		}{
			{[]string{"get", "http://" + addr + "/"}, 1, fmt.Sprintf("127.0.0.1 answered in %s, not HTTP: %q (is the port right?)", c.protocol, c.greeting)},
			{[]string{"get", "https://" + addr + "/"}, 35, "TLS handshake with 127.0.0.1 failed: it answered in " + c.protocol + ", not TLS (is the port right?)"},
			{[]string{"cert", addr}, 35, "TLS handshake with 127.0.0.1 failed: it answered in " + c.protocol + ", not TLS (is the port right?)"},
			{[]string{"get", "https://example.com/", "-x", "http://" + addr}, 56, fmt.Sprintf("the proxy http://%s refused the tunnel to example.com:443: it answered the CONNECT in %s, not HTTP: %q (is the proxy's port right?)", addr, c.protocol, c.greeting)},
		} {
			r := runHopAt(t, false, w.args...)
			if want := "hop: error: " + w.line + "\n"; r.code != w.code || string(r.stderr) != want {
				t.Errorf("%s: exit %d, stderr %q; want %d, %q", strings.Join(w.args, " "), r.code, r.stderr, w.code, want)
			}
		}
	}
}
