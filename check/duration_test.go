package check

import (
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
