// Package check holds what the user asserts about an exchange, and the rules hop asserts by default: a 4xx
// or 5xx status fails unless status checking is off, and a certificate must not expire within the window
// asked for. Each failed check is an error whose class the exit code reads.
package check

import (
	"crypto/x509"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/tlsinfo"
)

// StatusError is a 4xx or 5xx response when status checking is on.
type StatusError struct {
	Code int
	msg  string
}

func (e *StatusError) Error() string { return e.msg }

// Class is exchange.Status.
func (e *StatusError) Class() exchange.Class { return exchange.Status }

// Status applies the default rule: a 4xx or 5xx status is an error, worded by explain (the status line's
// meaning).
func Status(code int, explain func() string) error {
	if code < 400 {
		return nil
	}
	return &StatusError{Code: code, msg: explain()}
}

// Failure is a check the user asked for that failed: exit 10.
type Failure struct{ Msg string }

func (e *Failure) Error() string { return e.Msg }

// Class is exchange.Check.
func (e *Failure) Class() exchange.Class { return exchange.Check }

// Expiry fails when a certificate of chain expires within window of now.
func Expiry(chain []*x509.Certificate, window time.Duration, asked string, now time.Time) error {
	exp := tlsinfo.ExpiringWithin(chain, window, now)
	if len(exp) == 0 {
		return nil
	}
	c := exp[0]
	return &Failure{Msg: fmt.Sprintf("certificate %s expires on %s (%d days left), within %s",
		c.Subject.String(), c.NotAfter.UTC().Format(time.DateOnly), tlsinfo.DaysLeft(c.NotAfter, now), asked)}
}

// ParseWindow reads a duration that may be given in days or weeks: 30d, 2w, 36h, 1h30m. It must be
// positive and below what a time.Duration holds (about 292 years).
func ParseWindow(s string) (time.Duration, error) {
	bad := fmt.Errorf("%q is not a duration (use 30d, 2w or 12h)", s)
	for unit, d := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, unit); ok {
			v, err := strconv.ParseFloat(n, 64)
			if err != nil || !(v > 0) || v*float64(d) >= math.MaxInt64 {
				return 0, bad
			}
			return time.Duration(v * float64(d)), nil
		}
	}
	if isDecimal(s) {
		// Bare seconds would make "--expires-within 30" a 30-second window that never fails: say the unit.
		return 0, fmt.Errorf("%q has no unit: say %sd for days (or %ss for seconds)", s, s, s)
	}
	d, err := ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, bad
	}
	return d, nil
}
