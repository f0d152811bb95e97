package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hop-cli/hop/request"
)

func TestResolveSecret(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tok")
	os.WriteFile(path, []byte("filetok\n"), 0o600)
	env := func(k string) string { return map[string]string{"TOK": "envtok"}[k] }
	tests := []struct{ in, want string }{
		{"plain", "plain"}, {"@env:TOK", "envtok"}, {"@" + path, "filetok"}, {"@@at", "@at"}, {"user:pw", "user:pw"},
	}
	for _, tt := range tests {
		got, err := ResolveSecret("--bearer", tt.in, env)
		if err != nil || got != tt.want {
			t.Errorf("ResolveSecret(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"@env:NOPE", "@" + filepath.Join(dir, "missing"), "@", "@" + dir} {
		_, err := ResolveSecret("--bearer", bad, env)
		var ue *request.UsageError
		if !errors.As(err, &ue) {
			t.Errorf("ResolveSecret(%q) error = %v, want a usage error", bad, err)
		}
	}
}

func TestResolvePrompts(t *testing.T) {
	asked := ""
	env := Env{
		Getenv: func(string) string { return "" },
		Prompt: func(p string) (string, error) { asked = p; return "typed", nil },
	}
	c, err := Flags{Basic: "ann", Bearer: "tok"}.Resolve(env)
	if err != nil || c.User != "ann" || c.Password != "typed" || c.Bearer != "tok" || asked != "password for ann: " {
		t.Errorf("Resolve = %+v, %v (asked %q)", c, err, asked)
	}
	c, err = Flags{Basic: "ann:pw"}.Resolve(env)
	if err != nil || c.Password != "pw" {
		t.Errorf("Resolve(ann:pw) = %+v, %v", c, err)
	}
	env.Prompt = func(string) (string, error) { return "", ErrNoTerminal }
	if _, err := (Flags{Basic: "ann"}).Resolve(env); err == nil {
		t.Errorf("a missing password with no terminal was accepted")
	}
	// A value read from the environment or a file without a colon is likely a bare password: it is neither
	// echoed in the error nor put in a prompt.
	env.Getenv = func(string) string { return "hunter2-secret" }
	env.Prompt = func(p string) (string, error) { asked = p; return "", nil }
	asked = ""
	_, err = Flags{Basic: "@env:PW"}.Resolve(env)
	if err == nil || strings.Contains(err.Error(), "hunter2") || asked != "" || !strings.Contains(err.Error(), "user:password") {
		t.Errorf("-a @env:PW holding a bare password: err %v, prompt %q", err, asked)
	}
	// An empty user name with a password is a key taken as the password (curl, HTTPie and xh send it); with
	// neither, nothing was given.
	if c, err := (Flags{Basic: ":pw"}).Resolve(env); err != nil || c.User != "" || c.Password != "pw" {
		t.Errorf("-a :pw: %+v, %v", c, err)
	}
	if _, err := (Flags{Basic: ":"}).Resolve(env); err == nil {
		t.Errorf("-a : was accepted")
	}
}
