package cmd_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

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

// runIn runs name with args in dir and returns its stdout and exit code, whatever the code.
func runIn(t *testing.T, dir, name string, args ...string) (string, int) {
	t.Helper()
	out, code, _ := runEnv(t, dir, nil, append([]string{name}, args...)...)
	return string(out), code
}

// runEnv runs cmd in dir, in the test's environment without the machine's *_proxy variables and with env
// added, for 20 seconds at most: what it wrote on stdout, its exit code (whatever it is), and what it wrote
// on stderr.
func runEnv(t *testing.T, dir string, env []string, cmd ...string) ([]byte, int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, cmd[0], cmd[1:]...)
	c.Dir = dir
	c.Env = append(proxyFreeEnv(), env...)
	var stderr strings.Builder
	c.Stderr = &stderr
	out, err := c.Output()
	if c.ProcessState == nil {
		t.Fatal(err)
	}
	return out, c.ProcessState.ExitCode(), stderr.String()
}

// proxyFreeEnv is the test's environment without any *_proxy variable of the machine's.
func proxyFreeEnv() []string {
	return slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return strings.HasSuffix(strings.ToLower(name), "_proxy")
	})
}

// both is a command line run by curl and by hop curl (runBoth): what each wrote on stdout and its exit
// code, and what hop curl wrote on stderr.
type both struct {
	want, got         []byte
	curlCode, hopCode int
	hopStderr         string
}

// runBoth runs curl and hop curl with args in dir, as runEnv runs them.
func runBoth(t *testing.T, dir string, env []string, args ...string) both {
	t.Helper()
	var b both
	b.want, b.curlCode, _ = runEnv(t, dir, env, append(curlTool(t, "curl"), args...)...)
	b.got, b.hopCode, b.hopStderr = runEnv(t, dir, env, append(curlTool(t, "hop"), args...)...)
	return b
}

// curlTool is the command line that runs tool, "curl" or "hop" (hop curl), before its arguments.
func curlTool(t *testing.T, tool string) []string {
	t.Helper()
	if tool == "hop" {
		return []string{hopBinary(t), "curl"}
	}
	return []string{lookCurl(t)}
}

// recorded are the requests the recording endpoint answered curl and hop curl with, when both ended as
// it did (ok); when they ended apart, or either wrote something else, the test fails with line.
func (b both) recorded(t *testing.T, line string) (got, want testserver.Recorded, ok bool) {
	t.Helper()
	switch {
	case b.curlCode != b.hopCode:
		t.Errorf("%s: curl exit %d, hop curl exit %d: %s", line, b.curlCode, b.hopCode, b.hopStderr)
		return got, want, false
	case b.curlCode != 0:
		return got, want, false
	case json.Unmarshal(b.got, &got) != nil || json.Unmarshal(b.want, &want) != nil:
		t.Errorf("%s: not a recorded request:\n%s\n%s", line, b.got, b.want)
		return got, want, false
	}
	return got, want, true
}
