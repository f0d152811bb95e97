package cmd

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/request"
)

// replayAnnotations title hop replay's flags in its help.
var replayAnnotations = map[string]string{flagsTitle: "Request Flags"}

// maxHARFile bounds the HAR file hop replay reads: a browser's export of a busy page is tens of MiB.
const maxHARFile = 256 << 20

// addReplayCmd is hop replay: one request of a HAR file (hop's --har, a browser's export) sent again, with
// every request flag to change or watch it.
func (c *commands) addReplayCmd(s *Streams, r Runners) {
	o := &RequestOptions{}
	entry := 0
	cc := &cobra.Command{
		Use:   "replay FILE.har [ITEM...]",
		Short: "Send again a request recorded in a HAR file (hop's --har, a browser's export)",
		Long: `Send again a request recorded in a HAR file: the method, URL, headers and body it holds, with hop's
output, timings, checks and exit codes on top. A file of several requests asks which (--entry N, from 1).

What a new request gets of its own is left out (HTTP/2 pseudo-headers, Host, Content-Length, the
connection's headers); credentials the file holds masked (hop's --har without --show-secrets) are not
sent, and hop says which: give -a, --bearer or -b instead. Headers typed (-H, Name:Value items) replace
the recorded ones of the same name; every request flag applies (-v, -L, --format json, --expect-*...).`,
		Example: `  hop get api.example.com/orders --har order.har && hop replay order.har -v
  hop replay www.example.com.har --entry 12 --bearer @env:TOKEN
  hop replay order.har X-Debug:1 --expect-status 200`,
		Annotations: replayAnnotations,
		Args: func(cc *cobra.Command, args []string) error {
			if len(args) < 1 {
				return usageErrorf("missing FILE.har (see hop replay --help)")
			}
			return nil
		},
		RunE: func(cc *cobra.Command, args []string) error {
			if err := noEmptyFileNames(cc.Flags()); err != nil {
				return err
			}
			if err := s.redirectErr(o.Output.Stderr); err != nil {
				return err
			}
			data, err := argfile.Read(args[0], maxHARFile)
			if err != nil {
				return usageErrorf("%s: %w", args[0], err)
			}
			e, _, err := request.ReadHAR(data, entry)
			if err != nil {
				return usageErrorf("%s: %w", args[0], err)
			}
			o.Spec.Method, o.Spec.URL, o.Spec.Items = e.Method, e.URL, args[1:]
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
					" masked (written without --show-secrets): not sent; give -a, --bearer or -b instead")
			}
			if err := o.check(s); err != nil {
				return err
			}
			c.ran = true
			return r.Request(cc.Context(), o)
		},
	}
	c.root.AddCommand(cc)
	c.flags[cc] = func(fs *pflag.FlagSet) {
		addRequestFlagGroups(fs, o, s)
		fs.Var((*countFlag)(&entry), "entry", "the request to send, from 1, when the file holds several")
		registerCompletions(cc, []string{"text", "json"})
	}
}
