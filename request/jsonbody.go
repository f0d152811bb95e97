package request

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// maxArrayIndex bounds a[N]=x so that a typo cannot make hop allocate gigabytes of nulls.
const maxArrayIndex = 10000

type stepKind int

const (
	stepKey stepKind = iota
	stepIndex
	stepAppend
)

type pathStep struct {
	kind  stepKind
	key   string
	index int
}

// parseFieldPath reads HTTPie's nested field syntax from an escaped field name: user[name], tags[], a[0][b],
// []. A backslash escapes a bracket. A name without brackets is one key.
func parseFieldPath(escaped string) ([]pathStep, error) {
	var steps []pathStep
	var cur strings.Builder
	i := 0
	// Leading name up to the first unescaped '['.
	for ; i < len(escaped); i++ {
		c := escaped[i]
		if c == '\\' && i+1 < len(escaped) {
			i++
			cur.WriteByte(escaped[i])
			continue
		}
		if c == '[' {
			break
		}
		cur.WriteByte(c)
	}
	if i == len(escaped) || cur.Len() > 0 {
		steps = append(steps, pathStep{kind: stepKey, key: cur.String()})
	}
	for i < len(escaped) {
		if escaped[i] != '[' {
			return nil, fmt.Errorf("unexpected %q after ] in field name (escape brackets with \\)", escaped[i:])
		}
		end := -1
		var inner strings.Builder
		for j := i + 1; j < len(escaped); j++ {
			if escaped[j] == '\\' && j+1 < len(escaped) {
				j++
				inner.WriteByte(escaped[j])
				continue
			}
			if escaped[j] == ']' {
				end = j
				break
			}
			inner.WriteByte(escaped[j])
		}
		if end < 0 {
			return nil, fmt.Errorf("unclosed [ in field name (escape brackets with \\)")
		}
		s := inner.String()
		switch {
		case s == "":
			steps = append(steps, pathStep{kind: stepAppend})
		case isDigits(s):
			n, err := strconv.Atoi(s)
			if err != nil || n > maxArrayIndex {
				return nil, fmt.Errorf("array index %s is larger than %d", s, maxArrayIndex)
			}
			steps = append(steps, pathStep{kind: stepIndex, index: n})
		default:
			steps = append(steps, pathStep{kind: stepKey, key: s})
		}
		i = end + 1
	}
	return steps, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// jsonObject keeps keys in the order the user typed them.
type jsonObject struct {
	keys []string
	vals map[string]any
}

// jsonArray is an array being built; dup marks one made from a repeated plain key (a=1 a=2).
type jsonArray struct {
	items []any
	dup   bool
}

// setPath stores v at path below node and returns the new node. Repeating a plain key collects its values
// into an array, as HTTPie does; using one name as two different kinds is an error.
func setPath(node any, path []pathStep, v any) (any, error) {
	if len(path) == 0 {
		switch n := node.(type) {
		case nil:
			return v, nil
		case *jsonArray:
			if n.dup {
				n.items = append(n.items, v)
				return n, nil
			}
		case *jsonObject:
		default:
			return &jsonArray{items: []any{n, v}, dup: true}, nil
		}
		return nil, fmt.Errorf("a value and a nested field share one name")
	}
	st := path[0]
	switch st.kind {
	case stepKey:
		obj, ok := node.(*jsonObject)
		if node == nil {
			obj, ok = &jsonObject{vals: map[string]any{}}, true
		}
		if !ok {
			return nil, fmt.Errorf("%q is used as an object key where an array or value already is", st.key)
		}
		old, seen := obj.vals[st.key]
		child, err := setPath(old, path[1:], v)
		if err != nil {
			return nil, err
		}
		if !seen {
			obj.keys = append(obj.keys, st.key)
		}
		obj.vals[st.key] = child
		return obj, nil
	default:
		arr, ok := node.(*jsonArray)
		if node == nil {
			arr, ok = &jsonArray{}, true
		}
		if !ok || arr.dup {
			return nil, fmt.Errorf("an array index is used where an object or value already is")
		}
		idx := st.index
		if st.kind == stepAppend {
			idx = len(arr.items)
		}
		for len(arr.items) <= idx {
			arr.items = append(arr.items, nil)
		}
		child, err := setPath(arr.items[idx], path[1:], v)
		if err != nil {
			return nil, err
		}
		arr.items[idx] = child
		return arr, nil
	}
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
		if err := json.Compact(buf, n); err != nil {
			return err
		}
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
