package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/cmd"
)

// TestEveryFlagAndCommandIsInThePage: the page is made from the tree, so nothing the binary has can be
// missing from it.
func TestEveryFlagAndCommandIsInThePage(t *testing.T) {
	root := cmd.CommandTree()
	var b bytes.Buffer
	if err := write(&b, root, time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if !strings.HasPrefix(page, ".TH HOP 1 \"2026-12-02\"") {
		t.Errorf("page starts %q", page[:min(len(page), 40)])
	}
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() && !strings.Contains(page, `.SS "hop `+c.Name()) {
			t.Errorf("command %s is not in the page", c.Name())
		}
	}
	// A command that only holds others takes one of them as its argument, as the synopsis says.
	if !strings.Contains(page, ".B hop\ncompletion bash|fish|powershell|zsh\n") {
		t.Errorf("the synopsis does not name completion's shells")
	}
	get, _, _ := root.Find([]string{"get"})
	get.LocalFlags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden && !strings.Contains(page, `\fB\-\-`+strings.ReplaceAll(f.Name, "-", `\-`)+`\fR`) {
			t.Errorf("flag --%s is not in the page", f.Name)
		}
	})
	for _, line := range strings.Split(page, "\n") {
		if strings.HasPrefix(line, ".") && !strings.HasPrefix(line, ".TH") && !strings.HasPrefix(line, ".SH") &&
			!strings.HasPrefix(line, ".SS") && !strings.HasPrefix(line, ".TP") && !strings.HasPrefix(line, ".B") &&
			!strings.HasPrefix(line, ".PP") && !strings.HasPrefix(line, ".nf") && !strings.HasPrefix(line, ".fi") &&
			!strings.HasPrefix(line, ".RS") && !strings.HasPrefix(line, ".RE") && !strings.HasPrefix(line, ".br") {
			t.Errorf("a text line reads as a roff request: %q", line)
		}
	}
}
