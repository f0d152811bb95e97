package cmd

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/hop-cli/hop/auth"
	"github.com/hop-cli/hop/format"
)

// Streams are hop's standard streams and what is known about them: which are terminals, how wide stderr is,
// whether to colour them, the environment, and how to ask for a password. Tests build one from buffers.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	InTTY  bool
	OutTTY bool
	ErrTTY bool

	Getenv func(string) string
	Width  func() int
	// ReadPassword asks for a secret on the terminal; it returns auth.ErrNoTerminal when there is none.
	ReadPassword func(prompt string) (string, error)

	// WatchInterrupts starts turning SIGINT and SIGTERM into the cancellation of the command's context, and
	// returns a channel closed once that is in place; commands call it when their work begins. Nil means
	// interrupts are not watched (tests).
	WatchInterrupts func() <-chan struct{}

	// Color is the --color flag (auto, always, never), bound by the commands that take it. OutStyle and
	// ErrStyle are the one place that decides from it whether a stream is painted.
	Color string
}

// System returns the process's own streams.
func System() *Streams {
	isTTY := func(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
	return &Streams{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		InTTY: isTTY(os.Stdin), OutTTY: isTTY(os.Stdout), ErrTTY: isTTY(os.Stderr),
		Getenv: os.Getenv,
		Width: func() int {
			if w, _, err := term.GetSize(int(os.Stderr.Fd())); err == nil && w > 0 {
				return w
			}
			return 80
		},
		ReadPassword: readPasswordFromTTY,
		Color:        "auto",
	}
}

func readPasswordFromTTY(prompt string) (string, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", auth.ErrNoTerminal
	}
	defer tty.Close()
	if !term.IsTerminal(int(tty.Fd())) {
		return "", auth.ErrNoTerminal
	}
	fmt.Fprint(tty, prompt)
	p, err := term.ReadPassword(int(tty.Fd()))
	fmt.Fprintln(tty)
	if err != nil {
		return "", fmt.Errorf("reading password: %w", err)
	}
	return string(p), nil
}

// TestStreams returns streams over buffers, none of them a terminal, with an empty environment.
func TestStreams(stdin string) (*Streams, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Streams{
		In: bytes.NewBufferString(stdin), Out: &out, Err: &errb,
		Getenv:       func(string) string { return "" },
		Width:        func() int { return 80 },
		ReadPassword: func(string) (string, error) { return "", auth.ErrNoTerminal },
		Color:        "auto",
	}, &out, &errb
}

// watchInterrupts calls WatchInterrupts, if set; the channel it returns is closed once interrupts are watched.
func (s *Streams) watchInterrupts() <-chan struct{} {
	if s.WatchInterrupts != nil {
		return s.WatchInterrupts()
	}
	done := make(chan struct{})
	close(done)
	return done
}

// OutStyle is how stdout is painted.
func (s *Streams) OutStyle() format.Style { return format.Style{Color: s.useColor(s.OutTTY)} }

// ErrStyle is how stderr is painted.
func (s *Streams) ErrStyle() format.Style { return format.Style{Color: s.useColor(s.ErrTTY)} }

// useColor decides whether to paint a stream: --color=always|never wins, then NO_COLOR, then FORCE_COLOR,
// then whether the stream is a terminal (and TERM is not dumb).
func (s *Streams) useColor(tty bool) bool {
	switch s.Color {
	case "always":
		return true
	case "never":
		return false
	}
	if s.Getenv("NO_COLOR") != "" {
		return false
	}
	if v := s.Getenv("FORCE_COLOR"); v != "" && v != "0" && v != "false" {
		return true
	}
	return tty && s.Getenv("TERM") != "dumb"
}
