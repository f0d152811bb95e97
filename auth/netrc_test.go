package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseNetrc(t *testing.T) {
	ms, err := parseNetrc(`# a comment line
machine api.example.com login ann password "p w\"x\\y"
machine other.example.com
  login bob   # trailing comment
  password pa#ss
macdef init
cd /pub
bin

machine after.macro login carl password c
MACHINE upper.example LOGIN dan Password d
machine twice.example login x login eve password e login late password l
default login anon password guest
`)
	if err != nil {
		t.Fatal(err)
	}
	want := []machine{
		{name: "api.example.com", login: "ann", password: `p w"x\y`, given: true},
		{name: "other.example.com", login: "bob", password: "pa#ss", given: true},
		{name: "after.macro", login: "carl", password: "c", given: true},
		// Keywords in any case, and an entry complete once it has a login and a password, as curl reads them.
		{name: "upper.example", login: "dan", password: "d", given: true},
		{name: "twice.example", login: "eve", password: "e", given: true},
		{isDefault: true, login: "anon", password: "guest", given: true},
	}
	if len(ms) != len(want) {
		t.Fatalf("%d machines %+v, want %d", len(ms), ms, len(want))
	}
	for i := range want {
		if ms[i] != want[i] {
			t.Errorf("machine %d = %+v, want %+v", i, ms[i], want[i])
		}
	}
	if m, ok := match(ms, "API.Example.com"); !ok || m.login != "ann" {
		t.Errorf("host names compare without case: %+v", m)
	}
	if m, ok := match(ms, "elsewhere"); !ok || !m.isDefault {
		t.Errorf("an unknown host gets the default entry: %+v", m)
	}
}

// As curl reads them: a macro of a file with CRLF line ends ends at its empty line, "\r\n"; a login or a
// password given empty is given (curl sends Basic ":"), one not given is not.
func TestParseNetrcAsCurl(t *testing.T) {
	ms, err := parseNetrc("macdef init\ncd /pub\n\r\nmachine crlf login ann password pw\nmachine empty login \"\"\nmachine none account a\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []machine{
		{name: "crlf", login: "ann", password: "pw", given: true},
		{name: "empty", given: true},
		{name: "none"},
	}
	if len(ms) != len(want) {
		t.Fatalf("%d machines %+v, want %+v", len(ms), ms, want)
	}
	for i := range want {
		if ms[i] != want[i] {
			t.Errorf("machine %d = %+v, want %+v", i, ms[i], want[i])
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "netrc")
	os.WriteFile(path, []byte("machine empty login \"\"\nmachine none account a\n"), 0o600)
	env := Env{Getenv: func(string) string { return "" }}
	if l, found, _, err := (Netrc{File: path}).Lookup("empty", env, dir); err != nil || !found || l.User != "" || l.Password != "" {
		t.Errorf("login \"\": %+v, found %v, %v", l, found, err)
	}
	if _, found, _, err := (Netrc{File: path}).Lookup("none", env, dir); err != nil || found {
		t.Errorf("no login or password: found %v, %v", found, err)
	}
}

func TestParseNetrcErrors(t *testing.T) {
	for text, want := range map[string]string{
		"machine":                          `line 1: "machine" needs a value`,
		"machine a\nlogin":                 `line 2: "login" needs a value`,
		"login ann":                        `line 1: "login" comes before any "machine"`,
		"machine a user ann":               `line 1: unknown word "user"`,
		"machine a password \"open\nended": "line 1: a quoted value is never closed",
	} {
		_, err := parseNetrc(text)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseNetrc(%q) error = %v; want %q", text, err, want)
		}
	}
}

func TestNetrcLookup(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".netrc")
	os.WriteFile(path, []byte("machine h login ann password pw\n"), 0o600)
	env := Env{Getenv: func(string) string { return "" }}
	l, found, warn, err := Netrc{}.Lookup("h", env, dir)
	if err != nil || !found || l.User != "ann" || l.Password != "pw" || warn != "" {
		t.Errorf("~/.netrc: %+v %v %q %v", l, found, warn, err)
	}
	if _, found, _, _ := (Netrc{Off: true}).Lookup("h", env, dir); found {
		t.Errorf("--no-netrc still read the file")
	}
	// $NETRC names another file; a missing default file is no error, a missing --netrc-file is.
	other := filepath.Join(dir, "other")
	os.WriteFile(other, []byte("machine h login env password e\n"), 0o644)
	envNetrc := Env{Getenv: func(k string) string { return map[string]string{"NETRC": other}[k] }}
	l, _, warn, _ = Netrc{}.Lookup("h", envNetrc, dir)
	if l.User != "env" || !strings.Contains(warn, "can be read by other users (mode 0644)") {
		t.Errorf("$NETRC: %+v, warn %q", l, warn)
	}
	if _, found, _, err := (Netrc{}).Lookup("h", env, t.TempDir()); found || err != nil {
		t.Errorf("no ~/.netrc: found %v, err %v", found, err)
	}
	if _, _, _, err := (Netrc{File: filepath.Join(dir, "missing")}).Lookup("h", env, dir); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("a missing --netrc-file: %v", err)
	}
	os.WriteFile(path, []byte("machine h login\n"), 0o600)
	if _, _, _, err := (Netrc{}).Lookup("h", env, dir); err == nil || !strings.Contains(err.Error(), ".netrc") || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("a broken ~/.netrc: %v; want an error naming the file and line", err)
	}
}
