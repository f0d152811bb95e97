package cmd

import (
	"errors"

	"github.com/hop-cli/hop/check"
	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/transport"
)

// Exit codes, as the contract lists them (curl's numbers where curl has one).
const (
	exitError       = 1
	exitUsage       = 2
	exitHTTP4xx     = 4
	exitHTTP5xx     = 5
	exitInterrupted = 130
)

// exitCodes maps every failure class to the exit code the contract gives it.
var exitCodes = map[exchange.Class]int{
	exchange.None:         0,
	exchange.Other:        exitError,
	exchange.Usage:        exitUsage,
	exchange.Status:       exitHTTP4xx, // exitHTTP5xx for a 5xx: see exitCode
	exchange.Resolve:      6,
	exchange.Connect:      7,
	exchange.Check:        10,
	exchange.Body:         18,
	exchange.Timeout:      28,
	exchange.Handshake:    35,
	exchange.Redirects:    47,
	exchange.EmptyReply:   52,
	exchange.ProxyRefused: 56, // 97 for SOCKS: see exitCode
	exchange.Refused:      exitError,
	exchange.Protocol:     exitError,
	exchange.Certificate:  60,
	exchange.TooLarge:     63,
	exchange.Interrupted:  exitInterrupted,
}

// ExitStatuses are hop's exit codes and what they mean, for its documentation.
var ExitStatuses = []struct {
	Code    int
	Meaning string
}{
	{0, "the exchange completed (1xx–3xx, or any status with --no-check-status)"},
	{1, "any other error (a refused redirect, a malformed response, an unwritable -o file)"},
	{2, "usage error: bad flag, request item, URL or file argument; nothing was sent"},
	{4, "the response was 4xx (the body is still printed)"},
	{5, "the response was 5xx (the body is still printed)"},
	{6, "could not resolve host"},
	{7, "could not connect"},
	{10, "a check the user asked for failed (--expect-*, --slo, --expires-within)"},
	{18, "the body ended early or could not be decoded"},
	{28, "timeout (connect, idle or total)"},
	{35, "TLS handshake failed"},
	{47, "too many redirects"},
	{52, "the server closed the connection without answering (an empty reply), or turned the request away unprocessed"},
	{56, "the proxy refused the tunnel to the server (its status says why)"},
	{60, "certificate verification failed"},
	{63, "the body is larger than --max-filesize"},
	{97, "the SOCKS proxy did not connect to the server"},
	{130, "interrupted"},
}

// exitCode is the one place where errors become exit codes.
func exitCode(err error) int {
	class := exchange.ClassOf(err)
	var status *check.StatusError
	if class == exchange.Status && errors.As(err, &status) && status.Code >= 500 {
		return exitHTTP5xx
	}
	var pe *transport.ProxyError
	if class == exchange.ProxyRefused && errors.As(err, &pe) && pe.SOCKS {
		return 97
	}
	return exitCodes[class]
}

// errorMessage is the one line that tells the user what went wrong.
func errorMessage(err error) string {
	if exchange.ClassOf(err) == exchange.Interrupted {
		return "interrupted"
	}
	return err.Error()
}

// report prints err as one line on stderr (unless already shown) and returns its exit code.
func report(s *Streams, err error) int {
	if err == nil {
		return 0
	}
	var shown *shownError
	if !errors.As(err, &shown) {
		format.Error(s.Err, s.ErrStyle(), errorMessage(err))
	}
	return exitCode(err)
}

// failedOne says at once, on s, that one of several things failed (a URL, an entry, a target), beside its
// output; failures' line sums them up at the end. An interrupt is left to that last line alone.
func failedOne(s *Streams, err error) {
	if exchange.ClassOf(err) != exchange.Interrupted {
		format.Error(s.Err, s.ErrStyle(), errorMessage(err))
	}
}

// failures is the error of a run that did several things (hop cert's targets, hop replay --all's entries)
// when some failed: one line naming them, classed as the first failure, whose exit code it is.
type failures struct {
	first error
	line  string
}

func (e *failures) Error() string         { return e.line }
func (e *failures) Unwrap() error         { return e.first }
func (e *failures) Class() exchange.Class { return exchange.ClassOf(e.first) }
