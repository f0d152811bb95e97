package cmd

import (
	"errors"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/session"
)

// CookieOptions are curl's cookie flags.
type CookieOptions struct {
	Read  string // -b: a Netscape cookie file ("-": standard input), or NAME=VALUE pairs sent as they are
	Write string // -c: the file every cookie is written to after the exchange ("-": standard output)
	// JunkSession is curl's -j: the session cookies (those without an expiry) of -b's file are not sent.
	JunkSession bool

	piped *session.Jar // the jar -b - read from standard input
}

func addCookieFlags(fs *pflag.FlagSet, c *CookieOptions) {
	fs.StringVarP(&c.Read, "cookie", "b", "", "send cookies: a Netscape cookie FILE (as curl writes; - reads it from stdin), or 'NAME=VALUE; N2=V2' as given")
	fs.BoolVar(&c.JunkSession, "junk-session-cookies", false, "leave out -b's session cookies (those without an expiry), as a new browser session would")
	fs.StringVarP(&c.Write, "cookie-jar", "c", "", "after the exchange, write every cookie to FILE in Netscape format (mode 0600; - writes to stdout)")
}

// readPiped reads -b -'s jar from standard input, which is then not the body: curl's meaning of "-".
func (c *CookieOptions) readPiped(s *Streams) error {
	if c.Read != "-" {
		return nil
	}
	if s.InTTY {
		return usageErrorf("-b -: standard input is a terminal; pipe a cookie file in, or name it")
	}
	jar, err := session.ReadJar(s.In, "-b - (standard input)")
	if err != nil {
		return &usageError{err: err}
	}
	c.piped = jar
	return nil
}

// save writes the jar to -c's file, or to out for -c -.
func (c CookieOptions) save(jar *session.Jar, out io.Writer) error {
	if c.Write == "-" {
		return session.WriteJar(out, jar)
	}
	return session.SaveJar(c.Write, jar)
}

// literal reports whether -b holds cookies rather than a file name: curl's rule, a "=" in it.
func (c CookieOptions) literal() bool { return strings.Contains(c.Read, "=") }

// jar loads the cookie jar the flags ask for, or an empty one: there is always a jar, so that cookies set
// during a -L redirect chain are sent on the next hop to the same site, as browsers and HTTPie do. A missing
// -b file is an error unless -c names the same file (the first run of "-b jar -c jar"); a damaged one always
// is, and it is left as it is.
//
// With into (a session's jar), that is the jar, and a -b file's cookies are added to it. A file's
// Set-Cookie lines (curl reads -D dumps) are scoped to u's host.
func (c CookieOptions) jar(into *session.Jar, u *url.URL) (*session.Jar, error) {
	base := into
	if base == nil {
		base = session.NewJar()
	}
	if c.Read == "" || c.literal() {
		return base, nil
	}
	jar, err := c.piped, error(nil)
	if jar == nil {
		jar, err = session.LoadJar(c.Read)
	}
	switch {
	case errors.Is(err, os.ErrNotExist) && c.Write == c.Read:
		return base, nil
	case errors.Is(err, os.ErrNotExist):
		return nil, usageErrorf("-b %s: no such file (to start a jar, also give -c %s)", c.Read, c.Read)
	case err != nil:
		return nil, &usageError{err: err}
	}
	jar.Place(u)
	if c.JunkSession {
		jar.DropSessionCookies()
	}
	if into == nil {
		return jar, nil
	}
	for _, ck := range jar.All() {
		base.Add(ck)
	}
	return base, nil
}
