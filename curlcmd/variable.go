package curlcmd

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// maxVarName is curl's limit on a variable's name (MAX_VAR_LEN, less its terminating zero).
const maxVarName = 127

// setVariable does curl 8.3's --variable: NAME=CONTENT, NAME@FILE (@- reads standard input), %NAME to
// import the environment variable NAME (an error when it is not set), %NAME=DEFAULT and %NAME@FILE for a
// default. A name is letters, digits and underscores; setting one again replaces it.
func (r *reader) setVariable(arg string) error {
	spec, env := strings.CutPrefix(arg, "%")
	end := strings.IndexAny(spec, "=@")
	if end < 0 {
		end = len(spec)
	}
	name := spec[:end]
	if strings.Contains(name, "[") {
		return fmt.Errorf("--variable %s: hop curl does not take curl 8.12's byte ranges ([start-end]) on a variable", arg)
	}
	if !validVarName(name) {
		return fmt.Errorf("--variable %s: a variable's name is 1 to %d letters, digits or underscores", arg, maxVarName)
	}
	if r.vars == nil {
		r.vars = map[string]string{}
	}
	if env {
		if v, ok := os.LookupEnv(name); ok {
			r.vars[name] = v
			return nil
		}
		if end == len(spec) {
			return fmt.Errorf("--variable %s: the environment variable %s is not set (give a default: %%%s=VALUE)", arg, name, name)
		}
	}
	switch {
	case end == len(spec):
		return fmt.Errorf("--variable %s: expected NAME=CONTENT, NAME@FILE or %%ENVNAME", arg)
	case spec[end] == '=':
		r.vars[name] = spec[end+1:]
	default:
		if r.read == nil {
			return fmt.Errorf("--variable %s: no file can be read here", arg)
		}
		b, err := r.read(spec[end+1:])
		if err != nil {
			return fmt.Errorf("--variable %s: %w", arg, err)
		}
		r.vars[name] = string(b)
	}
	return nil
}

func validVarName(name string) bool {
	if name == "" || len(name) > maxVarName {
		return false
	}
	for _, c := range []byte(name) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// expand does what curl's --expand-OPTION does to OPTION's value: {{NAME}} is the variable's content (none
// when it is not set), {{NAME:FN:FN}} passes it through functions left to right (trim, json, url, b64,
// 64dec), \{{ is {{ as typed. A name curl would not take is left as it is, as curl leaves it (with a
// warning curl gives and hop does not); {{ without }} ends the expansion, the rest kept as typed.
func (r *reader) expand(opt, v string) (string, error) {
	var b strings.Builder
	for {
		open := strings.Index(v, "{{")
		if open < 0 {
			break
		}
		if open > 0 && v[open-1] == '\\' {
			b.WriteString(v[:open-1] + "{{")
			v = v[open+2:]
			continue
		}
		closing := strings.Index(v[open:], "}}")
		if closing < 0 {
			break
		}
		closing += open
		inner := v[open+2 : closing]
		name, funcs, _ := strings.Cut(inner, ":")
		if !validVarName(name) {
			b.WriteString(v[:closing+2])
			v = v[closing+2:]
			continue
		}
		b.WriteString(v[:open])
		content := r.vars[name]
		if funcs != "" {
			var err error
			if content, err = varFuncs(content, funcs); err != nil {
				return "", fmt.Errorf("--expand-%s: %w", opt, err)
			}
		}
		if strings.IndexByte(content, 0) >= 0 {
			return "", fmt.Errorf("--expand-%s: the variable %s holds a zero byte, which no option can carry (:b64 or :url would)", opt, name)
		}
		b.WriteString(content)
		v = v[closing+2:]
	}
	b.WriteString(v)
	return b.String(), nil
}

// varFuncs applies curl's expansion functions, named in order and separated by colons.
func varFuncs(content, funcs string) (string, error) {
	for f := range strings.SplitSeq(funcs, ":") {
		switch f {
		case "trim":
			content = strings.Trim(content, " \t\n\v\f\r")
		case "json":
			content = jsonQuoted(content)
		case "url":
			content = curlEscape(content)
		case "b64":
			content = base64.StdEncoding.EncodeToString([]byte(content))
		case "64dec":
			d, err := base64.StdEncoding.DecodeString(content)
			if err != nil {
				content = "[64dec-fail]"
			} else {
				content = string(d)
			}
		default:
			return "", errors.New("unknown variable function " + f + " (curl's are trim, json, url, b64, 64dec)")
		}
	}
	return content, nil
}

// curlEscape is curl_easy_escape: every byte but ALPHA, DIGIT and -._~ percent-encoded, upper-case hex.
func curlEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// jsonQuoted is curl's JSON string quoting without the quotes: \" \\ \b \f \n \r \t, other control
// bytes as \u00XX, every other byte as it is.
func jsonQuoted(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}
