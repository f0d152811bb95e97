package format

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/fatih/color"
)

func statusColor(code int) *color.Color {
	switch code / 100 {
	case 2:
		return colorSuccess
	case 3:
		return colorRedirect
	case 4:
		return colorClient
	case 5:
		return colorServer
	}
	return colorDim
}

// Status is what the status line shows.
type Status struct {
	Proto  string // as Go reports it: HTTP/1.1, HTTP/2.0
	Code   int
	Status string // Go's resp.Status: "200 OK", or just "200" when the server sent no phrase
	Header http.Header
	Now    time.Time // for Retry-After dates
}

// StatusLine writes `HTTP/2 429 Too Many Requests · client error: slow down, retry after 30s`.
func StatusLine(w io.Writer, s Style, st Status) {
	head := fmt.Sprintf("%s %d %s", Proto(st.Proto), st.Code, Reason(st.Code, st.Status))
	fmt.Fprintf(w, "%s %s\n", s.paint(statusColor(st.Code), Escape(head)),
		s.paint(colorDim, "· "+Escape(Meaning(st.Code, s.Secrets.Header(st.Header), st.Now))))
}

// RawHead writes a response head as -i shows it on a terminal (or with colour forced): as received, as
// DumpHead writes it, but one line per LF, coloured as s says, escaped always, and masked as s.Secrets says.
// Elsewhere -i's head is data, written by DumpHead.
func RawHead(w io.Writer, s Style, st Status, h http.Header) {
	status, headers := receivedHead(st, s.Secrets.Header(h))
	fmt.Fprintln(w, s.paint(statusColor(st.Code), Escape(status)))
	for _, kv := range headers {
		fmt.Fprintf(w, "%s: %s\n", s.paint(colorName, Escape(kv[0])), Escape(kv[1]))
	}
}

// DumpHead writes a response head as curl -D writes it: as received, CRLF after each line and a CRLF at
// the end, no colour, no masking (it is data). escape is for a terminal.
func DumpHead(w io.Writer, st Status, h http.Header, escape bool) error {
	esc := func(s string) string { return s }
	if escape {
		esc = Escape
	}
	status, headers := receivedHead(st, h)
	var b strings.Builder
	b.WriteString(esc(status) + "\r\n")
	for _, kv := range headers {
		fmt.Fprintf(&b, "%s: %s\r\n", esc(kv[0]), esc(kv[1]))
	}
	b.WriteString("\r\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// receivedHead is a response head as it travelled, for -D and -i: the status line and the headers (sorted
// by name: Go keeps no order). HTTP/2 and HTTP/3 carry no reason phrase and only lowercase names, so their
// heads read "HTTP/2 200 " and "content-type: ...", as curl writes them.
func receivedHead(st Status, h http.Header) (string, [][2]string) {
	status := st.Proto + " " + strings.TrimSpace(st.Status)
	name := func(s string) string { return s }
	if !strings.HasPrefix(st.Proto, "HTTP/1.") {
		status = fmt.Sprintf("%s %d ", Proto(st.Proto), st.Code)
		name = strings.ToLower
	}
	var headers [][2]string
	for _, n := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[n] {
			headers = append(headers, [2]string{name(n), v})
		}
	}
	return status, headers
}

// Headers writes headers sorted by name, one per line, escaped.
func Headers(w io.Writer, s Style, h http.Header) {
	h = s.Secrets.Header(h)
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, v := range h[name] {
			fmt.Fprintf(w, "%s: %s\n", s.paint(colorName, Escape(name)), Escape(v))
		}
	}
}

// Request is what the request head shows.
type Request struct {
	Method string
	Target string // path and query as sent
	Proto  string
	Host   string
	Header http.Header
}

// RequestHead writes the request line and headers, credentials masked unless s.Secrets.Show.
func RequestHead(w io.Writer, s Style, r Request) {
	fmt.Fprintf(w, "%s %s %s\n", s.paint(colorMethod, Escape(r.Method)), Escape(r.Target), Proto(r.Proto))
	h := r.Header
	if h.Get("Host") == "" {
		h = h.Clone()
		h.Set("Host", r.Host)
	}
	Headers(w, s, h)
}

// Error writes one error line: `hop: error: what happened`.
func Error(w io.Writer, s Style, msg string) {
	fmt.Fprintf(w, "hop: %s %s\n", s.paint(colorError, "error:"), Escape(msg))
}

// Warning writes one warning line.
func Warning(w io.Writer, s Style, msg string) {
	fmt.Fprintf(w, "hop: %s %s\n", s.paint(colorWarn, "warning:"), Escape(msg))
}

// Note writes one informational line, dimmed.
func Note(w io.Writer, s Style, msg string) {
	fmt.Fprintf(w, "%s\n", s.paint(colorDim, "hop: "+Escape(msg)))
}
