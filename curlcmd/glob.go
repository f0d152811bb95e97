package curlcmd

import (
	"fmt"
	"iter"
	"math"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"
)

// Glob is a URL with curl's globbing: {a,b,c} sets and [1-10], [001-100], [a-z] ranges, each optionally with
// a step ([1-100:10]), expanded into one URL for every combination, the rightmost pattern varying fastest, as
// curl does. \{ \} \[ \] are the characters themselves, [] and an IPv6 address ([::1]) stay as typed.
type Glob struct {
	parts []globPart
	n     uint64 // the number of URLs
}

// globPart is a literal piece of the URL (values holds it alone, index -1) or a pattern.
type globPart struct {
	index  int      // the pattern's number, from 0, as #1 names the first; -1 for a literal piece
	values []string // a set's words, or a literal piece
	// a range: from lo to hi by step, numbers padded to pad digits, or letters when letters is set
	lo, hi, step int64
	pad          int
	letters      bool
}

// literalGlob is url as typed (-g).
func literalGlob(url string) *Glob {
	return &Glob{parts: []globPart{{index: -1, values: []string{url}}}, n: 1}
}

// maxSetWords bounds a {} set, as curl does.
const maxSetWords = 100000

// ParseGlob reads url's patterns. An error says what is wrong and where (from 1), as curl reports it.
func ParseGlob(url string) (*Glob, error) {
	g := &Glob{n: 1}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			g.parts = append(g.parts, globPart{index: -1, values: []string{lit.String()}})
			lit.Reset()
		}
	}
	patterns := 0
	for i := 0; i < len(url); {
		c := url[i]
		switch {
		case c == '\\' && i+1 < len(url) && strings.IndexByte("{}[]", url[i+1]) >= 0:
			lit.WriteByte(url[i+1])
			i += 2
		case c == '[' && strings.HasPrefix(url[i:], "[]"):
			lit.WriteString("[]")
			i += 2
		case c == '[' && ipv6At(url[i:]) > 0:
			n := ipv6At(url[i:])
			lit.WriteString(url[i : i+n])
			i += n
		case c == '{' || c == '[':
			flush()
			if patterns++; patterns > 255 {
				return nil, globError("too many {} sets and [] ranges", i+1)
			}
			var (
				p   globPart
				end int
				err error
			)
			if c == '{' {
				p, end, err = parseSet(url, i+1)
			} else {
				p, end, err = parseRange(url, i+1)
			}
			if err != nil {
				return nil, err
			}
			p.index = patterns - 1
			hi, lo := bits.Mul64(g.n, p.count())
			if hi != 0 || lo > math.MaxInt64 {
				return nil, globError("range overflow: too many URLs", i+1)
			}
			g.n = lo
			g.parts = append(g.parts, p)
			i = end
		case c == '}' || c == ']':
			return nil, globError("unmatched close brace or bracket", i+1)
		default:
			lit.WriteByte(c)
			i++
		}
	}
	flush()
	return g, nil
}

// parseSet reads a {} set whose words start at url[i]; end is just after its }.
func parseSet(url string, i int) (p globPart, end int, err error) {
	var w strings.Builder
	if i < len(url) && url[i] == '}' {
		return p, 0, globError("empty {} set", i+1)
	}
	for ; i < len(url); i++ {
		switch c := url[i]; c {
		case '{', '[':
			return p, 0, globError("nested brace", i+1)
		case ']':
			return p, 0, globError("unexpected close bracket", i+1)
		case ',', '}':
			if len(p.values) >= maxSetWords {
				return p, 0, globError(fmt.Sprintf("more than %d words in a {} set", maxSetWords), i+1)
			}
			p.values = append(p.values, w.String())
			w.Reset()
			if c == '}' {
				return p, i + 1, nil
			}
		case '\\':
			if i+1 < len(url) {
				i++
			}
			w.WriteByte(url[i])
		default:
			w.WriteByte(c)
		}
	}
	return p, 0, globError("unmatched brace", len(url))
}

// parseRange reads a [] range whose bounds start at url[i]: a-z or 1-10 (001-100 pads to three digits),
// then :STEP; end is just after its ].
func parseRange(url string, i int) (p globPart, end int, err error) {
	rest := url[i:]
	close := strings.IndexByte(rest, ']')
	if close < 0 {
		return p, 0, globError("unmatched bracket", len(url))
	}
	spec := rest[:close]
	bad := globError("bad range", i) // at the [; a range is a-z, 1-10 or 001-100, with :STEP
	bounds, stepText, stepped := strings.Cut(spec, ":")
	p.step = 1
	if stepped {
		s, err := strconv.ParseInt(stepText, 10, 64)
		if !digits(stepText) || err != nil || s < 1 {
			return p, 0, bad
		}
		p.step = s
	}
	from, to, ok := strings.Cut(bounds, "-")
	if !ok || from == "" || to == "" {
		return p, 0, bad
	}
	if len(from) == 1 && len(to) == 1 && isLetter(from[0]) && isLetter(to[0]) {
		p.letters, p.lo, p.hi = true, int64(from[0]), int64(to[0])
		if p.hi-p.lo > 'z'-'a' {
			return p, 0, bad
		}
	} else {
		if from[0] == '0' {
			p.pad = len(from)
		}
		to = strings.TrimLeft(to, " ") // curl allows blanks there
		lo, err1 := strconv.ParseInt(from, 10, 64)
		hi, err2 := strconv.ParseInt(to, 10, 64)
		if !digits(from) || !digits(to) || err1 != nil || err2 != nil || hi > math.MaxInt64-p.step {
			return p, 0, bad
		}
		p.lo, p.hi = lo, hi
	}
	if p.lo > p.hi || p.lo == p.hi && p.step != 1 || p.lo != p.hi && p.step > p.hi-p.lo {
		return p, 0, bad
	}
	return p, i + close + 1, nil
}

func digits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// ipv6At returns the length of the bracketed IPv6 address s starts with ([::1], [fe80::1%25eth0]), or 0.
func ipv6At(s string) int {
	end := strings.IndexByte(s, ']')
	if end < 0 || !strings.Contains(s[1:end], ":") {
		return 0
	}
	host, _, _ := strings.Cut(s[1:end], "%25") // a zone
	if a, err := netip.ParseAddr(host); err != nil || !a.Is6() {
		return 0
	}
	return end + 1
}

func globError(what string, pos int) error {
	return fmt.Errorf("curl's globbing: %s at position %d", what, pos)
}

// count is how many values the part takes.
func (p globPart) count() uint64 {
	if p.values != nil {
		return uint64(len(p.values))
	}
	return uint64((p.hi-p.lo)/p.step) + 1
}

// value is the part's kth value.
func (p globPart) value(k uint64) string {
	switch {
	case p.values != nil:
		return p.values[k]
	case p.letters:
		return string(rune(p.lo + int64(k)*p.step))
	default:
		s := strconv.FormatInt(p.lo+int64(k)*p.step, 10)
		if len(s) < p.pad {
			s = strings.Repeat("0", p.pad-len(s)) + s
		}
		return s
	}
}

// Len is the number of URLs the glob stands for.
func (g *Glob) Len() uint64 { return g.n }

// Patterns is the number of {} and [] patterns.
func (g *Glob) Patterns() int {
	n := 0
	for _, p := range g.parts {
		if p.index >= 0 {
			n++
		}
	}
	return n
}

// All yields every URL in curl's order with the values its patterns took (for #N in an output name).
func (g *Glob) All() iter.Seq2[string, []string] {
	return func(yield func(string, []string) bool) {
		at := make([]uint64, len(g.parts))
		for {
			var url strings.Builder
			var values []string
			for i, p := range g.parts {
				v := p.value(at[i])
				url.WriteString(v)
				if p.index >= 0 {
					values = append(values, v)
				}
			}
			if !yield(url.String(), values) {
				return
			}
			i := len(at) - 1 // the rightmost pattern turns fastest
			for ; i >= 0; i-- {
				if at[i]++; at[i] < g.parts[i].count() {
					break
				}
				at[i] = 0
			}
			if i < 0 {
				return
			}
		}
	}
}

// OutputName replaces #N in an -o name with the value the Nth pattern took, as curl does; a # not followed
// by the number of a pattern stays.
func OutputName(name string, values []string) string {
	if len(values) == 0 || !strings.Contains(name, "#") {
		return name
	}
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		if name[i] == '#' {
			j := i + 1
			for j < len(name) && name[j] >= '0' && name[j] <= '9' {
				j++
			}
			if n, err := strconv.Atoi(name[i+1 : j]); err == nil && n >= 1 && n <= len(values) {
				b.WriteString(values[n-1])
				i = j - 1
				continue
			}
		}
		b.WriteByte(name[i])
	}
	return b.String()
}
