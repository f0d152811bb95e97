package cmd

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/curlcmd"
)

// newCurlCmd is hop curl. Its arguments are curl's, translated into a hop request before cobra parses
// anything (see curlArgs); the command itself only carries the help, whose long text (curlLong) is
// written when hop curl's help is asked for.
func newCurlCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "curl [curl] CURL-ARGS...",
		Short: "Run a pasted curl command with hop",
		Example: `  hop curl -X POST -H 'Content-Type: application/json' -d '{"a":1}' https://api.example.com/x
  hop curl curl -sSL https://example.com/install.sh
  hop curl -u ann:pw --retry 3 -m 20 https://api.example.com/health`,
		DisableFlagParsing: true,
		RunE: func(cc *cobra.Command, _ []string) error {
			return cc.Help() // reached only for help: curlArgs translated every other use
		},
	}
}

// curlLong is hop curl's long help, with the list of the curl options it takes.
func curlLong() string {
	return `hop curl runs a curl command line with hop: the same request, with hop's output, timings, checks and
exit codes on top. A leading "curl" word is allowed, so a pasted command works as it is.

curl's rules apply: the method is -X, else HEAD for -I, GET for -G, PUT for -T, POST with -d or -F;
standard input is read only when a value asks for it (-d @-, -T -). An option hop does not take is an
error naming it (exit 2), never dropped. hop's own rules stay: 4xx and 5xx fail (exit 4 and 5) with or
without -f, compressed bodies are asked for and decoded, .netrc is read unless --no-netrc.

The curl options hop curl takes:
  ` + strings.Join(curlcmd.Known(100), "\n  ")
}

// maxCurlConfig bounds a -K file (curl allows a line of 10 MB).
const maxCurlConfig = 10 << 20

// curlArgs translates "hop curl ARGS..." into the hop request that does the same; other command lines, and
// hop curl asking for help, pass unchanged. A -K file is read from in for "-", as curl reads it.
func curlArgs(args []string, in io.Reader) ([]string, error) {
	if len(args) == 0 || args[0] != "curl" {
		return args, nil
	}
	rest := args[1:]
	if len(rest) == 0 || len(rest) == 1 && (rest[0] == "-h" || rest[0] == "--help" || rest[0] == "help") {
		return args, nil
	}
	out, err := curlcmd.Translate(rest, func(name string) ([]byte, error) {
		if name != "-" {
			return argfile.Read(name, maxCurlConfig)
		}
		b, err := io.ReadAll(io.LimitReader(in, maxCurlConfig+1))
		if err == nil && len(b) > maxCurlConfig {
			err = fmt.Errorf("standard input holds more than %d MiB, too much for a config", maxCurlConfig>>20)
		}
		return b, err
	})
	if err != nil {
		return nil, &usageError{err: err}
	}
	for _, a := range out {
		if strings.HasPrefix(a, "--continue-at=") {
			return nil, usageErrorf("hop resumes from the size of the file already there: use curl's -C - (not an offset)")
		}
	}
	return out, nil
}

// continueDash drops the "-" curl users put after -C (curl's "-C -": resume from the file's size), which
// hop's -C means without it.
func continueDash(args []string) []string {
	for i := 0; i+1 < len(args); i++ {
		if (args[i] == "-C" || args[i] == "--continue") && args[i+1] == "-" {
			return append(args[:i+1:i+1], args[i+2:]...)
		}
	}
	return args
}
