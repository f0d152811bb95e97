package cmd_test

import (
	"context"
	"testing"

	"github.com/hop-cli/hop/cmd"
)

// BenchmarkStartup measures what hop does in main before any network work: building the command tree and
// parsing a typical command line.
func BenchmarkStartup(b *testing.B) {
	s, _, _ := cmd.TestStreams("")
	b.ReportAllocs()
	for b.Loop() {
		root := cmd.NewRootCmd(s, func(context.Context, *cmd.Options) error { return nil })
		root.SetArgs([]string{"get", "example.com/x", "a==1", "-H", "X: y"})
		if err := root.Execute(); err != nil {
			b.Fatal(err)
		}
	}
}
