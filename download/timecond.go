package download

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hop-cli/hop/argfile"
)

// dateLayouts are the dates -z and -R read besides HTTP's own three (http.ParseTime): RFC 1123 with another
// zone name than GMT (go-httpbin writes UTC), RFC 3339 and the plain forms people type. A date without a
// zone is UTC, as curl reads it.
var dateLayouts = []string{time.RFC1123, time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02", "20060102"}

// TimeCondition reads curl's -z/--time-cond argument: a date, or else the name of a file whose modification
// time is taken; a leading "-" asks for a copy modified before it rather than after. It returns the request
// header that states the condition (If-Modified-Since or If-Unmodified-Since) and its value. A name that is
// no date and no file yet is no condition: the first run of "-z FILE -o FILE" has no FILE, and fetches it
// (missing is true, for the caller to say so).
func TimeCondition(arg string) (header, value string, missing bool, err error) {
	header = "If-Modified-Since"
	s := arg
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		header, s = "If-Unmodified-Since", rest
	}
	if s == "" {
		return "", "", false, errors.New("expected a date or a file name")
	}
	if t, ok := ParseDate(s); ok {
		return header, t.UTC().Format(http.TimeFormat), false, nil
	}
	fi, err := os.Stat(s)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "", "", true, nil
	case err != nil:
		return "", "", false, argfile.Reason(err)
	case fi.IsDir():
		return "", "", false, fmt.Errorf("%s is a directory, not a file or a date", s)
	}
	return header, fi.ModTime().UTC().Format(http.TimeFormat), false, nil
}

// ParseDate reads a date as -z takes it, and as a Last-Modified header may hold it.
func ParseDate(s string) (time.Time, bool) {
	if t, err := http.ParseTime(s); err == nil {
		return t, true
	}
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, true
		}
	}
	return curlDate(s)
}

// curlDate reads a date as curl's parser does, its words in any order: a weekday (left aside), a month's
// three letters, the day, the year (two digits: 71-99 the 1900s, else the 2000s), HH:MM[:SS], and GMT, UTC
// or a +HHMM/-HHMM offset; words are separated by blanks, commas or dashes ("1-Dec-2021", "Dec 1 2021",
// "06 Nov 1994 08:49:37 +0100"). A day past the month's end rolls over, as curl's does.
func curlDate(s string) (time.Time, bool) {
	year, month, day, hour, minute, second, offset := -1, -1, -1, 0, 0, 0, 0
	clock := false
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' }) {
		if (f[0] == '+' || f[0] == '-') && len(f) == 5 && allDigits(f[1:]) && clock {
			h, _ := strconv.Atoi(f[1:3])
			m, _ := strconv.Atoi(f[3:])
			offset = (h*60 + m) * 60
			if f[0] == '-' {
				offset = -offset
			}
			continue
		}
		for _, w := range strings.Split(f, "-") {
			lw := strings.ToLower(w)
			switch {
			case w == "":
				return time.Time{}, false
			case slices.Contains([]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}, lw):
			case lw == "gmt" || lw == "utc" || lw == "ut" || lw == "z":
			case len(lw) == 3 && slices.Contains(months, lw) && month < 0:
				month = slices.Index(months, lw) + 1
			case strings.Contains(w, ":") && !clock:
				parts := strings.Split(w, ":")
				if len(parts) > 3 || !allDigits(strings.Join(parts, "")) {
					return time.Time{}, false
				}
				hour, _ = strconv.Atoi(parts[0])
				minute, _ = strconv.Atoi(parts[1])
				if len(parts) == 3 {
					second, _ = strconv.Atoi(parts[2])
				}
				if hour > 23 || minute > 59 || second > 60 {
					return time.Time{}, false
				}
				clock = true
			case allDigits(w):
				n, _ := strconv.Atoi(w)
				switch {
				case len(w) == 4 && year < 0:
					year = n
				case len(w) <= 2 && day < 0 && n >= 1 && n <= 31:
					day = n
				case len(w) <= 2 && year < 0:
					year = 2000 + n
					if n > 70 {
						year = 1900 + n
					}
				default:
					return time.Time{}, false
				}
			default:
				return time.Time{}, false
			}
		}
	}
	if year < 0 || month < 0 || day < 0 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, second, 0, time.UTC).Add(-time.Duration(offset) * time.Second), true
}

// months are the names curl's date parser knows: three letters, in any case.
var months = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

func allDigits(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}
