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
	trace.QUIC:     newColor(color.FgHiMagenta),
	trace.Send:     newColor(color.FgBlue),
	trace.Server:   newColor(color.FgGreen),
	trace.Transfer: newColor(color.FgCyan), // not red: red means trouble everywhere else
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
	fmt.Fprintln(w, s.paint(colorDim, "⏱ ")+fit(parts, s.paint(colorDim, " · "), "  ", 2, s.Width))
}

// The waterfall of -t/--trace, laid out as httpstat does it: a title per hop, then one row per phase with its
// bar placed at the phase's offset, then the hop's total. Phases skipped for one reason share one row.
const (
	waterfallTitle   = "%s\n"
	waterfallRow     = "  %-9s %s %s\n"      // phase, bar, duration
	waterfallSkipped = "  %s %s\n"           // phases, why they were skipped
	waterfallFailed  = "  %-9s %s\n"         // a retried attempt's failure
	waterfallCut     = "  %-9s %s %s (%s)\n" // a phase under way when the exchange failed: bar, how long it ran, why it ended
	waterfallTotal   = "  total     %s %s\n"
)

// Waterfall writes the per-hop timing waterfall, bars scaled to width columns. Every hop of a redirect
// chain is drawn on one time scale, so that their bars compare.
func Waterfall(w io.Writer, s Style, hops []Hop, width int) error {
	barWidth := width - 2 - 9 - 1 - 1 - 10
	if barWidth < 10 {
		barWidth = 10
	}
	all := trace.AllTimings(records(hops))
	var scale time.Duration
	for _, t := range all {
		scale = max(scale, t.Total)
	}
	var b strings.Builder
	for i, h := range hops {
		t := all[i]
		fmt.Fprintf(&b, waterfallTitle, hopTitle(s, h))
		if m := h.Record.AltSvcMissed; m != nil {
			// The HTTP/3 alternative tried first: where the time before the TCP connection went.
			label := s.paint(colorWarn, fmt.Sprintf("%-9s", m.Via))
			fmt.Fprintf(&b, waterfallRow, label, bar(0, m.Took, scale, barWidth, s, colorWarn), Duration(m.Took))
		}
		for j := 0; j < len(t.Phases); j++ {
			p := t.Phases[j]
			if p.Skipped && p.Unfinished > 0 {
				// Where the time of a failed exchange went: the server that never answered, the connect
				// that timed out.
				label := s.paint(phaseColors[p.Name], fmt.Sprintf("%-9s", p.Name))
				fmt.Fprintf(&b, waterfallCut, label, bar(p.Offset, p.Unfinished, scale, barWidth, s, phaseColors[p.Name]),
					Duration(p.Unfinished), s.paint(colorDim, p.Reason))
				continue
			}
			if !p.Skipped {
				label := s.paint(phaseColors[p.Name], fmt.Sprintf("%-9s", p.Name))
				fmt.Fprintf(&b, waterfallRow, label, bar(p.Offset, p.Duration, scale, barWidth, s, phaseColors[p.Name]), Duration(p.Duration))
				continue
			}
			names := []string{p.Name}
			for j+1 < len(t.Phases) && t.Phases[j+1].Skipped && t.Phases[j+1].Unfinished == 0 && t.Phases[j+1].Reason == p.Reason {
				j++
				names = append(names, t.Phases[j].Name)
			}
			label := fmt.Sprintf("%-9s", strings.Join(names, ", "))
			fmt.Fprintf(&b, waterfallSkipped, s.paint(colorDim, label), s.paint(colorDim, "skipped: "+p.Reason))
		}
		if h.Err != "" && i < len(hops)-1 {
			// A failure that was retried: the last one is the error line itself.
			fmt.Fprintf(&b, waterfallFailed, s.paint(colorError, "failed"), Escape(h.Err))
		}
		fmt.Fprintf(&b, waterfallTotal, strings.Repeat(" ", barWidth), Duration(t.Total))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func hopTitle(s Style, hop Hop) string {
	h := hop.Record
	parts := []string{s.paint(colorMethod, Escape(h.Method)) + " " + Escape(s.Secrets.URL(h.URL))}
	if h.Status != 0 {
		parts = append(parts, s.paint(statusColor(h.Status), fmt.Sprint(h.Status)))
	}
	if h.Proto != "" {
		parts = append(parts, Proto(h.Proto))
	}
	if hop.Attempt > 1 {
		parts = append(parts, s.paint(colorWarn, fmt.Sprintf("attempt %d", hop.Attempt))+" after "+waitWords(hop.Waited, hop.RetryAfter))
	}
	if m := h.AltSvcMissed; m != nil {
		parts = append(parts, s.paint(colorWarn, "HTTP/3 at "+Escape(m.Addr)+" not reached")+" ("+Escape(m.Reason)+"): over TCP")
	}
	for i := 0; i < len(h.Informs); {
		code, n := h.Informs[i].Code, 1
		for i+n < len(h.Informs) && h.Informs[i+n].Code == code {
			n++
		}
		if n > 1 {
			parts = append(parts, fmt.Sprintf("after %d× %d %s", n, code, Reason(code, "")))
		} else {
			parts = append(parts, fmt.Sprintf("after %d %s", code, Reason(code, "")))
		}
		i += n
	}
	if h.RemoteAddr != "" {
		addr := Escape(h.RemoteAddr)
		switch route := h.RouteName(); {
		case h.Proxy != "":
			addr = "via proxy " + Escape(s.Secrets.URL(h.Proxy)) + " (" + addr + ")"
		case route == "unix":
			addr = "via unix socket " + addr
		case route != "direct":
			addr += " (" + route + ")"
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
	return fit(parts, s.paint(colorDim, " · "), "  ", 0, s.Width)
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
