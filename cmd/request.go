package cmd

import (
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/auth"
	"github.com/hop-cli/hop/check"
	"github.com/hop-cli/hop/curlcmd"
	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/redact"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/session"
	"github.com/hop-cli/hop/suggest"
	"github.com/hop-cli/hop/transport"
)

// RequestOptions is everything a request command was asked to do. Flag groups fill its parts directly.
type RequestOptions struct {
	Spec        request.Spec // method, URL, items and the curl-style body flags
	Auth        auth.Flags
	Transport   transport.Options
	Exchange    exchange.Options
	Output      OutputOptions
	Checks      check.Spec
	Repeat      RepeatOptions
	Cookies     CookieOptions
	Session     SessionOptions
	HSTS        string // --hsts: curl's HSTS cache file, read before and written after the exchange
	Method      string // -X: overrides the command's method, sent as typed
	Head        bool   // -I: HEAD, with the response head on stdout
	Compressed  bool   // --compressed: accepted, changes nothing
	StdinBody   bool   // this command reads a piped stdin as the body when no other body is given
	IgnoreStdin bool

	checks *check.Checks // parsed from Checks by check()
	jar    *session.Jar  // the cookie jar, loaded before sending (with -b's cookies, or the session's)
	// noJar is hop curl's part without curl's cookie engine (no -b FILE, no -c): no jar at all, so no cookie
	// carries over, not even within a redirect chain.
	noJar bool
	// transport is the one the exchange went through, kept for what it writes afterwards (--alt-svc's cache).
	transport *transport.Transport
	session   *session.Session // --session's, opened while the request is built; nil without
	hsts      *session.HSTS    // --hsts's cache, loaded before sending; nil without
	began     time.Time        // when -m began to run: before standard input was read for the body

	stdinTaken bool         // -w @- or -b - read standard input: it is not the body
	digest     *auth.Digest // --auth-type digest's credentials, answering the server's challenge
	sigv4      *auth.SigV4  // --aws-sigv4's signer, with -a's keys
	// curlAuth is hop curl's: --digest and --anyauth with no credentials for the URL (none from -u, the URL
	// or .netrc) send the request without any, as curl does, where hop's --auth-type refuses.
	curlAuth bool
	// retryNoStatus is hop curl's --retry-all-errors without -f or --fail-with-body: curl has no error to
	// retry in a 4xx or 5xx answer then.
	retryNoStatus bool
	// dohInsecureSaid: --doh-insecure's warning was said already (hop curl's, once for its URLs).
	dohInsecureSaid bool
}

// OutputOptions say what is shown, where.
type OutputOptions struct {
	File     string // -o
	Download bool   // -O: the file is named by the response or the URL
	// URLName is curl's -O (--remote-name; hop curl's -O without -J): the file is named by the URL's last
	// segment as typed, never by the response, and replaces a file of that name, as curl's does.
	URLName      bool
	OutputDir    string
	CreateDirs   bool   // --create-dirs: make -o's and --output-dir's directories
	Force        bool   // -O may replace a file
	SkipExisting bool   // --skip-existing: nothing is sent when -o's or -O's file is there already
	NoClobber    bool   // curl's --no-clobber: a file there stays, the body goes to FILE.1, FILE.2...
	Xattr        bool   // curl's --xattr: the saved file keeps its URL, type and Referer in extended attributes
	Continue     bool   // -C: resume with Range
	continueAt   int64  // curl's -C OFFSET, when given: what the file must hold to be resumed
	TimeCond     string // -z: a date or a file; the body is sent only if modified since (- prefix: before)
	RemoteTime   bool   // -R: the saved file takes the server's Last-Modified
	ETagCompare  string // --etag-compare: send If-None-Match with the ETag this file holds
	ETagSave     string // --etag-save: keep the response's ETag in this file, once all went well
	Include      bool
	Verbose      bool
	All          bool // HTTPie's --all: every hop's response head, not only the final one
	Quiet        bool // HTTPie's: nothing but errors and failed checks
	Silent       bool // curl's: the body and errors
	ShowSecrets  bool // print credentials as they are
	Print        string
	HistoryPrint string // HTTPie's -P: the parts of the hops before the final one, with --all
	Trace        bool
	TLS          bool
	Pretty       string
	Sorted       bool // HTTPie's --sorted: JSON object keys sorted when formatting
	Indent       int  // HTTPie's json.indent, as format.BodyOptions.Indent takes it
	// KeepJSONLayout is HTTPie's json.format:false: JSON bodies are coloured, not laid out again.
	KeepJSONLayout bool
	ResponseMime   string // HTTPie's --response-mime: the type the body is shown as, whatever the server says
	// ResponseCharset is HTTPie's --response-charset: the charset the body is shown as (utf-8 or latin1).
	ResponseCharset string
	NoCheckStatus   bool
	RawEncoding     bool
	FailNoBody      bool // curl's -f (hop curl's): a 4xx or 5xx answer's body is not written, nor -o's file made
	Offline         bool
	Curl            bool // print the equivalent curl command instead of sending
	CurlLong        bool // --curl with long option names (xh's --curl-long)
	Format          string
	HAR             string
	WriteOut        string // -w: curl's template, or @FILE, @-
	DumpHeader      string // -D: every response head to this file as received ("-": stdout), as curl writes it
	Stderr          string // curl's --stderr: what goes to stderr goes to this file instead ("-": stdout)
	// TraceASCII and TraceHex are curl's --trace-ascii and --trace: everything sent and received, dumped to
	// this file as it happens ("-": stdout, "%": stderr); TraceVerbose is curl -v's lines (hop curl's -v is
	// --trace-verbose %); TraceTime stamps each line (--trace-time).
	TraceASCII, TraceHex, TraceVerbose string
	TraceTime                          bool

	headOnly bool          // -I: the response head is what is shown, whatever the method (-I -X GET, as curl)
	urlNum   int           // hop curl's: which of the command's URLs this is, from 0, for -w's %{urlnum}
	ids      *transferIDs  // -w's xfer_id and conn_id counters, shared by hop curl's URLs
	received *atomic.Int64 // hop curl -Z: the bytes saved go to this count, shown for every URL on one line
	// downloadFollows is -O/--download's: redirects are followed, as HTTPie's --download implies --follow
	// (hop curl's -O -J follows only with -L, as curl does).
	downloadFollows bool
	dump            *curlTrace // --trace-ascii's, --trace-hex's or --trace-verbose's dump, open while requests are sent

	// curlAsIs holds curl's -S, --fail and --fail-with-body, and HTTPie's --check-status and --stream:
	// accepted, because hop already behaves as they ask (errors are shown with -s; a 4xx or 5xx fails, its
	// body still printed; a body is written as it arrives), so that curl's "-sSL" and "--fail" and HTTPie's
	// "--check-status" and "--stream" work as typed.
	curlAsIs bool
	// headersOnly, bodyOnly and metaOnly are HTTPie's --headers, --body and --meta (its -h, -b and -m are
	// hop's help, curl's cookie and curl's max time): -p h, -p b and -p t, joined when several are given,
	// unless -p says otherwise.
	headersOnly, bodyOnly, metaOnly bool
	printTyped                      bool // -p was typed, '' too
}

// hushed is -q or -s: hop's notes and warnings are left out (the error line stays).
func (o *OutputOptions) hushed() bool { return o.Quiet || o.Silent }

// picked says whether -p (or HTTPie's --headers, --body, --meta) picked the parts to print, in place of the
// defaults: -p "" picks none, as HTTPie's does (-p "$PARTS" with PARTS empty prints nothing).
func (o *OutputOptions) picked() bool { return o.Print != "" || o.printTyped }

// RepeatOptions are --repeat's.
type RepeatOptions struct {
	N        int           // runs; 0 means one run, shown as usual
	Interval time.Duration // between the starts of two runs
	Fresh    bool          // a new connection for every run
}

// methodCommand is a command that sends a request.
type methodCommand struct {
	use, short, example string
	stdin               bool // reads a piped stdin as the body
}

// methodWord reports whether v is a method one of methodCommands is named after, in capitals as HTTPie
// users type it (POST): taken as a flag's value, it is the sign of an HTTPie habit.
func methodWord(v string) bool {
	return v != "" && v == strings.ToUpper(v) && slices.ContainsFunc(methodCommands, func(mc methodCommand) bool {
		return commandName(mc.use) == strings.ToLower(v)
	})
}

// methodCommands are the commands named after a method.
var methodCommands = []methodCommand{
	{"get URL [ITEM...]", "Send a GET request", `  hop get example.com/api/users
  hop get :8080/items page==2 Accept:application/json
  hop get api.example.com/me --bearer @env:API_TOKEN | jq .name
  hop get example.com -t          # where did the time go?`, false},
	{"post URL [ITEM...]", "Send a POST request", `  hop post :8080/post name=hop n:=3 tags[]=cli      # {"name":"hop","n":3,"tags":["cli"]}
  hop post example.com/upload -f title=cat photo@cat.jpg
  hop post example.com/api --json '{"raw":true}'
  echo '{"a":1}' | hop post example.com/api`, true},
	{"put URL [ITEM...]", "Send a PUT request", `  hop put :8080/items/1 name=renamed done:=true
  hop put example.com/files/a.bin @a.bin`, true},
	{"patch URL [ITEM...]", "Send a PATCH request", `  hop patch :8080/users/7 email=new@example.com
  hop patch example.com/doc @changes.json Content-Type:application/merge-patch+json`, true},
	{"delete URL [ITEM...]", "Send a DELETE request", `  hop delete :8080/items/1
  hop delete example.com/api/session -a alice`, false},
	{"head URL [ITEM...]", "Send a HEAD request (headers only)", `  hop head example.com
  hop head example.com/big.iso -L`, false},
	{"options URL [ITEM...]", "Send an OPTIONS request", `  hop options :8080/items
  hop options api.example.com/items Origin:https://app.example Access-Control-Request-Method:PUT`, false},
}

// anyMethodCommand is hop request METHOD URL.
var anyMethodCommand = methodCommand{"request METHOD URL [ITEM...]", "Send a request with any method",
	`  hop request PROPFIND example.com/dav Depth:1
  hop request PURGE :8080/cache/item`, true}

const itemsHelp = `URL: example.com/x means https://; :8080/x, localhost and loopback addresses mean http://.

Request items:
  Name:Value        request header (Name: removes a default header, Name; sends it empty)
  Name:@file        header value from a file (Authorization:@token.txt)
  name==value       query parameter (name==@file: the value from a file)
  field=value       JSON string field (form field with -f)
  field:=json       raw JSON value: n:=3, ok:=true, tags:='["a"]'
  field=@file       field value from a file (field:=@file.json for raw JSON)
  field@path        file upload (multipart)
  @path, @-         the whole body from a file, or from stdin
Nested fields build nested JSON: user[name]=x tags[]=a.`

// requestAnnotations title a request command's flags in its help; shared, as every command reads the same.
var requestAnnotations = map[string]string{flagsTitle: "Request Flags (before or after the command name; --no-NAME turns a switch off)"}

// addRequestCmd adds the command mc describes. What only the command run needs (its options, flags and
// long help) is made by prepare, so that the commands not run cost hop's start-up almost nothing.
func (c *commands) addRequestCmd(s *Streams, r Runners, mc methodCommand) {
	name := commandName(mc.use)
	anyMethod := name == "request"
	var o *RequestOptions // made by prepare, with the flags
	cc := &cobra.Command{
		Use:     mc.use,
		Short:   mc.short,
		Example: mc.example,
		// Request flags work on either side of the command name, as curl users expect.
		Annotations: requestAnnotations,
		Args:        requestArgs,
		RunE: func(cc *cobra.Command, args []string) error {
			if o == nil {
				o = &RequestOptions{StdinBody: mc.stdin} // prepare makes it; this only keeps a nil away
			}
			if err := checkFileNames(cc.Flags()); err != nil {
				return err
			}
			if c.curl == nil { // curl takes -o --verbose for a file name, and hop curl does as curl
				if err := noFlagAsValue(cc.Flags()); err != nil {
					return err
				}
				if err := httpieShortTookFlag(cc.Flags(), c.args); err != nil {
					return err
				}
			}
			if err := s.redirectErr(o.Output.Stderr); err != nil {
				return err
			}
			o.Spec.Method = strings.ToUpper(name)
			if anyMethod {
				o.Spec.Method, args = strings.ToUpper(args[0]), args[1:]
			}
			if o.Spec.Upload != "" && name == "get" {
				o.Spec.Method = http.MethodPut // -T uploads with PUT, as curl does (unless -X or -I say otherwise)
			}
			o.methodFlags()
			if o.Output.downloadFollows {
				o.Exchange.Follow = true
			}
			o.Spec.URL, o.Spec.Items = args[0], args[1:]
			if c.curl != nil {
				o.readAsCurl(s)
				for _, w := range c.curl.Warnings {
					if !o.Output.hushed() { // curl -s silences curl's warnings too
						format.Warning(s.Err, s.ErrStyle(), w)
					}
				}
				if c.curl.Transfers != nil {
					c.ran = true
					return curlAll(cc.Context(), s, r, o, c.curl)
				}
			}
			if err := o.check(s); err != nil {
				return err
			}
			c.ran = true
			return r.Request(cc.Context(), s, o)
		},
	}
	cc.ValidArgsFunction = completeItem
	c.root.AddCommand(cc)
	c.flags[cc] = func(fs *pflag.FlagSet) {
		cc.Long = mc.short + ".\n\n" + itemsHelp
		o = &RequestOptions{StdinBody: mc.stdin}
		addRequestFlagGroups(fs, o, s)
		if c.completing {
			registerCompletions(cc, []string{"text", "json"})
		}
	}
}

// requestArgs checks that a request command has its URL (and hop request its METHOD first).
func requestArgs(cc *cobra.Command, args []string) error {
	want := strings.Fields(cc.Use) // get URL [ITEM...], request METHOD URL [ITEM...]
	n := 1
	if want[0] == "request" {
		n = 2
	}
	if len(args) < n {
		if len(args) == n-1 {
			if err := httpieShortTookURL(cc.Flags()); err != nil {
				return err
			}
		}
		return usageErrorf("missing %s (see hop %s --help)", want[len(args)+1], cc.Name()) // the first not given
	}
	if f := cc.Flags().Lookup("download"); f != nil && f.Changed && len(args) > n && !strings.Contains(args[n-1], "://") && typedURL(args[n]) {
		// hop get -O out.html URL: wget's -O FILE, where hop's (and curl's) -O takes no name.
		return usageErrorf("%q was taken for the URL, and %s is a second one: hop's -O takes no file name (it names the file by the response); wget's -O FILE is -o FILE here", args[n-1], redact.URL(args[n]))
	}
	if n == 2 && args[0] == "" {
		// An unset variable ("$METHOD") is a script's mistake; it is not taken for GET.
		return usageErrorf("empty METHOD (see hop %s --help)", cc.Name())
	}
	return nil
}

// httpieShorts are hop's short flags, curl's, that HTTPie gives another meaning, with where HTTPie's is in
// hop: a URL taken for their value is the sign of an HTTPie habit.
var httpieShorts = []struct{ name, short, curl, httpie string }{
	{"data", "d", "as data, as curl's -d does", "--download is -O or --download"},
	{"form-part", "F", "as a form part, as curl's -F does", "--follow is -L"},
	{"cookie", "b", "as cookies, as curl's -b does", "--body is --body or -p b"},
	{"cookie-jar", "c", "as the cookie jar to write, as curl's -c does", "--continue is -C"},
	{"max-time", "m", "as the time limit, as curl's -m does", "--meta is --meta or -p m"},
	{"proxy", "x", "as the proxy, as curl's -x does", "-x is --compress"},
}

// httpieShortTookURL says, for a command missing its URL, which of httpieShorts took it.
func httpieShortTookURL(fs *pflag.FlagSet) error {
	for _, h := range httpieShorts {
		f := fs.Lookup(h.name)
		if f == nil || !f.Changed {
			continue
		}
		for _, v := range typedValues(f) {
			if typedURL(v) {
				return usageErrorf("missing URL: -%s took %s %s (HTTPie's %s here)", h.short, v, h.curl, h.httpie)
			}
		}
	}
	return nil
}

// httpieShortTookFlag refuses one of httpieShorts, typed short, given one of the command's flags as the word
// after it (hop get -d -o page.html URL, HTTPie's download to a file): curl's flag takes the word as typed,
// so the flag meant goes unread and its value becomes an argument. The long name is curl's, and keeps
// curl's reading: --data -o, as --data=-o, sends -o as data.
func httpieShortTookFlag(fs *pflag.FlagSet, args []string) error {
	for _, h := range httpieShorts {
		f := fs.Lookup(h.name)
		if f == nil || !f.Changed {
			continue
		}
		for _, v := range typedValues(f) {
			if isFlagOf(fs, v) && afterShort(args, f.Shorthand, v) {
				return usageErrorf("-%s took %s %s, not as a flag (HTTPie's %s here; --%s=%s sends it so)", h.short, v, h.curl, h.httpie, h.name, v)
			}
		}
	}
	return nil
}

// afterShort says whether args have v as the word after the short flag -x (-x v, -sx v) rather than in its
// word (-x=v) or after its long name, before a -- that ends the flags.
func afterShort(args []string, short, v string) bool {
	for i, a := range args[:max(len(args)-1, 0)] {
		if a == "--" {
			return false
		}
		if len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.HasSuffix(a, short) && args[i+1] == v {
			return true
		}
	}
	return false
}

// typedValues are the values given to f, each as typed: every one of a repeatable flag's, and of a data
// flag only those given to it (-d's, not --data-raw's, which share one list).
func typedValues(f *pflag.Flag) []string {
	switch v := f.Value.(type) {
	case *dataFlag:
		var values []string
		for _, d := range *v.list {
			if d.Kind == v.kind {
				values = append(values, d.Value)
			}
		}
		return values
	case *stringsFlag:
		return *v
	}
	return []string{f.Value.String()}
}

// httpieFlagHint says, for a flag error, where HTTPie's meaning is in hop: of one of httpieShorts typed
// last with no value (hop get URL -b, as HTTPie's http URL -b) or given a URL for a value that cannot be one
// (hop get -m URL, -m being HTTPie's --meta), and of HTTPie's --style, which hop does not have.
func httpieFlagHint(err error) string {
	if err.Error() == "unknown flag: --style" { // pflag's NotExistError says no more
		return "HTTPie's --style " + noStyle + "; "
	}
	short := ""
	var missing *pflag.ValueRequiredError
	var invalid *pflag.InvalidValueError
	switch {
	case errors.As(err, &missing) && missing.GetSpecifiedShortnames() != "":
		short = missing.GetSpecifiedName()
	case errors.As(err, &invalid) && typedURL(invalid.GetValue()):
		short = invalid.GetFlag().Shorthand
	}
	for _, h := range httpieShorts {
		if short != "" && h.short == short {
			return "HTTPie's " + h.httpie + " here; "
		}
	}
	return ""
}

// curlFlagHint says, for a flag a request command does not have, what curl's option of that name is among
// its flags (hop get -r 0-99 URL: curl's -r 0-99 is --header 'Range: bytes=0-99' here), or that hop curl
// takes it when it is no request's flag (--rate, which paces several URLs). A credential given as its value
// is written masked.
func curlFlagHint(err error, fs *pflag.FlagSet, args []string) string {
	eq, known, ok := curlEquivalent(err, fs, args)
	switch {
	case !known:
		return ""
	case !ok:
		return "hop curl takes curl's " + eq.Typed[0] + "; "
	}
	words := func(args []string) string {
		quoted := make([]string, len(args))
		for i, a := range args {
			if eq.Secret && i > 0 && a == eq.Typed[len(eq.Typed)-1] {
				a = curlcmd.Placeholder
			}
			quoted[i] = curlcmd.Quote(a)
		}
		return strings.Join(quoted, " ")
	}
	if len(eq.Flags) == 0 {
		return "curl's " + words(eq.Typed) + " changes nothing here: hop behaves so without it; "
	}
	return "curl's " + words(eq.Typed) + " is " + words(eq.Flags) + " here; "
}

// negationHint says, for a --no-NAME where NAME takes a value (--no-auth), that --no- turns off only a
// switch (see negations): HTTPie resets any option so, curl refuses it as hop does.
func negationHint(err error, fs *pflag.FlagSet) string {
	var unknown *pflag.NotExistError
	if !errors.As(err, &unknown) || unknown.GetSpecifiedShortnames() != "" {
		return ""
	}
	name, ok := strings.CutPrefix(unknown.GetSpecifiedName(), "no-")
	if f := fs.Lookup(name); ok && f != nil {
		return "--no- turns off a switch, and --" + f.Name + " takes a value: leave it out for its default; "
	}
	return ""
}

// similarFlagHint names, for a long flag fs lacks, the flags it may be a typo of, hidden flags left out.
func similarFlagHint(err error, fs *pflag.FlagSet) string {
	var unknown *pflag.NotExistError
	if !errors.As(err, &unknown) || unknown.GetSpecifiedShortnames() != "" {
		return ""
	}
	var names []string
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden && f.Deprecated == "" {
			names = append(names, f.Name)
		}
	})
	return suggest.Flags(unknown.GetSpecifiedName(), names)
}

// curlEquivalent reads, for a flag the request command of flag set fs does not have, curl's option of that
// name in the command line args, with its value, and what it is among a request's flags (curlcmd.AsHop):
// ok only when a request takes those flags, values and all.
func curlEquivalent(err error, fs *pflag.FlagSet, args []string) (eq curlcmd.Equivalent, known, ok bool) {
	var unknown *pflag.NotExistError
	if !errors.As(err, &unknown) || fs.Lookup("header") == nil {
		return eq, false, false
	}
	name, group := unknown.GetSpecifiedName(), unknown.GetSpecifiedShortnames()
	var typed []string // the curl option, then what may be its value
	for i, a := range args {
		if a == "--" {
			break
		}
		var value string
		switch {
		case group == "" && (a == "--"+name || strings.HasPrefix(a, "--"+name+"=")):
			typed = []string{"--" + name}
			if v, attached := strings.CutPrefix(a, "--"+name+"="); attached {
				value = v
			}
		case group != "" && len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.HasSuffix(a, group):
			// pflag names the rest of a group from the unknown letter on: -sr0-9 is "r0-9".
			typed = []string{"-" + name}
			value = group[len(name):]
		default:
			continue
		}
		if value != "" {
			typed = append(typed, value)
		} else {
			typed = append(typed, args[i+1:]...)
		}
		break
	}
	eq, known, ok = curlcmd.AsHop(typed)
	if ok {
		// Only flags a request takes, with their values (not --continue-at=N, hop curl's refusal, nor
		// --speed-time's --timeout given something no duration is).
		check := pflag.NewFlagSet("check", pflag.ContinueOnError)
		check.SetOutput(io.Discard)
		addRequestFlagGroups(check, &RequestOptions{}, &Streams{})
		ok = check.Parse(eq.Flags) == nil && check.NArg() == 0
	}
	return eq, known, ok
}

// typedURL reports whether a flag's value is a URL as a user types one to hop, read as hop reads a URL
// (request.ParseURL: with its scheme, or HTTPie's way without it, :8080/x, localhost:3000, example.com/api),
// to a host that is localhost, an IP address or a name with a top-level label of letters (not a number such
// as 1.5x). A file that is here, a NAME=VALUE, a cookie list and -d @FILE are not.
func typedURL(v string) bool {
	if strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") {
		return true // whatever its host (http://intranet/)
	}
	if before, _, _ := strings.Cut(v, "?"); before == "" || strings.ContainsAny(before, "=; \t@") {
		return false // a query may hold an =; NAME=VALUE, a cookie list and -d @FILE do before it
	}
	if _, err := os.Stat(v); err == nil {
		return false
	}
	u, err := request.ParseURL(v)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") || net.ParseIP(host) != nil {
		return true
	}
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	tld := labels[len(labels)-1]
	return len(labels) > 1 && tld != "" && strings.Trim(strings.ToLower(tld), "abcdefghijklmnopqrstuvwxyz") == ""
}

// methodFlags applies -X (the method, sent as typed, as curl does) and -I (HEAD, with its head on stdout)
// to the method a command chose.
func (o *RequestOptions) methodFlags() {
	switch {
	case o.Method != "":
		o.Spec.Method = o.Method
	case o.Head:
		o.Spec.Method = http.MethodHead
	}
	if o.Head {
		o.Output.Include, o.Output.headOnly = true, true
	}
}

// addRequestFlagGroups registers every flag of a request command.
func addRequestFlagGroups(fs *pflag.FlagSet, o *RequestOptions, s *Streams) {
	fs.SetNormalizeFunc(flagAlias)
	addBodyFlags(fs, &o.Spec, o)
	addAuthFlags(fs, &o.Auth)
	addCookieFlags(fs, &o.Cookies)
	addSessionFlags(fs, &o.Session)
	fs.StringVar(&o.HSTS, "hsts", "", "keep the hosts that asked for https only (Strict-Transport-Security) in FILE, curl's format, and upgrade http:// to them")
	addRedirectFlags(fs, &o.Exchange)
	addInsecureFlag(fs, &o.Transport.TLS)
	addTLSFlags(fs, &o.Transport.TLS)
	addProtocolFlags(fs, &o.Transport)
	addRouteFlags(fs, &o.Transport)
	addConnectTimeoutFlag(fs, &o.Transport)
	addTimeoutFlags(fs, &o.Transport, &o.Exchange)
	addBodyLimitFlags(fs, &o.Exchange)
	addRetryFlags(fs, &o.Exchange.Retry)
	fs.BoolVar(&o.retryNoStatus, "retry-no-status", false, "hop curl's --retry-all-errors without -f: no 4xx or 5xx status is retried")
	fs.MarkHidden("retry-no-status")
	fs.BoolVar(&o.Exchange.Retry.ConnRefused, "retry-connrefused", false, "hop curl's: a refused connection is retried (hop's own --retry retries it anyway)")
	fs.MarkHidden("retry-connrefused")
	addOutputFlags(fs, &o.Output, s)
	addCheckFlags(fs, &o.Checks)
	addRepeatFlags(fs, &o.Repeat)
}

// check validates flag values that pflag cannot.
func (o *RequestOptions) check(s *Streams) error {
	out := &o.Output
	if !out.picked() && (out.headersOnly || out.bodyOnly || out.metaOnly) {
		out.Print = map[bool]string{true: "h"}[out.headersOnly] + map[bool]string{true: "b"}[out.bodyOnly] +
			map[bool]string{true: "t"}[out.metaOnly]
	}
	typed := out.Print
	// HTTPie's m (the response's metadata: the time it took) is hop's t, the waterfall, which says more.
	if strings.ContainsRune(out.Print, 'm') {
		out.Print = strings.ReplaceAll(out.Print, "m", map[bool]string{true: "", false: "t"}[strings.ContainsRune(out.Print, 't')])
	}
	switch out.Pretty {
	case "auto", "all", "format", "colors", "none":
	default:
		return usageErrorf("--pretty %q: expected all, format, colors or none", out.Pretty)
	}
	switch out.Format {
	case "text", "json":
	default:
		return usageErrorf("--format %q: expected text or json", out.Format)
	}
	if err := out.checkResponseType(); err != nil {
		return err
	}
	if methodWord(o.Transport.Proxy) {
		return usageErrorf("-x %s: -x is curl's --proxy here; HTTPie's -x is --compress", o.Transport.Proxy)
	}
	switch strings.ToLower(o.Spec.UserAgent) {
	case "basic", "digest", "bearer": // HTTPie's -A is --auth-type; a User-Agent so named is a mistake
		return usageErrorf("-A %s: -A is curl's --user-agent here; HTTPie's -A is --auth-type %s", o.Spec.UserAgent, strings.ToLower(o.Spec.UserAgent))
	}
	switch o.Spec.DefaultScheme = strings.ToLower(o.Spec.DefaultScheme); o.Spec.DefaultScheme {
	case "", "http", "https":
	default:
		return usageErrorf("--default-scheme %q: expected http or https", o.Spec.DefaultScheme)
	}
	if err := checkColor(s.Color); err != nil {
		return err
	}
	for _, c := range out.Print {
		if !strings.ContainsRune("HBhbts", c) {
			return usageErrorf("--print %q: unknown part %q (use H B h b t s)", typed, c)
		}
	}
	for _, c := range out.HistoryPrint {
		switch {
		case c == 'b':
			return usageErrorf("--history-print %q: hop does not keep the bodies of redirects and retried answers (use H B h)", out.HistoryPrint)
		case !strings.ContainsRune("HBh", c):
			return usageErrorf("--history-print %q: unknown part %q (use H B h)", out.HistoryPrint, c)
		}
	}
	checks, err := check.Parse(o.Checks)
	if err != nil {
		return &usageError{err: err}
	}
	o.checks = checks
	// A status the checks or --no-check-status accept is no failure to retry.
	o.Exchange.Retry.ErrorStatuses = o.Exchange.Retry.AllErrors && !o.retryNoStatus && !out.NoCheckStatus && !checks.ReplacesStatusRule()
	if o.Repeat.N < 0 || o.Repeat.Interval < 0 {
		return usageErrorf("--repeat and --interval must not be negative")
	}
	if o.Repeat.N > 0 && (out.downloading() || out.Continue || out.HAR != "" || out.DumpHeader != "" || out.ETagSave != "") {
		// A file asked for and not written would fail the script that reads it later; a HAR of 100,000
		// runs would also undo --repeat's flat memory.
		return usageErrorf("--repeat measures; it does not save files (-o, -O, -C, --har, -D, --etag-save): --format json has every run's timings")
	}
	if o.Output.WriteOut != "" {
		tmpl, err := readTemplate(o.Output.WriteOut, s)
		if err != nil {
			return err
		}
		o.stdinTaken = o.stdinTaken || o.Output.WriteOut == "@-"
		o.Output.WriteOut = tmpl
	}
	if err := o.Cookies.readPiped(s); err != nil {
		return err
	}
	o.stdinTaken = o.stdinTaken || slices.Contains(o.Cookies.files(), "-")
	if o.Exchange.MaxRedirects < 0 {
		return usageErrorf("--max-redirects must be 0 or more")
	}
	if o.Exchange.Retry.N < 0 {
		return usageErrorf("--retry %d: must be 0 or more", o.Exchange.Retry.N)
	}
	if o.Exchange.MaxHeaders < 0 {
		return usageErrorf("--max-headers %d: must be 0 or more (0: no limit)", o.Exchange.MaxHeaders)
	}
	for _, d := range []struct {
		name string
		d    time.Duration
	}{{"--connect-timeout", o.Transport.ConnectTimeout}, {"--timeout", o.Transport.IdleTimeout}, {"--max-time", o.Exchange.MaxTime}} {
		if d.d < 0 {
			return usageErrorf("%s must not be negative", d.name)
		}
	}
	return nil
}

// readTemplate reads -w's template: as given, from a file (@FILE) or from standard input (@-).
func readTemplate(v string, s *Streams) (string, error) {
	path, isFile := strings.CutPrefix(v, "@")
	if !isFile {
		return v, nil
	}
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(io.LimitReader(s.In, maxTemplate+1))
	} else {
		data, err = argfile.Read(path, maxTemplate)
	}
	switch {
	case err != nil:
		return "", usageErrorf("-w %s: %w", v, err)
	case len(data) > maxTemplate:
		return "", usageErrorf("-w %s: the template is larger than %d KiB", v, maxTemplate>>10)
	}
	// As curl reads it (file2string): without its line ends, so that a template written one variable a
	// line, with \n where a newline is wanted, comes out as curl writes it.
	kept := data[:0]
	for _, c := range data {
		if c != '\r' && c != '\n' && c != 0 {
			kept = append(kept, c)
		}
	}
	return string(kept), nil
}

// maxTemplate bounds a -w template read from a file.
const maxTemplate = 64 << 10

func checkColor(v string) error {
	switch v {
	case "auto", "always", "never":
		return nil
	}
	return usageErrorf("--color %q: expected auto, always or never", v)
}

// checkResponseType refuses a --response-mime that is not TYPE/SUBTYPE and a --response-charset hop cannot
// show (it converts ISO 8859-1 and windows-1252; UTF-8 and ASCII are shown as they are).
func (o *OutputOptions) checkResponseType() error {
	if m := o.ResponseMime; m != "" {
		if t, sub, ok := strings.Cut(m, "/"); !ok || t == "" || sub == "" || strings.ContainsAny(m, " ;") {
			return usageErrorf("--response-mime %q: expected a type such as application/json or text/xml", m)
		}
	}
	if o.ResponseCharset == "" || format.ShownCharset(o.ResponseCharset) {
		return nil
	}
	return usageErrorf("--response-charset %q: hop shows utf-8 and latin1 (iso-8859-1, windows-1252)", o.ResponseCharset)
}

// responseType is the Content-Type a body is shown as: the server's, with --response-mime's type and
// --response-charset's charset in place of its own.
func (o *OutputOptions) responseType(served string) string {
	if o.ResponseMime == "" && o.ResponseCharset == "" {
		return served
	}
	mt, params, err := mime.ParseMediaType(served)
	if err != nil {
		mt, params = "", map[string]string{}
	}
	if o.ResponseMime != "" {
		mt = o.ResponseMime
	}
	if o.ResponseCharset != "" {
		params["charset"] = o.ResponseCharset
	}
	if mt == "" {
		mt = "application/octet-stream"
	}
	return mime.FormatMediaType(mt, params)
}
