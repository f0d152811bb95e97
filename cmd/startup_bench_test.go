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
		err := cmd.Execute(context.Background(), s, cmd.Runners{
			Request: func(context.Context, *cmd.Streams, *cmd.RequestOptions) error { return nil },
		}, []string{"get", "example.com/x", "a==1", "-H", "X: y"})
		if err != nil {
			b.Fatal(err)
		}
	}
}
