//go:build unix

package cmd_test

import (
	"bytes"
	"os"
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
	term := onTerminal(t, "", "password for ann: ", "get", srv.URL+"/basic-auth/ann/pw", "-a", "ann")
	term.waitPrompt(t)
	master, c := term.master, term.cmd
	time.Sleep(100 * time.Millisecond) // the prompt turns echo off just after writing itself
	tio, err := unix.IoctlGetTermios(int(master.Fd()), readTermios)
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
		t.Errorf("exit %d, want 130; the terminal showed %q", code, term.shown())
	}
	tio, err = unix.IoctlGetTermios(int(master.Fd()), readTermios)
	if err != nil {
		t.Fatal(err)
	}
	if tio.Lflag&unix.ECHO == 0 {
		t.Errorf("echo is still off after hop ended: the terminal was not restored")
	}
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
	testserver.RunOpenSSL(t, dir, "pkcs12", "-export", "-in", "client.pem", "-inkey", "key.pem", "-passout", "pass:hop-test", "-out", "client.p12")
	code, seen := typeAtPrompt(t, dir, "passphrase for client.p12: ", "hop-test", "cert", "client.p12")
	if code != 0 || !strings.Contains(seen, "CN=hop test client") || strings.Contains(seen, "hop-test") {
		t.Errorf("exit %d; the terminal showed %q", code, seen)
	}
}

// typeAtPrompt runs hop with args in dir on a terminal, waits for prompt, types answer and a newline, and
// returns hop's exit code and all the terminal showed.
func typeAtPrompt(t *testing.T, dir, prompt, answer string, args ...string) (int, string) {
	t.Helper()
	term := onTerminal(t, dir, prompt, args...)
	term.waitPrompt(t)
	time.Sleep(100 * time.Millisecond) // the prompt turns echo off just after writing itself
	term.master.Write([]byte(answer + "\n"))
	done := make(chan error, 1)
	go func() { done <- term.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second): // a hang guard, not a measurement
		term.cmd.Process.Kill()
		t.Fatalf("hop did not end after the answer")
	}
	time.Sleep(100 * time.Millisecond) // the last output still on its way through the terminal
	return term.cmd.ProcessState.ExitCode(), term.shown()
}

// terminal is hop running on a pseudo-terminal of its own (its controlling terminal, where it prompts),
// with all it shows collected.
type terminal struct {
	master   *os.File
	cmd      *exec.Cmd
	mu       sync.Mutex
	seen     bytes.Buffer
	prompted chan struct{} // closed once prompt has been shown
}

// onTerminal starts hop with args in dir ("" for this one) on a new terminal and watches for prompt.
func onTerminal(t *testing.T, dir, prompt string, args ...string) *terminal {
	t.Helper()
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { master.Close() })
	term := &terminal{master: master, cmd: exec.Command(hopBinary(t), args...), prompted: make(chan struct{})}
	term.cmd.Dir = dir
	term.cmd.Stdin, term.cmd.Stdout, term.cmd.Stderr = slave, slave, slave
	term.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := term.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	go func() {
		buf := make([]byte, 4096)
		once := sync.Once{}
		for {
			n, err := master.Read(buf)
			term.mu.Lock()
			term.seen.Write(buf[:n])
			if strings.Contains(term.seen.String(), prompt) {
				once.Do(func() { close(term.prompted) })
			}
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return term
}

// waitPrompt waits for the prompt, failing the test after ten seconds.
func (term *terminal) waitPrompt(t *testing.T) {
	t.Helper()
	select {
	case <-term.prompted:
	case <-time.After(10 * time.Second): // a hang guard, not a measurement
		term.cmd.Process.Kill()
		t.Fatalf("no prompt; the terminal showed %q", term.shown())
	}
}

// shown is all the terminal showed so far.
func (term *terminal) shown() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.seen.String()
}
