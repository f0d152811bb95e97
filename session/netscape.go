package session

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hop-cli/hop/argfile"
)

// maxJarFile bounds a cookie file read: thousands of cookies fit in far less.
const maxJarFile = 16 << 20

// httpOnlyPrefix marks an HttpOnly cookie in a Netscape cookie file, as curl writes it.
const httpOnlyPrefix = "#HttpOnly_"

// FileError is a cookie or session file that cannot be used: it names the file (and the line, when one is
// at fault). The file is left as it is.
type FileError struct {
	Path string
	Line int // 0 when the whole file is at fault
	Err  error
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s: line %d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// LoadJar reads a Netscape cookie file (curl's -b and -c format) into a new jar. Expired cookies are
// dropped; session cookies (expiry 0) are kept, as curl keeps them. A missing file is os.ErrNotExist, for
// the caller to decide; anything unreadable is a *FileError.
func LoadJar(path string) (*Jar, error) {
	j := NewJar()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return j, err
	}
	data, err := argfile.Read(path, maxJarFile)
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	if err := j.readNetscape(data); err != nil {
		err.(*FileError).Path = path
		return nil, err
	}
	return j, nil
}

// ReadJar reads a Netscape cookie file from r (curl's -b -), as LoadJar reads one from a file; name is what
// errors call it.
func ReadJar(r io.Reader, name string) (*Jar, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxJarFile+1))
	switch {
	case err != nil:
		return nil, &FileError{Path: name, Err: err}
	case len(data) > maxJarFile:
		return nil, &FileError{Path: name, Err: fmt.Errorf("larger than %d MiB, too large for a cookie file", maxJarFile>>20)}
	}
	j := NewJar()
	if err := j.readNetscape(data); err != nil {
		err.(*FileError).Path = name
		return nil, err
	}
	return j, nil
}

// readNetscape parses the file's lines: domain, subdomains (TRUE/FALSE), path, secure (TRUE/FALSE),
// expiry (Unix seconds, 0 for a session cookie), name, value; tab-separated; "#HttpOnly_" before the domain
// marks HttpOnly; other lines starting with "#" and empty lines are skipped. curl skips a line it cannot
// read; hop says which, so that a damaged jar is noticed rather than silently emptied.
//
// curl reads HTTP headers too: a "Set-Cookie:" line is a cookie as a response set it, and a file that
// starts with a status line (a -D dump) has its other header lines skipped. Such cookies wait for Place,
// which scopes them to the URL they are for.
func (j *Jar) readNetscape(data []byte) error {
	if bytes.IndexByte(data, 0) >= 0 {
		return &FileError{Err: errors.New("not a cookie file: it holds binary data")}
	}
	dump := false // a file of response heads, as -D writes them
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if n == 0 && strings.HasPrefix(line, "HTTP/") {
			dump = true
		}
		if name, value, ok := strings.Cut(line, ":"); ok && strings.EqualFold(name, "Set-Cookie") {
			j.headerCookies = append(j.headerCookies, strings.TrimSpace(value))
			continue
		}
		if dump {
			continue // a status line or another header
		}
		httpOnly := false
		if rest, ok := strings.CutPrefix(line, httpOnlyPrefix); ok {
			line, httpOnly = rest, true
		}
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c, err := parseNetscapeLine(line)
		if err != nil {
			return &FileError{Line: n + 1, Err: err}
		}
		c.HTTPOnly = httpOnly
		j.Add(c)
	}
	j.changed = false
	return nil
}

func parseNetscapeLine(line string) (Cookie, error) {
	f := strings.Split(line, "\t")
	if len(f) == 6 {
		f = append(f, "") // curl writes a cookie with an empty value as six fields
	}
	if len(f) != 7 {
		return Cookie{}, fmt.Errorf("%d tab-separated fields, want 7 (domain, subdomains, path, secure, expiry, name, value)", len(f))
	}
	sub, ok1 := parseBool(f[1])
	secure, ok2 := parseBool(f[3])
	if !ok1 || !ok2 {
		return Cookie{}, errors.New("the subdomains and secure fields must be TRUE or FALSE")
	}
	exp, err := strconv.ParseInt(f[4], 10, 64)
	if err != nil || exp < 0 {
		return Cookie{}, fmt.Errorf("expiry %q is not a Unix time", f[4])
	}
	domain := strings.ToLower(strings.TrimPrefix(f[0], "."))
	if domain == "" || f[5] == "" {
		return Cookie{}, errors.New("a cookie needs a domain and a name")
	}
	c := Cookie{Domain: domain, HostOnly: !sub, Path: f[2], Secure: secure, Name: f[5], Value: f[6]}
	if c.Path == "" {
		c.Path = "/"
	}
	if len(c.Path) > 1 {
		// As curl reads it: curl writes a cookie's default path with its slash (/a/b/ for one set at
		// /a/b/c) and sends the cookie to /a/b.
		c.Path = strings.TrimSuffix(c.Path, "/")
	}
	if exp > 0 {
		c.Expires = time.Unix(min(exp, 1<<40), 0)
	}
	return c, nil
}

func parseBool(s string) (bool, bool) {
	switch strings.ToUpper(s) {
	case "TRUE":
		return true, true
	case "FALSE":
		return false, true
	}
	return false, false
}

// netscapeHeader opens a cookie file as curl's does, so that tools that look for the first line accept it.
const netscapeHeader = "# Netscape HTTP Cookie File\n# https://curl.se/docs/http-cookies.html\n# This file was generated by hop. Edit at your own risk.\n\n"

// SaveJar writes the jar's cookies, session cookies included, as a Netscape cookie file that curl reads,
// replacing path atomically with mode 0600.
func SaveJar(path string, j *Jar) error {
	j.saving.Lock() // requests sent at once (hop curl -Z) save one jar
	defer j.saving.Unlock()
	return argfile.WriteFile(path, []byte(j.netscape()))
}

// WriteJar writes the jar as SaveJar does, to w (curl's -c -).
func WriteJar(w io.Writer, j *Jar) error {
	_, err := io.WriteString(w, j.netscape())
	return err
}

// netscape is the jar as a Netscape cookie file.
func (j *Jar) netscape() string {
	var b strings.Builder
	b.WriteString(netscapeHeader)
	for _, c := range j.All() {
		if hasControl(c.Domain + c.Path + c.Name + c.Value) {
			continue // a tab or a line break would break the file (one from a hand-edited session file)
		}
		if c.HTTPOnly {
			b.WriteString(httpOnlyPrefix)
		}
		domain, sub := c.Domain, "FALSE"
		if !c.HostOnly {
			domain, sub = "."+c.Domain, "TRUE"
		}
		var exp int64
		if !c.Expires.IsZero() {
			exp = c.Expires.Unix()
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", domain, sub, c.Path, strings.ToUpper(strconv.FormatBool(c.Secure)), exp, c.Name, c.Value)
	}
	return b.String()
}
