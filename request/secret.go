package request

import (
	"fmt"
	"os"
	"strings"
)

// ResolveSecret reads the value of a secret-taking flag (-a, --bearer). One syntax serves them all:
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
			return "", usageErrorf(flag+" "+v, "environment variable %s is not set or empty", name)
		}
		return val, nil
	case rest == "":
		return "", usageErrorf(flag+" "+v, "no file name after @")
	}
	p, err := os.ReadFile(rest)
	if err != nil {
		return "", &UsageError{Arg: flag + " " + v, Err: fmt.Errorf("reading secret: %w", fileError(err))}
	}
	s := strings.TrimSuffix(string(p), "\n")
	return strings.TrimSuffix(s, "\r"), nil
}
