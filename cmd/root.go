package cmd

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/curlcmd"
	"github.com/hop-cli/hop/decompress"
	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/transport"
)

// Runners are what the commands run once their flags are parsed, with the streams a run writes to (which
// need not be the command's); a nil field means the real one. Tests pass functions that capture the
// options, so that flag parsing is tested with no network.
type Runners struct {
	Request func(ctx context.Context, s *Streams, o *RequestOptions) error
	Cert    func(ctx context.Context, s *Streams, o *CertOptions) error
}

// commands is the command tree, with what each command registers when it is the one being run (its flags,
// or for hop curl its long help): building them for every command would cost every run of hop.
type commands struct {
	root  *cobra.Command
	flags map[*cobra.Command]func(*pflag.FlagSet)
	args  []string      // the command line, as cobra reads it
	ran   bool          // a runner was called: it answers for the output, the JSON document included
	curl  *curlcmd.Plan // hop curl's: its warnings, and its URLs when it has several
	// completing: the shell asks for completions (cobra's __complete), the one run that needs the flags'
	// value completions registered.
	completing bool
}

// Execute runs hop's command line args with streams s.
func Execute(ctx context.Context, s *Streams, r Runners, args []string) error {
	if err := httpieStyleHabit(args); err != nil {
		if wantsJSON(args) {
			writeEarlyDocument(s, "get", err) // a request's document: hop cert and hop curl are not checked
		}
		return err
	}
	args, plan, err := curlArgs(args, s.In)
	if err != nil {
		return err
	}
	args = continueDash(args)
	flags := sync.OnceValue(everyFlag) // built only when a flag comes first or a command is missing
	args = hoist(completionArgs(args, flags), flags)
	if err := httpieHeadersHabit(args); err != nil {
		if wantsJSON(args) {
			writeEarlyDocument(s, args[0], err)
		}
		return err
	}
	only := "" // the one command to build, when it is known; help, completion and errors need them all
	if len(args) > 0 && isCommand(args[0]) && args[0] != "help" && args[0] != "completion" {
		only = args[0]
	}
	c := newCommands(s, r, only)
	c.curl = plan
	c.completing = len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd)
	if reachesCompletion(args) {
		c.addCompletionCmd()
	}
	target := c.prepare(args)
	if target != nil {
		args = negations(target.Flags(), args)
	}
	c.root.SetArgs(args)
	c.args = args
	err = c.root.ExecuteContext(ctx)
	if err != nil && !c.ran && target != nil && target != c.root && wantsJSON(args) {
		writeEarlyDocument(s, target.Name(), err)
	}
	return err
}

// newCommands builds the command tree, or only its root and the command named only: cobra computes every
// command's path as it adds each, and a command costs allocations even without its flags, which come later,
// from prepare.
func newCommands(s *Streams, r Runners, only string) *commands {
	c := &commands{flags: map[*cobra.Command]func(*pflag.FlagSet){}}
	if r.Request == nil {
		r.Request = runRequest
	}
	if r.Cert == nil {
		r.Cert = runCert
	}
	root := &cobra.Command{
		Use:   "hop",
		Short: "An HTTP client for the terminal that shows where the time went",
		Long: `hop sends HTTP requests, shows the response, explains the status, and shows where the time went.

The body goes to stdout; everything about the exchange goes to stderr, so "hop get URL | jq" stays clean.`,
		Example: `  hop get example.com/api/users
  hop post :8080/post name=hop n:=3
  hop get example.com -v
  hop example.com/api/users name=hop     # HTTPie's form: GET, or POST when data items are given
  hop curl -s https://example.com/       # a pasted curl command`,
		SilenceErrors: true,
		SilenceUsage:  true,

		SuggestionsMinimumDistance: 2,
	}
	root.Args = func(cc *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		s := cc.SuggestionsFor(args[0])
		if i := slices.IndexFunc(s, func(name string) bool { return strings.EqualFold(name, args[0]) }); i >= 0 {
			s = s[i : i+1] // "GET" is get, not put or cert too
		}
		if len(s) > 0 {
			return usageErrorf("unknown command %q: did you mean %s? (see hop --help)", args[0], strings.Join(s, " or "))
		}
		return usageErrorf("unknown command %q (see hop --help)", args[0])
	}
	// --version is hop's own flag rather than cobra's Version field, whose output needs a cobra template.
	showVersion := root.Flags().Bool("version", false, "print hop's version")
	root.RunE = func(cc *cobra.Command, _ []string) error {
		if *showVersion {
			fmt.Fprintf(s.Out, "hop %s\n", version())
			return nil
		}
		// A script's "hop $URL" with the variable unset must not pass: curl, HTTPie and xh exit 2 too.
		return usageErrorf("no command or URL given: try hop get URL, or hop --help for every command")
	}
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetFlagErrorFunc(func(cc *cobra.Command, err error) error {
		hint := httpieFlagHint(err) + negationHint(err, cc.Flags()) + curlFlagHint(err, cc.Flags(), c.args)
		if hint == "" {
			hint = similarFlagHint(err, cc.Flags())
		}
		return usageErrorf("%w (%ssee %s --help)", err, hint, cc.CommandPath())
	})
	root.SetUsageFunc(usage)
	c.root = root
	want := func(name string) bool { return only == "" || only == name }
	for _, mc := range methodCommands {
		if want(commandName(mc.use)) {
			c.addRequestCmd(s, r, mc)
		}
	}
	if want(commandName(anyMethodCommand.use)) {
		c.addRequestCmd(s, r, anyMethodCommand)
	}
	if want("cert") {
		c.addCertCmd(s, r)
	}
	if want("replay") {
		c.addReplayCmd(s, r)
	}
	if want("version") {
		root.AddCommand(newVersionCmd(s))
	}
	if want("curl") {
		curl := newCurlCmd()
		root.AddCommand(curl)
		c.flags[curl] = func(*pflag.FlagSet) { curl.Long = curlLong() }
	}
	// Cobra adds its completion command when the tree is executed; hop adds it itself when needed.
	root.CompletionOptions.DisableDefaultCmd = true
	return c
}

// reachesCompletion reports whether args can reach the completion command: run it, complete a command line
// with it, or list the commands. Building it costs a twentieth of hop's start-up, so other runs skip it.
func reachesCompletion(args []string) bool {
	if len(args) == 0 {
		return true
	}
	switch args[0] {
	case "completion", "help", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
		return true
	}
	return strings.HasPrefix(args[0], "-")
}

func (c *commands) addCompletionCmd() {
	c.root.CompletionOptions.DisableDefaultCmd = false
	c.root.InitDefaultCompletionCmd()
	for _, cc := range c.root.Commands() {
		if cc.Name() == "completion" {
			cc.Long = "Generate the autocompletion script for hop for the specified shell.\n\n" +
				"bash needs the bash-completion package (Debian and Ubuntu: apt install bash-completion)."
			cc.Example = "  source <(hop completion bash)\n  hop completion zsh > \"${fpath[1]}/_hop\"\n  hop completion fish > ~/.config/fish/completions/hop.fish"
			cc.Args = cobra.ArbitraryArgs
			cc.RunE = func(cc *cobra.Command, args []string) error {
				if len(args) == 0 {
					// A usage error, as a missing URL is: source <(hop completion) must not run the help text.
					return usageErrorf("name the shell: hop completion bash, zsh, fish or powershell (see hop completion --help)")
				}
				return usageErrorf("unknown shell %q: expected bash, zsh, fish or powershell (see hop completion --help)", args[0])
			}
			for _, sh := range cc.Commands() {
				sh.Args = noArgs
			}
		}
	}
}

// noArgs refuses arguments, as a usage error.
func noArgs(cc *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("%s takes no arguments, got %q (see %s --help)", cc.CommandPath(), args[0], cc.CommandPath())
	}
	return nil
}

// prepare registers the flags of the command args will run (or complete, or show help for) and returns it.
func (c *commands) prepare(args []string) *cobra.Command {
	find := args
	if len(find) > 0 {
		switch find[0] {
		case "help", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
			find = find[1:]
		}
	}
	target, _, err := c.root.Find(find)
	if err != nil || target == nil {
		return nil
	}
	if add := c.flags[target]; add != nil {
		fs := target.Flags()
		fs.SortFlags = false
		add(fs)
		delete(c.flags, target)
	}
	return target
}

// negations reads HTTPie's and curl's --no-NAME, for a switch NAME of the command's flag set fs that has no
// flag of that name (--no-netrc is one), as --NAME=false, or --NAME=0 for a counted one (--compress): the
// last typed holds, so --no-verbose undoes an alias's --verbose, as in HTTPie (every option) and curl
// (every switch); --no-color is --color=never. A flag's value (-d --no-verbose) is left as typed.
func negations(fs *pflag.FlagSet, args []string) []string {
	if !slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "--no-") }) {
		return args // the usual line: no flag is looked up
	}
	var out []string // args, copied once one changes
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if len(a) > 1 && a[0] == '-' && takesValue(fs, a) {
			i++ // its value
			continue
		}
		name, ok := strings.CutPrefix(a, "--no-")
		if !ok || strings.Contains(name, "=") || fs.Lookup(a[2:]) != nil {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue
		}
		off := map[string]string{"bool": "false", "count": "0"}[f.Value.Type()]
		if f.Name == "color" {
			off = "never" // --no-color, as many tools spell it
		}
		if off == "" {
			continue
		}
		if out == nil {
			out = slices.Clone(args)
		}
		out[i] = "--" + f.Name + "=" + off
	}
	if out == nil {
		return args
	}
	return out
}

// commandWord is the index of args' first argument that is not a flag or a flag's value (flags, as typed
// before the command name: any command's), or -1 when there is none before a "--".
func commandWord(args []string, flags func() *pflag.FlagSet) int {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			return i
		}
		if takesValue(flags(), a) {
			i++
		}
	}
	return -1
}

// hoist puts the command name first. When flags come before it ("hop -v get URL", as curl users type
// them) it is moved to the front, so flags work on either side of it. Without a command, HTTPie's forms
// are taken: "hop URL [ITEM...]" is get, or post when an item or flag sends data; "hop METHOD URL" (a
// method in capitals) is request METHOD URL. flags are every command's flags, as built for it (everyFlag).
func hoist(args []string, flags func() *pflag.FlagSet) []string {
	first := commandWord(args, flags)
	if first < 0 {
		// Only flags, and a request's among them ("hop -v"): the command line is get's without its URL, and
		// says so, rather than that the root command has no such flag.
		requestFlag := false
		for _, a := range args {
			if a == "--" {
				break
			}
			switch {
			case a == "-h" || a == "--help" || a == "--version":
				return args // the root's own
			case argFlag(flags(), a) != nil:
				requestFlag = true
			}
		}
		if requestFlag {
			return slices.Concat([]string{"get"}, args)
		}
		return args
	}
	name := args[first]
	if isCommand(name) {
		if first == 0 {
			return args
		}
		return slices.Concat([]string{name}, args[:first], args[first+1:])
	}
	rest := slices.Concat(args[:first], args[first+1:])
	switch {
	case isMethodName(name) && first+1 < len(args):
		return slices.Concat([]string{"request", name}, rest)
	case looksLikeURL(name):
		cmd := "get"
		if sendsData(rest, flags()) {
			cmd = "post"
		}
		return slices.Concat([]string{cmd, name}, rest)
	case first > 0 && !slices.Contains(args[:first], "-h") && !slices.Contains(args[:first], "--help"):
		// Neither a command, a method nor a URL, after flags ("hop -v gte URL"): the word alone goes on, so
		// the error names it, with its suggestion, rather than the flags the root command has not.
		return []string{name}
	}
	return args
}

// httpieHeadersHabit refuses -h beside a request's URL: -h is help, as curl's, and HTTPie's -h (--headers)
// typed out of habit would print the help, exit 0, where a script reads the head. -h alone is the help.
func httpieHeadersHabit(args []string) error {
	if len(args) == 0 || !slices.Contains(args[1:], "-h") {
		return nil // without -h, no flag set is built: this runs on every command line
	}
	if !isRequestCommand(args[0]) {
		return nil
	}
	var fs *pflag.FlagSet
	help, positional := false, false
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			positional = positional || i+1 < len(args)
			i = len(args)
		case a == "-h":
			help = true
		case !strings.HasPrefix(a, "-") || a == "-":
			positional = true
		default:
			if fs == nil {
				fs = everyFlag()
			}
			if takesValue(fs, a) {
				i++
			}
		}
	}
	if help && positional {
		return usageErrorf("-h is help here, as curl's; HTTPie's -h (--headers) is --headers or -p h")
	}
	return nil
}

// httpieStyles are HTTPie 3.2.1's --style names (-s STYLE there, curl's --silent in hop), split only when a
// command line has -s: nothing is built at start-up.
const httpieStyles = `abap algol algol_nu arduino auto autumn borland bw colorful default dracula
emacs friendly friendly_grayscale fruity github-dark gruvbox-dark gruvbox-light igor inkpot lilypond lovelace
manni material monokai murphy native nord nord-darker one-dark paraiso-dark paraiso-light pastie perldoc pie
pie-dark pie-light rainbow_dash rrt sas solarized solarized-dark solarized-light staroffice stata stata-dark
stata-light tango trac vim vs xcode zenburn`

// noStyle says where HTTPie's --style is in hop.
const noStyle = "has no match, hop colours with its own palette: --color, NO_COLOR"

// httpieStyleHabit refuses HTTPie's -s STYLE: hop's -s is curl's --silent, and the style's name would be
// taken for the URL (or an item). No style name is a URL hop takes (none has a dot) nor an item.
func httpieStyleHabit(args []string) error {
	if len(args) < 2 || isCommand(args[0]) && !isRequestCommand(args[0]) {
		return nil // hop curl -s is curl's; hop cert's and the others' words are their own
	}
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "--" {
			break
		}
		if args[i] == "-s" && slices.Contains(strings.Fields(httpieStyles), args[i+1]) {
			return usageErrorf("-s %s: -s is curl's --silent here; HTTPie's -s (--style) %s", args[i+1], noStyle)
		}
	}
	return nil
}

// everyFlag is a flag set with every command's flags, to tell a flag that takes a value (and so the word
// after it) from one that does not, whatever command the line is for.
func everyFlag() *pflag.FlagSet {
	fs := pflag.NewFlagSet("all", pflag.ContinueOnError)
	addRequestFlagGroups(fs, &RequestOptions{}, &Streams{})
	certOnly := pflag.NewFlagSet("cert", pflag.ContinueOnError)
	addCertOwnFlags(certOnly, &CertOptions{})
	certOnly.VisitAll(func(f *pflag.Flag) {
		if fs.Lookup(f.Name) == nil {
			fs.AddFlag(f)
		}
	})
	return fs
}

// commandName is a command's name, the first word of its use line.
func commandName(use string) string {
	name, _, _ := strings.Cut(use, " ")
	return name
}

// isCommand reports whether name is one of hop's commands (cobra's help and completion included).
func isCommand(name string) bool {
	switch name {
	case "cert", "replay", "version", "curl", "help", "completion":
		return true
	}
	return isRequestCommand(name)
}

// isRequestCommand reports whether name is one of the commands that send a request: get, post, ...,
// request.
func isRequestCommand(name string) bool {
	for _, mc := range methodCommands {
		if commandName(mc.use) == name {
			return true
		}
	}
	return name == commandName(anyMethodCommand.use)
}

// isMethodName reports whether a word is a method written HTTPie's way, in capitals.
func isMethodName(s string) bool {
	for _, c := range s {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return s != ""
}

// looksLikeURL reports whether an argument is a URL rather than a mistyped command: it has a scheme, a
// port shorthand, a dot, a slash, brackets, or is localhost.
func looksLikeURL(s string) bool {
	return strings.ContainsAny(s, ".:/[") || strings.HasPrefix(strings.ToLower(s), "localhost")
}

// sendsData reports whether the arguments beside the URL send a body: a data item, --raw, or one of curl's
// data flags, typed before the URL or after it.
func sendsData(args []string, fs *pflag.FlagSet) bool {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") && a != "-" {
			f := argFlag(fs, a)
			if f != nil && slices.Contains([]string{"data", "data-raw", "data-binary", "data-urlencode", "json", "form-part", "raw"}, f.Name) {
				return true
			}
			if takesValue(fs, a) {
				i++
			}
			continue
		}
		if request.IsDataItem(a) {
			return true
		}
	}
	return false
}

// argFlag is the flag an argument starting with "-" names: --name, --name=value, or the first of -abc.
func argFlag(fs *pflag.FlagSet, a string) *pflag.Flag {
	if len(a) > 1 && a[1] != '-' {
		return fs.ShorthandLookup(a[1:2])
	}
	return fs.Lookup(strings.TrimLeft(strings.SplitN(a, "=", 2)[0], "-"))
}

// takesValue reports whether flag argument a is followed by its value as the next argument.
func takesValue(fs *pflag.FlagSet, a string) bool {
	if name, ok := strings.CutPrefix(a, "--"); ok {
		if strings.Contains(name, "=") {
			return false
		}
		f := fs.Lookup(name)
		return f != nil && f.NoOptDefVal == ""
	}
	shorts := a[1:]
	for i := 0; i < len(shorts); i++ {
		f := fs.ShorthandLookup(shorts[i : i+1])
		if f == nil || f.NoOptDefVal != "" {
			continue
		}
		return i == len(shorts)-1 // -Hvalue holds its value; -H takes the next argument
	}
	return false
}

// wantsJSON reports whether the command line asks for --format json, read from the arguments themselves:
// it is needed when flag parsing failed.
func wantsJSON(args []string) bool {
	for i, a := range args {
		if a == "--" {
			return false
		}
		if a == "--format=json" || a == "--format" && i+1 < len(args) && args[i+1] == "json" {
			return true
		}
	}
	return false
}

func newVersionCmd(s *Streams) *cobra.Command {
	var verbose bool
	var outFormat string
	c := &cobra.Command{
		Use:   "version",
		Short: "Print hop's version",
		Long: "Print hop's version. With -v, also what it was built with, as curl -V tells: Go's version and the\n" +
			"platform, the protocols and compressions hop speaks, and the libraries it links, each with its version\n" +
			"(what a bug report wants).",
		Example: "  hop version\n  hop version -v\n  hop version --format json | jq -r .version",
		Args:    noArgs,
		RunE: func(*cobra.Command, []string) error {
			switch outFormat {
			case "json":
				return format.WriteBuildDocument(s.Out, build())
			case "text":
			default:
				return usageErrorf("--format %q: text or json", outFormat)
			}
			fmt.Fprintf(s.Out, "hop %s\n", version())
			if verbose {
				format.WriteBuild(s.Out, build())
			}
			return nil
		},
	}
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "also print Go's version, the platform, the protocols, compressions and libraries")
	c.Flags().StringVar(&outFormat, "format", "text", "output format: text, or json for all that -v says, as one document")
	return c
}

// build is what hop was built with, read when hop version -v or --format json asks (plain hop version reads
// no build information).
func build() format.Build {
	b := format.Build{Version: version(), Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
		Protocols: []string{"http", "https"}, HTTPVersions: []string{"HTTP/1.1", "HTTP/2", "HTTP/3"},
		Proxies: transport.ProxySchemes, Decodes: strings.Split(decompress.AcceptEncoding, ", "), Libraries: []format.Library{}}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Replace != nil {
				d = d.Replace
			}
			b.Libraries = append(b.Libraries, format.Library{Path: d.Path, Version: d.Version})
		}
	}
	return b
}

// usageError is a mistake on the command line found by cobra or by hop's own flag checks: exit 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// Class is exchange.Usage.
func (e *usageError) Class() exchange.Class { return exchange.Usage }

// checkFileNames refuses a file flag given a name no file should have. An empty one, as curl does: -o
// "$UNSET" would otherwise be taken as no -o at all, and the body written to stdout. (-b "" stays curl's
// idiom: cookies on, no file.)
func checkFileNames(fs *pflag.FlagSet) error {
	for _, name := range append(fileFlags, "session", "session-read-only") {
		f := fs.Lookup(name)
		if f == nil || !f.Changed || f.Value.String() != "" {
			continue
		}
		return usageErrorf("%s: the file name is empty", flagNames(f))
	}
	return nil
}

// noFlagAsValue refuses a flag that names a file, a method, credentials or HTTPie's --raw body given one of
// the command's own flags for its value (-o --verbose, -D -v, -X -v, -a -v, --raw -q): pflag takes the word after a flag for its value
// whatever it is, so the flag meant would go unread, and a file so named be written, a method "-v" sent, a
// password asked for user "-v". HTTPie and xh refuse it; curl takes it, and so does hop curl. ./--verbose
// names such a file.
func noFlagAsValue(fs *pflag.FlagSet) error {
	for _, name := range append(fileFlags, "session", "session-read-only", "request", "auth", "user", "proxy-user", "bearer", "raw") {
		f := fs.Lookup(name)
		if f == nil || !f.Changed || !isFlagOf(fs, f.Value.String()) {
			continue
		}
		v := f.Value.String()
		var what string
		switch name {
		case "request":
			what = "a method"
		case "auth", "user", "proxy-user":
			what = "USER[:PASSWORD]"
		case "bearer":
			what = "a token"
		case "raw":
			what = "a body"
		default:
			return usageErrorf("%s %s: a file name was expected, not a flag (./%s names a file so called)", flagNames(f), v, v)
		}
		return usageErrorf("%s %s: %s was expected, not a flag", flagNames(f), v, what)
	}
	return nil
}

// flagNames is f as an error names it: -o/--output, or --har when it has no short form.
func flagNames(f *pflag.Flag) string {
	if f.Shorthand != "" {
		return "-" + f.Shorthand + "/--" + f.Name
	}
	return "--" + f.Name
}

// isFlagOf says whether word is one of fs's flags as typed: --name, --name=value, --no-name, or -x and
// -xyz with every letter a short flag of fs (a token or a password that begins with a dash seldom is).
func isFlagOf(fs *pflag.FlagSet, word string) bool {
	if name, ok := strings.CutPrefix(word, "--"); ok {
		name, _, _ = strings.Cut(name, "=")
		return name != "" && (fs.Lookup(name) != nil || fs.Lookup(strings.TrimPrefix(name, "no-")) != nil)
	}
	if len(word) < 2 || word[0] != '-' {
		return false
	}
	for _, c := range word[1:] {
		if c >= utf8.RuneSelf || fs.ShorthandLookup(string(c)) == nil {
			return false
		}
	}
	return true
}

func usageErrorf(format string, a ...any) error { return &usageError{err: fmt.Errorf(format, a...)} }

// CommandTree is the whole command tree with every command's flags, for documentation generated from it
// (tools/man). hop itself never builds it whole.
func CommandTree() *cobra.Command {
	s, _, _ := TestStreams("")
	c := newCommands(s, Runners{}, "")
	c.addCompletionCmd()
	for cc, add := range c.flags {
		fs := cc.Flags()
		fs.SortFlags = false
		add(fs)
	}
	return c.root
}
