// Package cmd is hop's command line: cobra wiring that turns flags into an Options struct and calls run.
// Errors are mapped to exit codes in one place, exitCode.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/format"
)

// Version is set at build time with -ldflags "-X github.com/hop-cli/hop/cmd.Version=v1.2.3".
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}

// Options is everything a request command was asked to do, filled from flags and arguments.
type Options struct {
	Method    string
	URL       string
	Items     []string
	StdinBody bool // this command reads a piped stdin as the body when no other body is given

	Headers   []string
	Data      []string
	JSONData  []string
	FormParts []string
	Form      bool
	Multipart bool
	XMethod   string

	Auth   string
	Bearer string

	Follow          bool
	MaxRedirects    int
	LocationTrusted bool
	AllowDowngrade  bool

	Insecure bool
	CACert   string
	Cert     string
	Key      string
	TLSMin   string
	TLSMax   string
	Pin      string
	HTTP11   bool
	HTTP2    bool
	Proxy    string
	Resolve  []string

	ConnectTimeout time.Duration
	IdleTimeout    time.Duration
	MaxTime        time.Duration

	Output        string
	Include       bool
	Verbose       bool
	Quiet         bool
	Print         string
	Trace         bool
	TLS           bool
	Pretty        string
	Color         string
	NoCheckStatus bool
	RawEncoding   bool
	IgnoreStdin   bool
	Offline       bool
	Format        string
	HAR           string
}

// RunFunc runs a request command; tests pass one that captures the Options.
type RunFunc func(ctx context.Context, opts *Options) error

// methodCommands are the commands named after a method, with what their help says.
var methodCommands = []struct {
	name, short, example string
	stdin                bool
}{
	{"get", "Send a GET request", `  hop get example.com/api/users
  hop get :8080/items page==2 Accept:application/json
  hop get api.example.com/me --bearer @env:API_TOKEN | jq .name
  hop get example.com -t          # where did the time go?`, false},
	{"post", "Send a POST request", `  hop post :8080/post name=hop n:=3 tags[]=cli      # {"name":"hop","n":3,"tags":["cli"]}
  hop post example.com/upload -f title=cat photo@cat.jpg
  hop post example.com/api --json '{"raw":true}'
  echo '{"a":1}' | hop post example.com/api`, true},
	{"put", "Send a PUT request", `  hop put :8080/items/1 name=renamed done:=true
  hop put example.com/files/a.bin @a.bin`, true},
	{"patch", "Send a PATCH request", `  hop patch :8080/users/7 email=new@example.com
  hop patch example.com/doc @changes.json Content-Type:application/merge-patch+json`, true},
	{"delete", "Send a DELETE request", `  hop delete :8080/items/1
  hop delete example.com/api/session -a alice`, false},
	{"head", "Send a HEAD request (headers only)", `  hop head example.com
  hop head example.com/big.iso -L`, false},
	{"options", "Send an OPTIONS request", `  hop options :8080/items
  hop options example.com '*'`, false},
}

// NewRootCmd builds the command tree. runF replaces the real run in tests.
func NewRootCmd(s *Streams, runF RunFunc) *cobra.Command {
	if runF == nil {
		runF = func(ctx context.Context, o *Options) error { return run(ctx, s, o) }
	}
	root := &cobra.Command{
		Use:   "hop",
		Short: "An HTTP client for the terminal that shows where the time went",
		Long: `hop sends HTTP requests, shows the response, explains the status, and shows where the time went.

The body goes to stdout; everything about the exchange goes to stderr, so "hop get URL | jq" stays clean.`,
		Example: `  hop get example.com/api/users
  hop post :8080/post name=hop n:=3
  hop get example.com -v`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.Args = func(c *cobra.Command, args []string) error {
		if len(args) > 0 {
			return &usageError{err: fmt.Errorf("unknown command %q (see hop --help)", args[0])}
		}
		return nil
	}
	// --version is hop's own flag rather than cobra's Version field, whose output needs a cobra template.
	showVersion := root.Flags().Bool("version", false, "print hop's version")
	root.RunE = func(c *cobra.Command, _ []string) error {
		if *showVersion {
			fmt.Fprintf(s.Out, "hop %s\n", version())
			return nil
		}
		return c.Help()
	}
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageError{err: fmt.Errorf("%w (see %s --help)", err, c.CommandPath())}
	})
	// Request flags belong to the root so they work on either side of the command name, as curl users
	// expect: "hop -v get URL" and "hop get URL -v" are the same.
	o := &Options{}
	root.PersistentFlags().SortFlags = false
	addRequestFlags(root.PersistentFlags(), o)
	root.SetUsageFunc(usage)
	for _, mc := range methodCommands {
		method := strings.ToUpper(mc.name)
		stdin := mc.stdin
		root.AddCommand(newRequestCmd(o, runF, mc.name+" URL [ITEM...]", mc.short, mc.example,
			func(args []string) (string, []string) { return method, args }, stdin))
	}
	root.AddCommand(newRequestCmd(o, runF, "request METHOD URL [ITEM...]", "Send a request with any method",
		`  hop request PROPFIND example.com/dav Depth:1
  hop request PURGE :8080/cache/item`,
		func(args []string) (string, []string) { return args[0], args[1:] }, true))
	root.AddCommand(newCertCmd(s, o))
	root.AddCommand(newVersionCmd(s))
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Example = "  source <(hop completion bash)\n  hop completion zsh > \"${fpath[1]}/_hop\"\n  hop completion fish > ~/.config/fish/completions/hop.fish"
		}
	}
	return root
}

func newVersionCmd(s *Streams) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print hop's version",
		Example: "  hop version",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(s.Out, "hop %s\n", version())
			return nil
		},
	}
}

const itemsHelp = `URL: example.com/x means https://; :8080/x, localhost and loopback addresses mean http://.

Request items:
  Name:Value        request header (Name: removes a default header, Name; sends it empty)
  name==value       query parameter
  field=value       JSON string field (form field with -f)
  field:=json       raw JSON value: n:=3, ok:=true, tags:='["a"]'
  field=@file       field value from a file (field:=@file.json for raw JSON)
  field@path        file upload (multipart)
  @path, @-         the whole body from a file, or from stdin
Nested fields build nested JSON: user[name]=x tags[]=a.`

// usageError is a mistake on the command line found by cobra or by hop's own flag checks: exit 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func newRequestCmd(o *Options, runF RunFunc, use, short, example string, split func([]string) (string, []string), stdin bool) *cobra.Command {
	minArgs := 1
	if strings.HasPrefix(use, "request") {
		minArgs = 2
	}
	c := &cobra.Command{
		Use:     use,
		Short:   short,
		Long:    short + ".\n\n" + itemsHelp,
		Example: example,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) < minArgs {
				return &usageError{err: fmt.Errorf("missing %s (see hop %s --help)", strings.Fields(use)[minArgs], c.Name())}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			method, rest := split(args)
			o.Method, o.URL, o.Items = method, rest[0], rest[1:]
			o.StdinBody = stdin
			if o.XMethod != "" {
				o.Method = o.XMethod
			}
			if err := o.check(); err != nil {
				return err
			}
			return runF(c.Context(), o)
		},
	}
	return c
}

func addRequestFlags(fs *pflag.FlagSet, o *Options) {
	fs.StringArrayVarP(&o.Headers, "header", "H", nil, `request header "Name: value" (repeatable; "Name:" removes a default)`)
	fs.StringArrayVarP(&o.Data, "data", "d", nil, "raw body, curl style; @FILE reads a file (repeatable, joined with &)")
	fs.StringArrayVar(&o.JSONData, "json", nil, "raw JSON body, curl style; @FILE reads a file")
	fs.StringArrayVarP(&o.FormParts, "form-part", "F", nil, "multipart field name=value or name=@FILE, curl style")
	fs.BoolVarP(&o.Form, "form", "f", false, "send data fields as a form instead of JSON")
	fs.BoolVar(&o.Multipart, "multipart", false, "send data fields as multipart/form-data")
	fs.StringVarP(&o.XMethod, "request", "X", "", "override the method")
	fs.StringVarP(&o.Auth, "auth", "a", "", "basic auth user[:password]; prompts for a missing password (or @FILE, @env:VAR)")
	fs.StringVarP(&o.Auth, "user", "u", "", "same as --auth (curl's name)")
	fs.StringVar(&o.Bearer, "bearer", "", "bearer token (or @FILE, @env:VAR)")
	fs.BoolVarP(&o.Follow, "follow", "L", false, "follow redirects")
	fs.IntVar(&o.MaxRedirects, "max-redirects", 10, "most redirects to follow with -L")
	fs.BoolVar(&o.LocationTrusted, "location-trusted", false, "keep credentials when a redirect changes origin")
	fs.BoolVar(&o.AllowDowngrade, "allow-downgrade", false, "follow redirects from https to http")
	fs.BoolVarP(&o.Insecure, "insecure", "k", false, "do not verify the server's certificate (always warned about)")
	fs.StringVar(&o.CACert, "cacert", "", "trust the CA certificates in this PEM file instead of the system's")
	fs.StringVar(&o.Cert, "cert", "", "client certificate (PEM) for mutual TLS; may hold the key too")
	fs.StringVar(&o.Key, "key", "", "private key (PEM) of --cert")
	fs.StringVar(&o.TLSMin, "tls-min", "", "lowest TLS version to accept: 1.2 or 1.3 (1.0, 1.1 if you must)")
	fs.StringVar(&o.TLSMax, "tls-max", "", "highest TLS version to offer")
	fs.StringVar(&o.Pin, "pin", "", "require this public key in the chain: sha256//BASE64 (;-separated for several)")
	fs.BoolVar(&o.HTTP11, "http1.1", false, "use HTTP/1.1 only")
	fs.BoolVar(&o.HTTP2, "http2", false, "use HTTP/2 (prior knowledge for http://)")
	fs.StringArrayVar(&o.Resolve, "resolve", nil, "connect to ADDR for HOST:PORT without DNS: HOST:PORT:ADDR (repeatable, as in curl)")
	fs.StringVar(&o.Proxy, "proxy", "", "send through this proxy: http://, https:// or socks5:// URL (default: the *_PROXY variables)")
	fs.DurationVar(&o.ConnectTimeout, "connect-timeout", 10*time.Second, "limit for DNS, TCP connect and TLS handshake (0 = none)")
	fs.DurationVar(&o.IdleTimeout, "timeout", 30*time.Second, "fail when no bytes move for this long (0 = none)")
	fs.DurationVarP(&o.MaxTime, "max-time", "m", 0, "limit for the whole exchange, body included (0 = none)")
	fs.StringVarP(&o.Output, "output", "o", "", "write the body to FILE (replaces it; - for stdout)")
	fs.BoolVarP(&o.Include, "include", "i", false, "print the status line and headers on stdout before the body")
	fs.BoolVarP(&o.Verbose, "verbose", "v", false, "also print the request, every hop, the waterfall and TLS summary")
	fs.BoolVarP(&o.Quiet, "quiet", "q", false, "print only the body and errors")
	fs.BoolVarP(&o.Quiet, "silent", "s", false, "same as --quiet (curl's name)")
	fs.StringVarP(&o.Print, "print", "p", "", "parts to print: H request headers, B request body, h response headers, b body, t timings, s TLS")
	fs.BoolVarP(&o.Trace, "trace", "t", false, "print the timing waterfall")
	fs.BoolVar(&o.TLS, "tls", false, "print the TLS summary")
	fs.StringVar(&o.Pretty, "pretty", "auto", "format the body: all, format, colors, none (auto: all on a terminal)")
	fs.StringVar(&o.Color, "color", "auto", "colour output: auto, always, never")
	fs.BoolVar(&o.NoCheckStatus, "no-check-status", false, "exit 0 for 4xx and 5xx responses too")
	fs.BoolVar(&o.RawEncoding, "raw-encoding", false, "keep a compressed body compressed")
	fs.BoolVar(&o.IgnoreStdin, "ignore-stdin", false, "never read stdin as the body")
	fs.BoolVar(&o.Offline, "offline", false, "print the request without sending it")
	fs.StringVar(&o.Format, "format", "text", "output format: text, or json for one document describing the whole exchange")
	fs.StringVar(&o.HAR, "har", "", "also write the exchange to FILE as HAR 1.2")
	fs.BoolVar(&o.Follow, "location", false, "same as --follow (curl's name)")
	fs.MarkHidden("location")
}

// check validates flag values that pflag cannot.
func (o *Options) check() error {
	bad := func(format string, a ...any) error { return &usageError{err: fmt.Errorf(format, a...)} }
	switch o.Pretty {
	case "auto", "all", "format", "colors", "none":
	default:
		return bad("--pretty %q: expected all, format, colors or none", o.Pretty)
	}
	switch o.Format {
	case "text", "json":
	default:
		return bad("--format %q: expected text or json", o.Format)
	}
	switch o.Color {
	case "auto", "always", "never":
	default:
		return bad("--color %q: expected auto, always or never", o.Color)
	}
	for _, c := range o.Print {
		if !strings.ContainsRune("HBhbts", c) {
			return bad("--print %q: unknown part %q (use H B h b t s)", o.Print, c)
		}
	}
	if o.MaxRedirects < 0 {
		return bad("--max-redirects must be 0 or more")
	}
	if o.HTTP11 && o.HTTP2 {
		return bad("--http1.1 and --http2 exclude each other")
	}
	for name, d := range map[string]time.Duration{"--connect-timeout": o.ConnectTimeout, "--timeout": o.IdleTimeout, "--max-time": o.MaxTime} {
		if d < 0 {
			return bad("%s must not be negative", name)
		}
	}
	return nil
}

// Main runs hop with the process's arguments and returns its exit code.
func Main() (code int) {
	s := System()
	defer func() {
		// A bug must still end in one line and a documented exit code, never a stack trace.
		if r := recover(); r != nil {
			format.Error(s.Err, format.Style{}, fmt.Sprintf("internal error: %v (please report this with the command you ran)", r))
			code = exitError
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go cancelOnInterrupt(cancel)
	root := NewRootCmd(s, nil)
	root.SetArgs(os.Args[1:])
	err := root.ExecuteContext(ctx)
	if err != nil && ctx.Err() != nil {
		err = errInterrupted
	}
	return report(s, err)
}

var errInterrupted = errors.New("interrupted")

// cancelOnInterrupt calls cancel on SIGINT or SIGTERM. It runs on its own goroutine: registering for signals
// starts an OS thread, which done on the way to the request added 0.4 ms to every run, a sixth of hop's
// start-up. A signal in the first instant, before the registration, ends hop by the default action, which a
// shell reports as 130 too. Nothing unregisters: the process is about to exit, and signal.Stop waits for the
// signal goroutine to settle.
func cancelOnInterrupt(cancel context.CancelFunc) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	<-ch
	cancel()
}

// report prints err as one line on stderr (unless already shown) and returns its exit code.
func report(s *Streams, err error) int {
	if err == nil {
		return 0
	}
	code, msg := exitCode(err)
	var shown *shownError
	if !errors.As(err, &shown) && msg != "" {
		format.Error(s.Err, format.Style{Color: s.useColor("auto", s.ErrTTY)}, msg)
	}
	return code
}

// shownError is an exit status whose explanation the user has already seen (a 404 whose status line was
// printed).
type shownError struct{ err error }

func (e *shownError) Error() string { return e.err.Error() }
func (e *shownError) Unwrap() error { return e.err }
