// Package cmd is hop's command line: cobra wiring that binds flag groups straight to the structs that use
// them, one run per command that calls the exchange and then presents it, and the table from failure class
// to exit code. Flags are registered only on the command being run, and may come before or after its name.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"

	"github.com/hop-cli/hop/format"
)

// Version is set at build time with -ldflags "-X github.com/hop-cli/hop/cmd.Version=v1.2.3".
var Version = ""

// version is hop's version: Version, else the module's or the commit's. It is read once: the User-Agent of
// every URL of a hop curl glob asks for it, and ReadBuildInfo parses the build's text each time.
var version = sync.OnceValue(func() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
})

// Main runs hop with the process's arguments and returns its exit code.
func Main() (code int) {
	s := System()
	defer func() {
		// A bug must still end in one line and a documented exit code, never a stack trace.
		if r := recover(); r != nil {
			format.Error(s.Err, format.Style{}, fmt.Sprintf("internal error: %v (please report this with the command you ran)", r))
			code = exitError
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	watched := make(chan struct{})
	var once sync.Once
	s.WatchInterrupts = func() <-chan struct{} {
		once.Do(func() { go cancelOnInterrupt(cancel, watched) })
		return watched
	}
	prompt := s.ReadPassword
	s.ReadPassword = func(ctx context.Context, p string) (string, error) {
		<-s.WatchInterrupts() // the prompt changes the terminal's mode: Ctrl-C must end it, not kill hop
		return prompt(ctx, p)
	}
	// net/http logs a few things (a stray response on an idle connection) through the standard logger,
	// straight to stderr; nothing but hop's own lines may reach it.
	log.SetOutput(io.Discard)
	err := Execute(ctx, s, Runners{}, os.Args[1:])
	if err != nil && ctx.Err() != nil {
		err = context.Canceled // interrupted, whatever the exchange made of it
	}
	if werr := s.writeError(); werr != nil && !errors.Is(werr, syscall.EPIPE) {
		// A full disk or an unwritable file behind stdout loses output: that is a failure, whatever else
		// happened. (A closed pipe is the reader's choice: SIGPIPE ends hop quietly; curl, which ignores
		// the signal, reports it as exit 23.)
		if err == nil || exitCode(err) == 0 {
			err = werr
		}
	}
	return report(s, err)
}

// cancelOnInterrupt calls cancel on SIGINT or SIGTERM. os/signal starts two OS threads for it (one locked to
// keep the signal mask), which on a small VM cost 2–3 ms, more than the whole of hop's own start-up. So it is
// not done at start-up: a command calls Streams.WatchInterrupts when its work begins, and the registration
// runs on its own goroutine beside that work. A signal before it, in the first milliseconds of a run, ends hop
// by the default action, which a shell reports as 130 too; hop version, help and completion never register.
// Nothing unregisters: the process is about to exit, and signal.Stop waits for the signal goroutine to settle.
//
// watched is closed once the registration is done. A command waits for it before it writes output, so that
// once anything of the exchange has been shown, Ctrl-C is always answered with the error line and exit 130.
func cancelOnInterrupt(cancel context.CancelFunc, watched chan<- struct{}) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	close(watched)
	<-ch
	cancel()
}
