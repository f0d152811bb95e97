package cmd

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/curlcmd"
	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/session"
	"github.com/hop-cli/hop/transport"
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
  hop curl -o 'page_#1.json' 'https://api.example.com/items?page=[1-5]'
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
standard input is read only when a value asks for it (-d @-, -T -). Several URLs and globs ({a,b},
[1-10], [a-z]; -g turns them off) send one request after another, each with the -o or -O curl pairs with
it (#1 in -o's name: the first pattern's value); the exit code is the first failure's. An option hop does
not take is an error naming it (exit 2), never dropped. hop's own rules stay: 4xx and 5xx fail (exit 4 and 5) with or
without -f, compressed bodies are asked for and decoded, .netrc is read unless --no-netrc.

The curl options hop curl takes:
  ` + strings.Join(curlcmd.Known(100), "\n  ")
}

// maxCurlConfig bounds a -K file (curl allows a line of 10 MB).
const maxCurlConfig = 10 << 20

// curlArgs translates "hop curl ARGS..." into the hop request that does the same, and the plan of the
// URLs to send it to when the command has several; other command lines, and hop curl asking for help, pass
// unchanged, with no plan. A -K file is read from in for "-", as curl reads it.
func curlArgs(args []string, in io.Reader) ([]string, *curlcmd.Plan, error) {
	if len(args) == 0 || args[0] != "curl" {
		return args, nil, nil
	}
	rest := args[1:]
	if len(rest) == 0 || len(rest) == 1 && (rest[0] == "-h" || rest[0] == "--help" || rest[0] == "help") {
		return args, nil, nil
	}
	plan, err := curlcmd.Translate(rest, func(name string) ([]byte, error) {
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
		return nil, nil, &usageError{err: err}
	}
	for _, a := range plan.Args {
		if strings.HasPrefix(a, "--continue-at=") {
			return nil, nil, usageErrorf("hop resumes from the size of the file already there: use curl's -C - (not an offset)")
		}
	}
	return plan.Args, plan, nil
}

// curlAll sends the URLs of a curl command that has several (or {} and [] patterns), in turn, as curl does:
// each with the request typed and its own -o or -O (#N in -o's name is the Nth pattern's value); when -b
// FILE or -c turns curl's cookie engine on, one jar goes from each URL to the next; a connection kept alive
// does too; --rate spaces their starts. A failure is said at once and the next URL sent (--fail-early stops
// there); the error names every
// failure, with the first one's class and exit code (curl's is the last URL's).
func curlAll(ctx context.Context, s *Streams, r Runners, base *RequestOptions, plan *curlcmd.Plan) error {
	if err := base.check(s); err != nil {
		return err
	}
	if err := base.resolveOnce(ctx, s); err != nil {
		return err
	}
	var jar *session.Jar
	if engine := &base.Cookies; engine.Write != "" || engine.Read != "" && !engine.literal() {
		var err error
		if jar, err = engine.jar(nil); err != nil {
			return err
		}
	}
	var shared *transport.Transport // made by the first URL's run
	defer func() {
		if shared != nil {
			shared.CloseIdleConnections()
		}
	}()
	total, n := plan.Len(), 0
	meta := total > 1 && !base.Output.Quiet && !base.Output.Silent
	var failed []string // the first ten failures named; nfailed counts them all (a glob may make 100,000)
	nfailed := 0
	var first error
	var started time.Time // the last URL's start, for --rate
	func() {
		for i, tr := range plan.Transfers {
			for url, values := range tr.URL.All() {
				n++
				o := *base // the flags as typed; the URL, its output and what a run keeps are its own
				o.Spec.URL = url
				o.Output.File, o.Output.Download = curlcmd.OutputName(tr.Output, values), tr.Remote
				o.Output.urlNum = i
				if jar != nil {
					o.jar = jar // and -c writes it after each URL, as curl 7.88 does
				}
				o.transport = shared // a connection kept alive goes on to the next URL, as in curl
				if wait := time.Until(started.Add(plan.Interval)); plan.Interval > 0 && wait > 0 {
					select { // --rate: no sooner than the interval after the last start
					case <-time.After(wait):
					case <-ctx.Done():
						n--
						return
					}
				}
				started = time.Now()
				if meta {
					format.Note(s.Err, s.ErrStyle(), fmt.Sprintf("URL %d of %d: %s %s", n, total, o.Spec.Method, format.Secrets{}.URL(url)))
				}
				var err error
				if tr.Output != "" && o.Output.File == "" { // -o '#1' and an empty value: no file, not stdout
					err = usageErrorf("-o %s names no file for %s (its pattern's value is empty)", tr.Output, format.Secrets{}.URL(url))
				} else {
					err = r.Request(ctx, s, &o)
				}
				shared = cmp.Or(shared, o.transport)
				if err == nil {
					continue
				}
				first = cmp.Or(first, err)
				if nfailed++; nfailed <= 10 {
					failed = append(failed, fmt.Sprintf("%d (exit %d)", n, exitCode(err)))
				}
				if total > 1 {
					format.Error(s.Err, s.ErrStyle(), errorMessage(err)) // now, beside its output; the last line sums up
				}
				if plan.FailEarly || exchange.ClassOf(err) == exchange.Interrupted {
					return
				}
			}
		}
	}()
	if first == nil || total == 1 {
		return first
	}
	named := failed
	if nfailed > len(failed) {
		named = append(named, "...")
	}
	line := fmt.Sprintf("%d of %d URLs failed: %s", nfailed, n, strings.Join(named, ", "))
	if rest := total - uint64(n); rest > 0 { // --fail-early, or interrupted
		line = fmt.Sprintf("%d of %d URLs sent failed: %s; %d not sent", nfailed, n, strings.Join(named, ", "), rest)
	}
	return &failures{first: first, line: line}
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
