package cmd

import (
	"fmt"
	"os"
	"time"
	"unicode/utf8"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/check"
	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/request"
)

// writeDocument prints the --format json document; it is printed whatever happened, with error set.
func (p *presenter) writeDocument(out *outcome, err error) {
	d := &format.Document{ExitCode: exitCode(err), Checks: docChecks(out.checks)}
	hops := formatHops(out.ex)
	if out.req != nil {
		d.Request = docRequest(out.req, hops, p.secrets)
	}
	d.Hops = format.DocHops(hops, !p.insecure, time.Now(), p.secrets)
	if out.ex != nil {
		if final := out.ex.Final(); final != nil {
			d.Response = format.NewDocResponse(final, out.body.buf, out.bodyBytes, out.body.truncated, p.secrets)
			if t := out.ex.Trailer(); t != nil {
				d.Response.Trailers = format.HeaderMap(t, p.secrets)
			}
		}
	}
	if n := len(d.Hops); n > 0 {
		d.TLS = d.Hops[n-1].TLS
	}
	d.Error = docError(err)
	format.WriteDocument(p.s.Out, d)
}

// docRequest is the request as the document shows it, credentials masked unless --show-secrets: its headers
// are the first hop's head as sent (Host and framing too), or those hop set when nothing was sent.
func docRequest(r *request.Request, hops []format.Hop, sec format.Secrets) *format.DocRequest {
	d := &format.DocRequest{Method: r.Method, URL: sec.URL(r.URL.String()), Headers: format.HeaderMap(r.Header, sec)}
	if len(hops) > 0 && hops[0].Request != nil {
		d.Headers = format.SentHeaders(hops[0], sec)
	}
	return d
}

// docChecks are the checks' results as the document lists them.
func docChecks(results []check.Result) []format.DocCheck {
	var out []format.DocCheck
	for _, r := range results {
		out = append(out, format.DocCheck{Check: r.Check, Expected: r.Expected, Actual: r.Actual, OK: r.OK})
	}
	return out
}

// docError is the document's error object: the failure's class, the line shown, and the phase.
func docError(err error) *format.DocError {
	if err == nil {
		return nil
	}
	return &format.DocError{Class: exchange.ClassOf(err).String(), Message: errorMessage(err), Phase: exchange.PhaseOf(err)}
}

// maxHARBody bounds the copy of a streamed request body kept for the HAR: an upload larger than that is
// counted there, not held.
const maxHARBody = 4 << 20

// writeHAR writes the exchange as HAR 1.2, one entry per hop.
func (p *presenter) writeHAR(out *outcome) error {
	bodies := format.HARBodies{RequestType: out.req.Header.Get("Content-Type"), Response: out.body.buf, ResponseSize: out.bodyBytes}
	if out.req.Body != nil {
		bodies.Request, _ = out.req.Body.Bytes()
		if kept := out.req.Body.Kept(); kept != nil && utf8.Valid(kept) {
			bodies.Request = kept // a streamed body, as sent; binary ones stay out (HAR's text is a string)
		}
	}
	if p.o.HAR == "-" {
		return format.HAR(p.s.Out, version(), formatHops(out.ex), bodies, p.secrets) // curl's "-": stdout
	}
	// A HAR holds headers and bodies, credentials too with --show-secrets: readable by its owner only.
	f, err := os.OpenFile(p.o.HAR, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("writing HAR file %s: %w", p.o.HAR, argfile.Reason(err))
	}
	if err := format.HAR(f, version(), formatHops(out.ex), bodies, p.secrets); err != nil {
		f.Close()
		return fmt.Errorf("writing HAR file %s: %w", p.o.HAR, argfile.Reason(err))
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing HAR file %s: %w", p.o.HAR, argfile.Reason(err))
	}
	return nil
}

// writeEarlyDocument prints the document of a command that failed before it ran (a flag cobra refused, a
// missing argument): --format json promises one document whatever happened.
func writeEarlyDocument(s *Streams, command string, err error) {
	if command == "version" {
		return // its document describes no exchange: a usage error is its line on stderr
	}
	if command == "cert" {
		format.WriteCertDocument(s.Out, &format.CertDocument{Error: docError(err), ExitCode: exitCode(err)})
		return
	}
	format.WriteDocument(s.Out, &format.Document{Error: docError(err), ExitCode: exitCode(err)})
}
