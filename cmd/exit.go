package cmd

import (
	"errors"

	"github.com/hop-cli/hop/check"
	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/format"
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
	exchange.None:        0,
	exchange.Other:       exitError,
	exchange.Usage:       exitUsage,
	exchange.Status:      exitHTTP4xx, // exitHTTP5xx for a 5xx: see exitCode
	exchange.Resolve:     6,
	exchange.Connect:     7,
	exchange.Check:       10,
	exchange.Body:        18,
	exchange.Timeout:     28,
	exchange.Handshake:   35,
	exchange.Redirects:   47,
	exchange.Refused:     exitError,
	exchange.Protocol:    exitError,
	exchange.Certificate: 60,
	exchange.Interrupted: exitInterrupted,
}

// exitCode is the one place where errors become exit codes.
func exitCode(err error) int {
	class := exchange.ClassOf(err)
	var status *check.StatusError
	if class == exchange.Status && errors.As(err, &status) && status.Code >= 500 {
		return exitHTTP5xx
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
