package cmd

import (
	"errors"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/session"
)

// CookieOptions are curl's cookie flags.
type CookieOptions struct {
	// Read is every -b, as curl takes them, each a Netscape cookie file ("-": standard input) or NAME=VALUE
	// pairs sent as they are: all of them are used, files read in turn and pairs sent together.
	Read  []string
	Write string // -c: the file every cookie is written to after the exchange ("-": standard output)
	// JunkSession is curl's -j: the session cookies (those without an expiry) of -b's file are not sent.
	JunkSession bool

	piped *session.Jar // the jar -b - read from standard input
	// missing, when set (hop curl), is told of a -b file that is not there, which is then read as empty, as
	// curl reads it; hop's own commands refuse it.
	missing func(name string)
}

func addCookieFlags(fs *pflag.FlagSet, c *CookieOptions) {
	fs.VarP((*stringsFlag)(&c.Read), "cookie", "b", "send cookies: a Netscape cookie FILE (as curl writes; - reads it from stdin), or 'NAME=VALUE; N2=V2' as given; repeat it for more")
	fs.BoolVar(&c.JunkSession, "junk-session-cookies", false, "leave out -b's session cookies (those without an expiry), as a new browser session would")
	fs.StringVarP(&c.Write, "cookie-jar", "c", "", "after the exchange, write every cookie to FILE in Netscape format (mode 0600; - writes to stdout)")
}

// readPiped reads -b -'s jar from standard input, which is then not the body: curl's meaning of "-".
func (c *CookieOptions) readPiped(s *Streams) error {
	files := c.files()
	i := slices.Index(files, "-")
	switch {
	case i < 0:
		return nil
	case slices.Contains(files[i+1:], "-"):
		return usageErrorf("-b - is given twice: standard input can be read once")
	case s.InTTY:
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

// cookies is the NAME=VALUE pairs of every -b that holds cookies rather than a file name (curl's rule: a
// "=" in it), joined as one Cookie header holds them.
func (c CookieOptions) cookies() string {
	var pairs []string
	for _, v := range c.Read {
		if strings.Contains(v, "=") {
			pairs = append(pairs, v)
		}
	}
	return strings.Join(pairs, "; ")
}

// files is the cookie files -b names, in the order given.
func (c CookieOptions) files() []string {
	var names []string
	for _, v := range c.Read {
		if v != "" && !strings.Contains(v, "=") {
			names = append(names, v)
		}
	}
	return names
}

// engine reports whether curl's cookie engine runs: with -c, or a -b naming a file (any value without '=',
// an empty one too), and not with -b NAME=VALUE alone.
func (c CookieOptions) engine() bool {
	return c.Write != "" || slices.ContainsFunc(c.Read, func(v string) bool { return !strings.Contains(v, "=") })
}

// jar loads the cookie jar the flags ask for, or an empty one: hop's own commands always have a jar, so that
// cookies set during a -L redirect chain are sent on the next hop to the same site, as browsers and HTTPie
// do (hop curl only with curl's cookie engine on: engine). A missing
// -b file is an error unless -c names the same file (the first run of "-b jar -c jar") or hop curl reads it
// (missing); a damaged one always is, and it is left as it is.
//
// The cookies of every -b file, in the order given, go into one jar: into (a session's, or the one hop
// curl's parts share) when there is one. A file's Set-Cookie lines (curl reads -D dumps) are scoped to
// u's host.
func (c CookieOptions) jar(into *session.Jar, u *url.URL) (*session.Jar, error) {
	base := into
	if base == nil {
		base = session.NewJar()
	}
	for _, name := range c.files() {
		jar, err := c.piped, error(nil)
		if name != "-" {
			jar, err = session.LoadJar(name)
		}
		switch {
		case errors.Is(err, os.ErrNotExist) && c.Write == name:
			continue
		case errors.Is(err, os.ErrNotExist) && c.missing != nil:
			c.missing(name)
			continue
		case errors.Is(err, os.ErrNotExist):
			return nil, usageErrorf("-b %s: no such file (to start a jar, also give -c %s)", name, name)
		case err != nil:
			return nil, &usageError{err: err}
		}
		jar.Place(u)
		if c.JunkSession {
			jar.DropSessionCookies()
		}
		for _, ck := range jar.All() {
			base.Add(ck)
		}
	}
	return base, nil
}
