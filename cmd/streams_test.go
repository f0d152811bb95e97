package cmd_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// fifo makes a named pipe in dir that gives content once to the first reader, as a shell's <(command) does.
func fifo(t *testing.T, dir, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		w, err := os.OpenFile(path, os.O_WRONLY, 0) // waits for hop to open it
		if err != nil {
			return
		}
		w.Write(content) // an error here is hop's to report
		w.Close()
	}()
	t.Cleanup(func() {
		// Should hop not have read it all, a reader of our own lets the writer end.
		if r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			io.Copy(io.Discard, r)
			r.Close()
		}
		<-done
	})
	return path
}

// TestFilesThatAreNotRegular: a file argument that is a named pipe (a shell's <(command)) or reports no
// size (/proc, /sys) is read for what it holds, as curl and HTTPie read it, not sent by the size stat
// gives: a pipe's 0 made hop send an empty body, or fail on a multipart part with net/http's
// "ContentLength=231 with Body length 237".
func TestFilesThatAreNotRegular(t *testing.T) {
	dir := t.TempDir()
	content := "from a pipe\n"
	proc, err := os.ReadFile("/proc/version")
	if err != nil {
		t.Skip("no /proc/version here")
	}
	if fi, err := os.Stat("/proc/version"); err != nil || fi.Size() != 0 {
		t.Fatalf("/proc/version is meant to report size 0: %v, %v", fi.Size(), err)
	}
	// -m bounds each run: a hop that waits for a second writer that never comes must fail, not hang the tests.
	for _, tt := range []expect{
		// Whole bodies fit in memory: sent with a Content-Length, as standard input is.
		{args: []string{"post", "REC/x", "@" + fifo(t, dir, "body", []byte(content))}, body: content, noChunks: true},
		{args: []string{"put", "REC/x", "-T", fifo(t, dir, "upload", []byte(content))}, body: content, noChunks: true},
		{args: []string{"post", "REC/x", "@/proc/version"}, body: string(proc), noChunks: true},
		// Multipart parts.
		{args: []string{"post", "REC/x", "f@" + fifo(t, dir, "part", []byte(content)), "a=1"},
			parts: []part{{"f", "part", "application/octet-stream", content}, {"a", "", "", "1"}}, noChunks: true},
		{args: []string{"post", "REC/x", "-F", "f=@" + fifo(t, dir, "curlpart", []byte(content))},
			parts: []part{{"f", "curlpart", "application/octet-stream", content}}, noChunks: true},
		{args: []string{"post", "REC/x", "f@/proc/version"}, parts: []part{{"f", "version", "application/octet-stream", string(proc)}}},
	} {
		tt.args = append(tt.args, "-m", "20")
		check(t, dir, tt)
	}

	// Longer than what hop holds in memory (8 MiB): streamed, every byte.
	big := bytes.Repeat([]byte("0123456789abcdef"), 9<<20/16)
	rec, code := sent(t, dir, nil, "post", "REC/x", "@"+fifo(t, dir, "big", big), "-m", "20")
	if code != 0 || !bytes.Equal(rec.Body, big) {
		t.Errorf("a 9 MiB pipe as the body: exit %d, %d bytes received, want %d", code, len(rec.Body), len(big))
	}
	rec, code = sent(t, dir, nil, "post", "REC/x", "f@"+fifo(t, dir, "bigpart", big), "-m", "20")
	if code != 0 {
		t.Errorf("a 9 MiB pipe as a part: exit %d", code)
	} else if got := parts(t, rec); len(got) != 1 || got[0].body != string(big) {
		t.Errorf("a 9 MiB pipe as a part: the part differs (%d parts)", len(got))
	}
	// ... and so cannot be sent twice: refused with --retry, as standard input is, before anything is sent.
	for _, args := range [][]string{
		{"post", "REC/x", "@" + fifo(t, dir, "big-retry", big), "--retry", "1", "-m", "20"},
		{"post", "REC/x", "f@" + fifo(t, dir, "bigpart-retry", big), "--retry", "1", "-m", "20"},
	} {
		if _, code := sent(t, dir, nil, args...); code != 2 {
			t.Errorf("hop %q exited %d, want 2", args, code)
		}
	}
}
