package format

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/tidwall/pretty"
)

// A JSON body whose top level is an array or an object is formatted a batch of elements (or members) at a
// time, so memory follows the largest element (or batch) instead of the whole body, while the output stays
// byte-identical to formatting it whole with formatJSON. The identity rests on how tidwall/pretty lays out an
// array that does not fit on one line:
//
//	[\n  ELEM,\n  ELEM\n]\n
//
// where every ELEM is laid out from the same state: one level of indent (two spaces unless BodyOptions.Indent
// says otherwise), the column just after it.
// A batch E1,…,Ek is formatted inside the wrapper [{},E1,…,Ek]: its leading {} makes pretty abandon its
// one-line attempt at once, and puts every Ei in that same state; the batch is cut out of the result.
// pretty.Color keeps no state across top-level array elements that matters (strings there are not keys,
// commas there are not styled), so each batch can be coloured on its own too.
//
// Whether the whole array would have fitted on one line (only when it holds no object and is short) is known
// once an object or more than a line's worth of compact bytes has been seen; a first batch that ends the
// array before that is formatted whole instead.
//
// pretty never lays out an object on one line: {\n  "K": V,\n  "K": V\n}\n, every member from the same
// state. A batch of members M1,…,Mk is formatted as the object {M1,…,Mk} and cut out of it. Colour there
// has state (a string is a key or a value; the commas between members are styled), so a batch is coloured
// by a colorizer that starts inside the object, where a key comes next. An object is streamed only when
// its keys keep their order (--sorted sorts them across the whole object).

const (
	// oneLineWidth is tidwall/pretty's default Width: arrays that fit in it are written on one line.
	oneLineWidth = 80
	// batchSize is how many raw bytes of elements are formatted per call.
	batchSize = 256 << 10
)

var (
	wrapperHead = []byte("[{},")
	// The formatted wrapper ends with the closing bracket; it starts with the {} element, one level of indent
	// in: "[\n" + indent + "{},\n" (wrapperOutHead).
	wrapperOutTail = []byte("\n]\n")
)

// wrapperOutHead is the length of what the formatted wrapper holds before the batch.
func wrapperOutHead(opts BodyOptions) int { return len("[\n{},\n") + len(opts.indent()) }

// errNotContainer means the body is not a top-level array (or object); the caller formats it whole.
var errNotContainer = errors.New("not a top-level array or object")

// invalidJSONError is malformed JSON found partway through a body.
type invalidJSONError struct {
	offset int64
	msg    string
}

func (e *invalidJSONError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.offset, e.msg)
}

// batchScanner cuts a top-level JSON array into batches of whole elements, or a top-level object into
// batches of whole members.
type batchScanner struct {
	r       *bufio.Reader
	objects bool   // a top-level object is scanned too
	open    byte   // '[' or '{': the top level's, once started
	raw     []byte // every byte read, kept while keepRaw, so a body that is not streamed can be formatted whole
	keepRaw bool
	batch   bytes.Buffer
	max     int // the largest batch held for formatting

	started, done bool
	depth         int
	inString, esc bool
	offset        int64 // bytes consumed
	compact       int   // compact bytes seen (whitespace outside strings dropped)
	object        bool  // an object has been seen
}

// consume moves n bytes of the reader's buffer into the batch (or drops them) and past the reader.
func (s *batchScanner) consume(chunk []byte, n int, keep int) {
	if s.keepRaw {
		s.raw = append(s.raw, chunk[:n]...)
	}
	s.batch.Write(chunk[:keep])
	s.r.Discard(n)
	s.offset += int64(n)
}

// next returns the raw bytes of one or more whole elements, "E1,…,Ek" as they appear in the body, or io.EOF
// once the closing bracket has been read. The slice is valid until the next call.
func (s *batchScanner) next() ([]byte, error) {
	if s.done {
		return nil, io.EOF
	}
	s.batch.Reset()
	for {
		if s.r.Buffered() == 0 {
			if _, err := s.r.Peek(1); err != nil {
				if err == io.EOF {
					if !s.started {
						return nil, errNotContainer
					}
					return nil, &invalidJSONError{s.offset, "the body ended inside the " + s.container()}
				}
				return nil, err
			}
		}
		chunk, _ := s.r.Peek(s.r.Buffered())
		i := 0
		if !s.started {
			for ; i < len(chunk) && isSpace(chunk[i]); i++ {
			}
			if i == len(chunk) {
				s.consume(chunk, i, 0)
				continue
			}
			if chunk[i] != '[' && (chunk[i] != '{' || !s.objects) {
				return nil, errNotContainer
			}
			s.started, s.open = true, chunk[i]
			s.object = s.open == '{'
			s.compact++
			s.consume(chunk, i+1, 0)
			continue
		}
		for ; i < len(chunk); i++ {
			c := chunk[i]
			if s.inString {
				switch {
				case s.esc:
					s.esc = false
				case c == '\\':
					s.esc = true
				case c == '"':
					s.inString = false
				}
				s.compact++
				continue
			}
			switch c {
			case ' ', '\t', '\n', '\r':
				continue
			case '"':
				s.inString = true
			case '{', '[':
				s.depth++
				s.object = s.object || c == '{'
			case '}', ']':
				if s.depth == 0 {
					if c != closing(s.open) {
						return nil, &invalidJSONError{s.offset + int64(i), fmt.Sprintf("a %c closes the %s", c, s.container())}
					}
					s.compact++
					if s.batch.Len()+i > s.max {
						return nil, s.tooLargeAt(chunk, i)
					}
					s.consume(chunk, i+1, i)
					return s.end()
				}
				s.depth--
			case ',':
				if s.depth == 0 && s.batch.Len()+i >= batchSize {
					s.compact++
					if s.batch.Len()+i > s.max {
						return nil, s.tooLargeAt(chunk, i)
					}
					s.consume(chunk, i+1, i)
					return s.batch.Bytes(), nil
				}
			}
			s.compact++
		}
		s.consume(chunk, len(chunk), len(chunk))
		if err := s.tooLarge(); err != nil {
			return nil, err
		}
	}
}

// end checks that nothing but whitespace follows the closing bracket and returns the last batch.
func (s *batchScanner) end() ([]byte, error) {
	s.done = true
	for {
		c, err := s.r.ReadByte()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		s.offset++
		if s.keepRaw {
			s.raw = append(s.raw, c)
		}
		if !isSpace(c) {
			return nil, &invalidJSONError{s.offset, fmt.Sprintf("data after the closing %c", closing(s.open))}
		}
	}
	if bytes.TrimSpace(s.batch.Bytes()) == nil {
		return nil, io.EOF // [] or [ ]
	}
	return s.batch.Bytes(), nil
}

// tooLarge says so when the batch is larger than the most held for formatting.
func (s *batchScanner) tooLarge() error {
	if s.batch.Len() > s.max {
		return &invalidJSONError{s.offset, fmt.Sprintf("%s is larger than %s", elementName(s.open), humanBytes(int64(s.max)))}
	}
	return nil
}

// tooLargeAt is tooLarge for a batch found too large at chunk[i], the comma or bracket that ends it: that
// byte goes out with the batch, which is shown as text.
func (s *batchScanner) tooLargeAt(chunk []byte, i int) error {
	s.consume(chunk, i+1, i+1)
	return s.tooLarge()
}

// container names the top level: "array" or "object".
func (s *batchScanner) container() string {
	if s.open == '{' {
		return "object"
	}
	return "array"
}

// closing is the bracket that closes open: ']' and '}' follow '[' and '{' by two.
func closing(open byte) byte { return open + 2 }

// elementName names a part of the top level that open opens.
func elementName(open byte) string {
	if open == '{' {
		return "an object member"
	}
	return "an array element"
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// buffers recycles the wrapper and colour buffers of batches, which would otherwise be most of the garbage.
var buffers = sync.Pool{New: func() any { b := make([]byte, 0, batchSize*4); return &b }}

// formatBatch lays out a batch of elements (members, when open is '{') exactly as they appear inside their
// top-level array (object): each one level of indent in, separated by ",\n", with no separator before the
// first or after the last. why says why the batch is not laid out (invalidWhy when it is not valid JSON);
// it is "" when it is. When buf is not nil, out lives in it: put it back in buffers once out is written.
// opts.Color and opts.Terminal apply as in formatJSON.
func formatBatch(batch []byte, open byte, opts BodyOptions) (out []byte, buf *[]byte, why string) {
	wbuf := buffers.Get().(*[]byte)
	head, outHead, outTail := wrapperHead, wrapperOutHead(opts), len(wrapperOutTail)
	if open == '{' {
		head, outHead, outTail = []byte("{"), len("{\n"), len("\n}\n")
	}
	wrapper := append(append(append((*wbuf)[:0], head...), batch...), closing(open))
	*wbuf = wrapper
	if !json.Valid(wrapper) {
		why := invalidWhy(open)
		if depth, _ := prettyCost(wrapper); depth > maxCheckedDepth { // valid, maybe, but deeper than json checks
			why = fmt.Sprintf("%s is nested %d levels deep, deeper than hop checks (%d)", elementName(open), depth, maxCheckedDepth)
		}
		buffers.Put(wbuf)
		return nil, nil, why
	}
	if why := layoutRefused(wrapper); why != "" {
		buffers.Put(wbuf)
		return nil, nil, why
	}
	out = prettyJSON(wrapper, opts)
	buffers.Put(wbuf)
	out = unescapeJSONStrings(out[outHead : len(out)-outTail])
	if opts.Terminal {
		out = escapeJSONStrings(out)
	}
	if opts.Color {
		var cz colorizer
		if open == '{' {
			cz.stack = []colorFrame{{kind: '{', key: true}} // inside the object, where a key comes next
		}
		buf = buffers.Get().(*[]byte)
		*buf = cz.append((*buf)[:0], out)
		out = *buf
	}
	return out, buf, ""
}

// invalidWhy is formatBatch's reason for a batch that is not valid JSON.
func invalidWhy(open byte) string {
	return elementName(open) + " is not valid JSON"
}

// release returns a batch's buffer to the pool.
func release(buf *[]byte) {
	if buf != nil {
		buffers.Put(buf)
	}
}

// streamBatches formats a top-level JSON array, or object, batch by batch. handled is false when the body is
// not a large valid array or valid object (neither, an array short enough for one line, an object whose keys
// are to be sorted, or invalid before anything was written): then nothing has been written and raw holds
// every byte read, for the caller to format the body whole.
//
// After the first batch, batches are formatted in parallel (one goroutine each, at most a few in flight)
// and written in order: formatting is CPU work, and a second core halves it.
func streamBatches(w io.Writer, br *bufio.Reader, opts BodyOptions) (res BodyResult, raw []byte, handled bool, err error) {
	s := &batchScanner{r: br, keepRaw: true, max: int(min(opts.Cap, 1<<30)), objects: !opts.SortKeys}
	batch, err := s.next()
	var bad *invalidJSONError
	if err == io.EOF || err == nil && !s.object && s.compact <= oneLineWidth ||
		err != nil && (errors.Is(err, errNotContainer) || errors.As(err, &bad)) {
		// Not known to need more than one line, or not an array: format whole, as it would be anyway.
		return BodyResult{}, s.raw, false, nil
	}
	if err != nil {
		return BodyResult{Bytes: s.offset}, s.raw, false, err
	}
	out, buf, why := formatBatch(batch, s.open, opts)
	if why != "" {
		return BodyResult{}, s.raw, false, nil // formatted whole, or shown as received, by the caller
	}
	open, closeB, sep := []byte{s.open}, []byte{closing(s.open)}, []byte(",\n")
	if opts.Color {
		// Color styles a closing bracket only inside an open one, and a comma only between members.
		whole := pretty.Color([]byte{s.open, closing(s.open)}, nil)
		open = pretty.Color(open, nil)
		closeB = whole[len(open):]
		if s.open == '{' {
			st := pretty.TerminalStyle // as colorizer styles a comma in an object
			sep = []byte(st.Brackets[0] + "," + st.Brackets[1] + "\n")
		}
	}
	s.keepRaw, s.raw = false, nil
	if _, err := w.Write(append(open, '\n')); err != nil {
		return res, nil, true, err
	}
	_, err = w.Write(out)
	release(buf)
	if err != nil {
		return res, nil, true, err
	}

	type formatted struct {
		out []byte
		buf *[]byte
		why string // why the batch is not laid out; "" when it is
	}
	type job struct {
		raw []byte
		out chan formatted
		err error // from the scanner: io.EOF at the end
	}
	jobs := make(chan job, runtime.GOMAXPROCS(0)+1) // bounds the batches in flight
	stop := make(chan struct{})
	go func() {
		defer close(jobs)
		for {
			select {
			case <-stop:
				return
			default:
			}
			batch, err := s.next()
			if err != nil {
				jobs <- job{raw: bytes.Clone(s.batch.Bytes()), err: err}
				return
			}
			j := job{raw: bytes.Clone(batch), out: make(chan formatted, 1)}
			go func() {
				out, buf, why := formatBatch(j.raw, s.open, opts)
				j.out <- formatted{out, buf, why}
			}()
			jobs <- j
		}
	}()
	// drain stops the producer and waits for it, so the reader is free again.
	drain := func() {
		close(stop)
		for range jobs {
		}
	}
	for j := range jobs {
		var bad *invalidJSONError
		switch {
		case j.err == io.EOF:
			_, err := fmt.Fprintf(w, "\n%s\n", closeB)
			return BodyResult{Kind: "json", Bytes: s.offset}, nil, true, err
		case errors.As(j.err, &bad):
			return rest(w, br, opts, j.raw, s.offset, invalidNote(bad.msg))
		case j.err != nil:
			return BodyResult{Kind: "json", Bytes: s.offset}, nil, true, j.err
		}
		f := <-j.out
		if f.why != "" {
			// Output has begun: this batch and everything after it goes out as text.
			var later [][]byte
			close(stop)
			for j2 := range jobs {
				later = append(later, j2.raw)
			}
			broken := bytes.Join(append([][]byte{j.raw}, later...), []byte(","))
			if s.done {
				broken = append(broken, closing(s.open)) // the scanner consumed it
			}
			note := "JSON body shown as received from here on: " + f.why
			if f.why == invalidWhy(s.open) {
				note = invalidNote(f.why)
			}
			return rest(w, br, opts, broken, s.offset, note)
		}
		_, err := w.Write(sep)
		if err == nil {
			_, err = w.Write(f.out)
		}
		release(f.buf)
		if err != nil {
			drain()
			return BodyResult{Kind: "json", Bytes: s.offset}, nil, true, err
		}
	}
	return BodyResult{Kind: "json", Bytes: s.offset}, nil, true, nil
}

// rest writes what is left of a body whose formatting had begun when invalid JSON turned up: the batch that
// broke and everything after it, as text.
func rest(w io.Writer, br *bufio.Reader, opts BodyOptions, broken []byte, offset int64, note string) (BodyResult, []byte, bool, error) {
	w.Write([]byte(",\n"))
	res, err := textBody(w, io.MultiReader(bytes.NewReader(broken), br), opts, BodyResult{Kind: "json", Bytes: offset - int64(len(broken))})
	res.Note = note
	return res, nil, true, err
}

func invalidNote(why string) string {
	return fmt.Sprintf("body is not valid JSON (%s); the rest is shown as text", why)
}
