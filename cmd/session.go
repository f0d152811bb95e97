package cmd

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/auth"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/session"
)

// SessionOptions are --session's.
type SessionOptions struct {
	Name     string // a name kept per host under the config directory, or a path
	ReadOnly bool
}

func addSessionFlags(fs *pflag.FlagSet, s *SessionOptions) {
	fs.StringVar(&s.Name, "session", "", "keep cookies, headers and credentials between runs: NAME (per host) or PATH.json")
	fs.BoolVar(&s.ReadOnly, "session-read-only", false, "use --session without updating it")
}

// openSession opens the session --session names for the URL typed; nil without --session. A URL that does
// not parse is left for the request to report.
func (o *RequestOptions) openSession() (*session.Session, error) {
	if o.Session.Name == "" {
		return nil, nil
	}
	u, err := request.ParseURL(o.Spec.URL)
	if err != nil {
		return nil, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil && !strings.ContainsRune(o.Session.Name, '/') {
		return nil, usageErrorf("--session %s: no config directory to keep it in (%v); give a path instead", o.Session.Name, err)
	}
	path, err := session.PathFor(o.Session.Name, u, filepath.Join(dir, "hop", "sessions"))
	if err != nil {
		return nil, &usageError{err: err}
	}
	s, err := session.Open(path)
	if err != nil {
		return nil, &usageError{err: err}
	}
	return s, nil
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
	switch {
	case isRef(typed.Bearer):
		a.Bearer = typed.Bearer
	case typed.Bearer != "":
		a.Bearer = creds.Bearer
	}
	return a
}
