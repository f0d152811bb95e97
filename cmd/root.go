package cmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/exchange"
)

// Runners are what the commands run once their flags are parsed; a nil field means the real one. Tests
// pass functions that capture the options, so that flag parsing is tested with no network.
type Runners struct {
	Request func(ctx context.Context, o *RequestOptions) error
	Cert    func(ctx context.Context, o *CertOptions) error
}

// commands is the command tree, with what each command registers when it is the one being run.
type commands struct {
	root  *cobra.Command
	flags map[*cobra.Command]func(*pflag.FlagSet)
	ran   bool // a runner was called: it answers for the output, the JSON document included
}

// Execute runs hop's command line args with streams s.
func Execute(ctx context.Context, s *Streams, r Runners, args []string) error {
	c := newCommands(s, r)
	args = c.hoist(args)
	if reachesCompletion(args) {
		c.addCompletionCmd()
	}
	target := c.prepare(args)
	c.root.SetArgs(args)
	err := c.root.ExecuteContext(ctx)
	if err != nil && !c.ran && target != nil && target != c.root && wantsJSON(args) {
		writeEarlyDocument(s, target.Name(), err)
	}
	return err
}

// newCommands builds the command tree. Commands get their flags later, from prepare.
func newCommands(s *Streams, r Runners) *commands {
	c := &commands{flags: map[*cobra.Command]func(*pflag.FlagSet){}}
	if r.Request == nil {
		r.Request = func(ctx context.Context, o *RequestOptions) error { return runRequest(ctx, s, o) }
	}
	if r.Cert == nil {
		r.Cert = func(ctx context.Context, o *CertOptions) error { return runCert(ctx, s, o) }
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
	root.Args = func(_ *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usageErrorf("unknown command %q (see hop --help)", args[0])
		}
		return nil
	}
	// --version is hop's own flag rather than cobra's Version field, whose output needs a cobra template.
	showVersion := root.Flags().Bool("version", false, "print hop's version")
	root.RunE = func(cc *cobra.Command, _ []string) error {
		if *showVersion {
			fmt.Fprintf(s.Out, "hop %s\n", version())
			return nil
		}
		return cc.Help()
	}
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetFlagErrorFunc(func(cc *cobra.Command, err error) error {
		return usageErrorf("%w (see %s --help)", err, cc.CommandPath())
	})
	root.SetUsageFunc(usage)
	c.root = root
	for _, mc := range methodCommands {
		c.addRequestCmd(s, r, mc)
	}
	c.addRequestCmd(s, r, anyMethodCommand)
	c.addCertCmd(s, r)
	root.AddCommand(newVersionCmd(s))
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
			cc.Example = "  source <(hop completion bash)\n  hop completion zsh > \"${fpath[1]}/_hop\"\n  hop completion fish > ~/.config/fish/completions/hop.fish"
		}
	}
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

// hoist moves the command name to the front when flags come before it ("hop -v get URL"), as curl users
// type them: flags then work on either side of the name.
func (c *commands) hoist(args []string) []string {
	if len(args) == 0 || !strings.HasPrefix(args[0], "-") || args[0] == "-" {
		return args
	}
	fs := pflag.NewFlagSet("all", pflag.ContinueOnError)
	s := &Streams{}
	addRequestFlagGroups(fs, &RequestOptions{}, s)
	certOnly := pflag.NewFlagSet("cert", pflag.ContinueOnError)
	addCertOwnFlags(certOnly, &CertOptions{})
	certOnly.VisitAll(func(f *pflag.Flag) {
		if fs.Lookup(f.Name) == nil {
			fs.AddFlag(f)
		}
	})
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return args
		case !strings.HasPrefix(a, "-") || a == "-":
			if found, _, err := c.root.Find([]string{a}); err != nil || found == c.root {
				return args
			}
			return append(append([]string{a}, args[:i]...), args[i+1:]...)
		case takesValue(fs, a):
			i++
		}
	}
	return args
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

// usageError is a mistake on the command line found by cobra or by hop's own flag checks: exit 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// Class is exchange.Usage.
func (e *usageError) Class() exchange.Class { return exchange.Usage }

func usageErrorf(format string, a ...any) error { return &usageError{err: fmt.Errorf(format, a...)} }
