package format

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"unicode/utf8"
)

// A body held for a document or a HAR file can be 64 MiB; encoding it with the rest of the document would
// hold it three or four times over (as a string, escaped or in base64, and in the encoder's buffer). So a
// large body is a bodyValue: the encoder writes a placeholder for it, and writeJSON streams the body into
// the output where the placeholder stands, escaping or encoding it as it goes.

// streamAbove is the size from which a body is streamed into the output rather than encoded with it.
const streamAbove = 1 << 20

// bodyValue is a body in a JSON document: raw JSON (valid UTF-8 JSON), text (a JSON string) or base64.
type bodyValue struct {
	data []byte
	kind string // json, text or base64
	id   string // the placeholder's text, once marshalled as one
}

// placeholderNonce makes placeholders unguessable, so that no server-sent text can be mistaken for one.
var placeholderNonce = strconv.FormatUint(rand.Uint64(), 36)

func newBodyValue(data []byte, kind string) *bodyValue { return &bodyValue{data: data, kind: kind} }

// MarshalJSON encodes a small body in place, and a large one as its placeholder.
func (b *bodyValue) MarshalJSON() ([]byte, error) {
	if len(b.data) <= streamAbove {
		switch b.kind {
		case "json":
			return b.data, nil
		case "base64":
			return json.Marshal(base64.StdEncoding.EncodeToString(b.data))
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // as the rest of the document
		if err := enc.Encode(string(b.data)); err != nil {
			return nil, err
		}
		return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
	}
	b.id = fmt.Sprintf("hop-body-%s-%p", placeholderNonce, b)
	return json.Marshal(b.id)
}

// stream writes the body as the JSON value it stands for.
func (b *bodyValue) stream(w io.Writer) error {
	switch b.kind {
	case "json":
		_, err := w.Write(b.data)
		return err
	case "base64":
		io.WriteString(w, `"`)
		enc := base64.NewEncoder(base64.StdEncoding, w)
		if _, err := enc.Write(b.data); err != nil {
			return err
		}
		enc.Close()
		_, err := io.WriteString(w, `"`)
		return err
	}
	io.WriteString(w, `"`)
	var buf []byte
	for i := 0; i < len(b.data); {
		r, size := utf8.DecodeRune(b.data[i:])
		buf = appendJSONRune(buf, r, size)
		i += size
		if len(buf) >= 64<<10 {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	buf = append(buf, '"')
	_, err := w.Write(buf)
	return err
}

// appendJSONRune appends r as it goes inside a JSON string.
func appendJSONRune(buf []byte, r rune, size int) []byte {
	switch {
	case r == '"':
		return append(buf, '\\', '"')
	case r == '\\':
		return append(buf, '\\', '\\')
	case r == '\n':
		return append(buf, '\\', 'n')
	case r == '\r':
		return append(buf, '\\', 'r')
	case r == '\t':
		return append(buf, '\\', 't')
	case r == utf8.RuneError && size <= 1:
		return append(buf, `\ufffd`...)
	case r < 0x20 || unsafeInJSON(r):
		return fmt.Appendf(buf, `\u%04x`, r)
	}
	return utf8.AppendRune(buf, r)
}

// unsafeInJSON reports runes JSON allows raw inside a string but that a terminal obeys or that break
// JavaScript: DEL, C1 controls, bidi overrides, and the line and paragraph separators.
func unsafeInJSON(r rune) bool {
	return r == 0x7f || r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 ||
		r == 0x2028 || r == 0x2029
}

// writeJSON writes v as indented JSON, without HTML escaping, with every rune unsafeInJSON escaped (valid
// JSON either way, and safe on a terminal), and any large bodies streamed in where their placeholders are.
func writeJSON(w io.Writer, v any, bodies ...*bodyValue) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	out := escapeUnsafeJSON(buf.Bytes())
	if len(bodies) > 0 {
		bw := bufio.NewWriterSize(w, 64<<10) // the streamed body comes in small pieces (base64's are 1 KiB)
		defer bw.Flush()
		w = bw
	}
	for _, b := range bodies {
		if b == nil || b.id == "" {
			continue
		}
		mark := []byte(strconv.Quote(b.id))
		i := bytes.Index(out, mark)
		if i < 0 {
			continue
		}
		if _, err := w.Write(out[:i]); err != nil {
			return err
		}
		if err := b.stream(w); err != nil {
			return err
		}
		out = out[i+len(mark):]
	}
	if _, err := w.Write(out); err != nil {
		return err
	}
	if bw, ok := w.(*bufio.Writer); ok {
		return bw.Flush()
	}
	return nil
}

// escapeUnsafeJSON rewrites the runes unsafeInJSON as \u escapes in encoded JSON: they occur only inside
// strings there, so the document means the same.
func escapeUnsafeJSON(p []byte) []byte {
	var out []byte
	for i := 0; i < len(p); {
		c := p[i]
		if c < 0x80 && c != 0x7f {
			if out != nil {
				out = append(out, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		if unsafeInJSON(r) {
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
