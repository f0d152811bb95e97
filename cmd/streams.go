package cmd

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/hop-cli/hop/argfile"
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

	Getenv   func(string) string
	Width    func() int // stderr's columns, 80 when it is not a terminal
	OutWidth func() int // stdout's columns, 80 when it is not a terminal
	// ReadPassword asks for a secret on the terminal; it returns auth.ErrNoTerminal when there is none, and
	// the context's error, at once and with the terminal restored, when ctx ends (Ctrl-C).
	ReadPassword func(ctx context.Context, prompt string) (string, error)

	// WatchInterrupts starts turning SIGINT and SIGTERM into the cancellation of the command's context, and
	// returns a channel closed once that is in place; commands call it when their work begins. Nil means
	// interrupts are not watched (tests).
	WatchInterrupts func() <-chan struct{}

	// Color is the --color flag (auto, always, never), bound by the commands that take it. OutStyle and
	// ErrStyle are the one place that decides from it whether a stream is painted.
	Color string
}

// failedWriter remembers the first error writing to stdout, so that a full disk or a closed file behind it
// is reported once at the end instead of being ignored by every writer on the way. The error is worded for
// the user ("writing to standard output: no space left on device"), whoever reports it.
type failedWriter struct {
	w   io.Writer
	err error
}

func (f *failedWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err != nil {
		err = fmt.Errorf("writing to standard output: %w", argfile.Reason(err))
		if f.err == nil {
			f.err = err
		}
	}
	return n, err
}

// writeError is the first error writing to stdout, if any.
func (s *Streams) writeError() error {
	if f, ok := s.Out.(*failedWriter); ok {
		return f.err
	}
	return nil
}

// System returns the process's own streams.
func System() *Streams {
	isTTY := func(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
	return &Streams{
		In: os.Stdin, Out: &failedWriter{w: os.Stdout}, Err: os.Stderr,
		InTTY: isTTY(os.Stdin), OutTTY: isTTY(os.Stdout), ErrTTY: isTTY(os.Stderr),
		Getenv:       os.Getenv,
		Width:        func() int { return columns(os.Stderr) },
		OutWidth:     func() int { return columns(os.Stdout) },
		ReadPassword: readPasswordFromTTY,
		Color:        "auto",
	}
}

// columns is a terminal's width, or 80.
func columns(f *os.File) int {
	if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
		return w
	}
	return 80
}

func readPasswordFromTTY(ctx context.Context, prompt string) (string, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", auth.ErrNoTerminal
	}
	fd := int(tty.Fd())
	if !term.IsTerminal(fd) {
		tty.Close()
		return "", auth.ErrNoTerminal
	}
	state, err := term.GetState(fd)
	if err != nil {
		tty.Close()
		return "", fmt.Errorf("reading password: %w", err)
	}
	fmt.Fprint(tty, prompt)
	type result struct {
		p   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		p, err := term.ReadPassword(fd)
		done <- result{p, err}
	}()
	select {
	case r := <-done:
		fmt.Fprintln(tty)
		tty.Close()
		if r.err != nil {
			return "", fmt.Errorf("reading password: %w", r.err)
		}
		return string(r.p), nil
	case <-ctx.Done():
		// The read is left behind, blocked; hop is about to exit. The terminal gets its echo back now.
		term.Restore(fd, state)
		fmt.Fprintln(tty)
		return "", ctx.Err()
	}
}

// TestStreams returns streams over buffers, none of them a terminal, with an empty environment.
func TestStreams(stdin string) (*Streams, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Streams{
		In: bytes.NewBufferString(stdin), Out: &out, Err: &errb,
		Getenv:       func(string) string { return "" },
		Width:        func() int { return 80 },
		OutWidth:     func() int { return 80 },
		ReadPassword: func(context.Context, string) (string, error) { return "", auth.ErrNoTerminal },
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

// OutStyle is how stdout is painted, and on a terminal how wide its lines may be.
func (s *Streams) OutStyle() format.Style {
	st := format.Style{Color: s.useColor(s.OutTTY)}
	if s.OutTTY {
		st.Width = s.OutWidth()
	}
	return st
}

// ErrStyle is how stderr is painted, and on a terminal how wide its lines may be.
func (s *Streams) ErrStyle() format.Style {
	st := format.Style{Color: s.useColor(s.ErrTTY)}
	if s.ErrTTY {
		st.Width = s.Width()
	}
	return st
}

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

// redirectErr sends what would go to stderr to path instead, from here on (curl's --stderr; "-" is stdout),
// the final error line included. The file is replaced, as curl replaces it.
func (s *Streams) redirectErr(path string) error {
	switch path {
	case "":
		return nil
	case "-":
		s.Err, s.ErrTTY = s.Out, s.OutTTY
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return usageErrorf("--stderr %s: %w", path, argfile.Reason(err))
	}
	s.Err, s.ErrTTY = f, false
	return nil
}
