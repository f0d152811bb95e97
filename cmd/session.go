package cmd

import (
	"cmp"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/auth"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/session"
)

// SessionOptions are --session's and --session-read-only's.
type SessionOptions struct {
	Name     string // a name kept per host under the config directory, or a path
	ReadOnly bool   // the session is used, not updated
	readOnly string // --session-read-only's session, as typed
}

func addSessionFlags(fs *pflag.FlagSet, s *SessionOptions) {
	fs.StringVar(&s.Name, "session", "", "keep cookies, headers and credentials between runs: NAME (per host) or PATH.json (HTTPie's session files too)")
	fs.Var(&readOnlyFlag{s}, "session-read-only", "use the session NAME or PATH.json without updating it, as HTTPie's")
}

// readOnlyFlag is HTTPie's --session-read-only SESSION: the session to use, which the exchange leaves as it
// was.
type readOnlyFlag struct{ s *SessionOptions }

func (f *readOnlyFlag) String() string { return f.s.readOnly }
func (f *readOnlyFlag) Type() string   { return "string" }
func (f *readOnlyFlag) Set(v string) error {
	f.s.readOnly, f.s.ReadOnly = v, true
	return nil
}

// name is the session to use: --session's or --session-read-only's, which must then be the same.
func (s *SessionOptions) name() (string, error) {
	if s.readOnly != "" && s.Name != "" && s.readOnly != s.Name {
		return "", usageErrorf("--session %s and --session-read-only %s: give one session", s.Name, s.readOnly)
	}
	return cmp.Or(s.readOnly, s.Name), nil
}

// openSession opens the session --session names for the URL typed; nil without --session. A URL that does
// not parse is left for the request to report. from is the HTTPie session a new named one started from.
func (o *RequestOptions) openSession() (s *session.Session, from string, err error) {
	name, err := o.Session.name()
	if name == "" || err != nil {
		return nil, "", err
	}
	u, err := request.ParseURL(o.Spec.URL)
	if err != nil {
		return nil, "", nil
	}
	dir, err := os.UserConfigDir()
	if err != nil && !strings.ContainsRune(name, '/') {
		return nil, "", usageErrorf("--session %s: no config directory to keep it in (%v); give a path instead", name, err)
	}
	path, err := session.PathFor(name, u, filepath.Join(dir, "hop", "sessions"))
	if err != nil {
		return nil, "", &usageError{err: err}
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		// A named session hop does not have yet starts from HTTPie's of the same name, if there is one; hop
		// keeps its own from then on, and HTTPie's file is left as it is.
		if from = httpieSession(name, u); from != "" {
			if s, err = session.Open(from, u.Hostname()); err != nil {
				return nil, "", &usageError{err: err}
			}
			s.MoveTo(path)
			return s, from, nil
		}
	}
	if s, err = session.Open(path, u.Hostname()); err != nil {
		return nil, "", &usageError{err: err}
	}
	return s, "", nil
}

// httpieSession is the file HTTPie keeps the session name for u's host in, when there is one: under
// $HTTPIE_CONFIG_DIR, ~/.httpie (HTTPie's old place) or the config directory's httpie, as HTTPie looks.
// "" for a session given as a path, or none there.
func httpieSession(name string, u *url.URL) string {
	if strings.ContainsRune(name, '/') || strings.HasSuffix(name, ".json") {
		return ""
	}
	dir := os.Getenv("HTTPIE_CONFIG_DIR")
	if home, err := os.UserHomeDir(); dir == "" && err == nil {
		if fi, err := os.Stat(filepath.Join(home, ".httpie")); err == nil && fi.IsDir() {
			dir = filepath.Join(home, ".httpie")
		}
	}
	if config, err := os.UserConfigDir(); dir == "" && err == nil {
		dir = filepath.Join(config, "httpie")
	}
	if dir == "" {
		return ""
	}
	path, err := session.PathFor(name, u, filepath.Join(dir, "sessions"))
	if err != nil {
		return ""
	}
	if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	return path
}

// keptAuth is what a session keeps of the credentials typed: an @env:/@FILE reference as it is, so that
// the secret is not copied to disk; otherwise the value, with a prompted password, so that the next run
// does not ask again.
func keptAuth(typed auth.Flags, creds auth.Credentials) session.Auth {
	isRef := func(v string) bool { return strings.HasPrefix(v, "@") && !strings.HasPrefix(v, "@@") }
	var a session.Auth
	switch {
	case isRef(typed.Basic):
		a.Basic = typed.Basic
	case typed.Basic != "":
		a.Basic = creds.User + ":" + creds.Password
	}
	if challenged, _ := typed.IsDigest(); challenged && typed.Basic != "" {
		a.Type = "digest"
		if typed.AnyScheme() {
			a.Type = "any"
		}
	}
	switch {
	case isRef(typed.Bearer):
		a.Bearer = typed.Bearer
	case typed.Bearer != "":
		a.Bearer = creds.Bearer
	}
	return a
}
