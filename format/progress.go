package format

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Progress is how far a download has come.
type Progress struct {
	Bytes   int64         // received so far, a resumed download's earlier bytes included
	Total   int64         // the whole size; -1 when unknown
	Start   int64         // bytes already there when this run began (a resumed download)
	Elapsed time.Duration // since this run's first byte
	Label   string        // what the line is about, written first (hop curl -Z: how many URLs are done)
}

// ProgressLine redraws the progress bar on a terminal line: percent, bar, bytes, rate and time left when
// the total is known; bytes and rate otherwise. It returns to the line's start without a newline, so the
// next call overwrites it; ProgressDone ends it.
func ProgressLine(w io.Writer, s Style, p Progress) {
	rate := 0.0
	if secs := p.Elapsed.Seconds(); secs > 0 {
		rate = float64(p.Bytes-p.Start) / secs
	}
	width := s.Width
	if width <= 0 {
		width = 80
	}
	stats := humanBytes(p.Bytes)
	if p.Total > 0 {
		stats += " / " + humanBytes(p.Total)
	}
	stats += fmt.Sprintf("  %s/s", humanBytes(int64(rate)))
	var b strings.Builder
	b.WriteString("\r")
	if p.Label != "" {
		b.WriteString(p.Label + "  ")
	}
	if p.Total > 0 {
		frac := min(float64(p.Bytes)/float64(p.Total), 1)
		eta := "--"
		if rate > 0 {
			eta = time.Duration(float64(p.Total-p.Bytes) / rate * float64(time.Second)).Round(time.Second).String()
		}
		stats += "  ETA " + eta
		barWidth := width - len(stats) - 10
		if barWidth >= 10 {
			filled := int(frac * float64(barWidth))
			fmt.Fprintf(&b, "%3.0f%% %s%s ", frac*100, s.paint(colorSuccess, strings.Repeat("█", filled)), s.paint(colorDim, strings.Repeat("░", barWidth-filled)))
		} else {
			fmt.Fprintf(&b, "%3.0f%% ", frac*100)
		}
	}
	b.WriteString(stats)
	b.WriteString("\x1b[K") // clear what a longer earlier line left
	io.WriteString(w, b.String())
}

// ProgressDone ends the progress line, leaving the terminal at the start of a fresh line.
func ProgressDone(w io.Writer) {
	io.WriteString(w, "\r\x1b[K")
}
