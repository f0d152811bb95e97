package cmd_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hop-cli/hop/testserver"
)

// patternSum is the SHA-256 of the test server's n-byte /download/ file.
func patternSum(n int64) [32]byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = testserver.PatternByte(int64(i))
	}
	return sha256.Sum256(b)
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// hopIn runs hop in dir and returns its exit code and stderr.
func hopIn(t *testing.T, dir string, args ...string) (int, string) {
	t.Helper()
	c := exec.Command(hopBinary(t), args...)
	c.Dir = dir
	var stderr bytes.Buffer
	c.Stderr = &stderr
	c.Run()
	return c.ProcessState.ExitCode(), stderr.String()
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// -O names the file from Content-Disposition or the URL typed, made safe; nothing lands outside the
// directory, and an existing file is replaced only with --force.
func TestDownloadNames(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	root := t.TempDir()
	dir := filepath.Join(root, "in")
	os.Mkdir(dir, 0o755)
	for _, tt := range []struct{ url, want string }{
		{"/download/..%2F..%2Fescaped.bin/../file/1000", "1000"}, // percent-encoded traversal: the name is the last segment
		{"/download/file/1000?cd=attachment%3B%20filename%3D%22report.pdf%22", "report.pdf"},
		{"/download/file/1000?cd=attachment%3B%20filename%3D%22..%2F..%2Fevil.sh%22", "evil.sh"},
		{"/download/file/1000?cd=attachment%3B%20filename%2A%3DUTF-8%27%27na%25C3%25AFve.txt", "naïve.txt"},
		{"/download/file/1000?cd=attachment%3B%20filename%3D%22.hidden%22", "hidden"},
		{"/download/file/1000?cd=attachment%3B%20filename%3D%22C%3A%5Cwin%5Cevil.exe%22", "evil.exe"}, // a Windows path
		{"/redirect-to?url=/download/file/1000%3Fcd%3Dinline", "redirect-to"},                         // the URL typed, not the redirect target
	} {
		if code, stderr := hopIn(t, dir, "get", srv.URL+tt.url, "-O", "-L"); code != 0 {
			t.Errorf("-O %s: exit %d %s", tt.url, code, stderr)
			continue
		}
		if fileSum(t, filepath.Join(dir, tt.want)) != patternSum(1000) {
			t.Errorf("-O %s: %s does not hold the file", tt.url, tt.want)
		}
	}
	if got := listDir(t, root); len(got) != 1 || got[0] != "in" {
		t.Errorf("written outside the directory: %v", got)
	}
	if got := listDir(t, dir); strings.Contains(strings.Join(got, " "), ".tmp") {
		t.Errorf("temporary files left: %v", got)
	}

	// An existing file: exit 2 naming it and --force, the file untouched; --force replaces it.
	os.WriteFile(filepath.Join(dir, "report.pdf"), []byte("mine"), 0o644)
	code, stderr := hopIn(t, dir, "get", srv.URL+"/download/file/500?cd=attachment%3B%20filename%3Dreport.pdf", "-O")
	if b, _ := os.ReadFile(filepath.Join(dir, "report.pdf")); code != 2 || string(b) != "mine" || !strings.Contains(stderr, "report.pdf already exists: --force replaces it") {
		t.Errorf("existing file: exit %d, %q, file %q", code, stderr, b)
	}
	if code, _ := hopIn(t, dir, "get", srv.URL+"/download/file/500?cd=attachment%3B%20filename%3Dreport.pdf", "-O", "--force"); code != 0 || fileSum(t, filepath.Join(dir, "report.pdf")) != patternSum(500) {
		t.Errorf("--force: exit %d", code)
	}
	// --output-dir.
	out := filepath.Join(root, "out")
	os.Mkdir(out, 0o755)
	if code, _ := hopIn(t, dir, "get", srv.URL+"/download/file/700", "-O", "--output-dir", out); code != 0 || fileSum(t, filepath.Join(out, "700")) != patternSum(700) {
		t.Errorf("--output-dir: exit %d", code)
	}
}

// A cut transfer leaves nothing under the final name and keeps its bytes in NAME.part; -C resumes them with
// Range (and If-Range from the validator kept), and the result is the file, byte for byte. A server that
// ignores Range sends it whole, and the file starts over; a 416 for a complete file is success.
func TestDownloadResume(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	dir := t.TempDir()
	const n = 3 << 20
	size := strconv.Itoa(n)
	code, stderr := hopIn(t, dir, "get", srv.URL+"/download/cut/"+size, "-o", "big.bin")
	if code != 18 || !strings.Contains(stderr, "big.bin.part; -C resumes") {
		t.Fatalf("cut transfer: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "big.bin")); err == nil {
		t.Errorf("a cut transfer left a file under its final name")
	}
	part, _ := os.Stat(filepath.Join(dir, "big.bin.part"))
	if part == nil || part.Size() != n/2 {
		t.Fatalf("the partial file: %v", part)
	}
	code, stderr = hopIn(t, dir, "get", srv.URL+"/download/file/"+size, "-o", "big.bin", "-C", "-v")
	if code != 0 || !strings.Contains(stderr, "Range: bytes="+strconv.Itoa(n/2)+"-") || !strings.Contains(stderr, "206 Partial Content") {
		t.Fatalf("resume: exit %d\n%s", code, stderr)
	}
	if fileSum(t, filepath.Join(dir, "big.bin")) != patternSum(n) {
		t.Errorf("the resumed file differs from the full download")
	}
	if got := listDir(t, dir); len(got) != 1 {
		t.Errorf("left behind: %v", got)
	}

	// Complete already: 416, success, the file untouched.
	if code, stderr := hopIn(t, dir, "get", srv.URL+"/download/file/"+size, "-o", "big.bin", "-C"); code != 0 || fileSum(t, filepath.Join(dir, "big.bin")) != patternSum(n) {
		t.Errorf("resuming a complete file: exit %d %s", code, stderr)
	}

	// A server that ignores Range: the whole file again, from the start.
	hopIn(t, dir, "get", srv.URL+"/download/cut/"+size, "-o", "again.bin")
	code, stderr = hopIn(t, dir, "get", srv.URL+"/download/norange/"+size, "-o", "again.bin", "-C")
	if code != 0 || !strings.Contains(stderr, "starting over") || fileSum(t, filepath.Join(dir, "again.bin")) != patternSum(n) {
		t.Errorf("a server ignoring Range: exit %d %s", code, stderr)
	}

	// A file that changed since (another ETag): If-Range makes the server send it whole.
	hopIn(t, dir, "get", srv.URL+"/download/cut/"+size, "-o", "changed.bin")
	code, stderr = hopIn(t, dir, "get", srv.URL+"/download/file/"+size+"?etag=v2", "-o", "changed.bin", "-C", "-v")
	if code != 0 || fileSum(t, filepath.Join(dir, "changed.bin")) != patternSum(n) {
		t.Errorf("a changed file: exit %d %s", code, stderr)
	}
	if strings.Contains(stderr, "If-Range:") && !strings.Contains(stderr, `If-Range: "v1-`+size+`"`) {
		t.Errorf("If-Range sent with the wrong validator:\n%s", stderr)
	}
}

// TestWritesIntoTheShellsFile: `hop get URL -o /dev/stdout > out` and `-c /dev/stdout > out` are curl
// habits. /dev/stdout leads to /proc/self/fd/1, which leads to out, a regular file: hop must write into it
// there, not replace the path through a temporary file beside it, which fails in /proc (and replaced the
// link /dev/stdout itself when hop ran as root). The test names /proc/self/fd/1, which cannot be harmed.
func TestWritesIntoTheShellsFile(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	dir := t.TempDir()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"get", srv.URL + "/bytes/100?seed=1", "-o", "/proc/self/fd/1"}, ""},
		{[]string{"get", srv.URL + "/cookies/set?flavour=oat", "-q", "-c", "/proc/self/fd/1"}, "\tflavour\toat\n"},
	} {
		out, err := os.Create(filepath.Join(dir, "out"))
		if err != nil {
			t.Fatal(err)
		}
		c := exec.Command(hopBinary(t), tt.args...)
		c.Stdout = out
		var stderr bytes.Buffer
		c.Stderr = &stderr
		err = c.Run()
		out.Close()
		got, _ := os.ReadFile(out.Name())
		if err != nil {
			t.Errorf("hop %q: %v: %s", tt.args, err, stderr.Bytes())
			continue
		}
		if tt.want == "" {
			want, _ := runHop(t, tt.args[:2]...)
			tt.want = string(want)
		}
		if !strings.Contains(string(got), tt.want) {
			t.Errorf("hop %q > out: out holds %q, want %q", tt.args, got, tt.want)
		}
	}
}

// A download whose body fails, retried (--retry), and whose next attempt fails before any answer: nothing
// is left in the directory but what -C can use. hop once left the retry's temporary file (.NAME.*.tmp)
// there when the first attempt had saved no byte; with bytes saved, they stay in NAME.part. --retry 1 is
// two requests in all: the resumed attempt once had a --retry of its own, and a third request went.
func TestResumedDownloadThatGetsNoAnswer(t *testing.T) {
	for _, first := range []string{"", "partial"} {
		var n atomic.Int32
		addr := testserver.ServeLoopback(t, func(c net.Conn) {
			defer c.Close()
			if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
				return
			}
			if n.Add(1) == 1 { // a body cut short; after it, connections close unanswered
				fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nETag: \"v1\"\r\n\r\n%s", first)
			}
		})
		dir := t.TempDir()
		code, stderr := hopIn(t, dir, "get", "http://"+addr+"/file.bin", "-O", "--retry", "1", "--retry-delay", "0")
		var want []string
		if first != "" {
			want = []string{"file.bin.part"}
		}
		if got := listDir(t, dir); code == 0 || !slices.Equal(got, want) {
			t.Errorf("first body %q: exit %d, left %q; want a failure and %q (stderr %q)", first, code, got, want, stderr)
		}
		if got, retries := n.Load(), strings.Count(stderr, "retrying"); got != 2 || retries != 1 {
			t.Errorf("first body %q, --retry 1: %d requests, %d retries said; want 2 and 1 (stderr %q)", first, got, retries, stderr)
		}
	}
}
