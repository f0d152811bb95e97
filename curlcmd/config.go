package curlcmd

import (
	"fmt"
	"strings"
)

// maxConfigs bounds the -K files one command reads: a config file may name another, as in curl, and one that
// names itself would otherwise never end.
const maxConfigs = 10

// configArgs turns a curl config file (-K) into the command-line arguments it stands for, by curl's rules:
// one option per line, long names with or without their dashes; after a name without dashes the value may
// follow "=" or ":" as well as blanks; a value with blanks (or starting with = or :) is written in double
// quotes, where \\, \", \t, \n, \r and \v are escapes and a backslash before anything else is dropped; a
// line whose first non-blank is #, / or * is a comment (curl's rule: // and /* comments too). Each line's option is checked here, so that a value given
// to an option that takes none (or missing from one that needs it) is an error naming the line, rather
// than a stray word taken for a URL.
func configArgs(name string, text string) ([]string, error) {
	var out []string
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimLeft(strings.TrimSuffix(line, "\r"), " \t")
		if line == "" || strings.IndexByte("#/*", line[0]) >= 0 {
			continue
		}
		where := fmt.Sprintf("-K %s, line %d", name, n+1)
		dashed := line[0] == '-'
		end := strings.IndexAny(line, " \t")
		if !dashed {
			if i := strings.IndexAny(line, "=:"); i >= 0 && (end < 0 || i < end) {
				end = i
			}
		}
		if end < 0 {
			end = len(line)
		}
		opt, rest := line[:end], line[end:]
		name, attached, inWord := strings.Cut(opt, "=")
		inWord = inWord && dashed && strings.HasPrefix(opt, "--") // curl 8.16's --NAME=VALUE, as on the command line
		if dashed {
			rest = strings.TrimLeft(rest, " \t")
		} else {
			rest = strings.TrimLeft(rest, " \t=:")
			opt = "--" + opt
		}
		if inWord {
			if rest != "" && rest[0] != '#' {
				return nil, fmt.Errorf("%s: %s has its value after =, but %q follows it", where, name, rest)
			}
			opt, rest = name, ""
		}
		value, given, err := configValue(rest)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if inWord {
			value, given = attached, true
		}
		o, err := lookup(opt)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		switch {
		case o.value && !given:
			return nil, fmt.Errorf("%s: %s needs a value", where, opt)
		case !o.value && given:
			return nil, fmt.Errorf("%s: %s takes no value, but %q follows it", where, opt, value)
		case given:
			out = append(out, opt, value)
		default:
			out = append(out, opt)
		}
	}
	return out, nil
}

// configValue reads the value after an option in a config line: quoted, with curl's escapes, or the word
// up to the next blank. given is false when nothing follows the option. What follows the value can only be
// a comment: where curl warns that it takes the first word of an unquoted value with blanks, hop asks for
// the quotes rather than drop the rest.
func configValue(rest string) (value string, given bool, err error) {
	if rest == "" {
		return "", false, nil
	}
	after := func(value, tail string) (string, bool, error) {
		if tail = strings.TrimLeft(tail, " \t"); tail != "" && tail[0] != '#' {
			return "", false, fmt.Errorf("%q follows the value %q: a value with blanks is written in double quotes", tail, value)
		}
		return value, true, nil
	}
	if rest[0] != '"' {
		if i := strings.IndexAny(rest, " \t"); i >= 0 {
			return after(rest[:i], rest[i:])
		}
		return rest, true, nil
	}
	var b strings.Builder
	for i := 1; i < len(rest); i++ {
		switch c := rest[i]; c {
		case '"':
			return after(b.String(), rest[i+1:])
		case '\\':
			if i+1 == len(rest) {
				continue
			}
			i++
			switch e := rest[i]; e {
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 'v':
				b.WriteByte('\v')
			default: // \\ and \" are the character; curl drops a backslash before any other
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", false, fmt.Errorf("the quoted value has no closing quote")
}

// lookup finds the option an argument names: --long (or --no-long, which turns it off), or -x (for a group
// of short options, the last one, which is the one a value goes to).
func lookup(arg string) (*curlOption, error) {
	if strings.HasPrefix(arg, "--") {
		if o, _ := longOption(arg[2:]); o != nil { // --expand-OPTION too: its value is expanded as it is read
			return o, nil
		}
		return negation(arg) // --no-NAME: a boolean, which takes no value
	}
	if len(arg) < 2 {
		return nil, fmt.Errorf("%q is not an option", arg)
	}
	for j := 1; j < len(arg); j++ {
		o := lookupShort(arg[j])
		switch {
		case o == nil:
			return nil, unknown("-" + string(arg[j]))
		case j == len(arg)-1:
			return o, nil
		case o.value:
			return nil, fmt.Errorf("in %s, -%c takes a value: write it on a line of its own", arg, arg[j])
		}
	}
	return nil, nil // not reached
}
