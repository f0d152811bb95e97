// Package suggest says which names a mistyped one may have meant: the "did you mean" of hop's flags and of
// hop curl's options, built on the error path only.
package suggest

import (
	"slices"
	"strings"
)

// Flags says which of the long flags names (without their dashes) typed may be a typo of (an edit away,
// two for names longer than four letters, the case aside: --verbos, --htpp2, --http1.0) or the start of
// (--http: --http1.1, --http2, --http3), as git and clap suggest: "did you mean --verbose? ", up to four,
// nearest first; "" when none is.
func Flags(typed string, names []string) string {
	typed = strings.ToLower(typed)
	if len(typed) < 3 {
		return ""
	}
	most := 1
	if len(typed) > 4 {
		most = 2
	}
	type candidate struct {
		name string
		dist int
	}
	var near []candidate
	for _, name := range names {
		if d := editDistance(typed, name); d <= most {
			near = append(near, candidate{"--" + name, d})
		} else if strings.HasPrefix(name, typed) {
			near = append(near, candidate{"--" + name, most + 1})
		}
	}
	if len(near) == 0 {
		return ""
	}
	slices.SortStableFunc(near, func(a, b candidate) int { return a.dist - b.dist })
	out := make([]string, 0, 4)
	for _, c := range near[:min(len(near), 4)] {
		out = append(out, c.name)
	}
	if len(out) == 1 {
		return "did you mean " + out[0] + "? "
	}
	return "did you mean " + strings.Join(out[:len(out)-1], ", ") + " or " + out[len(out)-1] + "? "
}

// editDistance is the Levenshtein distance between a and b, in bytes (flag names are ASCII).
func editDistance(a, b string) int {
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		diag := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			diag, row[j] = row[j], min(row[j]+1, row[j-1]+1, diag+cost)
		}
	}
	return row[len(b)]
}
