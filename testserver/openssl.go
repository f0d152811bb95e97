package testserver

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// OpenSSL is an openssl s_server on loopback, for the TLS servers Go will not be: one that renegotiates, one
// whose key Go refuses. Its standard input drives it (s_server reads commands and answers there); Await
// reads its standard output.
type OpenSSL struct {
	Addr  string // 127.0.0.1:PORT
	Stdin io.WriteCloser
	lines chan string
	cmd   *exec.Cmd
}

// StartOpenSSL runs openssl s_server in dir with args (the certificate and key, the protocol) on a free
// loopback port, and returns once it accepts connections.
func StartOpenSSL(dir string, args ...string) (*OpenSSL, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close() // s_server takes the port; another taking it meanwhile fails the test loudly, not wrongly
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	cmd := exec.Command("openssl", append([]string{"s_server", "-accept", "127.0.0.1:" + port}, args...)...)
	cmd.Dir = dir
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	o := &OpenSSL{Addr: addr, Stdin: stdin, lines: make(chan string, 100), cmd: cmd}
	go func() {
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			o.lines <- s.Text()
		}
		close(o.lines)
	}()
	if err := o.Await("ACCEPT", 10*time.Second); err != nil {
		o.Close()
		return nil, err
	}
	return o, nil
}

// Await reads the server's output until a line starts with prefix, for at most d.
func (o *OpenSSL) Await(prefix string, d time.Duration) error {
	timeout := time.After(d)
	for {
		select {
		case line, ok := <-o.lines:
			if !ok {
				return errors.New("openssl s_server ended before it printed " + strconv.Quote(prefix))
			}
			if strings.HasPrefix(line, prefix) {
				return nil
			}
		case <-timeout:
			return errors.New("openssl s_server did not print " + strconv.Quote(prefix))
		}
	}
}

// Close stops the server.
func (o *OpenSSL) Close() {
	o.cmd.Process.Kill()
	o.cmd.Wait()
}

// RunOpenSSL runs the openssl command in dir, failing the test with its output when it fails (make test
// installs openssl).
func RunOpenSSL(t TB, dir string, args ...string) {
	t.Helper()
	path, err := exec.LookPath("openssl")
	if err != nil {
		t.Fatal("openssl is not installed; make test installs it")
	}
	c := exec.Command(path, args...)
	c.Dir = dir
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatal(fmt.Sprintf("openssl %q: %v\n%s", args, err, out))
	}
}
