package format

import "fmt"

// Limits on laying out JSON: pretty-printing adds a newline and indentation per value, two spaces per
// level, so a body nested thousands of levels deep (or many times a few hundred) would grow a hundredfold
// and take seconds; such a body is shown as received instead.
const (
	maxPrettyDepth  = 512
	maxPrettyGrowth = 8         // the layout may add at most this many times the body, plus a mebibyte,
	maxPrettyExtra  = 192 << 20 // and never more than this in all
	maxCheckedDepth = 10000     // encoding/json's limit: deeper JSON is not valid to json.Valid, and not checked
)

// prettyCost walks valid JSON and returns its deepest nesting and an upper bound on the bytes a layout
// adds: per element of an object or array, a newline and two spaces per level; per colon, a space.
func prettyCost(data []byte) (depth int, extra int64) {
	d, inString, esc := 0, false, false
	for _, c := range data {
		if inString {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			d++
			depth = max(depth, d)
			extra += 1 + 2*int64(d)
		case ',':
			extra += 1 + 2*int64(d)
		case ']', '}':
			d--
			extra += 1 + 2*int64(max(d, 0))
		case ':':
			extra++
		}
	}
	return depth, extra
}

// layoutRefused says why valid JSON is not laid out, or "" when it may be.
func layoutRefused(data []byte) string {
	depth, extra := prettyCost(data)
	switch {
	case depth > maxPrettyDepth:
		return fmt.Sprintf("it is nested %d levels deep", depth)
	case extra > maxPrettyGrowth*int64(len(data))+1<<20 || extra > maxPrettyExtra:
		return "laid out, it would be many times its size"
	}
	return ""
}
