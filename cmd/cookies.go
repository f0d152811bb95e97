package cmd

import (
	"errors"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/session"
)

// CookieOptions are curl's cookie flags.
type CookieOptions struct {
	Read  string // -b: a Netscape cookie file, or NAME=VALUE pairs sent as they are
	Write string // -c: the file every cookie is written to after the exchange
}

func addCookieFlags(fs *pflag.FlagSet, c *CookieOptions) {
	fs.StringVarP(&c.Read, "cookie", "b", "", "send cookies: a Netscape cookie FILE (as curl writes), or 'NAME=VALUE; N2=V2' as given")
	fs.StringVarP(&c.Write, "cookie-jar", "c", "", "after the exchange, write every cookie to FILE in Netscape format (mode 0600)")
}

// literal reports whether -b holds cookies rather than a file name: curl's rule, a "=" in it.
func (c CookieOptions) literal() bool { return strings.Contains(c.Read, "=") }

// jar loads the cookie jar the flags ask for, or an empty one: there is always a jar, so that cookies set
// during a -L redirect chain are sent on the next hop to the same site, as browsers and HTTPie do. A missing
// -b file is an error unless -c names the same file (the first run of "-b jar -c jar"); a damaged one always
// is, and it is left as it is.
//
// With a session, its jar is the jar, and a -b file's cookies are added to it.
func (c CookieOptions) jar(sess *session.Session) (*session.Jar, error) {
	base := session.NewJar()
	if sess != nil {
		base = sess.Jar
	}
	if c.Read == "" || c.literal() {
		return base, nil
	}
	jar, err := session.LoadJar(c.Read)
	switch {
	case errors.Is(err, os.ErrNotExist) && c.Write == c.Read:
		return base, nil
	case errors.Is(err, os.ErrNotExist):
		return nil, usageErrorf("-b %s: no such file (to start a jar, also give -c %s)", c.Read, c.Read)
	case err != nil:
		return nil, &usageError{err: err}
	}
	if sess == nil {
		return jar, nil
	}
	for _, ck := range jar.All() {
		base.Add(ck)
	}
	return base, nil
}
