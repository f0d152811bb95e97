package check

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
	}{
		{"20", 20 * time.Second},
		{"3.5", 3500 * time.Millisecond},
		{".25", 250 * time.Millisecond},
		{"0", 0},
		{"20s", 20 * time.Second},
		{"1m30s", 90 * time.Second},
		{"250ms", 250 * time.Millisecond},
	} {
		got, err := ParseDuration(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "abc", "-1", "-1s", "1e3", "inf", "NaN", "0x10", "+5", "1..2", ".", "1e400", "99999999999999"} {
		if d, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v; want an error", in, d)
		}
	}
	// Too long is said to be, whether time.Duration holds it or not; what is not written as a duration is not.
	for in, want := range map[string]string{
		"9000h":                   "too long",
		"99999999999h":            "too long",
		"1h99999999999999999999m": "too long",
		"99999999999999":          "too long",
		"1hh":                     "not a duration",
		"1.2.3s":                  "not a duration",
		"10d":                     "not a duration",
		"h":                       "not a duration",
		"1h2":                     "not a duration",
		"-1m":                     "negative",
		"-offline":                "not a duration", // a flag typed where the value goes (-m --offline)
		"--offline":               "not a duration",
		"--1":                     "not a duration",
	} {
		if _, err := ParseDuration(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseDuration(%q): error %v; want one saying %q", in, err, want)
		}
	}
}

func TestMillis(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                       "0.00 ms",
		time.Nanosecond:         "1 ns",
		time.Microsecond:        "1 µs", // a limit of 1us is not shown as 0.00 ms
		1500 * time.Nanosecond:  "1.5 µs",
		10 * time.Microsecond:   "0.01 ms",
		3270 * time.Microsecond: "3.27 ms",
		412 * time.Millisecond:  "412 ms",
		1250 * time.Millisecond: "1.25 s",
	} {
		if got := Millis(d); got != want {
			t.Errorf("Millis(%v) = %q, want %q", d, got, want)
		}
	}
}
