package check

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// ParseDuration reads a duration as curl and Go write it: bare seconds (20, 3.5, 0.25) or Go's units (20s,
// 1m30s, 250ms). It is never negative and always fits a time.Duration.
func ParseDuration(s string) (time.Duration, error) {
	bad := fmt.Errorf("%q is not a duration (20, 3.5, 250ms, 1m30s)", s)
	if v, err := strconv.ParseFloat(s, 64); err == nil && isDecimal(s) {
		if !(v >= 0) || v*float64(time.Second) >= math.MaxInt64 {
			return 0, bad
		}
		return time.Duration(v * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, bad
	}
	return d, nil
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
