package check

import (
	"testing"
	"time"

	"github.com/hop-cli/hop/exchange"
)

func TestParseWindow(t *testing.T) {
	for in, want := range map[string]time.Duration{"30d": 30 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "12h": 12 * time.Hour, "1.5d": 36 * time.Hour, "90m": 90 * time.Minute} {
		if got, err := ParseWindow(in); err != nil || got != want {
			t.Errorf("ParseWindow(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "soon", "-1d", "0d", "0s", "NaNd", "Infd", "200000d", "d", "3x"} {
		if got, err := ParseWindow(bad); err == nil {
			t.Errorf("ParseWindow(%q) = %v, want an error", bad, got)
		}
	}
}

func TestStatus(t *testing.T) {
	for code, fails := range map[int]bool{200: false, 204: false, 302: false, 399: false, 400: true, 404: true, 500: true, 599: true} {
		err := Status(code, func() string { return "explained" })
		if (err != nil) != fails {
			t.Errorf("Status(%d) = %v, want failing %v", code, err, fails)
		}
		if err != nil && (exchange.ClassOf(err) != exchange.Status || err.Error() != "explained") {
			t.Errorf("Status(%d) = %q of class %v", code, err, exchange.ClassOf(err))
		}
	}
}
