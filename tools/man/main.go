// Command man writes hop's manual page, hop(1), in roff, from hop's own command tree: every command, its
// examples and its flags, so that the page cannot drift from the binary. make man runs it; hop itself
// never carries this code.
//
//	go run ./tools/man > hop.1
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/cmd"
)

func main() {
	if err := write(os.Stdout, cmd.CommandTree(), time.Now()); err != nil {
		fmt.Fprintln(os.Stderr, "man:", err)
		os.Exit(1)
	}
}

// roff escapes text for roff: backslashes, and a line that would start with a control character.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}

// useLine is c's usage line; a command that only holds others (completion) names them as its argument,
// "hop completion bash|zsh|fish|powershell", as the page's reader types it.
func useLine(c *cobra.Command) string {
	if !c.HasAvailableSubCommands() {
		return c.UseLine()
	}
	var names []string
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			names = append(names, sub.Name())
		}
	}
	return c.CommandPath() + " " + strings.Join(names, "|")
}

func write(w io.Writer, root *cobra.Command, now time.Time) error {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p(".TH HOP 1 %q \"hop\" \"User Commands\"\n", now.Format("2006-01-02"))
	p(".SH NAME\nhop \\- %s\n", roff(root.Short))
	p(".SH SYNOPSIS\n")
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() {
			p(".B hop\n%s\n.br\n", roff(strings.TrimPrefix(useLine(c), "hop ")))
		}
	}
	p(".SH DESCRIPTION\n%s\n", roff(root.Long))
	p(".SH COMMANDS\n")
	for _, c := range root.Commands() {
		if !c.IsAvailableCommand() {
			continue
		}
		p(".SS \"%s\"\n%s\n", roff(useLine(c)), roff(strings.TrimSpace(c.Long+"\n")))
		if c.Long == "" {
			p("%s\n", roff(c.Short))
		}
		if c.Example != "" {
			p(".PP\nExamples:\n.PP\n.nf\n.RS\n%s\n.RE\n.fi\n", roff(c.Example))
		}
	}
	for _, name := range []string{"get", "cert"} {
		c, _, err := root.Find([]string{name})
		if err != nil {
			return err
		}
		title := "REQUEST FLAGS"
		if name == "cert" {
			title = "CERT FLAGS"
		}
		p(".SH %s\n", title)
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Hidden {
				return
			}
			names := `\fB\-\-` + roff(f.Name) + `\fR`
			if f.Shorthand != "" {
				names = `\fB\-` + f.Shorthand + `\fR, ` + names
			}
			if t := f.Value.Type(); t != "bool" {
				names += ` \fI` + t + `\fR`
			}
			usage := f.Usage
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" && f.DefValue != "0" {
				usage += " (default " + f.DefValue + ")"
			}
			p(".TP\n%s\n%s\n", names, roff(usage))
		})
	}
	p(".SH EXIT STATUS\n")
	for _, e := range cmd.ExitStatuses {
		p(".TP\n.B %d\n%s\n", e.Code, roff(e.Meaning))
	}
	p(".SH ENVIRONMENT\n")
	for _, e := range [][2]string{
		{"NO_COLOR", "turns colour off (--color wins over it)"},
		{"FORCE_COLOR", "colours a stream that is not a terminal"},
		{"HTTP_PROXY, HTTPS_PROXY, NO_PROXY", "the proxy for a request when --proxy is not given"},
	} {
		p(".TP\n.B %s\n%s\n", roff(e[0]), roff(e[1]))
	}
	p(".SH SEE ALSO\ncurl(1)\n")
	return nil
}
