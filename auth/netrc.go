package auth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/request"
)

// Netrc is where .netrc credentials may come from; cmd binds --netrc-file and --no-netrc to it.
type Netrc struct {
	File string // --netrc-file: this file, which must exist
	Off  bool   // --no-netrc
}

// Login is one machine's credentials in a .netrc file.
type Login struct {
	User, Password string
	Path           string // the file it came from
}

// maxNetrc bounds a .netrc file: a list of logins, never large.
const maxNetrc = 1 << 20

// Lookup finds the credentials for host: in --netrc-file, else $NETRC, else ~/.netrc. A missing default
// file is no error; a missing --netrc-file is. A file that breaks the syntax is a *request.UsageError naming
// the file and line, whichever file it is. warn is set when the file can be read by other users.
func (n Netrc) Lookup(host string, env Env, home string) (login Login, found bool, warn string, err error) {
	if n.Off {
		return Login{}, false, "", nil
	}
	path, explicit := n.File, n.File != ""
	if !explicit {
		path = env.Getenv("NETRC")
	}
	if path == "" {
		if home == "" {
			return Login{}, false, "", nil
		}
		path = filepath.Join(home, ".netrc")
	}
	fi, err := os.Stat(path)
	if !explicit && errors.Is(err, os.ErrNotExist) {
		return Login{}, false, "", nil
	}
	data, err := argfile.Read(path, maxNetrc)
	if err != nil {
		name := path
		if explicit {
			name = "--netrc-file " + path
		}
		return Login{}, false, "", &request.UsageError{Arg: name, Err: err}
	}
	machines, err := parseNetrc(string(data))
	if err != nil {
		return Login{}, false, "", &request.UsageError{Arg: path, Err: err}
	}
	if fi.Mode().Perm()&0o044 != 0 {
		warn = fmt.Sprintf("%s can be read by other users (mode %04o); chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	m, ok := match(machines, host)
	if !ok || !m.given {
		return Login{}, false, warn, nil
	}
	return Login{User: m.login, Password: m.password, Path: path}, true, warn, nil
}

// machine is one entry of a .netrc file; name is empty for "default". given is whether it has a login or
// a password, even an empty one (login ""), which curl sends as it is.
type machine struct {
	name, login, password string
	isDefault, given      bool
}

// match returns the first entry for host (names compare without case), else the default entry.
func match(ms []machine, host string) (machine, bool) {
	for _, m := range ms {
		if !m.isDefault && strings.EqualFold(m.name, host) {
			return m, true
		}
	}
	for _, m := range ms {
		if m.isDefault {
			return m, true
		}
	}
	return machine{}, false
}

// parseNetrc reads the .netrc grammar as curl does: words separated by blanks and newlines, "machine NAME"
// or "default" opening an entry, then "login", "password" and "account" with a value each; "macdef NAME"
// skips its macro up to an empty line; "#" starts a comment to the end of the line; a value may be quoted
// ("a b", with \" \\ \n \r \t escapes). Keywords may be in any case, and an entry with a login and a
// password takes no more, as in curl. Anything else is an error naming its line.
func parseNetrc(text string) ([]machine, error) {
	var out []machine
	lx := lexer{text: text, line: 1}
	for {
		word, ok, err := lx.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		switch strings.ToLower(word) { // curl takes the keywords in any case
		case "machine":
			name, ok, err := lx.value(word)
			if err != nil || !ok {
				return nil, err
			}
			out = append(out, machine{name: name})
		case "default":
			out = append(out, machine{isDefault: true})
		case "login", "password", "account":
			v, _, err := lx.value(word)
			if err != nil {
				return nil, err
			}
			if len(out) == 0 {
				return nil, lx.errorf("%q comes before any \"machine\" or \"default\"", word)
			}
			m := &out[len(out)-1]
			if m.login != "" && m.password != "" {
				break // complete: curl takes the first login and password, and reads no further in the entry
			}
			switch strings.ToLower(word) {
			case "login":
				m.login, m.given = v, true
			case "password":
				m.password, m.given = v, true
			}
		case "macdef":
			if _, _, err := lx.value(word); err != nil {
				return nil, err
			}
			lx.skipMacro()
		default:
			return nil, lx.errorf("unknown word %q (expected machine, default, login, password, account or macdef)", word)
		}
	}
}

type lexer struct {
	text string
	pos  int
	line int
}

func (l *lexer) errorf(format string, a ...any) error {
	return fmt.Errorf("line %d: %s", l.line, fmt.Sprintf(format, a...))
}

// value reads the word after keyword, which must have one.
func (l *lexer) value(keyword string) (string, bool, error) {
	line := l.line
	v, ok, err := l.next()
	if err == nil && !ok {
		err = fmt.Errorf("line %d: %q needs a value", line, keyword)
	}
	return v, ok, err
}

// next returns the next word, unquoted; ok is false at the end of the text.
func (l *lexer) next() (string, bool, error) {
	for l.pos < len(l.text) {
		switch c := l.text[l.pos]; {
		case c == '\n':
			l.line++
			l.pos++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			l.pos++
		case c == '#':
			for l.pos < len(l.text) && l.text[l.pos] != '\n' {
				l.pos++
			}
		case c == '"':
			return l.quoted()
		default:
			start := l.pos
			for l.pos < len(l.text) && !strings.ContainsRune(" \t\r\n\f\v", rune(l.text[l.pos])) {
				l.pos++
			}
			return l.text[start:l.pos], true, nil
		}
	}
	return "", false, nil
}

func (l *lexer) quoted() (string, bool, error) {
	var b strings.Builder
	line := l.line
	for l.pos++; l.pos < len(l.text); l.pos++ {
		c := l.text[l.pos]
		switch {
		case c == '"':
			l.pos++
			return b.String(), true, nil
		case c == '\n':
			l.line++
			b.WriteByte(c)
		case c == '\\' && l.pos+1 < len(l.text):
			l.pos++
			b.WriteByte(unescape(l.text[l.pos]))
		default:
			b.WriteByte(c)
		}
	}
	return "", false, fmt.Errorf("line %d: a quoted value is never closed", line)
}

// unescape is the character a backslash escape stands for: \n, \r and \t as in C, anything else itself.
func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return c
}

// skipMacro skips a macdef's body: everything up to an empty line, or one that begins with a carriage
// return (as curl reads it: the empty line of a file with CRLF line ends).
func (l *lexer) skipMacro() {
	for l.pos < len(l.text) && l.text[l.pos] != '\n' {
		l.pos++ // the rest of the macdef line
	}
	for l.pos < len(l.text) {
		l.pos++ // the newline
		l.line++
		if l.pos < len(l.text) && (l.text[l.pos] == '\n' || l.text[l.pos] == '\r') {
			return // an empty line ends the macro
		}
		for l.pos < len(l.text) && l.text[l.pos] != '\n' {
			l.pos++
		}
	}
}
