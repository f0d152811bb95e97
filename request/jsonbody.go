package request

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// HTTPie's nested JSON fields: user[name]=x, tags[]=a, a[0][b]=c, []=top-level array. A path is a root (a
// key, [INDEX] or []) and then any number of [KEY], [INDEX] or []. In a name, a backslash before [, ] or
// \ makes it literal; before anything else it is kept. An unescaped integer inside brackets is an index; a
// backslash before an integer (\1) makes it a key.

// maxArrayIndex bounds a[N]=x so that a typo cannot make hop allocate gigabytes of nulls.
const maxArrayIndex = 10000

type stepKind int

const (
	stepKey stepKind = iota
	stepIndex
	stepAppend
)

func (k stepKind) String() string { return [...]string{"key", "index", "append"}[k] }

type pathStep struct {
	kind  stepKind
	key   string
	index int
	typed string // an index as typed (99999999999 is kept apart from index, which stops past the limit)
	text  string // the step as written, for messages: "[key]", "[0]", "[]" or the root name
	pos   int    // where an index starts in the name
}

type tokenKind int

const (
	tokText tokenKind = iota
	tokNumber
	tokOpen
	tokClose
)

type pathToken struct {
	kind tokenKind
	text string
	num  int
	pos  int // where it starts in the name, for messages
}

// tokenizePath splits a field name into text, numbers and brackets, HTTPie's way.
func tokenizePath(name string) []pathToken {
	var out []pathToken
	var buf strings.Builder
	escaped, start := false, 0
	flush := func(end int) {
		if buf.Len() == 0 {
			return
		}
		t := pathToken{kind: tokText, text: buf.String(), pos: start}
		if !escaped {
			if n, ok := pyInt(t.text); ok {
				t.kind, t.num = tokNumber, n
			} else if rest, ok := strings.CutPrefix(t.text, `\`); ok {
				if _, ok := pyInt(rest); ok {
					t.text = rest // \1 is the key "1"
				}
			}
		}
		out = append(out, t)
		buf.Reset()
		escaped = false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '[' || c == ']':
			flush(i)
			kind := tokOpen
			if c == ']' {
				kind = tokClose
			}
			out = append(out, pathToken{kind: kind, pos: i})
			start = i + 1
		case c == '\\' && i+1 < len(name):
			if buf.Len() == 0 {
				start = i
			}
			if strings.IndexByte(`[]\`, name[i+1]) >= 0 {
				escaped = true
			} else {
				buf.WriteByte(c)
			}
			buf.WriteByte(name[i+1])
			i++
		default:
			if buf.Len() == 0 {
				start = i
			}
			buf.WriteByte(c)
		}
	}
	flush(len(name))
	return out
}

// pyInt reads an integer as Python's int() does for HTTPie: an optional sign and digits.
func pyInt(s string) (int, bool) {
	digits := strings.TrimLeft(s, "+-")
	if len(s)-len(digits) > 1 || digits == "" {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	if len(digits) > 9 { // far past any index hop accepts, either way
		if s[0] == '-' {
			return -maxArrayIndex - 1, true
		}
		return maxArrayIndex + 1, true
	}
	n, _ := strconv.Atoi(s)
	return n, true
}

// parseFieldPath reads a field name into the steps of its path.
func parseFieldPath(name string) ([]pathStep, error) {
	toks := tokenizePath(name)
	i := 0
	expect := func(what string, kinds ...tokenKind) (pathToken, error) {
		if i < len(toks) {
			t := toks[i]
			for _, k := range kinds {
				if t.kind == k {
					i++
					return t, nil
				}
			}
			return t, fmt.Errorf("expecting %s at character %d", what, t.pos+1)
		}
		return pathToken{}, fmt.Errorf("expecting %s at character %d", what, len(name)+1)
	}
	var steps []pathStep
	// The root: a name, [INDEX] or [].
	switch {
	case len(toks) == 0:
		steps = append(steps, pathStep{kind: stepKey, key: ""})
	case toks[0].kind == tokText || toks[0].kind == tokNumber:
		t := toks[0]
		i++
		key := t.text
		if t.kind == tokNumber {
			key = strconv.Itoa(t.num)
		}
		steps = append(steps, pathStep{kind: stepKey, key: key, text: key})
	default:
		if _, err := expect("a name or '['", tokOpen); err != nil {
			return nil, err
		}
		t, err := expect("a number or ']'", tokNumber, tokClose)
		if err != nil {
			return nil, err
		}
		if t.kind == tokClose {
			steps = append(steps, pathStep{kind: stepAppend, text: "[]"})
		} else {
			if _, err := expect("']'", tokClose); err != nil {
				return nil, err
			}
			steps = append(steps, pathStep{kind: stepIndex, index: t.num, typed: t.text, text: fmt.Sprintf("[%d]", t.num), pos: t.pos})
		}
	}
	for i < len(toks) {
		if _, err := expect("'['", tokOpen); err != nil {
			return nil, err
		}
		t, err := expect("a text, a number or ']'", tokText, tokNumber, tokClose)
		if err != nil {
			return nil, err
		}
		switch t.kind {
		case tokClose:
			steps = append(steps, pathStep{kind: stepAppend, text: "[]"})
			continue
		case tokText:
			steps = append(steps, pathStep{kind: stepKey, key: t.text, text: "[" + t.text + "]"})
		case tokNumber:
			steps = append(steps, pathStep{kind: stepIndex, index: t.num, typed: t.text, text: fmt.Sprintf("[%d]", t.num), pos: t.pos})
		}
		if _, err := expect("']'", tokClose); err != nil {
			return nil, err
		}
	}
	// The whole name parses; now its values.
	for _, st := range steps {
		switch {
		case st.kind != stepIndex:
		case st.index < 0:
			return nil, fmt.Errorf("negative index %s at character %d: negative indexes are not supported", st.typed, st.pos+1)
		case st.index > maxArrayIndex:
			return nil, fmt.Errorf("array index %s is larger than %d", st.typed, maxArrayIndex)
		}
	}
	return steps, nil
}

// jsonObject keeps keys in the order they were first set.
type jsonObject struct {
	keys []string
	vals map[string]any
}

// jsonArray is an array being built.
type jsonArray struct{ items []any }

func newContainer(k stepKind) any {
	if k == stepKey {
		return &jsonObject{vals: map[string]any{}}
	}
	return &jsonArray{}
}

// typeName names a node's JSON type for messages.
func typeName(v any) string {
	switch n := v.(type) {
	case *jsonObject:
		return "object"
	case *jsonArray:
		return "array"
	case string:
		return "string"
	case json.RawMessage:
		switch {
		case len(n) > 0 && n[0] == '"':
			return "string"
		case string(n) == "true" || string(n) == "false":
			return "boolean"
		case string(n) == "null":
			return "null"
		}
		return "number"
	}
	return "null"
}

// setPath stores v at path in root (which may be nil) and returns the root, as HTTPie interprets a nested
// field: a key sets or replaces, an index fills with nulls up to it, [] appends; using a value as a
// container of the wrong kind is an error naming the path so far.
func setPath(root any, path []pathStep, v any) (any, error) {
	if root == nil {
		root = newContainer(path[0].kind)
	}
	cursor := root
	for n, st := range path {
		last := n == len(path)-1
		var next any
		if !last {
			next = newContainer(path[n+1].kind)
		}
		switch c := cursor.(type) {
		case *jsonObject:
			if st.kind != stepKey {
				return nil, typeError(path, n, cursor)
			}
			old, seen := c.vals[st.key]
			if !seen {
				c.keys = append(c.keys, st.key)
			}
			if last {
				c.vals[st.key] = v
				return root, nil
			}
			if !seen {
				c.vals[st.key] = next
				old = next
			}
			cursor = old
		case *jsonArray:
			switch st.kind {
			case stepKey:
				return nil, typeError(path, n, cursor)
			case stepAppend:
				if last {
					c.items = append(c.items, v)
					return root, nil
				}
				c.items = append(c.items, next)
				cursor = next
			case stepIndex:
				for len(c.items) <= st.index {
					c.items = append(c.items, nil)
				}
				if last {
					c.items[st.index] = v
					return root, nil
				}
				if isNull(c.items[st.index]) {
					c.items[st.index] = next
				}
				cursor = c.items[st.index]
			}
		default:
			return nil, typeError(path, n, cursor)
		}
	}
	return root, nil
}

func isNull(v any) bool {
	raw, ok := v.(json.RawMessage)
	return v == nil || ok && string(raw) == "null"
}

func typeError(path []pathStep, n int, cursor any) error {
	var so strings.Builder
	for _, st := range path[:n] {
		so.WriteString(st.text)
	}
	want := "array"
	if path[n].kind == stepKey {
		want = "object"
	}
	return fmt.Errorf("cannot do %s access on %q, which is %s %s, not an %s", path[n].kind, so.String(), article(typeName(cursor)), typeName(cursor), want)
}

func article(s string) string {
	if strings.IndexByte("aeiou", s[0]) >= 0 {
		return "an"
	}
	return "a"
}

// decodeJSON reads raw JSON into the nodes setPath builds, keeping the order of object keys and the text
// of numbers, so that later fields can extend it (a:=[1] a[]:=2).
func decodeJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the JSON value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok := t.(type) {
	case json.Delim:
		if tok == '{' {
			obj := &jsonObject{vals: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k := kt.(string)
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				if _, seen := obj.vals[k]; !seen {
					obj.keys = append(obj.keys, k)
				}
				obj.vals[k] = v
			}
			_, err := dec.Token()
			return obj, err
		}
		arr := &jsonArray{}
		for dec.More() {
			v, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			arr.items = append(arr.items, v)
		}
		_, err := dec.Token()
		return arr, err
	case json.Number:
		return json.RawMessage(tok), nil
	case string:
		return tok, nil
	case bool:
		return json.RawMessage(strconv.FormatBool(tok)), nil
	}
	return json.RawMessage("null"), nil
}

// encodeJSON writes the tree compactly, without HTML escaping, keeping key order.
func encodeJSON(buf *bytes.Buffer, v any) error {
	switch n := v.(type) {
	case nil:
		buf.WriteString("null")
	case string:
		enc := json.NewEncoder(buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(n); err != nil {
			return err
		}
		buf.Truncate(buf.Len() - 1) // Encode adds a newline
	case json.RawMessage:
		buf.Write(n)
	case *jsonObject:
		buf.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encodeJSON(buf, k); err != nil {
				return err
			}
			buf.WriteByte(':')
			if err := encodeJSON(buf, n.vals[k]); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case *jsonArray:
		buf.WriteByte('[')
		for i, it := range n.items {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encodeJSON(buf, it); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	default:
		return fmt.Errorf("internal: unexpected JSON node %T", v)
	}
	return nil
}
