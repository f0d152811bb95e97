package cmd

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/curlcmd"
	"github.com/hop-cli/hop/testserver"
)

// FuzzCommandLine runs whole command lines, made of a request command's own flags and values that mean
// something to them, against a local server: whatever the mix, hop ends in an exit code the README lists
// and an error line of its own, and never panics (a panic in any goroutine ends the fuzzing as a crash).
// Files go to a temporary directory that is the working directory and the home, so that -o, --session and
// .netrc stay in it.
func FuzzCommandLine(f *testing.F) {
	c := newCommandLines(f)
	c.fuzz(f)
}

// FuzzCurlCommandLine is FuzzCommandLine for hop curl: every option it takes, their --no- forms and some of
// curl's it does not, translated and run. The words' durations are short, for no limit bounds the waits
// between transfers (--rate, --interval) and between retries.
func FuzzCurlCommandLine(f *testing.F) {
	c := newCommandLines(f)
	c.curl = true
	for _, name := range curlcmd.LongOptions() {
		if name != "--rate" { // --rate 1 is one transfer an hour, as curl reads it: no bound but -m's per transfer
			c.words = append(c.words, name)
		}
	}
	c.words = append(c.words, c.values...)
	for _, short := range "aNEKCbcdqDfFPGgIHh0k46jlLMmn:oZ#xUpQreJORXSisYy23tz1TBuAvVw" {
		c.words = append(c.words, "-"+string(short))
	}
	c.words = append(c.words, "--next", "--http1.0", "--verbos", "--data=a=1", "-sSL", "-d@-", "-XPOST", "-:")
	c.fuzz(f)
}

// commandLines makes and runs FuzzCommandLine's command lines, or hop curl's.
type commandLines struct {
	dir, url      string
	words, values []string
	curl          bool
}

func newCommandLines(f *testing.F) *commandLines {
	srv := testserver.Start(testserver.Config{})
	f.Cleanup(srv.Close)
	dir := f.TempDir()
	for _, env := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"} {
		f.Setenv(env, dir)
	}
	var flags []string
	for _, c := range CommandTree().Commands() {
		if c.Name() != "get" {
			continue
		}
		c.Flags().VisitAll(func(fl *pflag.Flag) {
			flags = append(flags, "--"+fl.Name)
			if fl.Shorthand != "" {
				flags = append(flags, "-"+fl.Shorthand)
			}
			if fl.Value.Type() == "bool" {
				flags = append(flags, "--no-"+fl.Name)
			}
		})
	}
	if len(flags) < 50 {
		f.Fatalf("%d flags found for get", len(flags))
	}
	values := []string{
		"", "-", "@-", "a=1", "a:=[1,2]", "q==x", "X-A:b", "X-A;", "f@" + filepath.Join(dir, "none"),
		"@" + filepath.Join(dir, "none"), "0", "1", "2", "-1", "0.2", "1s", "h", "b", "HBhbts", "t", "json",
		"text", "all", "none", "always", "never", "GET", "POST", "BAN", "ann:pw", "ann", "out.bin", "dir/out.bin",
		"..", "/", "sess", "200", "2xx", "status==200", "server=1s", "lo", "127.0.0.1", "127.0.0.1:9",
		"x.test:80:127.0.0.1", "socks5://127.0.0.1:9", "http://127.0.0.1:9", "*", "gzip", "%{http_code}",
		"@env:NONE", "a b", "\x00", "é", "{", "[1-3]", srv.URL + "/get", srv.URL + "/redirect/2",
		srv.URL + "/status/500", srv.URL + "/bytes/100", srv.URL + "/gzip", srv.URL + "/json",
		srv.URL + "/cookies/set?a=1", srv.URL + "/basic-auth/ann/pw",
	}
	return &commandLines{dir: dir, url: srv.URL, words: append(flags, values...), values: values}
}

// fuzz runs the command lines the fuzzer picks, with a listed exit code and hop's own words asked of each.
func (c *commandLines) fuzz(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3})
	f.Add([]byte{1, 10, 20, 30, 40, 200, 201})
	f.Add([]byte{7, 255, 100, 50, 25, 12, 6, 3})
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 || len(in) > 24 {
			return
		}
		t.Chdir(c.dir) // here, not for the whole fuzz test: a failing input is written under the package
		args := c.args(in)
		code, msg := c.run(args)
		if !listed(code) {
			t.Errorf("hop %q: exit %d, which the README does not list (%v)", args, code, msg)
		}
		for _, bad := range []string{"%!", "<nil>", "runtime error", "goroutine "} {
			if strings.Contains(msg, bad) {
				t.Errorf("hop %q: %q says %q", args, msg, bad)
			}
		}
	})
}

// args is the command line in picks: the command by its first byte, then a word for each byte after it.
func (c *commandLines) args(in []byte) []string {
	if c.curl {
		args := []string{"curl", c.url + "/anything", "-m", "5", "--retry-delay", "0", "--retry-max-time", "1"}
		for _, b := range in {
			args = append(args, c.words[int(b)*len(c.words)/256])
		}
		return args
	}
	commands := []string{"get", "post", "put", "patch", "delete", "head", "options", "request"}
	args := []string{commands[int(in[0])%len(commands)]}
	if args[0] == "request" {
		args = append(args, "PUT")
	}
	// Bounds on time, before the words, which may change them: the server answers at once, and no retry
	// waits unless a word says so.
	args = append(args, c.url+"/anything", "--max-time", "5", "--retry-delay", "0", "--retry-max-time", "1", "--ignore-stdin")
	for _, b := range in[1:] {
		args = append(args, c.words[int(b)*len(c.words)/256])
	}
	return args
}

// run runs args in this process and returns the exit code and the error line.
func (c *commandLines) run(args []string) (int, string) {
	s, _, _ := TestStreams("")
	s.Getenv = func(name string) string {
		if name == "HOME" {
			return c.dir
		}
		return ""
	}
	err := Execute(context.Background(), s, Runners{}, args)
	if err == nil {
		return 0, ""
	}
	return exitCode(err), errorMessage(err)
}

// listed says whether code is one of the exit codes hop documents.
func listed(code int) bool {
	for _, c := range ExitStatuses {
		if c.Code == code {
			return true
		}
	}
	return false
}
