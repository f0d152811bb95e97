package format

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
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
	SortKeys    bool   // when formatting JSON, sort the keys of its objects (HTTPie's --sorted)
	Indent      int    // spaces per level of formatted JSON (HTTPie's json.indent); 0 is DefaultIndent, Unindented none
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
	head, peekErr := peekArrived(br, 1024)
	if len(head) == 0 {
		if peekErr != nil && peekErr != io.EOF {
			return BodyResult{}, peekErr
		}
		return BodyResult{}, nil
	}
	if looksBinary(head, opts.ContentType) {
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
	if (opts.Format || opts.Color) && isJSONLines(opts.ContentType) {
		return jsonLines(w, br, opts)
	}
	if (opts.Format || opts.Color) && isJSON(opts.ContentType) {
		if !bytes.HasPrefix(head, utf8BOM) {
			return jsonBody(w, br, opts)
		}
		// RFC 8259 §8.1 lets a parser ignore a byte order mark, which some servers (IIS, .NET) put first.
		br.Discard(len(utf8BOM))
		res, err := jsonBody(w, br, opts)
		res.Bytes += int64(len(utf8BOM))
		return res, err
	}
	var r io.Reader = br
	if opts.Terminal && isLatin1(opts.ContentType) {
		r = latin1{br}
	}
	return textBody(w, r, opts, BodyResult{Kind: "text"})
}

// utf8BOM is the byte order mark, EF BB BF, in UTF-8.
var utf8BOM = []byte("\ufeff")

// peekArrived returns the start of what r holds, up to n bytes, waiting only for the first byte: a stream
// (server-sent events, a log) is sniffed from what has arrived, never held until n bytes have.
func peekArrived(r *bufio.Reader, n int) ([]byte, error) {
	if _, err := r.Peek(1); err != nil {
		return nil, err
	}
	return r.Peek(min(n, r.Buffered()))
}

// isJSONLines reports whether a Content-Type names newline-delimited JSON, laid out a line at a time.
func isJSONLines(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines":
		return true
	}
	return false
}

// jsonLines lays out newline-delimited JSON one line at a time, as each arrives: a line that is not JSON
// (or too long to hold) is shown as text.
func jsonLines(w io.Writer, br *bufio.Reader, opts BodyOptions) (BodyResult, error) {
	res := BodyResult{Kind: "json"}
	for {
		line, err := br.ReadSlice('\n')
		for err == bufio.ErrBufferFull {
			// A line longer than the buffer: shown as text, as it arrives.
			n, werr := textBody(w, bytes.NewReader(line), opts, BodyResult{})
			res.Bytes += n.Bytes
			if werr != nil {
				return res, werr
			}
			line, err = br.ReadSlice('\n')
		}
		res.Bytes += int64(len(line))
		trimmed := bytes.TrimSpace(line)
		var werr error
		switch {
		case len(trimmed) == 0:
		case json.Valid(trimmed) && layoutRefused(trimmed) == "":
			out := formatJSON(trimmed, opts)
			if len(out) == 0 || out[len(out)-1] != '\n' {
				out = append(out, '\n')
			}
			_, werr = w.Write(out)
		default:
			_, werr = textBody(w, bytes.NewReader(line), opts, BodyResult{})
		}
		if werr != nil {
			return res, werr
		}
		if err == io.EOF {
			return res, nil
		}
		if err != nil {
			return res, err
		}
	}
}

// isLatin1 reports whether a text Content-Type says ISO 8859-1 (or its superset windows-1252), which a
// terminal shows as UTF-8 only once converted.
func isLatin1(contentType string) bool {
	_, params, _ := mime.ParseMediaType(contentType)
	return latin1Name(params["charset"])
}

func latin1Name(charset string) bool {
	switch strings.ToLower(charset) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "windows-1252", "cp1252":
		return true
	}
	return false
}

// ShownCharset reports whether a body in charset can be shown as it is meant: UTF-8 and ASCII as they are,
// ISO 8859-1 and windows-1252 converted; hop converts no other.
func ShownCharset(charset string) bool {
	switch strings.ToLower(charset) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return true
	}
	return latin1Name(charset)
}

// latin1 turns ISO 8859-1 bytes into UTF-8 (each byte is the code point of the same number); the escaper
// then shows C1 controls visibly, as for any text.
type latin1 struct{ r io.Reader }

func (l latin1) Read(p []byte) (int, error) {
	buf := make([]byte, max(len(p)/2, 1))
	n, err := l.r.Read(buf)
	out := p[:0]
	for _, c := range buf[:n] {
		out = utf8.AppendRune(out, rune(c))
	}
	return len(out), err
}

// Copy streams r to w in large reads. Neither side's ReadFrom/WriteTo is used: os.File's generic ReadFrom
// falls back to 32 KiB copies.
func Copy(w io.Writer, r io.Reader) (int64, error) {
	buf := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(buf)
	return io.CopyBuffer(struct{ io.Writer }{w}, struct{ io.Reader }{r}, *buf)
}

// copyBufs keeps Copy's buffers for the next body: each URL of a hop curl glob of thousands made and
// cleared 128 KiB, and the collector's work was most of a small body's cost. (--repeat reads its bodies
// into buffers of its own.)
var copyBufs = sync.Pool{New: func() any { b := make([]byte, copyBufSize); return &b }}

func textBody(w io.Writer, r io.Reader, opts BodyOptions, res BodyResult) (BodyResult, error) {
	if !opts.Terminal {
		n, err := Copy(w, r)
		res.Bytes += n
		return res, err
	}
	esc := newEscaper(w)
	tw := &TailWriter{W: esc}
	n, err := Copy(tw, r)
	res.Bytes += n
	if cerr := esc.Close(); err == nil {
		err = cerr
	}
	if tw.LineOpen() {
		io.WriteString(w, "\n") // keep the prompt off the last line
	}
	return res, err
}

// TailWriter passes writes on to W and remembers the last byte, to tell whether what it wrote left a line
// open (a body without a final newline, before a prompt or a note).
type TailWriter struct {
	W    io.Writer
	last byte
	n    int64
}

func (t *TailWriter) Write(p []byte) (int, error) {
	if len(p) > 0 {
		t.last = p[len(p)-1]
		t.n += int64(len(p))
	}
	return t.W.Write(p)
}

// LineOpen reports whether bytes were written and the last was not a newline.
func (t *TailWriter) LineOpen() bool { return t.n > 0 && t.last != '\n' }

func jsonBody(w io.Writer, br *bufio.Reader, opts BodyOptions) (BodyResult, error) {
	if !opts.Format {
		return wholeJSON(w, br, opts) // colours only (--pretty=colors): the server's layout is kept
	}
	res, raw, handled, err := streamBatches(w, br, opts)
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
		if depth, _ := prettyCost(data); depth > maxCheckedDepth {
			res.Note = fmt.Sprintf("body is labelled JSON and nested %d levels deep, deeper than hop checks (%d); shown as text", depth, maxCheckedDepth)
		}
		return res, err
	}
	if why := layoutRefused(data); opts.Format && why != "" {
		res, err := textBody(w, bytes.NewReader(data), opts, BodyResult{Kind: "json"})
		res.Note = "JSON body shown as received: " + why
		return res, err
	}
	return BodyResult{Kind: "json", Bytes: int64(len(data))}, writeFormattedJSON(w, data, opts)
}

// colorPiece is about how much of a formatted body writeFormattedJSON colours at a time.
const colorPiece = 256 << 10

// writeFormattedJSON writes data as formatJSON makes it, but colours it a piece at a time straight to w: the
// coloured copy, the largest (escape sequences around every token), is never held whole.
func writeFormattedJSON(w io.Writer, data []byte, opts BodyOptions) error {
	out := plainJSON(data, opts)
	if !opts.Color {
		_, err := w.Write(out)
		return err
	}
	return writeColorJSON(w, out, colorPiece)
}

// writeColorJSON writes src, valid JSON, coloured to w in pieces of about piece bytes, each cut after a line
// break: in valid JSON one stands between tokens (a string holds none raw), where a piece may end.
func writeColorJSON(w io.Writer, src []byte, piece int) error {
	var cz colorizer
	buf := make([]byte, 0, min(len(src), piece)*3)
	for len(src) > 0 {
		n := len(src)
		if n > piece {
			if k := bytes.IndexByte(src[piece:], '\n'); k >= 0 {
				n = piece + k + 1
			}
		}
		buf = cz.append(buf[:0], src[:n])
		if _, err := w.Write(buf); err != nil {
			return err
		}
		src = src[n:]
	}
	return nil
}

// DefaultIndent is the spaces per level of formatted JSON unless BodyOptions.Indent says otherwise;
// Unindented puts each value on a line of its own without indenting it (HTTPie's json.indent:0).
const (
	DefaultIndent = 2
	Unindented    = -1
)

// indent is one level of indent in formatted JSON.
func (o BodyOptions) indent() string {
	switch {
	case o.Indent == 0:
		return "  "
	case o.Indent < 0:
		return ""
	}
	return strings.Repeat(" ", o.Indent)
}

// prettyJSON lays out JSON as tidwall/pretty does (an array that fits in 80 columns on one line), indented
// and with its objects' keys sorted as opts say.
func prettyJSON(data []byte, opts BodyOptions) []byte {
	if !opts.SortKeys && opts.Indent == 0 {
		return pretty.Pretty(data)
	}
	o := *pretty.DefaultOptions
	o.SortKeys, o.Indent = opts.SortKeys, opts.indent()
	return pretty.PrettyOptions(data, &o)
}

// formatJSON renders valid JSON as opts say: pretty-printed (unless opts.Format is false: then the layout is
// kept), its strings' \u escapes shown as the characters they stand for when it is formatted (see
// unescapeJSONStrings), coloured with opts.Color. For a terminal, characters JSON allows raw but a terminal would obey (DEL, C1
// controls, bidi overrides) are rewritten as \u escapes, which keeps the JSON equivalent.
func formatJSON(data []byte, opts BodyOptions) []byte {
	out := plainJSON(data, opts)
	if opts.Color {
		out = colorJSON(out)
	}
	return out
}

// plainJSON is formatJSON but for the colours.
func plainJSON(data []byte, opts BodyOptions) []byte {
	out := data
	if opts.Format {
		out = unescapeJSONStrings(prettyJSON(data, opts))
	}
	if opts.Terminal {
		out = escapeJSONStrings(out)
	}
	return out
}

// escapeJSONStrings rewrites, inside valid JSON, what a terminal must not receive: DEL, C1 controls and
// bidi overrides become \u escapes (the same JSON), and a byte that is not UTF-8 becomes \ufffd, the
// replacement character (JSON must be UTF-8; only the terminal copy changes, a piped body is untouched).
func escapeJSONStrings(p []byte) []byte {
	var out []byte
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRune(p[i:])
		if r >= 0x7f && needsEscape(r, size, true) {
			if out == nil {
				out = append(make([]byte, 0, len(p)+16), p[:i]...)
			}
			if r == utf8.RuneError {
				r = 0xfffd
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

// unescapeJSONStrings shows, inside valid JSON, a string's \uXXXX escapes (a surrogate pair as one) and
// "\/" as the characters they stand for, as jq and HTTPie show them: an API that escapes every non-ASCII
// character (Python's json.dumps does by default) reads "café", not "caf\u00e9". What a terminal or JSON
// must not get raw stays escaped: controls, DEL, C1, bidi overrides, a quote, a backslash, a lone
// surrogate. The JSON stays equivalent.
func unescapeJSONStrings(p []byte) []byte {
	// In valid JSON a backslash is always inside a string and starts an escape: jump from one to the next.
	var out []byte // nil until an escape is shown as its character: most bodies are returned as they are
	done := 0      // p[:done] is in out already
	for i := 0; ; {
		j := bytes.IndexByte(p[i:], '\\')
		if j < 0 || i+j+1 >= len(p) {
			break
		}
		i += j
		r, n := '/', 2
		if p[i+1] != '/' {
			r, n = escapedRune(p[i:])
		}
		if n == 0 {
			i += 2 // an escape kept as it is
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(p))
		}
		out = utf8.AppendRune(append(out, p[done:i]...), r)
		i += n
		done = i
	}
	if out == nil {
		return p
	}
	return append(out, p[done:]...)
}

// escapedRune reads the \uXXXX escape (or surrogate pair) at the start of p and returns its rune and length,
// or 0 when it is not one to show as a character.
func escapedRune(p []byte) (rune, int) {
	hex4 := func(b []byte) (rune, bool) {
		if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
			return 0, false
		}
		n, err := strconv.ParseUint(string(b[2:6]), 16, 16)
		return rune(n), err == nil
	}
	r, ok := hex4(p)
	if !ok {
		return 0, 0
	}
	n := 6
	if utf16.IsSurrogate(r) {
		low, ok := hex4(p[6:])
		if r = utf16.DecodeRune(r, low); !ok || r == utf8.RuneError {
			return 0, 0
		}
		n = 12
	}
	if r < 0x20 || r == '"' || r == '\\' || needsEscape(r, utf8.RuneLen(r), true) {
		return 0, 0
	}
	return r, n
}

// looksBinary decides from the bytes first: NUL bytes or a known binary signature (an image, an archive)
// are binary whatever the label. A body labelled as text (text/*, JSON, XML...) is otherwise text, shown
// with its control characters and invalid bytes escaped; an unlabelled one is binary when it is not UTF-8
// or mostly control bytes.
func looksBinary(head []byte, label string) bool {
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	if t := http.DetectContentType(head); !strings.HasPrefix(t, "text/") && t != "application/octet-stream" {
		return true
	}
	if labelledText(label) {
		return false
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
	if strings.HasPrefix(http.DetectContentType(head), "text/") {
		return false
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

// labelledText reports whether a Content-Type names text: text/*, JSON, XML, JavaScript, a form.
func labelledText(label string) bool {
	mt, _, err := mime.ParseMediaType(label)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"), isJSON(label), isJSONLines(label),
		mt == "application/xml", strings.HasSuffix(mt, "+xml"),
		mt == "application/javascript", mt == "application/x-www-form-urlencoded":
		return true
	}
	return false
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
