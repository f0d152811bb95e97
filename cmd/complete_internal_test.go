package cmd

import (
	"regexp"
	"slices"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Every flag that takes a value has a completion: file or directory names for those listed as taking one
// (or an @FILE), nothing for the rest (a duration, a number, a host), where the shell would offer the
// directory's files. A new flag whose help names a file and is not listed fails here rather than losing its
// file names to that sweep, and so does a listed name no command has.
func TestCompletionOfFlagValues(t *testing.T) {
	s, _, _ := TestStreams("")
	c := newCommands(s, Runners{}, "")
	c.completing = true
	for cc, add := range c.flags {
		add(cc.Flags())
	}
	namesFile := regexp.MustCompile(`FILE|\bfiles?\b|DIR\b|director|PEM|socket`)
	checked := 0
	seen := map[string]bool{}
	for cc := range c.flags {
		cc.Flags().VisitAll(func(f *pflag.Flag) {
			if f.NoOptDefVal != "" || f.Value.Type() == "bool" {
				return // a switch
			}
			complete, ok := cc.GetFlagCompletionFunc(f.Name)
			if !ok {
				t.Errorf("hop %s --%s: no completion registered", cc.Name(), f.Name)
				return
			}
			checked++
			seen[f.Name] = true
			_, directive := complete(cc, nil, "")
			atFile := slices.Contains(atFileFlags, f.Name)
			files := directive == cobra.ShellCompDirectiveDefault || directive == cobra.ShellCompDirectiveFilterDirs
			if namesFile.MatchString(f.Usage) && !files && !atFile && f.Name != "entry" { // replay's --entry N of its file
				t.Errorf("hop %s --%s (%q): directive %d, files offered: %v", cc.Name(), f.Name, f.Usage, directive, files || atFile)
			}
			if atFile {
				if _, d := complete(cc, nil, "@"); d&cobra.ShellCompDirectiveNoSpace == 0 {
					t.Errorf("hop %s --%s @: directive %d, want the files after the @", cc.Name(), f.Name, d)
				}
			}
		})
	}
	if checked < 200 {
		t.Fatalf("%d flags checked: the commands' flags were not built", checked)
	}
	listed := slices.Concat(fileFlags, dirFlags, wordOrFileFlags, atFileFlags)
	for name := range fixedValues {
		listed = append(listed, name)
	}
	for _, name := range listed {
		if !seen[name] {
			t.Errorf("--%s is listed for completion, and no command has it", name)
		}
	}
}
