package cmd

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/auth"
	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/transport"
)

// replayAnnotations title hop replay's flags in its help.
var replayAnnotations = map[string]string{flagsTitle: "Request Flags"}

// maxHARFile bounds the HAR file hop replay reads: a browser's export of a busy page is tens of MiB.
const maxHARFile = 256 << 20

// addReplayCmd is hop replay: one request of a HAR file (hop's --har, a browser's export) sent again, with
// every request flag to change or watch it.
func (c *commands) addReplayCmd(s *Streams, r Runners) {
	o := &RequestOptions{}
	entry := 0 // allEntries: --entry all
	cc := &cobra.Command{
		Use:   "replay FILE.har [ITEM...]",
		Short: "Send again a request recorded in a HAR file (hop's --har, a browser's export)",
		Long: `Send again a request recorded in a HAR file: the method, URL, headers and body it holds, with hop's
output, timings, checks and exit codes on top. A file of several requests asks which (--entry N, from 1),
or --entry all sends each in turn: a failure is said and the next one sent, a last line names every
failure, and the exit code is the first failure's (-b FILE -c FILE carries cookies from one to the next).

What a new request gets of its own is left out (HTTP/2 pseudo-headers, Host, Content-Length, the
connection's headers); credentials the file holds masked (hop's --har without --show-secrets) are not
sent, and hop says which: give -a, --bearer, -b or -H instead. Headers typed (-H, Name:Value items) replace
the recorded ones of the same name; every request flag applies (-v, -L, --format json, --expect-*...).`,
		Example: `  hop get api.example.com/orders --har order.har && hop replay order.har -v
  hop replay www.example.com.har --entry 12 --bearer @env:TOKEN
  hop replay order.har X-Debug:1 --expect-status 200
  hop replay checkout-flow.har --entry all -b jar.txt -c jar.txt --expect-status 200`,
		Annotations: replayAnnotations,
		Args: func(cc *cobra.Command, args []string) error {
			if len(args) < 1 {
				return usageErrorf("missing FILE.har (see hop replay --help)")
			}
			return nil
		},
		RunE: func(cc *cobra.Command, args []string) error {
			if err := checkFileNames(cc.Flags()); err != nil {
				return err
			}
			if err := noFlagAsValue(cc.Flags()); err != nil {
				return err
			}
			if err := s.redirectErr(o.Output.Stderr); err != nil {
				return err
			}
			data, err := argfile.Read(args[0], maxHARFile)
			if err != nil {
				return usageErrorf("%s: %w", args[0], err)
			}
			if entry == allEntries {
				if err := o.allowsAll(); err != nil {
					return err
				}
				entries, errs, err := request.ReadHARAll(data)
				if err != nil {
					return usageErrorf("%s: %w", args[0], err)
				}
				c.ran = true
				return replayAll(cc.Context(), s, r, o, args, entries, errs)
			}
			e, _, err := request.ReadHAR(data, entry)
			if err != nil {
				return usageErrorf("%s: %w", args[0], err)
			}
			o.replaying(s, e, args[1:])
			if err := o.check(s); err != nil {
				return err
			}
			c.ran = true
			return r.Request(cc.Context(), s, o)
		},
	}
	c.root.AddCommand(cc)
	c.flags[cc] = func(fs *pflag.FlagSet) {
		addRequestFlagGroups(fs, o, s)
		fs.Var((*entryFlag)(&entry), "entry", "the request to send, from 1, when the file holds several; all sends each in turn")
		if c.completing {
			registerCompletions(cc, []string{"text", "json"})
		}
	}
}

// replaying makes o the request of entry e, with the items typed.
func (o *RequestOptions) replaying(s *Streams, e request.HAREntry, items []string) {
	o.Spec.Method, o.Spec.URL, o.Spec.Items = e.Method, e.URL, items
	o.methodFlags()
	// Recorded headers go as a session's do: each unless the command line gives or removes its name.
	o.Spec.SessionHeaders = e.Headers
	if e.Body != nil {
		o.Spec.Data = append([]request.Data{{Kind: request.DataRaw, Value: *e.Body}}, o.Spec.Data...)
		if e.Headers.Get("Content-Type") == "" {
			// None recorded, none sent (but one typed), rather than -d's form type.
			o.Spec.Headers = append([]string{"Content-Type:"}, o.Spec.Headers...)
		}
	}
	o.IgnoreStdin = true
	if len(e.Masked) > 0 && !o.Output.Quiet {
		format.Note(s.Err, s.ErrStyle(), "the HAR file holds "+strings.Join(e.Masked, ", ")+
			" masked (written without --show-secrets): not sent; give -a, --bearer, -b or -H instead")
	}
}

// resolveOnce reads -a's and -U's secrets (a file, a variable, the terminal's prompt) before the first of
// several runs, so that each run does not ask again.
func (o *RequestOptions) resolveOnce(ctx context.Context, s *Streams) error {
	if err := resolveTransport(ctx, s, &o.Transport); err != nil {
		return err
	}
	typed, err := o.Auth.Typed()
	if err != nil || typed.Basic == "" {
		return err
	}
	creds, err := typed.Resolve(auth.Env{Getenv: s.Getenv, Prompt: func(p string) (string, error) { return s.ReadPassword(ctx, p) }})
	if err != nil {
		return err
	}
	o.Auth.Basic = creds.User + ":" + creds.Password
	return nil
}

// allEntries is --entry all.
const allEntries = -1

// entryFlag is --entry: N, from 1, or all.
type entryFlag int

func (f *entryFlag) String() string {
	if *f == allEntries {
		return "all"
	}
	return strconv.Itoa(int(*f))
}
func (f *entryFlag) Type() string { return "N|all" }

func (f *entryFlag) Set(v string) error {
	if v == "all" {
		*f = allEntries
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return fmt.Errorf("%q is not an entry: a number from 1, or all", v)
	}
	*f = entryFlag(n)
	return nil
}

// allowsAll refuses, with --entry all, what would write one file for every request over the last one's.
func (o *RequestOptions) allowsAll() error {
	out := &o.Output
	for _, f := range []struct {
		name string
		on   bool
	}{{"-o", out.File != "" && out.File != "-"}, {"-O", out.Download}, {"-D", out.DumpHeader != "" && out.DumpHeader != "-"},
		{"--har", out.HAR != "" && out.HAR != "-"}, {"--etag-save", out.ETagSave != ""}, {"--repeat", o.Repeat.N > 0}, {"-C", out.Continue}} {
		if f.on {
			return usageErrorf("--entry all sends every request of the file: %s would keep only the last one's", f.name)
		}
	}
	return nil
}

// replayAll sends every entry in turn, each as hop replay --entry N would, with the options typed, over the
// connections the earlier ones kept alive. A failed one is said at once and the next one sent; the error names every failure, with the first one's class.
func replayAll(ctx context.Context, s *Streams, r Runners, base *RequestOptions, args []string, entries []request.HAREntry, errs []error) error {
	if err := base.resolveOnce(ctx, s); err != nil {
		return err
	}
	var failed []string
	var first error
	var shared *transport.Transport // the first entry's, kept for the rest: a connection kept alive is reused
	defer func() {
		if shared != nil {
			shared.CloseIdleConnections()
		}
	}()
	meta := !base.Output.hushed() && base.Output.Format != "json"
	for i, e := range entries {
		var err error
		if errs[i] != nil {
			err = usageErrorf("%s: %w", args[0], errs[i]) // as hop replay --entry N says it
		}
		if meta {
			format.Note(s.Err, s.ErrStyle(), fmt.Sprintf("entry %d of %d: %s %s", i+1, len(entries), e.Method, format.Secrets{}.URL(e.URL)))
		}
		if err == nil {
			o := *base // flags as typed; the request and what a run keeps are its own
			o.replaying(s, e, args[1:])
			o.transport = shared
			if err = o.check(s); err == nil {
				err = r.Request(ctx, s, &o)
			}
			shared = cmp.Or(shared, o.transport)
		}
		if err == nil {
			continue
		}
		first = cmp.Or(first, err)
		failed = append(failed, fmt.Sprintf("%d (exit %d)", i+1, exitCode(err)))
		if len(entries) > 1 {
			failedOne(s, err)
		}
		if exchange.ClassOf(err) == exchange.Interrupted {
			break
		}
	}
	if first == nil || len(entries) == 1 {
		return first
	}
	return &failures{first: first, line: fmt.Sprintf("%d of %d entries failed: %s", len(failed), len(entries), strings.Join(failed, ", "))}
}
