package format

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/tidwall/pretty"
)

// A JSON body whose top level is an array is formatted one element at a time, so memory follows the largest
// element instead of the whole body, while the output stays byte-identical to formatting it whole with
// FormatJSON. The identity rests on how tidwall/pretty lays out an array that does not fit on one line:
//
//	[\n  ELEM,\n  ELEM\n]\n
//
// where each ELEM is laid out from the same state (one level of indent, the column just after "\n  "). The
// same state arises when ELEM is the first element of the wrapper [ELEM,"xxx…"], whose long second element
// keeps the wrapper off one line; so each element is formatted inside that wrapper and cut out of it.
// pretty.Color keeps no state across top-level array elements that matters (strings there are not keys, commas
// there are not styled), so each element can be coloured on its own too.
//
// Whether the whole array would have fitted on one line (only when it holds no object and is short) is known
// once an object or more than the width's worth of compact bytes has been seen; until then elements are held,
// and an array that ends first is formatted whole.

// oneLineWidth is tidwall/pretty's default Width: arrays that fit in it are written on one line.
const oneLineWidth = 80

var (
	wrapperTail = []byte(`,"` + string(bytes.Repeat([]byte("x"), oneLineWidth+1)) + `"]`)
	// The formatted wrapper ends with the long string as the second element.
	wrapperOutTail = []byte(",\n  \"" + string(bytes.Repeat([]byte("x"), oneLineWidth+1)) + "\"\n]\n")
)

// errNotArray means the body is not a top-level array; the caller formats it whole.
var errNotArray = errors.New("not a top-level array")

// arrayScanner reads the elements of a top-level JSON array one at a time.
type arrayScanner struct {
	r       *bufio.Reader
	raw     []byte // every byte read, kept while keepRaw, so a body that is not streamed can be formatted whole
	keepRaw bool
	elem    bytes.Buffer
	started bool
	done    bool
	offset  int64 // bytes consumed, for error messages
	compact int   // compact bytes seen so far (outside strings, whitespace dropped)
	max     int   // the largest element held for formatting
	term    byte  // the byte that ended the last element: ',' or ']'

	object bool // an object has been seen somewhere
}

// invalidJSONError is malformed JSON found partway through a body.
type invalidJSONError struct {
	offset int64
	msg    string
}

func (e *invalidJSONError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.offset, e.msg)
}

func (s *arrayScanner) readByte() (byte, error) {
	c, err := s.r.ReadByte()
	if err == nil {
		s.offset++
		if s.keepRaw {
			s.raw = append(s.raw, c)
		}
	}
	return c, err
}

func (s *arrayScanner) skipSpace() (byte, error) {
	for {
		c, err := s.readByte()
		if err != nil {
			return 0, err
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return c, nil
		}
	}
}

// next returns the raw bytes of the next element, or io.EOF after the closing bracket. The slice is valid
// until the next call.
func (s *arrayScanner) next() ([]byte, error) {
	if s.done {
		return nil, io.EOF
	}
	c, err := s.skipSpace()
	if err != nil {
		return nil, s.unexpected(err)
	}
	if !s.started {
		if c != '[' {
			return nil, errNotArray
		}
		s.started = true
		s.compact++
		if c, err = s.skipSpace(); err != nil {
			return nil, s.unexpected(err)
		}
		if c == ']' {
			return nil, s.end()
		}
	}
	s.elem.Reset()
	s.term = 0
	depth, inString, escaped := 0, false, false
	for {
		switch {
		case inString:
			s.compact++
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
			s.compact++
		case c == '{' || c == '[':
			if c == '{' {
				s.object = true
			}
			depth++
			s.compact++
		case c == '}' || c == ']':
			if depth == 0 {
				if c != ']' {
					return nil, &invalidJSONError{s.offset, "unexpected }"}
				}
				s.compact++
				s.term = c
				return s.finish(true)
			}
			depth--
			s.compact++
		case c == ',' && depth == 0:
			s.compact++
			s.term = c
			return s.finish(false)
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			s.compact++
		}
		s.elem.WriteByte(c)
		if s.elem.Len() > s.max {
			return nil, &invalidJSONError{s.offset, fmt.Sprintf("an element is larger than %s", humanBytes(int64(s.max)))}
		}
		if c, err = s.readByte(); err != nil {
			return nil, s.unexpected(err)
		}
	}
}

// finish validates the element just read; last means the array closed after it.
func (s *arrayScanner) finish(last bool) ([]byte, error) {
	e := bytes.TrimRight(s.elem.Bytes(), " \t\r\n")
	if !json.Valid(e) {
		return nil, &invalidJSONError{s.offset, "an array element is not valid JSON"}
	}
	if last {
		if err := s.end(); err != io.EOF {
			return nil, err
		}
	}
	return e, nil
}

// end checks that nothing but whitespace follows the closing bracket.
func (s *arrayScanner) end() error {
	s.done = true
	if _, err := s.skipSpace(); err != io.EOF {
		if err != nil {
			return err
		}
		return &invalidJSONError{s.offset, "data after the closing ]"}
	}
	return io.EOF
}

func (s *arrayScanner) unexpected(err error) error {
	if err == io.EOF {
		return &invalidJSONError{s.offset, "the body ended inside the array"}
	}
	return err
}

// formatElement lays out one element exactly as it appears inside its top-level array: indented by two
// spaces, without the separator.
func formatElement(elem []byte, colored, terminal bool) []byte {
	wrapper := make([]byte, 0, len(elem)+len(wrapperTail)+1)
	wrapper = append(wrapper, '[')
	wrapper = append(wrapper, elem...)
	wrapper = append(wrapper, wrapperTail...)
	out := pretty.Pretty(wrapper)
	out = out[len("[\n") : len(out)-len(wrapperOutTail)]
	if terminal {
		out = escapeJSONStrings(out)
	}
	if colored {
		out = pretty.Color(out, nil)
	}
	return out
}

// streamArray formats a top-level JSON array element by element. handled is false when the body is not a
// large valid array (not an array, short enough for one line, or invalid before anything was written): then
// nothing has been written and raw holds every byte read, for the caller to format the body whole.
func streamArray(w io.Writer, br *bufio.Reader, opts BodyOptions) (res BodyResult, raw []byte, handled bool, err error) {
	s := &arrayScanner{r: br, keepRaw: true, max: int(min(opts.Cap, 1<<30))}
	var pending [][]byte // elements held until the layout is known
	open, closeB := []byte("["), []byte("]")
	if opts.Color {
		// Color styles a closing bracket only inside an open one.
		open = pretty.Color(open, nil)
		closeB = pretty.Color([]byte("[]"), nil)[len(open):]
	}
	streaming := false
	for {
		elem, err := s.next()
		switch {
		case err == io.EOF && streaming:
			_, err := fmt.Fprintf(w, "\n%s\n", closeB)
			return BodyResult{Kind: "json", Bytes: s.offset}, nil, true, err
		case err == io.EOF:
			return BodyResult{}, s.raw, false, nil
		case err != nil && streaming:
			var bad *invalidJSONError
			if !errors.As(err, &bad) {
				return BodyResult{Kind: "json", Bytes: s.offset}, nil, true, err
			}
			// Output has begun: the rest, from the element that broke, goes out as text.
			broken := s.elem.Bytes()
			if s.term != 0 {
				broken = append(broken, s.term)
			}
			w.Write([]byte(",\n"))
			res, err := textBody(w, io.MultiReader(bytes.NewReader(broken), br), opts, BodyResult{Kind: "json", Bytes: s.offset - int64(len(broken))})
			res.Note = fmt.Sprintf("body is not valid JSON (%s); the rest is shown as text", bad.msg)
			return res, nil, true, err
		case err != nil:
			var bad *invalidJSONError
			if errors.Is(err, errNotArray) || errors.As(err, &bad) {
				return BodyResult{}, s.raw, false, nil
			}
			return BodyResult{Bytes: s.offset}, s.raw, false, err
		}
		if streaming {
			if err := writeElement(w, elem, true, opts); err != nil {
				return res, nil, true, err
			}
			continue
		}
		pending = append(pending, bytes.Clone(elem))
		if s.object || s.compact > oneLineWidth {
			// The array cannot fit on one line: its layout is known, so output can begin.
			streaming, s.keepRaw, s.raw = true, false, nil
			if _, err := w.Write(append(open, '\n')); err != nil {
				return res, nil, true, err
			}
			for i, e := range pending {
				if err := writeElement(w, e, i > 0, opts); err != nil {
					return res, nil, true, err
				}
			}
			pending = nil
		}
	}
}

func writeElement(w io.Writer, elem []byte, sep bool, opts BodyOptions) error {
	if sep {
		if _, err := w.Write([]byte(",\n")); err != nil {
			return err
		}
	}
	_, err := w.Write(formatElement(elem, opts.Color, opts.Terminal))
	return err
}
