package cmd

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"iter"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/curlcmd"
	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/request"
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
  hop curl -u ann:pw --retry 3 -m 20 https://api.example.com/health
  hop curl "curl 'https://api.example.com/x' -H 'accept: application/json' --compressed"   # one argument
  hop curl -c jar.txt -d user=ann https://example.com/login --next -b jar.txt https://example.com/me`,
		DisableFlagParsing: true,
		// cobra sees no flags here (they are curl's): curl's long options are completed as arguments, an
		// option's value as hop's flag of the same kind completes it (completeCurlValue), anything else
		// as a file.
		ValidArgsFunction: func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if n := len(args); n > 0 {
				if name, ok := curlcmd.ValueOption(args[n-1]); ok {
					return completeCurlValue(name, toComplete)
				}
			}
			if !strings.HasPrefix(toComplete, "--") {
				return nil, cobra.ShellCompDirectiveDefault
			}
			var names []string
			for _, name := range curlcmd.LongOptions() {
				if strings.HasPrefix(name, toComplete) {
					names = append(names, name)
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cc *cobra.Command, args []string) error {
			if len(args) == 1 && (args[0] == "-V" || args[0] == "--version") {
				curlVersion(cc.OutOrStdout())
				return nil
			}
			return cc.Help() // reached only for help and version: curlArgs translated every other use
		},
	}
}

// curlVersion is hop curl -V: curl's layout, so that a script's curl -V | grep -q HTTP2 reads hop's
// answer. Features are those curl names that hop has (libz: gzip and deflate decoded; PSL: cookies are
// refused for a public suffix).
func curlVersion(w io.Writer) {
	fmt.Fprintf(w, "hop %s (hop curl: curl's command line, hop's transport)\n", version())
	fmt.Fprintln(w, "Protocols: http https")
	fmt.Fprintln(w, "Features: alt-svc AsynchDNS brotli HSTS HTTP2 HTTP3 HTTPS-proxy IDN IPv6 Largefile libz PSL SSL UnixSockets zstd")
}

// curlLong is hop curl's long help, with the list of the curl options it takes.
func curlLong() string {
	return `hop curl runs a curl command line with hop: the same request, with hop's output, timings, checks and
exit codes on top. A leading "curl" word is allowed, so a pasted command works as it is. The whole
command may also come as one argument (hop curl "$(pbpaste)"): it is split into words as the shell would
split it (quotes, \ line continuations, $'...'), and refused when it asks the shell for more ($VAR,
$(...), a pipe, ~, {a,b}); a line break is a blank there.

curl's rules apply: the method is -X, else HEAD for -I, GET for -G, PUT for -T, POST with -d or -F;
standard input is read only when a value asks for it (-d @-, -T -). Several URLs and globs ({a,b},
[1-10], [a-z]; -g turns them off) send one request after another (-Z: at once, --parallel-max at most),
each with the -o or -O curl pairs with it (#1 in -o's name: the first pattern's value); the exit code is
the first failure's. --next (-:) starts a part with options of its own; curl's global options (-v, -s,
--fail-early, -Z, --rate...) hold for every part. -v writes curl's -v lines to stderr (* notes, > and <
heads; hop's --trace-verbose %). --no-NAME turns an option that is on or off back off, the last one typed
holding (-v --no-verbose). curl 8's --variable NAME=VALUE (NAME@FILE, %ENVNAME, %ENVNAME=DEFAULT) sets
what --expand-OPTION expands as {{NAME}} or {{NAME:trim:json:url:b64:64dec}} in any option that takes a
value (--expand-header 'Authorization: Bearer {{TOKEN}}'). An option hop does not take is an error naming
it (exit 2), never dropped. hop's
own rules stay: 4xx and 5xx fail (exit 4 and 5) with or without -f, compressed bodies are asked for and
decoded, .netrc is read unless --no-netrc.

The curl options hop curl takes:
  ` + strings.Join(curlcmd.Known(100), "\n  ")
}

// maxCurlConfig bounds a -K file (curl allows a line of 10 MB).
const maxCurlConfig = 10 << 20

// curlArgs translates "hop curl ARGS..." into the hop request that does the same, and the plan of the
// URLs to send it to when the command has several; other command lines pass unchanged, and hop curl asking
// for help or its version as that one word, with no plan. A -K file is read from in for "-", as curl reads it.
func curlArgs(args []string, in io.Reader) ([]string, *curlcmd.Plan, error) {
	if len(args) == 0 || args[0] != "curl" {
		return args, nil, nil
	}
	rest := args[1:]
	if len(rest) == 0 {
		return args, nil, nil
	}
	if curlcmd.PastedCommand(rest) {
		// hop curl "$(pbpaste)": the whole command in one argument, split as the shell would have.
		words, err := curlcmd.ShellWords(rest[0])
		if err != nil {
			return nil, nil, usageErrorf("the curl command given as one argument: %v", err)
		}
		rest = words
	}
	if one := helpOrVersion(rest); one != "" {
		return []string{"curl", one}, nil, nil // the help, or curl -V's version (newCurlCmd)
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
	return plan.Args, plan, nil
}

// helpOrVersion is hop curl's one argument when it asks for the help or the version, after a leading
// "curl" word as pasted (hop curl curl --version), or "".
func helpOrVersion(rest []string) string {
	if len(rest) == 2 && rest[0] == "curl" {
		rest = rest[1:]
	}
	if len(rest) == 1 {
		switch rest[0] {
		case "-h", "--help", "help", "-V", "--version":
			return rest[0]
		}
	}
	return ""
}

// curlAll sends the URLs of a curl command that has several (or {} and [] patterns), as curl does: each
// with the request typed and its own -o or -O (#N in -o's name is the Nth pattern's value); when -b FILE or
// -c turns curl's cookie engine on, one jar goes from each URL to the next (and -c is written after each,
// as curl 7.88 does); one transport keeps a connection alive from URL to URL; --rate spaces their starts;
// -Z sends several at once (see parallel). A failure is said at once and the next URL sent (--fail-early
// stops there); the error names every failure, with the class and exit code of the first URL that failed
// (curl's is the last URL's).
func curlAll(ctx context.Context, s *Streams, r Runners, base *RequestOptions, plan *curlcmd.Plan) (err error) {
	if err := base.check(s); err != nil {
		return err
	}
	parts := []*RequestOptions{base}
	for _, args := range plan.Parts[min(1, len(plan.Parts)):] {
		o, err := partOptions(ctx, s, args)
		if err != nil {
			return err
		}
		parts = append(parts, o)
	}
	// One --trace dump for every URL, as curl writes one (its options are the first part's).
	dump, err := openCurlTrace(s, &base.Output)
	if err != nil {
		return err
	}
	defer func() { err = cmp.Or(err, dump.close()) }()
	for _, o := range parts {
		o.Output.dump = dump
	}
	// -k's and --doh-insecure's warnings once for the command, not once for every URL.
	warn, dohInsecure := unverifiedWarning(s.Err, s.ErrStyle()), false
	for _, o := range parts {
		if o.Transport.TLS.Insecure {
			o.Transport.TLS.Unverified = warn
		}
		dohInsecure, o.dohInsecureSaid = dohInsecure || o.dohInsecure(), true
	}
	if dohInsecure {
		sayDoHInsecure(s.Err, s.ErrStyle())
	}
	c := &curlRun{ctx: ctx, r: r, plan: plan, total: plan.Len(), parts: make([]func() error, len(parts))}
	c.meta = c.total > 1 && !base.Output.hushed()
	var jar *session.Jar // curl's cookie engine, shared by the parts that turn it on
	hsts := map[string]*session.HSTS{}
	for i, o := range parts {
		if err := o.resolveOnce(ctx, s); err != nil {
			return err
		}
		c.parts[i] = func() error { return nil }
		if engine := o.Cookies; !o.noJar {
			if jar == nil {
				jar = session.NewJar()
			}
			o.jar = jar
			// A part's -b file is read as it starts, as curl reads it (an earlier part's -c may write it);
			// the first part's before anything is sent.
			first, _ := request.ParseURL(o.Spec.URL) // -b's Set-Cookie lines are for the part's first host
			c.parts[i] = sync.OnceValue(func() error { _, err := engine.jar(jar, first); return err })
			if i == 0 {
				if err := c.parts[0](); err != nil {
					return err
				}
			}
		}
		o.hsts = hsts[o.HSTS]
		if err := o.loadHSTS(); err != nil {
			return err
		}
		hsts[o.HSTS] = o.hsts
		// curl waits a second for a 100 Continue in every transfer; hop curl sets the wait where there is
		// data, and a part without it must not need a transport (and connections) of its own for that.
		o.Transport.Expect100Timeout = cmp.Or(o.Transport.Expect100Timeout, time.Second)
		for _, earlier := range parts[:i] {
			if sameTransport(earlier.Transport, o.Transport) {
				o.transport = earlier.transport
				break
			}
		}
		if o.transport == nil {
			tr, err := transport.New(o.Transport)
			if err != nil {
				return &usageError{err: err}
			}
			defer tr.CloseIdleConnections()
			o.transport = tr
		}
	}
	if plan.Parallel > 1 && c.total > 1 {
		c.parallel(s, parts)
	} else {
		var started time.Time // the last URL's start, for --rate
		for j := range curlJobs(parts, plan) {
			if !c.pace(&started) || !c.send(s, j) {
				break
			}
		}
	}
	return c.err()
}

// partOptions reads hop's arguments for a part of a curl command that --next separates, as a command line
// of its own, into the options it is sent with. The streams' flags (--color) are the command's, and
// reading a part leaves them as they are.
func partOptions(ctx context.Context, s *Streams, args []string) (*RequestOptions, error) {
	var o *RequestOptions
	read := *s
	err := Execute(ctx, &read, Runners{Request: func(_ context.Context, _ *Streams, got *RequestOptions) error {
		o = got
		return nil
	}}, args)
	if o != nil {
		o.readAsCurl(s)
	}
	return o, err
}

// readAsCurl makes the options read as curl reads its own, for hop curl: --digest and --anyauth without
// credentials send none (curlAuth), Host is curl's, without the scheme's own port (CurlHost), -L follows a
// redirect from https to http (curl's --proto-redir =https refuses it), --retry keeps curl 7.88's rules
// (any method; what is retried and the waits, Retry.Curl) and -m is each attempt's limit, a URL without a
// scheme is http
// whatever its host unless --proto-default says otherwise (hop's own commands take https for a host not on
// loopback), cookies carry over only with curl's cookie engine on (noJar), and a missing -b file is read as
// empty, said unless -s or -q (curl says nothing), where hop's own commands refuse it.
func (o *RequestOptions) readAsCurl(s *Streams) {
	o.curlAuth = true
	if o.Spec.DefaultScheme == "" {
		o.Spec.DefaultScheme = "http" // curl's guess (its ftp. and the like are protocols hop does not speak)
	}
	o.Exchange.CurlHost = true         // Host as curl writes it: no port of the scheme's own, the port as a number
	o.Exchange.Retry.AllMethods = true // curl's --retry sends any method again, a POST too
	o.Exchange.MaxTimeEach = true      // curl's -m is each attempt's limit
	o.Exchange.Retry.Curl = true       // curl 7.88's rules of what is retried
	o.Exchange.RetryFromStart = true   // and a retry begins again from the URL typed
	o.Exchange.AllowDowngrade = true   // as curl -L follows it; credentials still stay behind at the change of scheme
	o.noJar = !o.Cookies.engine()
	o.Cookies.missing = func(name string) {
		if !o.Output.hushed() {
			format.Warning(s.Err, s.ErrStyle(), fmt.Sprintf("-b %s: no such file; its cookies are not sent, as curl goes on without them", name))
		}
	}
}

// sameTransport reports whether two parts of a curl command ask for the same transport, which they then
// share with its connections, as curl's parts share theirs.
func sameTransport(a, b transport.Options) bool {
	a.Getenv, b.Getenv = nil, nil
	// The command's one -k warning, and SSLKEYLOGFILE's writer, one per part.
	a.TLS.Unverified, b.TLS.Unverified = nil, nil
	a.TLS.KeyLog, b.TLS.KeyLog, a.ProxyTLS.KeyLog, b.ProxyTLS.KeyLog = nil, nil, nil, nil
	return reflect.DeepEqual(a, b)
}

// curlRun is a run of a curl command's URLs, and what came of them.
type curlRun struct {
	ctx   context.Context
	r     Runners
	plan  *curlcmd.Plan
	total uint64         // URLs in the plan
	meta  bool           // each URL is announced
	parts []func() error // what each part of the command does before its first URL is sent

	mu       sync.Mutex
	sent     uint64      // URLs started
	finished uint64      // URLs that ended, well or not
	nfailed  uint64      // URLs that failed
	failed   []failedURL // the first ten of them, in the command's order (a glob may make 100,000)
	first    error       // the failure of the first URL that failed
	stop     bool        // --fail-early after a failure, or an interrupt: no URL is started any more
}

// failedURL is a URL that failed: its number, from 1, and its exit code.
type failedURL struct {
	n    uint64
	code int
}

// curlJob is one URL of a curl command with the options it is sent with: n counts from 1 in the command's
// order; bad says why it cannot be sent.
type curlJob struct {
	n    uint64
	part int
	o    RequestOptions
	bad  error
}

// curlJobs yields every URL of the plan in the command's order, with the flags of its part of the command
// as typed and its own output; what a run keeps (the jar, the transport) is its part's, shared.
func curlJobs(parts []*RequestOptions, plan *curlcmd.Plan) iter.Seq[*curlJob] {
	return func(yield func(*curlJob) bool) {
		var n uint64
		ids := &transferIDs{} // one count for every URL of the command, as curl's one pool
		for i, tr := range plan.Transfers {
			for file := range tr.Files() { // -T's files outermost, as curl sends them
				for url, values := range tr.URL.All() {
					n++
					j := &curlJob{n: n, part: tr.Part, o: *parts[tr.Part]}
					j.o.Spec.URL, j.o.Spec.Upload = url, file
					j.o.Spec.Method = cmp.Or(tr.Method, j.o.Spec.Method)
					j.o.Output.File, j.o.Output.Download = curlcmd.OutputName(tr.Output, values), tr.Remote
					j.o.Output.URLName = tr.Remote && !tr.ByResponse
					j.o.Output.urlNum, j.o.Output.ids = i, ids
					if tr.Output != "" && j.o.Output.File == "" { // -o '#1' and an empty value: no file, not stdout
						j.bad = usageErrorf("-o %s names no file for %s (its pattern's value is empty)", tr.Output, format.Secrets{}.URL(url))
					}
					if !yield(j) {
						return
					}
				}
			}
		}
	}
}

// pace waits until --rate lets the next URL start, and counts it as sent; it reports false, having counted
// nothing, when the run is to stop or is interrupted while it waits.
func (c *curlRun) pace(started *time.Time) bool {
	if c.ctx.Err() != nil {
		return false
	}
	if wait := time.Until(started.Add(c.plan.Interval)); c.plan.Interval > 0 && wait > 0 {
		select { // no sooner than the interval after the last start
		case <-time.After(wait):
		case <-c.ctx.Done():
			return false
		}
	}
	*started = time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stop {
		return false
	}
	c.sent++
	return true
}

// send sends one URL with streams s, says a failure on s at once, and reports whether the run goes on.
func (c *curlRun) send(s *Streams, j *curlJob) bool {
	if c.meta {
		format.Note(s.Err, s.ErrStyle(), fmt.Sprintf("URL %d of %d: %s %s", j.n, c.total, j.o.Spec.Method, format.Secrets{}.URL(j.o.Spec.URL)))
	}
	err := j.bad
	if err == nil {
		err = c.parts[j.part]()
	}
	if err == nil {
		err = c.r.Request(c.ctx, s, &j.o)
	}
	if err != nil && c.total > 1 {
		failedOne(s, err)
	}
	return c.done(j.n, err)
}

// done records how URL n went, and reports whether the run goes on.
func (c *curlRun) done(n uint64, err error) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.finished++
	if err == nil {
		return !c.stop
	}
	c.nfailed++
	i, _ := slices.BinarySearchFunc(c.failed, n, func(f failedURL, n uint64) int { return cmp.Compare(f.n, n) })
	if i == 0 {
		c.first = err
	}
	if i < 10 {
		c.failed = slices.Insert(c.failed, i, failedURL{n, exitCode(err)})
		c.failed = c.failed[:min(len(c.failed), 10)]
	}
	if c.plan.FailEarly || exchange.ClassOf(err) == exchange.Interrupted {
		c.stop = true
	}
	return !c.stop
}

// err is the run's outcome: nil, the one URL's failure, or every failure named with the first one's class.
func (c *curlRun) err() error {
	if c.first == nil || c.total == 1 {
		return c.first
	}
	var named []string
	for _, f := range c.failed {
		named = append(named, fmt.Sprintf("%d (exit %d)", f.n, f.code))
	}
	if c.nfailed > uint64(len(c.failed)) {
		named = append(named, "...")
	}
	line := fmt.Sprintf("%d of %d URLs failed: %s", c.nfailed, c.sent, strings.Join(named, ", "))
	if rest := c.total - c.sent; rest > 0 { // --fail-early, or interrupted
		line = fmt.Sprintf("%d of %d URLs sent failed: %s; %d not sent", c.nfailed, c.sent, strings.Join(named, ", "), rest)
	}
	return &failures{first: c.first, line: line}
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
