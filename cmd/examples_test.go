package cmd

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hop-cli/hop/testserver"
)

// exampleLines are the hop command lines in a text: lines of code blocks (or indented help examples) that
// start with "hop " or "$ hop ", joined across trailing backslashes and cut at a comment, a pipe or a
// shell operator.
func exampleLines(text string, onlyBlocks bool) []string {
	var out []string
	inBlock := !onlyBlocks
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if onlyBlocks && strings.HasPrefix(l, "```") {
			inBlock = !inBlock
			continue
		}
		if !inBlock {
			continue
		}
		l = strings.TrimPrefix(l, "$ ")
		if !strings.HasPrefix(l, "hop ") || strings.Contains(l, "[ITEM") {
			continue // not an example: the synopsis
		}
		for strings.HasSuffix(l, `\`) && i+1 < len(lines) {
			i++
			l = strings.TrimSuffix(l, `\`) + " " + strings.TrimSpace(lines[i])
		}
		out = append(out, cutShell(l))
	}
	return out
}

// cutShell keeps a command line up to its first unquoted #, |, ;, >, && or ||.
func cutShell(l string) string {
	quote := byte(0)
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '#' && (i == 0 || l[i-1] == ' '), c == '|', c == ';', c == '>', c == '&' && i+1 < len(l) && l[i+1] == '&':
			return strings.TrimSpace(l[:i])
		}
	}
	return l
}

// shellWords splits a command line as a shell would, for the quoting examples use.
func shellWords(l string) []string {
	var out []string
	var cur strings.Builder
	quote, in := byte(0), false
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == ' ':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

var fileArg = regexp.MustCompile(`(?:^|[=:@<])@?([\w.-]+\.(?:json|jpg|png|bin|pem|txt|har))`)

// TestExamplesStillWork runs every example of the README and of every command's --help through hop's
// flag parsing, checks and request building (offline: nothing is sent), so that none drifts from what the
// binary takes.
// exampleHAR is a HAR file for an example to replay: a browser's export of a page (www.*) holds many
// requests, hop's own one.
func exampleHAR(name string) string {
	n := 1
	if strings.HasPrefix(name, "www.") {
		n = 20
	}
	entry := `{"request": {"method": "GET", "url": "https://api.example.com/orders", "headers": [], "bodySize": 0}}`
	return `{"log": {"entries": [` + strings.TrimSuffix(strings.Repeat(entry+",", n), ",") + `]}}`
}

func TestExamplesStillWork(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	examples := exampleLines(string(readme), true)
	root := CommandTree()
	examples = append(examples, exampleLines(root.Example, false)...)
	for _, c := range root.Commands() {
		examples = append(examples, exampleLines(c.Example, false)...)
	}
	if len(examples) < 40 {
		t.Fatalf("found %d examples; the extraction is broken", len(examples))
	}
	pki, err := testserver.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	for _, ex := range examples {
		args := shellWords(ex)[1:]
		for _, a := range args {
			for _, m := range fileArg.FindAllStringSubmatch(a, -1) {
				content := "{}"
				switch {
				case strings.HasSuffix(m[1], ".har"):
					content = exampleHAR(m[1])
				case strings.Contains(m[1], "jar"):
					content = "" // an empty Netscape cookie file
				case strings.HasSuffix(m[1], ".pem"):
					content = string(testserver.CertPEM(pki.Root)) // --offline reads --cacert as a run does
				}
				os.WriteFile(filepath.Clean(m[1]), []byte(content), 0o644)
			}
		}
		s, out, errb := TestStreams("")
		s.Getenv = func(name string) string {
			if name == "CURL_CA_BUNDLE" || name == "REQUESTS_CA_BUNDLE" {
				return "" // a file, which no example names
			}
			return "from-env" // @env:VAR
		}
		s.ReadPassword = func(context.Context, string) (string, error) { return "typed", nil }
		err := Execute(context.Background(), s, Runners{
			Request: func(ctx context.Context, s *Streams, o *RequestOptions) error {
				o.Output.Offline, o.Output.HAR, o.Output.File = true, "", ""
				return runRequest(ctx, s, o)
			},
			Cert: func(context.Context, *Streams, *CertOptions) error { return nil },
		}, args)
		if err != nil {
			t.Errorf("example %q: %v\n%s%s", ex, err, out, errb)
		}
	}
}
