package format

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Retry is a wait before an attempt is sent again.
type Retry struct {
	Reason     string // what went wrong: "503 Service Unavailable", or the failure's line
	Wait       time.Duration
	RetryAfter bool // the wait is the server's Retry-After
	Attempt    int  // the attempt about to be sent
	Of         int  // the most attempts there will be
}

// RetryLine writes the line shown before a wait for a retry:
// "503 Service Unavailable · retrying in 2.0 s (Retry-After) · attempt 2 of 4".
func RetryLine(w io.Writer, s Style, r Retry) {
	reason := Escape(r.Reason)
	if i := strings.Index(reason, " ("); i > 0 && strings.HasSuffix(reason, ")") {
		reason = reason[:i] // the advice in parentheses is for the last failure, not for one about to be retried
	}
	parts := []string{s.paint(colorWarn, reason), "retrying in " + waitWords(r.Wait, r.RetryAfter), fmt.Sprintf("attempt %d of %d", r.Attempt, r.Of)}
	fmt.Fprintln(w, s.paint(colorDim, "hop: ")+fit(parts, s.paint(colorDim, " · "), "     ", 5, s.Width))
}

// waitWords says how long a retry waits and why: "2.0 s (Retry-After)", "0.8 s (backoff)".
func waitWords(d time.Duration, retryAfter bool) string {
	why := "backoff"
	if retryAfter {
		why = "Retry-After"
	}
	if d < time.Second {
		return fmt.Sprintf("%d ms (%s)", d.Milliseconds(), why)
	}
	return fmt.Sprintf("%.1f s (%s)", d.Seconds(), why)
}
