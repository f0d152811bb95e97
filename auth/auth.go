// Package auth decides where credentials come from: -a user[:password] and --bearer, whose values may be
// read from the environment or a file so that a secret never has to be on the command line, and the
// password prompt, which cmd injects. Nothing here prints; the prompt is the caller's.
package auth

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/request"
)

// Flags are the credentials as typed; cmd binds -a/-u and --bearer to them.
type Flags struct {
	Basic  string // user[:password], or @env:VAR / @FILE holding it
	Bearer string // a token, or @env:VAR / @FILE holding it
	Type   string // how -a's credentials are sent: basic (at once), digest (answering the server's challenge) or bearer (-a is the token, as in HTTPie)
	Digest bool   // curl's --digest: Type digest
	SigV4  string // curl's --aws-sigv4 PROVIDER1[:PROVIDER2[:REGION[:SERVICE]]]: -a's credentials sign each request
	Netrc  Netrc
}

// IsDigest reports whether -a's credentials answer the server's challenge (Digest; or either Digest or
// Basic with --auth-type any, curl's --anyauth) rather than go at once; an unknown --auth-type is a usage
// error.
func (f Flags) IsDigest() (bool, error) {
	switch strings.ToLower(f.Type) {
	case "", "basic":
		return f.Digest, nil
	case "digest", "any":
		return true, nil
	case "bearer":
		return false, nil
	}
	return false, &request.UsageError{Err: fmt.Errorf("--auth-type %q: expected basic, digest, any or bearer", f.Type)}
}

// TypeChosen reports whether a way other than basic was asked for (--auth-type, --digest): basic is also
// what no choice means.
func (f Flags) TypeChosen() bool {
	return f.Digest || f.Type != "" && !strings.EqualFold(f.Type, "basic")
}

// AnyScheme reports whether --auth-type is any: Basic answers a challenge too, when no Digest one is offered.
func (f Flags) AnyScheme() bool { return strings.EqualFold(f.Type, "any") }

// Typed returns the flags with HTTPie's --auth-type bearer applied: -a's value is the token, as if given
// to --bearer.
func (f Flags) Typed() (Flags, error) {
	if !strings.EqualFold(f.Type, "bearer") || f.Basic == "" {
		return f, nil
	}
	if f.Bearer != "" {
		return f, &request.UsageError{Err: errors.New("--auth-type bearer takes the token from -a; --bearer gives another")}
	}
	f.Bearer, f.Basic = f.Basic, ""
	return f, nil
}

// Explicit reports whether credentials were given on the command line: they win over .netrc.
func (f Flags) Explicit() bool { return f.Basic != "" || f.Bearer != "" }

// Env is what resolving credentials may consult.
type Env struct {
	Getenv func(string) string
	// Prompt asks for a secret on the terminal; it returns ErrNoTerminal when there is none.
	Prompt func(prompt string) (string, error)
}

// ErrNoTerminal means a secret was needed and there is no terminal to ask on.
var ErrNoTerminal = errors.New("no terminal to ask on")

// Credentials are resolved credentials, ready for a request.Spec.
type Credentials struct {
	User, Password string
	Bearer         string
}

// Resolve reads the secrets f refers to and asks for a missing password. Mistakes are *request.UsageErrors.
func (f Flags) Resolve(env Env) (Credentials, error) {
	var c Credentials
	if f.Basic != "" {
		user, pass, err := userPassword("-a", f.Basic, "password for ", env)
		if err != nil {
			return c, err
		}
		c.User, c.Password = user, pass
	}
	if f.Bearer != "" {
		tok, err := ResolveSecret("--bearer", f.Bearer, env.Getenv)
		if err != nil {
			return c, err
		}
		c.Bearer = tok
	}
	return c, nil
}

// ProxyUser resolves -U/--proxy-user (curl's): user[:password] for the proxy, from the value, a file or the
// environment as -a's, asking for a missing password on the terminal. It returns "user:password".
func ProxyUser(v string, env Env) (string, error) {
	user, pass, err := userPassword("-U", v, "proxy password for ", env)
	if err != nil {
		return "", err
	}
	return user + ":" + pass, nil
}

// userPassword resolves a user[:password] flag, asking for a missing password (prompt, then the user).
func userPassword(flag, v, prompt string, env Env) (user, pass string, err error) {
	resolved, err := ResolveSecret(flag, v, env.Getenv)
	if err != nil {
		return "", "", err
	}
	user, pass, hasPass := strings.Cut(resolved, ":")
	if user == "" && (!hasPass || pass == "") {
		// ":KEY" is an empty user name with a password, as some APIs take a key (curl sends it so).
		return "", "", &request.UsageError{Err: fmt.Errorf("%s: no user name before the colon", flag)}
	}
	if !hasPass && strings.HasPrefix(v, "@") && !strings.HasPrefix(v, "@@") {
		// Read from a file or the environment: more likely a bare password than a user name, so it is
		// neither echoed nor used in a prompt.
		return "", "", &request.UsageError{Err: fmt.Errorf("%s %s: the value has no colon; it must hold user:password", flag, v)}
	}
	if !hasPass {
		pass, err = env.Prompt(prompt + user + ": ")
		if errors.Is(err, ErrNoTerminal) {
			return "", "", &request.UsageError{Err: fmt.Errorf("%s %s: no password given and no terminal to ask on; use %s %s:PASSWORD, %s @FILE or %s @env:VAR", flag, user, flag, user, flag, flag)}
		}
		if err != nil {
			return "", "", err
		}
	}
	return user, pass, nil
}

// maxSecretFile bounds a secret read from a file: tokens and passwords are short.
const maxSecretFile = 64 << 10

// ResolveSecret reads the value of a secret-taking flag (-a, --bearer, -U). One syntax serves them all:
// "@env:NAME" reads the environment variable NAME, "@PATH" reads the file PATH (one trailing newline
// dropped), "@@..." is a literal value starting with "@", and anything else is the value itself. So a
// secret never has to appear on the command line, where other users can see it in the process list.
func ResolveSecret(flag, v string, getenv func(string) string) (string, error) {
	rest, indirect := strings.CutPrefix(v, "@")
	switch {
	case !indirect:
		return v, nil
	case strings.HasPrefix(rest, "@"):
		return rest, nil
	case strings.HasPrefix(rest, "env:"):
		name := strings.TrimPrefix(rest, "env:")
		val := getenv(name)
		if val == "" {
			return "", &request.UsageError{Arg: flag + " " + v, Err: fmt.Errorf("environment variable %s is not set or empty", name)}
		}
		return val, nil
	case rest == "":
		return "", &request.UsageError{Arg: flag + " " + v, Err: errors.New("no file name after @")}
	}
	p, err := argfile.Read(rest, maxSecretFile)
	if err != nil {
		return "", &request.UsageError{Arg: flag + " " + v, Err: fmt.Errorf("reading secret: %w", err)}
	}
	s := strings.TrimSuffix(string(p), "\n")
	return strings.TrimSuffix(s, "\r"), nil
}
