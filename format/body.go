package format

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/pretty"
)

// DefaultCap is how much of a body hop holds in memory to format it; a larger body streams unformatted.
const DefaultCap = 64 << 20

// copyBufSize is the read size on the streaming path. Measured on loopback (bench/compare.sh, 1 GiB): 64 and
// 128 KiB reads beat io.Copy's 32 KiB and also 256 KiB and 1 MiB, which spill out of the CPU's L2 cache.
const copyBufSize = 128 << 10

// BodyOptions say how a response body is to be rendered.
type BodyOptions struct {
	ContentType string // the response's Content-Type header
	Terminal    bool   // the writer is a terminal: escape text, never write binary
	Format      bool   // pretty-print JSON
	Color       bool   // colour JSON
	Cap         int64  // the most held in memory for formatting; 0 means DefaultCap
}

// BodyResult tells what was written and anything the user should be told about it.
type BodyResult struct {
	Kind  string // json, text, binary or empty
	Bytes int64  // bytes of body read
	Note  string // e.g. "binary body not shown", "not valid JSON; shown as text"
}

// isJSON reports whether a Content-Type names JSON: application/json or any +json type.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.Split(contentType, ";")[0]))
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// Body copies a response body to w, rendered as opts ask. With nothing to format and no terminal, the bytes
// pass through unchanged in large reads. Otherwise the start of the body is sniffed: binary bytes never reach
// a terminal, JSON (by Content-Type, then validated) is pretty-printed and coloured, text is escaped on a
// terminal. A read error is returned after everything read before it was written.
func Body(w io.Writer, body io.Reader, opts BodyOptions) (BodyResult, error) {
	if opts.Cap <= 0 {
		opts.Cap = DefaultCap
	}
	if !opts.Terminal && !opts.Format && !opts.Color {
		n, err := Copy(w, body)
		return BodyResult{Bytes: n}, err
	}
	br := bufio.NewReaderSize(body, 64<<10)
	head, peekErr := br.Peek(1024)
	if len(head) == 0 {
		if peekErr != nil && peekErr != io.EOF {
			return BodyResult{}, peekErr
		}
		return BodyResult{}, nil
	}
	if looksBinary(head) {
		if !opts.Terminal {
			n, err := Copy(w, br)
			return BodyResult{Kind: "binary", Bytes: n}, err
		}
		n, err := Copy(io.Discard, io.LimitReader(br, opts.Cap)) // not io.Copy: io.Discard reads 8 KiB at a time
		size := humanBytes(n)
		if n == opts.Cap {
			size = "more than " + size
		}
		note := fmt.Sprintf("binary body not shown (%s, %s); save it with -o FILE", sniffType(head, opts.ContentType), size)
		return BodyResult{Kind: "binary", Bytes: n, Note: note}, err
	}
	if (opts.Format || opts.Color) && isJSON(opts.ContentType) {
		return jsonBody(w, br, opts)
	}
	return textBody(w, br, opts, BodyResult{Kind: "text"})
}

// Copy streams r to w in large reads. Neither side's ReadFrom/WriteTo is used: os.File's generic ReadFrom
// falls back to 32 KiB copies.
func Copy(w io.Writer, r io.Reader) (int64, error) {
	buf := make([]byte, copyBufSize)
	n, err := io.CopyBuffer(struct{ io.Writer }{w}, struct{ io.Reader }{r}, buf)
	return n, err
}

func textBody(w io.Writer, r io.Reader, opts BodyOptions, res BodyResult) (BodyResult, error) {
	if !opts.Terminal {
		n, err := Copy(w, r)
		res.Bytes += n
		return res, err
	}
	esc := newEscaper(w)
	tw := &tailWriter{w: esc}
	n, err := Copy(tw, r)
	res.Bytes += n
	if cerr := esc.Close(); err == nil {
		err = cerr
	}
	if tw.last != '\n' && tw.n > 0 {
		io.WriteString(w, "\n") // keep the prompt off the last line
	}
	return res, err
}

// tailWriter remembers the last byte written.
type tailWriter struct {
	w    io.Writer
	last byte
	n    int64
}

func (t *tailWriter) Write(p []byte) (int, error) {
	if len(p) > 0 {
		t.last = p[len(p)-1]
		t.n += int64(len(p))
	}
	return t.w.Write(p)
}

func jsonBody(w io.Writer, br *bufio.Reader, opts BodyOptions) (BodyResult, error) {
	if !opts.Format {
		return wholeJSON(w, br, opts) // colours only (--pretty=colors): the server's layout is kept
	}
	res, raw, handled, err := streamArray(w, br, opts)
	if handled || err != nil {
		return res, err
	}
	return wholeJSON(w, io.MultiReader(bytes.NewReader(raw), br), opts)
}

// wholeJSON formats a body held whole (up to the cap).
func wholeJSON(w io.Writer, r io.Reader, opts BodyOptions) (BodyResult, error) {
	data, err := io.ReadAll(io.LimitReader(r, opts.Cap+1))
	if err != nil {
		// Show what arrived, then report the error.
		res, _ := textBody(w, bytes.NewReader(data), opts, BodyResult{Kind: "text"})
		return res, err
	}
	if int64(len(data)) > opts.Cap {
		res, err := textBody(w, io.MultiReader(bytes.NewReader(data), r), opts, BodyResult{Kind: "json"})
		res.Note = fmt.Sprintf("body is larger than %s; shown unformatted", humanBytes(opts.Cap))
		return res, err
	}
	if !json.Valid(data) {
		res, err := textBody(w, bytes.NewReader(data), opts, BodyResult{Kind: "text"})
		res.Note = "body is labelled JSON but is not valid JSON; shown as text"
		return res, err
	}
	_, err = w.Write(formatJSON(data, opts.Format, opts.Color, opts.Terminal))
	return BodyResult{Kind: "json", Bytes: int64(len(data))}, err
}

// formatJSON pretty-prints valid JSON (unless indent is false: then the layout is kept), optionally coloured. For a
// terminal, characters JSON allows raw but a terminal would obey (DEL, C1 controls, bidi overrides) are rewritten
// as \u escapes, which keeps the JSON equivalent.
func formatJSON(data []byte, indent, colored, terminal bool) []byte {
	out := data
	if indent {
		out = pretty.Pretty(data)
	}
	if terminal {
		out = escapeJSONStrings(out)
	}
	if colored {
		out = colorJSON(out)
	}
	return out
}

func escapeJSONStrings(p []byte) []byte {
	var out []byte
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRune(p[i:])
		if r >= 0x7f && needsEscape(r, size, true) && r != utf8.RuneError {
			if out == nil {
				out = append(make([]byte, 0, len(p)+16), p[:i]...)
			}
			out = fmt.Appendf(out, `\u%04x`, r)
		} else if out != nil {
			out = append(out, p[i:i+size]...)
		}
		i += size
	}
	if out == nil {
		return p
	}
	return out
}

// looksBinary decides from the bytes, not the label: NUL bytes, invalid UTF-8 or a sniffed non-text type.
func looksBinary(head []byte) bool {
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	// A multi-byte character cut by the end of the sniffed window is not invalid.
	check := head
	start := len(head) - 1
	for start > 0 && len(head)-start < utf8.UTFMax && !utf8.RuneStart(head[start]) {
		start--
	}
	if !utf8.FullRune(head[start:]) {
		check = head[:start]
	}
	if !utf8.Valid(check) {
		return true
	}
	switch t := http.DetectContentType(head); {
	case strings.HasPrefix(t, "text/"):
		return false
	case t != "application/octet-stream":
		return true // a known binary signature: image, audio, archive, font, PDF...
	}
	// Valid UTF-8 with some control bytes is hostile or odd text, escaped on a terminal; mostly control
	// bytes is binary.
	controls := 0
	for _, c := range check {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b {
			controls++
		}
	}
	return controls*10 > len(check)
}

func sniffType(head []byte, label string) string {
	t := http.DetectContentType(head)
	if t == "application/octet-stream" && label != "" {
		return Escape(label)
	}
	return t
}

// Size says a number of bytes for people: "512 bytes", "1.5 MiB".
func Size(n int64) string { return humanBytes(n) }

func humanBytes(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
}
