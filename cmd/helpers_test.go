package cmd_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hop-cli/hop/testserver"
)

// Helpers shared by the tests that run hop as a user does: the binary testscript installs, and a plain build
// for the tests that measure it.

// hopBinary is the hop binary testscript.Main installed on PATH.
func hopBinary(t *testing.T) string {
	t.Helper()
	hop, err := exec.LookPath("hop")
	if err != nil {
		t.Fatal(err)
	}
	return hop
}

var (
	plainOnce sync.Once
	plainDir  string
	plainErr  error
)

// plainHop is hop built as make build builds it (static, without the race detector), once for the whole test run: the
// tests that measure hop's memory use it, as the race detector's shadow memory and the test binary's own
// size would count against hop (several times over on a machine with many cores).
func plainHop(t *testing.T) string {
	t.Helper()
	plainOnce.Do(func() {
		if plainDir, plainErr = os.MkdirTemp("", "hop-plain-"); plainErr != nil {
			return
		}
		build := exec.Command("go", "build", "-o", filepath.Join(plainDir, "hop"), "github.com/hop-cli/hop")
		build.Env = append(os.Environ(), "CGO_ENABLED=0") // static, as make build builds it
		out, err := build.CombinedOutput()
		if err != nil {
			plainErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if plainErr != nil {
		t.Fatal(plainErr)
	}
	return filepath.Join(plainDir, "hop")
}

// runHop runs hop and returns stdout and the exit code.
func runHop(t *testing.T, args ...string) ([]byte, int) {
	t.Helper()
	c := exec.Command(hopBinary(t), args...)
	out, err := c.Output()
	if err != nil && c.ProcessState == nil {
		t.Fatal(err)
	}
	return out, c.ProcessState.ExitCode()
}

// mtlsServer starts testserver.StartMutualTLS's server with its files in dir, and adds the key encrypted
// by openssl with the passphrase hop-test (enc.pem).
func mtlsServer(t *testing.T, dir string) string {
	t.Helper()
	url := testserver.ServeMutualTLS(t, dir)
	testserver.RunOpenSSL(t, dir, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "key.pem", "-passout", "pass:hop-test", "-out", "enc.pem")
	return url
}
