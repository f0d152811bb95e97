package format

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Escape makes server-controlled metadata (status lines, headers, URLs, file names, error messages) safe to
// print anywhere: every control character, C1 control, bidirectional override and invalid UTF-8 byte is
// written as a visible Go-style escape (\x1b, \u202e). Printable text is left as it is.
func Escape(s string) string {
	clean := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, size, false) {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, size, false) {
			writeEscaped(&b, r, s[i])
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// needsEscape reports whether rune r (decoded from size bytes) must not reach a terminal. In body text,
// newlines and tabs are kept.
func needsEscape(r rune, size int, body bool) bool {
	switch {
	case r == utf8.RuneError && size <= 1:
		return true
	case r == '\n' || r == '\t':
		return !body
	case r < 0x20 || r == 0x7f:
		return true
	case r >= 0x80 && r <= 0x9f: // C1 controls: 0x9b is CSI on some terminals
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi overrides (Trojan Source)
		return true
	}
	return false
}

type byteWriter interface {
	io.Writer
	WriteString(string) (int, error)
}

func writeEscaped(w byteWriter, r rune, first byte) {
	switch {
	case r == utf8.RuneError:
		fmt.Fprintf(w, `\x%02x`, first)
	case r == '\n':
		w.WriteString(`\n`)
	case r == '\r':
		w.WriteString(`\r`)
	case r == '\t':
		w.WriteString(`\t`)
	case r < 0x80:
		fmt.Fprintf(w, `\x%02x`, r)
	default:
		fmt.Fprintf(w, `\u%04x`, r)
	}
}

// escaper is a writer that escapes a body on its way to a terminal: newlines, tabs and CRLF line ends pass,
// every other control character is made visible. It holds back an incomplete UTF-8 sequence or a lone CR
// at the end of one Write until the next; Close flushes them.
type escaper struct {
	w       io.Writer
	pending []byte
	out     bytes.Buffer // reused between writes
}

// newEscaper returns an escaper writing to w.
func newEscaper(w io.Writer) *escaper { return &escaper{w: w} }

// Write escapes p. It reports len(p) on success, as the bytes are consumed even when held back.
func (e *escaper) Write(p []byte) (int, error) {
	data := p
	if len(e.pending) > 0 {
		data = append(e.pending, p...)
		e.pending = nil
	}
	e.out.Reset()
	i, start := 0, 0
	for i < len(data) {
		c := data[i]
		if c >= 0x20 && c < 0x7f || c == '\n' || c == '\t' {
			i++
			continue
		}
		if c == '\r' {
			if i+1 == len(data) {
				break // decide on the next write whether a LF follows
			}
			if data[i+1] == '\n' {
				i += 2
				continue
			}
		}
		if c >= 0x80 && !utf8.FullRune(data[i:]) {
			break // an incomplete sequence at the end: wait for the rest
		}
		r, size := utf8.DecodeRune(data[i:])
		if !needsEscape(r, size, true) {
			i += size
			continue
		}
		e.out.Write(data[start:i])
		writeEscaped(&e.out, r, c)
		i += size
		start = i
	}
	e.out.Write(data[start:i])
	if i < len(data) {
		e.pending = append([]byte(nil), data[i:]...)
	}
	if _, err := e.w.Write(e.out.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close flushes what was held back, escaped: at the end of the body nothing more can complete it.
func (e *escaper) Close() error {
	if len(e.pending) == 0 {
		return nil
	}
	// What is held back is a lone CR or the start of a UTF-8 sequence that never completed.
	var b strings.Builder
	for _, c := range e.pending {
		if c == '\r' {
			b.WriteString(`\r`)
		} else {
			fmt.Fprintf(&b, `\x%02x`, c)
		}
	}
	e.pending = nil
	_, err := io.WriteString(e.w, b.String())
	return err
}
