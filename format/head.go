package format

import (
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/fatih/color"
	"golang.org/x/net/idna"
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
	// Order is the names of the head's fields as received, in order (trace.Record.HeadOrder): HTTP/1.x
	// only; nil shows them sorted by name.
	Order []string
	// Raw is the head as it came, its empty line included (HTTP/1.x; trace.Record.Head): -D and -i's data
	// write it as it is. Nil rebuilds the head from the fields.
	Raw []byte
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
	if !escape && st.Raw != nil {
		_, err := w.Write(st.Raw)
		return err
	}
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

// receivedHead is a response head as it travelled, for -D and -i: the status line and the headers, in the
// order received where st.Order gives it (HTTP/1.x), else sorted by name. HTTP/2 and HTTP/3 carry no
// reason phrase and only lowercase names, so their heads read "HTTP/2 200 " and "content-type: ...", as
// curl writes them.
func receivedHead(st Status, h http.Header) (string, [][2]string) {
	status := st.Proto + " " + strings.TrimSpace(st.Status)
	if !strings.HasPrefix(st.Proto, "HTTP/1.") {
		status = fmt.Sprintf("%s %d ", Proto(st.Proto), st.Code)
		fields := Fields(h, nil)
		for i := range fields {
			fields[i][0] = strings.ToLower(fields[i][0])
		}
		return status, fields
	}
	return status, Fields(h, st.Order)
}

// Fields are h's fields as name and value pairs: first in order, the names of a head as received (each
// name takes the next of its values, and is written as it came), then whatever is left, sorted by name.
// With no order, all are sorted; either way every value of h is there once.
func Fields(h http.Header, order []string) [][2]string {
	n := 0
	for _, vs := range h {
		n += len(vs)
	}
	fields := make([][2]string, 0, n)
	var used map[string]int
	if len(order) > 0 {
		used = make(map[string]int, len(h))
		for _, name := range order {
			key := http.CanonicalHeaderKey(name)
			if vs := h[key]; used[key] < len(vs) {
				fields = append(fields, [2]string{name, vs[used[key]]})
				used[key]++
			}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[key][used[key]:] {
			fields = append(fields, [2]string{key, v})
		}
	}
	return fields
}

// Headers writes headers sorted by name, one per line, escaped.
func Headers(w io.Writer, s Style, h http.Header) { HeadersInOrder(w, s, h, nil) }

// HeadersInOrder writes headers one per line, escaped, in the order received where order gives it (see
// Fields).
func HeadersInOrder(w io.Writer, s Style, h http.Header, order []string) {
	for _, f := range Fields(s.Secrets.Header(h), order) {
		fmt.Fprintf(w, "%s: %s\n", s.paint(colorName, Escape(f[0])), Escape(f[1]))
	}
}

// Trailer writes a response's trailer fields, t, as curl writes them after a body: as data (a -D file, -i
// on a pipe) a "Name: value" line ending in CRLF each, escaped only when escape (a terminal); on a display
// (style, -i on a terminal) a line each, coloured and masked as a head's. Names are sorted (the trailer
// map keeps no order), in lower case over HTTP/2 and HTTP/3, whose names are sent so.
func Trailer(w io.Writer, s *Style, proto string, t http.Header, escape bool) error {
	if s != nil {
		t = s.Secrets.Header(t)
	}
	_, fields := receivedHead(Status{Proto: proto}, t) // sorted; lower case over HTTP/2 and HTTP/3
	var b strings.Builder
	for _, f := range fields {
		switch {
		case s != nil:
			fmt.Fprintf(&b, "%s: %s\n", s.paint(colorName, Escape(f[0])), Escape(f[1]))
		case escape:
			fmt.Fprintf(&b, "%s: %s\r\n", Escape(f[0]), Escape(f[1]))
		default:
			fmt.Fprintf(&b, "%s: %s\r\n", f[0], f[1])
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Request is what the request head shows.
type Request struct {
	Method string
	Target string // path and query as sent
	Proto  string
	Host   string
	Header http.Header
}

// SentRequest is the head of r as net/http writes it over proto: its headers with the framing net/http adds
// (Content-Length, or Transfer-Encoding over HTTP/1.1 for a body of unknown length), and the Host it sends.
func SentRequest(r *http.Request, proto string) Request {
	h := r.Header.Clone()
	switch {
	case len(r.TransferEncoding) > 0 && proto == "HTTP/1.1":
		h.Set("Transfer-Encoding", strings.Join(r.TransferEncoding, ", "))
	case r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody && proto == "HTTP/1.1":
		h.Set("Transfer-Encoding", "chunked") // a body of unknown length (a file deflated as read): net/http chunks it
	case r.ContentLength > 0:
		h.Set("Content-Length", fmt.Sprint(r.ContentLength))
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	// The Host sent: net/http writes an international name in its ASCII form.
	if name, port, err := net.SplitHostPort(host); err == nil {
		if a, err := idna.Lookup.ToASCII(name); err == nil {
			host = net.JoinHostPort(a, port)
		}
	} else if a, err := idna.Lookup.ToASCII(host); err == nil {
		host = a
	}
	// ... and without an IPv6 zone, which names an interface of this machine, not the server's host.
	if i := strings.LastIndex(host, "]"); strings.HasPrefix(host, "[") && i > 0 {
		if j := strings.LastIndex(host[:i], "%"); j > 0 {
			host = host[:j] + host[i:]
		}
	}
	return Request{Method: r.Method, Target: r.URL.RequestURI(), Proto: proto, Host: host, Header: h}
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
