package cmd_test

import (
	"bytes"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/hop-cli/hop/testserver"
)

// TestPasswordPromptInterrupted: Ctrl-C at the password prompt ends hop at once with exit 130, and leaves
// the terminal echoing again.
func TestPasswordPromptInterrupted(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	c := exec.Command(hopBinary(t), "get", srv.URL+"/basic-auth/ann/pw", "-a", "ann")
	c.Stdin, c.Stdout, c.Stderr = slave, slave, slave
	c.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	var seen bytes.Buffer
	prompted := make(chan struct{})
	go func() {
		buf := make([]byte, 256)
		for {
			n, err := master.Read(buf)
			seen.Write(buf[:n])
			if strings.Contains(seen.String(), "password for ann: ") {
				select {
				case <-prompted:
				default:
					close(prompted)
				}
			}
			if err != nil {
				return
			}
		}
	}()
	select {
	case <-prompted:
	case <-time.After(10 * time.Second):
		c.Process.Kill()
		t.Fatalf("no prompt; the terminal showed %q", seen.String())
	}
	time.Sleep(100 * time.Millisecond) // the prompt turns echo off just after writing itself
	tio, err := unix.IoctlGetTermios(int(master.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if tio.Lflag&unix.ECHO != 0 {
		t.Fatalf("echo is on while the password is typed")
	}
	master.Write([]byte{3}) // Ctrl-C: the terminal sends SIGINT
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second): // a hang guard, not a measurement
		c.Process.Kill()
		t.Fatalf("hop did not end after Ctrl-C at the prompt")
	}
	if code := c.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit %d, want 130; the terminal showed %q", code, seen.String())
	}
	tio, err = unix.IoctlGetTermios(int(master.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if tio.Lflag&unix.ECHO == 0 {
		t.Errorf("echo is still off after hop ended: the terminal was not restored")
	}
	io.Copy(io.Discard, master)
}

// An encrypted client key without --pass is asked for on the terminal, as curl (OpenSSL) asks for it, and
// the exchange goes on with it.
func TestKeyPassphrasePrompt(t *testing.T) {
	dir := t.TempDir()
	url := mtlsServer(t, dir)
	code, seen := typeAtPrompt(t, dir, "passphrase for enc.pem: ", "hop-test",
		"get", url+"/get", "--cacert", "root.pem", "--cert", "client.pem", "--key", "enc.pem", "-s")
	if code != 0 || !strings.Contains(seen, `"url"`) || strings.Contains(seen, "hop-test") {
		t.Errorf("exit %d; the terminal showed %q", code, seen)
	}
}

// hop cert FILE.p12 without --pass asks for the file's passphrase on the terminal too, as for --cert.
func TestPKCS12PassphrasePromptForHopCert(t *testing.T) {
	dir := t.TempDir()
	mtlsServer(t, dir)
	openssl(t, dir, "pkcs12", "-export", "-in", "client.pem", "-inkey", "key.pem", "-passout", "pass:hop-test", "-out", "client.p12")
	code, seen := typeAtPrompt(t, dir, "passphrase for client.p12: ", "hop-test", "cert", "client.p12")
	if code != 0 || !strings.Contains(seen, "CN=hop test client") || strings.Contains(seen, "hop-test") {
		t.Errorf("exit %d; the terminal showed %q", code, seen)
	}
}

// typeAtPrompt runs hop with args in dir on a terminal, waits for prompt, types answer and a newline, and
// returns hop's exit code and all the terminal showed.
func typeAtPrompt(t *testing.T, dir, prompt, answer string, args ...string) (int, string) {
	t.Helper()
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	c := exec.Command(hopBinary(t), args...)
	c.Dir = dir
	c.Stdin, c.Stdout, c.Stderr = slave, slave, slave
	c.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	var seen bytes.Buffer
	var mu sync.Mutex
	prompted := make(chan struct{})
	go func() {
		buf := make([]byte, 4096)
		once := sync.Once{}
		for {
			n, err := master.Read(buf)
			mu.Lock()
			seen.Write(buf[:n])
			if strings.Contains(seen.String(), prompt) {
				once.Do(func() { close(prompted) })
			}
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	select {
	case <-prompted:
	case <-time.After(10 * time.Second): // a hang guard, not a measurement
		c.Process.Kill()
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("no prompt %q; the terminal showed %q", prompt, seen.String())
	}
	time.Sleep(100 * time.Millisecond) // the prompt turns echo off just after writing itself
	master.Write([]byte(answer + "\n"))
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		c.Process.Kill()
		t.Fatalf("hop did not end after the answer")
	}
	time.Sleep(100 * time.Millisecond) // the last output still on its way through the terminal
	mu.Lock()
	defer mu.Unlock()
	return c.ProcessState.ExitCode(), seen.String()
}
