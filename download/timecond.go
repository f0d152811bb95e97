package download

import (
	"errors"
	"fmt"
	"net/http"
	"os"
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
	return time.Time{}, false
}
