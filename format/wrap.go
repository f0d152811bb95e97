package format

import (
	"strings"
	"unicode/utf8"
)

// visibleLen is how many columns s takes on a terminal: its escape sequences take none, and every other
// rune one.
func visibleLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j + 1
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}

// fit lays out fields joined by sep in lines at most width columns wide (width 0: one line), breaking only
// between fields, never inside one; a continuation line starts with indent. The separator at a break is
// dropped. first is how many columns the line already holds before the first field.
func fit(fields []string, sep, indent string, first, width int) string {
	if width <= 0 {
		return strings.Join(fields, sep)
	}
	var b strings.Builder
	col := first
	sepLen, indentLen := visibleLen(sep), visibleLen(indent)
	for i, f := range fields {
		fl := visibleLen(f)
		if i > 0 {
			if col+sepLen+fl > width && col > indentLen {
				b.WriteString("\n")
				b.WriteString(indent)
				col = indentLen
			} else {
				b.WriteString(sep)
				col += sepLen
			}
		}
		b.WriteString(f)
		col += fl
	}
	return b.String()
}

// fitWords wraps prose at its spaces, as fit does with fields.
func fitWords(text, indent string, first, width int) string {
	return fit(strings.Fields(text), " ", indent, first, width)
}

// fitHex breaks a colon-separated hex string (a fingerprint) after a colon when it does not fit.
func fitHex(hex, indent string, first, width int) string {
	groups := strings.Split(hex, ":")
	for i := range groups[:len(groups)-1] {
		groups[i] += ":"
	}
	return fit(groups, "", indent, first, width)
}
