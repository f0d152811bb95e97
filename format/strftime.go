package format

import (
	"strconv"
	"strings"
	"time"
)

// strftime formats t, in UTC, as C's strftime does in the POSIX locale, for curl 8.16's %time{FORMAT}:
// the conversions curl documents, with curl's own %f (microseconds), %s taken from t itself, %z always
// +0000 and %Z always UTC. A conversion strftime does not know is written as it is, as glibc writes it.
func strftime(layout string, t time.Time) string {
	t = t.UTC()
	var b strings.Builder
	pad := func(n, width int, fill byte) {
		s := strconv.Itoa(n)
		for range width - len(s) {
			b.WriteByte(fill)
		}
		b.WriteString(s)
	}
	hour12 := func() int {
		if h := t.Hour() % 12; h != 0 {
			return h
		}
		return 12
	}
	var conv func(c byte) bool
	conv = func(c byte) bool {
		switch c {
		case 'a':
			b.WriteString(t.Weekday().String()[:3])
		case 'A':
			b.WriteString(t.Weekday().String())
		case 'b', 'h':
			b.WriteString(t.Month().String()[:3])
		case 'B':
			b.WriteString(t.Month().String())
		case 'c':
			for _, c := range []byte("a b e H:M:S Y") {
				if !conv(c) {
					b.WriteByte(c)
				}
			}
		case 'C':
			pad(t.Year()/100, 2, '0')
		case 'd':
			pad(t.Day(), 2, '0')
		case 'D', 'x':
			conv('m')
			b.WriteByte('/')
			conv('d')
			b.WriteByte('/')
			conv('y')
		case 'e':
			pad(t.Day(), 2, ' ')
		case 'f':
			pad(t.Nanosecond()/1000, 6, '0')
		case 'F':
			pad(t.Year(), 4, '0') // glibc's %F is %+4Y-%m-%d
			b.WriteByte('-')
			conv('m')
			b.WriteByte('-')
			conv('d')
		case 'G':
			y, _ := t.ISOWeek()
			b.WriteString(strconv.Itoa(y))
		case 'g':
			y, _ := t.ISOWeek()
			pad(y%100, 2, '0')
		case 'H':
			pad(t.Hour(), 2, '0')
		case 'I':
			pad(hour12(), 2, '0')
		case 'j':
			pad(t.YearDay(), 3, '0')
		case 'k':
			pad(t.Hour(), 2, ' ')
		case 'l':
			pad(hour12(), 2, ' ')
		case 'm':
			pad(int(t.Month()), 2, '0')
		case 'M':
			pad(t.Minute(), 2, '0')
		case 'n':
			b.WriteByte('\n')
		case 'p':
			b.WriteString(map[bool]string{false: "AM", true: "PM"}[t.Hour() >= 12])
		case 'P':
			b.WriteString(map[bool]string{false: "am", true: "pm"}[t.Hour() >= 12])
		case 'r':
			conv('I')
			b.WriteByte(':')
			conv('M')
			b.WriteByte(':')
			conv('S')
			b.WriteByte(' ')
			conv('p')
		case 'R':
			conv('H')
			b.WriteByte(':')
			conv('M')
		case 's':
			b.WriteString(strconv.FormatInt(t.Unix(), 10))
		case 'S':
			pad(t.Second(), 2, '0')
		case 't':
			b.WriteByte('\t')
		case 'T', 'X':
			conv('H')
			b.WriteByte(':')
			conv('M')
			b.WriteByte(':')
			conv('S')
		case 'u':
			pad((int(t.Weekday())+6)%7+1, 1, '0')
		case 'U':
			pad((t.YearDay()-1+7-int(t.Weekday()))/7, 2, '0')
		case 'V':
			_, w := t.ISOWeek()
			pad(w, 2, '0')
		case 'w':
			pad(int(t.Weekday()), 1, '0')
		case 'W':
			pad((t.YearDay()-1+7-(int(t.Weekday())+6)%7)/7, 2, '0')
		case 'y':
			pad(t.Year()%100, 2, '0')
		case 'Y':
			b.WriteString(strconv.Itoa(t.Year()))
		case 'z':
			b.WriteString("+0000")
		case 'Z':
			b.WriteString("UTC")
		case '%':
			b.WriteByte('%')
		default:
			return false
		}
		return true
	}
	for i := 0; i < len(layout); i++ {
		if layout[i] != '%' || i+1 == len(layout) {
			b.WriteByte(layout[i])
			continue
		}
		i++
		if !conv(layout[i]) {
			b.WriteByte('%')
			b.WriteByte(layout[i])
		}
	}
	return b.String()
}
