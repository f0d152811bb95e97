package cmd_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hop-cli/hop/cmd"
	"github.com/hop-cli/hop/testserver"
)

// parse runs the command line with runners that capture the options, so no request is sent.
func parse(t *testing.T, args ...string) (*cmd.RequestOptions, error) {
	t.Helper()
	s, _, _ := cmd.TestStreams("")
	var got *cmd.RequestOptions
	err := cmd.Execute(context.Background(), s, cmd.Runners{
		Request: func(_ context.Context, _ *cmd.Streams, o *cmd.RequestOptions) error { got = o; return nil },
		Cert:    func(context.Context, *cmd.Streams, *cmd.CertOptions) error { return nil },
	}, args)
	return got, err
}

func TestFlagParsing(t *testing.T) {
	o, err := parse(t, "-v", "post", "example.com/x", "a=1", "-H", "Accept: a, b", "-H", "X: 1", "-u", "ann:pw", "-L")
	if err != nil {
		t.Fatal(err)
	}
	if o.Spec.Method != "POST" || o.Spec.URL != "example.com/x" || !reflect.DeepEqual(o.Spec.Items, []string{"a=1"}) {
		t.Errorf("method, URL, items = %q, %q, %q", o.Spec.Method, o.Spec.URL, o.Spec.Items)
	}
	if want := []string{"Accept: a, b", "X: 1"}; !reflect.DeepEqual(o.Spec.Headers, want) {
		t.Errorf("-H = %q, want %q (commas must survive)", o.Spec.Headers, want)
	}
	if !o.Output.Verbose || !o.Exchange.Follow || o.Auth.Basic != "ann:pw" || !o.StdinBody {
		t.Errorf("verbose=%v follow=%v auth=%q stdinBody=%v", o.Output.Verbose, o.Exchange.Follow, o.Auth.Basic, o.StdinBody)
	}
	if o.Transport.ConnectTimeout != 10*time.Second || o.Transport.IdleTimeout != 30*time.Second || o.Exchange.MaxTime != 0 {
		t.Errorf("timeouts = %v, %v, %v; want 10s, 30s, 0 by default", o.Transport.ConnectTimeout, o.Transport.IdleTimeout, o.Exchange.MaxTime)
	}

	o, err = parse(t, "request", "purge", "example.com", "-X", "BAN")
	if err != nil || o.Spec.Method != "BAN" {
		t.Errorf("request purge -X BAN: method %q, err %v", o.Spec.Method, err)
	}
	o, err = parse(t, "get", "example.com")
	if err != nil || o.StdinBody {
		t.Errorf("get must never take stdin as the body (err %v)", err)
	}
	for _, bad := range [][]string{
		{"get"}, {"get", "x", "--pretty", "loud"}, {"get", "x", "--color", "pink"}, {"get", "x", "-p", "Z"},
		{"get", "x", "--http1.1", "--http2"}, {"get", "x", "--timeout", "-1s"}, {"request", "GET"},
	} {
		if _, err := parse(t, bad...); err == nil {
			t.Errorf("parse(%q) succeeded, want a usage error", bad)
		}
	}
}

// TestGetNeverReadsOpenStdin runs hop get with stdin an open pipe that nobody writes to: it must finish.
func TestGetNeverReadsOpenStdin(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	hop := hopBinary(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, method := range []string{"get", "head", "delete", "options"} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second) // a hang guard, not a measurement
		c := exec.CommandContext(ctx, hop, method, srv.URL+"/anything")
		c.Stdin = r
		out, err := c.CombinedOutput()
		hung := ctx.Err() != nil
		cancel()
		if hung {
			t.Fatalf("hop %s waited on an open stdin pipe", method)
		}
		if err != nil {
			t.Fatalf("hop %s: %v\n%s", method, err, out)
		}
	}
}

// TestNoReflectMethod keeps hop's binary small and quick to start: when anything reachable calls reflect's
// Method or MethodByName (text/template's Execute does, and cobra's Set*Template functions reach it), the
// linker keeps every exported method of every type: 1.7 MB and about 0.2 ms of start-up. The linker's
// dependency dump marks such functions <ReflectMethod>.
func TestNoReflectMethod(t *testing.T) {
	if testing.Short() {
		t.Skip("links hop")
	}
	build := exec.Command("go", "build", "-ldflags=-dumpdep", "-o", os.DevNull, "github.com/hop-cli/hop")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var found []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "<ReflectMethod>") {
			found = append(found, line)
		}
	}
	if len(found) > 0 {
		t.Errorf("reachable code calls reflect's Method/MethodByName, which disables dead method elimination:\n%s", strings.Join(found, "\n"))
	}
}

// zeroCounter counts the bytes written to it that are not zero. It compares whole blocks (a byte loop
// takes 15 s for a GiB under the race detector).
type zeroCounter struct{ nonZero int64 }

var zeroBlock = make([]byte, 64<<10)

func (z *zeroCounter) Write(p []byte) (int, error) {
	for rest := p; len(rest) > 0; {
		block := rest[:min(len(rest), len(zeroBlock))]
		if !bytes.Equal(block, zeroBlock[:len(block)]) {
			z.nonZero += int64(len(block) - bytes.Count(block, []byte{0}))
		}
		rest = rest[len(block):]
	}
	return len(p), nil
}

// TestLargeBodyFlatMemory pipes a 1 GiB body through a non-race build of hop and checks its peak memory.
func TestLargeBodyFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("downloads 1 GiB over loopback")
	}
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	c := exec.Command(plainHop(t), "get", srv.URL+"/misbehave/zeros/1073741824")
	stdout, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	// ru_maxrss is no good here: exec carries the parent's high-water mark into the child's. VmHWM in
	// /proc belongs to hop's own address space; sample it until hop exits.
	var peak int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		status := fmt.Sprintf("/proc/%d/status", c.Process.Pid)
		for {
			p, err := os.ReadFile(status)
			if err != nil {
				return
			}
			if kb := vmHWM(p); kb > 0 {
				peak = kb * 1024
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	// The server sends this body with sendfile from a file it wrote; every byte must still be a zero.
	var zeros zeroCounter
	n, _ := io.Copy(&zeros, stdout)
	if err := c.Wait(); err != nil {
		t.Fatalf("hop: %v", err)
	}
	<-done
	if n != 1<<30 || zeros.nonZero != 0 {
		t.Fatalf("received %d bytes, %d of them not zero; want %d zeros", n, zeros.nonZero, 1<<30)
	}
	maxRSS := peak
	t.Logf("peak RSS %.1f MiB", float64(maxRSS)/(1<<20))
	if maxRSS == 0 {
		t.Fatal("could not read hop's peak RSS from /proc")
	}
	if maxRSS > 32<<20 {
		t.Errorf("peak RSS %d MiB piping 1 GiB, want under 32 MiB", maxRSS>>20)
	}
}

func vmHWM(status []byte) int64 {
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

// TestInterruptExits130 interrupts hop while it waits for a body and expects exit code 130 and one line.
func TestInterruptExits130(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	hop := hopBinary(t)
	c := exec.Command(hop, "get", srv.URL+"/misbehave/stall")
	stdout, _ := c.StdoutPipe()
	var stderr strings.Builder
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	// The first bytes arrive, so hop is past start-up and inside the exchange.
	buf := make([]byte, 5)
	if _, err := io.ReadFull(stdout, buf); err != nil {
		t.Fatal(err)
	}
	c.Process.Signal(os.Interrupt)
	go io.Copy(io.Discard, stdout)
	err := c.Wait()
	if code := c.ProcessState.ExitCode(); code != 130 {
		t.Fatalf("exit code %d (%v), want 130; stderr: %s", code, err, stderr.String())
	}
	if got := stderr.String(); got != "hop: error: interrupted\n" {
		t.Errorf("stderr = %q, want one line saying interrupted", got)
	}
}

// TestInterruptStuckHTTP2: a server frame that deadlocks Go 1.26's HTTP/2 client (transport/stuck.go), with
// no idle limit to end it, still gives way to Ctrl-C: exit 130 and one line, where hop once ignored the
// signal and needed a SIGKILL.
func TestInterruptStuckHTTP2(t *testing.T) {
	srv, err := testserver.StartRawH2()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := exec.Command(hopBinary(t), "get", "--http2", "--timeout", "0", srv.URL()+"/window-overflow")
	var stderr strings.Builder
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	for srv.Requests.Load() == 0 { // hop is inside the exchange
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // its interrupt handler is set; the WINDOW_UPDATE has come
	c.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		c.Process.Kill()
		t.Fatal("hop was still running 20 s after Ctrl-C")
	}
	if code := c.ProcessState.ExitCode(); code != 130 || stderr.String() != "hop: error: interrupted\n" {
		t.Errorf("exit %d, stderr %q; want 130 and one line saying interrupted", code, stderr.String())
	}
}

// Interrupted while several URLs of hop curl -Z are under way, hop says it once, not once a URL, and exits
// 130.
func TestInterruptParallelSaysItOnce(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	dir := t.TempDir()
	c := exec.Command(hopBinary(t), "curl", "-Z", "-s", "-o", "-", srv.URL+"/misbehave/stall",
		"-o", "f2", srv.URL+"/misbehave/stall?i=2", "-o", "f3", srv.URL+"/misbehave/stall?i=3")
	c.Dir = dir
	stdout, _ := c.StdoutPipe()
	var stderr strings.Builder
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5) // the URL on stdout has begun; the others went out with it
	if _, err := io.ReadFull(stdout, buf); err != nil {
		t.Fatal(err)
	}
	c.Process.Signal(os.Interrupt)
	go io.Copy(io.Discard, stdout)
	c.Wait()
	if code := c.ProcessState.ExitCode(); code != 130 || stderr.String() != "hop: error: interrupted\n" {
		t.Errorf("exit %d, stderr %q; want 130 and one line saying interrupted", code, stderr.String())
	}
}

// hop cert with several targets, interrupted in a handshake, says so once too, and exits 130. The first
// target hangs up at once: its error line is shown, so interrupts are watched by the time the second
// target, which never answers, has its connection.
func TestInterruptCertsSaysItOnce(t *testing.T) {
	accepted := make(chan struct{}, 1)
	var addrs []string
	for i := range 2 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				if i == 0 {
					c.Close()
					continue
				}
				defer c.Close() // never answers the handshake
				accepted <- struct{}{}
			}
		}()
		addrs = append(addrs, ln.Addr().String())
	}
	c := exec.Command(hopBinary(t), append([]string{"cert", "--connect-timeout", "30s"}, addrs...)...)
	var stderr strings.Builder
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	<-accepted // hop is in the second handshake
	c.Process.Signal(os.Interrupt)
	c.Wait()
	got := stderr.String()
	if code := c.ProcessState.ExitCode(); code != 130 || strings.Count(got, "interrupted") != 1 || !strings.HasSuffix(got, "hop: error: interrupted\n") {
		t.Errorf("exit %d, stderr %q; want 130, the first target's failure and one line saying interrupted", code, got)
	}
}

// TestFullDisk: output that cannot be written (stdout or -o on a full device) fails with one line that says
// where it was going in the user's terms, exit 1, never the name of a temporary file or Go's "write
// /dev/stdout".
func TestFullDisk(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full here:", err)
	}
	defer full.Close()
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	for _, tt := range []struct {
		args   []string
		stdout bool // stdout is /dev/full
		want   string
	}{
		{[]string{"get", srv.URL + "/stream/20"}, true, "hop: error: writing to standard output: no space left on device\n"},
		{[]string{"get", srv.URL + "/get", "--format", "json"}, true, "hop: error: writing to standard output: no space left on device\n"},
		{[]string{"get", srv.URL + "/bytes/100", "-o", "/dev/full"}, false, "hop: error: writing output file /dev/full: no space left on device\n"},
		{[]string{"get", srv.URL + "/etag/abc", "-o", "/dev/null", "--etag-save", "/dev/full"}, false, "hop: error: writing output file /dev/full: no space left on device\n"},
	} {
		c := exec.Command(hopBinary(t), tt.args...)
		if tt.stdout {
			c.Stdout = full
		}
		var stderr strings.Builder
		c.Stderr = &stderr
		c.Run()
		if code := c.ProcessState.ExitCode(); code != 1 || stderr.String() != tt.want {
			t.Errorf("hop %q: exit %d, stderr %q; want 1, %q", tt.args, code, stderr.String(), tt.want)
		}
	}
}
