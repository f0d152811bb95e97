package format

import "github.com/tidwall/pretty"

// colorJSON colours pretty-printed JSON exactly as pretty.Color(src, pretty.TerminalStyle) does, byte for
// byte (TestColorMatchesPretty holds it to that), but copies runs of string bytes at once and writes into a
// buffer sized up front: tidwall's version appends one byte at a time through a function value into a slice
// that starts empty, which made colouring half the cost of formatting a large body.
func colorJSON(src []byte) []byte {
	return appendColorJSON(make([]byte, 0, len(src)*2+len(src)/2), src)
}

// appendColorJSON is colorJSON appending to dst.
func appendColorJSON(dst, src []byte) []byte {
	var c colorizer
	return c.append(dst, src)
}

// colorizer colours JSON as colorJSON does, a piece at a time: it keeps the nesting between pieces, each of
// which must end between tokens.
type colorizer struct {
	stack []colorFrame
}

// colorFrame is an object or array colorizer is inside, and whether an object's next string is a key.
type colorFrame struct {
	kind byte
	key  bool
}

// append colours src, the next piece, onto dst.
func (cz *colorizer) append(dst, src []byte) []byte {
	st := pretty.TerminalStyle
	stack := cz.stack
	defer func() { cz.stack = stack }()
	appendByte := func(dst []byte, c byte) []byte {
		if c < ' ' && c != '\r' && c != '\n' && c != '\t' && c != '\v' {
			return st.Append(dst, c)
		}
		return append(dst, c)
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '"':
			key := len(stack) > 0 && stack[len(stack)-1].key
			open, closeS := st.String[0], st.String[1]
			if key {
				open, closeS = st.Key[0], st.Key[1]
			}
			dst = append(dst, open...)
			dst = append(dst, '"')
			esc, uesc := false, 0
			for i = i + 1; i < len(src); i++ {
				if !esc {
					// A run of plain string bytes goes out at once.
					j := i
					for j < len(src) && src[j] != '\\' && src[j] != '"' && src[j] >= ' ' {
						j++
					}
					dst = append(dst, src[i:j]...)
					if i = j; i == len(src) {
						break
					}
				}
				switch {
				case src[i] == '\\':
					dst = append(dst, closeS...)
					dst = append(dst, st.Escape[0]...)
					dst = append(dst, '\\')
					esc = true
					if i+1 < len(src) && src[i+1] == 'u' {
						uesc = 5
					} else {
						uesc = 1
					}
				case esc:
					dst = appendByte(dst, src[i])
					if uesc == 1 {
						esc = false
						dst = append(dst, st.Escape[1]...)
						dst = append(dst, open...)
					} else {
						uesc--
					}
				default:
					dst = appendByte(dst, src[i])
				}
				if src[i] == '"' {
					j := i - 1
					for src[j] == '\\' {
						j--
					}
					if (j-i)%2 != 0 {
						break
					}
				}
			}
			if esc {
				dst = append(dst, st.Escape[1]...)
			} else {
				dst = append(dst, closeS...)
			}
		case c == '{' || c == '[':
			stack = append(stack, colorFrame{c, c == '{'})
			dst = append(dst, st.Brackets[0]...)
			dst = append(dst, c)
			dst = append(dst, st.Brackets[1]...)
		case (c == '}' || c == ']') && len(stack) > 0:
			stack = stack[:len(stack)-1]
			dst = append(dst, st.Brackets[0]...)
			dst = append(dst, c)
			dst = append(dst, st.Brackets[1]...)
		case (c == ':' || c == ',') && len(stack) > 0 && stack[len(stack)-1].kind == '{':
			stack[len(stack)-1].key = !stack[len(stack)-1].key
			dst = append(dst, st.Brackets[0]...)
			dst = append(dst, c)
			dst = append(dst, st.Brackets[1]...)
		default:
			var open, closeS string
			switch {
			case c >= '0' && c <= '9' || c == '-' || c == 'i' || c == 'I' || c == '+' || c == 'N' ||
				c == 'n' && i+1 < len(src) && src[i+1] != 'u':
				open, closeS = st.Number[0], st.Number[1]
			case c == 't':
				open, closeS = st.True[0], st.True[1]
			case c == 'f':
				open, closeS = st.False[0], st.False[1]
			case c == 'n':
				open, closeS = st.Null[0], st.Null[1]
			default:
				dst = appendByte(dst, c)
				continue
			}
			dst = append(dst, open...)
			for ; i < len(src); i++ {
				if b := src[i]; b <= ' ' || b == ',' || b == ':' || b == ']' || b == '}' {
					i--
					break
				}
				dst = appendByte(dst, src[i])
			}
			dst = append(dst, closeS...)
		}
	}
	return dst
}
