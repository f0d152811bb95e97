package cmd

import (
	"net/http"
	"net/textproto"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/request"
)

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
		Annotations: map[string]string{flagsTitle: "Request Flags"},
		Args: func(cc *cobra.Command, args []string) error {
			if len(args) < 1 {
				return usageErrorf("missing FILE.har (see hop replay --help)")
			}
			return nil
		},
		RunE: func(cc *cobra.Command, args []string) error {
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
			switch {
			case o.Method != "":
				o.Spec.Method = o.Method // -X, as typed
			case o.Head:
				o.Spec.Method = http.MethodHead
			}
			if o.Head {
				o.Output.Include = true // -I shows the head on stdout, as for the other commands
			}
			typed := typedHeaders(o.Spec.Headers, o.Spec.Items)
			var recorded []string
			for _, h := range e.Headers {
				if name, _, _ := strings.Cut(h, ":"); !typed[textproto.CanonicalMIMEHeaderKey(name)] {
					recorded = append(recorded, h)
				}
			}
			o.Spec.Headers = append(recorded, o.Spec.Headers...)
			if e.Body != nil {
				o.Spec.Data = append([]request.Data{{Kind: request.DataRaw, Value: *e.Body}}, o.Spec.Data...)
				if !typed["Content-Type"] && !hasHeader(e.Headers, "Content-Type") {
					o.Spec.Headers = append(o.Spec.Headers, "Content-Type:") // none recorded: none sent
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

// typedHeaders are the header names typed on the command line, with -H and Name:Value items.
func typedHeaders(headers, items []string) map[string]bool {
	names := map[string]bool{}
	for _, h := range headers {
		if name, _, ok := strings.Cut(h, ":"); ok {
			names[textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(name))] = true
		}
	}
	for _, it := range items {
		if i := strings.IndexAny(it, ":=@"); i > 0 && it[i] == ':' && !strings.HasPrefix(it[i:], ":=") {
			names[textproto.CanonicalMIMEHeaderKey(it[:i])] = true
		}
	}
	return names
}

func hasHeader(headers []string, name string) bool {
	for _, h := range headers {
		if n, _, _ := strings.Cut(h, ":"); strings.EqualFold(strings.TrimSpace(n), name) {
			return true
		}
	}
	return false
}
