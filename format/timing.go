package format

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fatih/color"

	"github.com/hop-cli/hop/trace"
)

// Duration formats a phase duration with precision that suits its size.
func Duration(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", ms)
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", ms)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

var phaseColors = map[string]*color.Color{
	trace.DNS:      newColor(color.FgCyan),
	trace.Connect:  newColor(color.FgYellow),
	trace.Proxy:    newColor(color.FgHiYellow),
	trace.TLS:      newColor(color.FgMagenta),
	trace.Send:     newColor(color.FgBlue),
	trace.Server:   newColor(color.FgGreen),
	trace.Transfer: newColor(color.FgRed),
}

// Summary writes the one-line timing summary shown after a response on a terminal. Consecutive skipped
// phases with one reason are grouped: "dns+connect+tls: reused connection".
func Summary(w io.Writer, s Style, hops []Hop) {
	if len(hops) == 0 {
		return
	}
	all := trace.AllTimings(records(hops))
	last := all[len(all)-1]
	var parts []string
	if len(hops) > 1 {
		parts = append(parts, fmt.Sprintf("%d hops in %s", len(hops), Duration(last.Offset+last.Total)))
		parts = append(parts, "last "+Duration(last.Total))
	} else {
		parts = append(parts, Duration(last.Total)+" total")
	}
	for i := 0; i < len(last.Phases); i++ {
		p := last.Phases[i]
		if !p.Skipped {
			parts = append(parts, s.paint(phaseColors[p.Name], p.Name)+" "+Duration(p.Duration))
			continue
		}
		names := []string{p.Name}
		for i+1 < len(last.Phases) && last.Phases[i+1].Skipped && last.Phases[i+1].Reason == p.Reason {
			i++
			names = append(names, last.Phases[i].Name)
		}
		parts = append(parts, s.paint(colorDim, strings.Join(names, "+")+": "+p.Reason))
	}
	fmt.Fprintln(w, s.paint(colorDim, "⏱ ")+strings.Join(parts, s.paint(colorDim, " · ")))
}

// The waterfall of -t/--trace, laid out as httpstat does it: a title per hop, then one row per phase with its
// bar placed at the phase's offset, then the hop's total.
const (
	waterfallTitle = "%s\n"
	waterfallRow   = "  %-9s %s %s\n" // phase, bar, duration or why it was skipped
	waterfallTotal = "  total     %s %s\n"
)

// Waterfall writes the per-hop timing waterfall, bars scaled to width columns.
func Waterfall(w io.Writer, s Style, hops []Hop, width int) error {
	barWidth := width - 2 - 9 - 1 - 1 - 28
	if barWidth < 10 {
		barWidth = 10
	}
	all := trace.AllTimings(records(hops))
	var b strings.Builder
	for i, h := range hops {
		t := all[i]
		fmt.Fprintf(&b, waterfallTitle, hopTitle(s, h.Record))
		for _, p := range t.Phases {
			label := s.paint(phaseColors[p.Name], fmt.Sprintf("%-9s", p.Name))
			if p.Skipped {
				fmt.Fprintf(&b, waterfallRow, label, strings.Repeat(" ", barWidth), s.paint(colorDim, "skipped: "+p.Reason))
			} else {
				fmt.Fprintf(&b, waterfallRow, label, bar(p.Offset, p.Duration, t.Total, barWidth, s, phaseColors[p.Name]), Duration(p.Duration))
			}
		}
		fmt.Fprintf(&b, waterfallTotal, strings.Repeat(" ", barWidth), Duration(t.Total))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func hopTitle(s Style, h trace.Record) string {
	parts := []string{s.paint(colorMethod, Escape(h.Method)) + " " + Escape(h.URL)}
	if h.Status != 0 {
		parts = append(parts, s.paint(statusColor(h.Status), fmt.Sprint(h.Status)))
	}
	if h.Proto != "" {
		parts = append(parts, Proto(h.Proto))
	}
	for _, code := range h.Informs {
		parts = append(parts, fmt.Sprintf("after %d %s", code, Reason(code, "")))
	}
	if h.RemoteAddr != "" {
		addr := Escape(h.RemoteAddr)
		if h.Proxy != "" {
			addr = "via proxy " + Escape(h.Proxy) + " (" + addr + ")"
		}
		parts = append(parts, addr)
	}
	if h.Reused {
		conn := "reused connection"
		if h.IdleTime > 0 {
			conn += " (idle " + Duration(h.IdleTime) + ")"
		}
		parts = append(parts, conn)
	} else if !h.Events.GotConn.IsZero() {
		parts = append(parts, "new connection")
	}
	return strings.Join(parts, s.paint(colorDim, " · "))
}

// bar draws a phase as a run of blocks starting at its offset within the hop; every phase that happened gets
// at least one block.
func bar(offset, d, total time.Duration, width int, s Style, c *color.Color) string {
	if total <= 0 {
		total = 1
	}
	start := int(int64(width) * int64(offset) / int64(total))
	n := int(int64(width) * int64(d) / int64(total))
	if n < 1 {
		n = 1
	}
	if start >= width {
		start = width - 1
	}
	if start+n > width {
		n = width - start
	}
	return strings.Repeat(" ", start) + s.paint(c, strings.Repeat("█", n)) + strings.Repeat(" ", width-start-n)
}
