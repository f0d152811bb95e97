package check

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// MaxDuration is the longest duration hop takes: a year. Longer ones are mistakes, and near the limit of a
// time.Duration a deadline computed from now would overflow into the past and fire at once.
const MaxDuration = 365 * 24 * time.Hour

// ParseDuration reads a duration as curl and Go write it: bare seconds (20, 3.5, 0.25) or Go's units (20s,
// 1m30s, 250ms). It is never negative and at most MaxDuration.
func ParseDuration(s string) (time.Duration, error) {
	tooLong := fmt.Errorf("%q is too long (at most a year: 8760h)", s)
	var d time.Duration
	switch v, err := strconv.ParseFloat(s, 64); {
	case err == nil && isDecimal(s):
		if !(v >= 0) || v*float64(time.Second) >= math.MaxInt64 {
			return 0, tooLong
		}
		d = time.Duration(v * float64(time.Second))
	case strings.HasPrefix(s, "-"):
		// Negative only when the rest is written as a duration: -m --offline is a flag where the value goes.
		if rest := s[1:]; isDecimal(rest) || goDuration(rest) {
			return 0, fmt.Errorf("%q is negative: a duration is 0 or more", s)
		}
		return 0, fmt.Errorf("%q is not a duration (20, 3.5, 250ms, 1m30s)", s)
	default:
		if d, err = time.ParseDuration(s); err != nil && goDuration(s) {
			return 0, tooLong // well formed: time.Duration overflowed
		} else if err != nil || d < 0 {
			return 0, fmt.Errorf("%q is not a duration (20, 3.5, 250ms, 1m30s)", s)
		}
	}
	if d > MaxDuration {
		return 0, tooLong
	}
	return d, nil
}

// goDuration reports whether s is written as time.ParseDuration takes it (decimal numbers, each with a
// unit), whatever its size: one that is, and that ParseDuration refuses, is too long for a time.Duration.
func goDuration(s string) bool {
	for s != "" {
		i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
		if i <= 0 || !isDecimal(s[:i]) {
			return false
		}
		s = s[i:]
		unit := false
		for _, u := range []string{"ns", "us", "µs", "μs", "ms", "s", "m", "h"} { // ms before m and s
			if strings.HasPrefix(s, u) {
				s, unit = s[len(u):], true
				break
			}
		}
		if !unit {
			return false
		}
	}
	return true
}

// isDecimal reports whether s is a plain decimal number: digits with at most one point, no sign, exponent,
// hex, "inf" or "nan", which strconv.ParseFloat would also take.
func isDecimal(s string) bool {
	digits, points := 0, 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.':
			points++
		default:
			return false
		}
	}
	return digits > 0 && points <= 1
}
