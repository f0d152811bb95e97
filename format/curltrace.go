package format

import (
	"fmt"
	"io"
	"strings"
)

// Trace block titles, as curl's --trace and --trace-ascii write them.
const (
	TraceSendHeader = "=> Send header"
	TraceSendData   = "=> Send data"
	TraceRecvHeader = "<= Recv header"
	TraceRecvData   = "<= Recv data"
)

// TraceStamp is the layout of --trace-time's prefix (local time), as curl writes it.
const TraceStamp = "15:04:05.000000 "

// TraceBlock writes data under title as curl's --trace-ascii (hex false) or --trace (hex true) dumps it:
// a line "title, N bytes (0xN)", then the bytes from an offset per line: 64 of them as text, a CRLF ending
// a line early; or 16 in hex beside their text. Bytes outside printable ASCII (DEL too) are dots, so nothing a server
// sends reaches a terminal as a control sequence. stamp prefixes the title (--trace-time's, or "").
func TraceBlock(w io.Writer, stamp, title string, data []byte, hex bool) error {
	width := 0x40
	if hex {
		width = 0x10
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s, %d bytes (0x%x)\n", stamp, title, len(data), len(data))
	crlf := func(at int) bool { return !hex && at+1 < len(data) && data[at] == '\r' && data[at+1] == '\n' }
	for i := 0; i < len(data); i += width {
		fmt.Fprintf(&b, "%04x: ", i)
		if hex {
			for c := range width {
				if i+c < len(data) {
					fmt.Fprintf(&b, "%02x ", data[i+c])
				} else {
					b.WriteString("   ")
				}
			}
		}
		for c := 0; c < width && i+c < len(data); c++ {
			if crlf(i + c) { // the line ends here; the next starts after the CRLF
				i += c + 2 - width
				break
			}
			b.WriteByte(traceChar(data[i+c]))
			if crlf(i + c + 1) { // ... or right after this byte, even at the width: no empty line for it
				i += c + 3 - width
				break
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func traceChar(c byte) byte {
	if c >= 0x20 && c < 0x7f {
		return c
	}
	return '.'
}

// TraceInfo writes an informational line of a trace, as curl's "== Info: " lines. The text is escaped: it
// may hold a host name a redirect chose.
func TraceInfo(w io.Writer, stamp, text string) error {
	_, err := fmt.Fprintf(w, "%s== Info: %s\n", stamp, Escape(text))
	return err
}

// TraceLines writes text as curl -v writes a head or its notes: each line after mark ("> " sent, "< "
// received, "* " a note), stamp first (--trace-time's, or ""). Escaping text is the caller's: a head's
// fields are escaped one by one, to keep their CRLF.
func TraceLines(w io.Writer, stamp, mark, text string) error {
	var b strings.Builder
	for line := range strings.SplitAfterSeq(text, "\n") {
		if line != "" {
			b.WriteString(stamp + mark + line)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// TraceData writes curl -v's line for n bytes of a body, mark "} " sent or "{ " received.
func TraceData(w io.Writer, stamp, mark string, n int) error {
	_, err := fmt.Fprintf(w, "%s%s[%d bytes data]\n", stamp, mark, n)
	return err
}
