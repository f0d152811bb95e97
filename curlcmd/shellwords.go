package curlcmd

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// PastedCommand reports whether args is one argument holding a whole curl command, as `hop curl "$(pbpaste)"`
// passes one: it begins with the word curl and has more after it. A URL never begins so.
func PastedCommand(args []string) bool {
	if len(args) != 1 {
		return false
	}
	rest, ok := strings.CutPrefix(strings.TrimLeft(args[0], " \t\r\n"), "curl")
	return ok && rest != "" && strings.IndexByte(" \t\r\n", rest[0]) >= 0
}

// ShellWords splits a command line into words as a POSIX shell does (bash's quoting included), for a curl
// command pasted as one argument: blanks separate words; '…' is literal; "…" keeps \", \\, \$ and \`
// escapes; $'…' is ANSI-C quoting (\n, \t, \xHH, \uHHHH… as bash reads them, browsers' "Copy as cURL"
// writes it); a backslash outside quotes quotes the next character, and before a newline joins the lines;
// a # beginning a word starts a comment. Anything that would make the shell do more than split (a variable
// or command substitution, a pipe, a redirection, a ; or &) is refused, since hop does not run a shell:
// the command is then run in the shell as it is.
func ShellWords(s string) ([]string, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, errors.New("the command holds a NUL byte, which no argument can hold")
	}
	if rest, ok := strings.CutPrefix(strings.TrimLeft(s, " \t\r\n"), "curl"); ok && strings.HasPrefix(strings.TrimLeft(rest, " \t\r\n"), `^"`) {
		return nil, errors.New(`this is a command for Windows' cmd.exe (^" quotes): copy it as cURL for bash instead`)
	}
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
			i++
		case c == '~' && (!inWord || assignment(w.String(), s[:i])):
			return nil, fmt.Errorf("%q asks the shell to expand it, which hop does not do: write the path whole", shellToken(s[i:]))
		case c == '{' && braceExpansion(s[i:]):
			return nil, fmt.Errorf("%q asks the shell to expand it, which hop does not do: quote it ('…') for curl's own globbing", shellToken(s[i:]))
		case c == '#' && !inWord:
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '\\':
			if i+1 == len(s) || strings.TrimRight(s[i+1:], " \t\r\n") == "" && s[i+1] != ' ' && s[i+1] != '\t' {
				return nil, errors.New("the command ends with a \\ that continues it on a line that is not there: was it cut short?")
			}
			if s[i+1] == '\n' {
				i += 2 // a continued line
				continue
			}
			if strings.HasPrefix(s[i+1:], "\r\n") {
				i += 3 // a continued line, with a Windows line end
				continue
			}
			w.WriteByte(s[i+1])
			inWord = true
			i += 2
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("a ' quote is not closed")
			}
			w.WriteString(s[i+1 : i+1+end])
			inWord = true
			i += end + 2
		case c == '"':
			n, err := doubleQuoted(s[i+1:], &w)
			if err != nil {
				return nil, err
			}
			inWord = true
			i += n + 2
		case c == '$' && strings.HasPrefix(s[i+1:], "\\\n"):
			return nil, errors.New("a $ before a continued line: write $ and what follows it on one line")
		case c == '$' && i+1 < len(s) && s[i+1] == '\'':
			n, err := ansiQuoted(s[i+2:], &w)
			if err != nil {
				return nil, err
			}
			inWord = true
			i += n + 3
		case c == '$' && expands(s[i:], false):
			return nil, expandError(s[i:])
		case strings.IndexByte("`|;&<>()", c) >= 0:
			return nil, fmt.Errorf("%q is the shell's syntax, not curl's, and hop runs no shell: run the command in the shell, with hop curl in place of curl", string(c))
		default:
			w.WriteByte(c)
			inWord = true
			i++
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}

// doubleQuoted reads the inside of "…" from s into w, and returns its length (without the closing quote).
func doubleQuoted(s string, w *strings.Builder) (int, error) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return i, nil
		case '\\':
			if i+1 < len(s) && strings.IndexByte("\"\\$`\n", s[i+1]) >= 0 {
				if s[i+1] != '\n' {
					w.WriteByte(s[i+1])
				}
				i++
				continue
			}
			w.WriteByte(c)
		case '$':
			if expands(s[i:], true) {
				return 0, expandError(s[i:])
			}
			w.WriteByte(c)
		case '`':
			return 0, errors.New("a ` command substitution asks the shell to run it, which hop does not do: run the command in the shell")
		default:
			w.WriteByte(c)
		}
	}
	return 0, errors.New(`a " quote is not closed`)
}

// ansiQuoted reads the inside of $'…' from s into w, as bash does, and returns its length (without the
// closing quote).
func ansiQuoted(s string, w *strings.Builder) (int, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\'' {
			return i, nil
		}
		if c != '\\' || i+1 == len(s) {
			w.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; e {
		case 'a':
			w.WriteByte('\a')
		case 'b':
			w.WriteByte('\b')
		case 'e', 'E':
			w.WriteByte(0x1b)
		case 'f':
			w.WriteByte('\f')
		case 'n':
			w.WriteByte('\n')
		case 'r':
			w.WriteByte('\r')
		case 't':
			w.WriteByte('\t')
		case 'v':
			w.WriteByte('\v')
		case '\\', '\'', '"', '?':
			w.WriteByte(e)
		case 'x', 'u', 'U':
			most := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			n := hexRun(s[i+1:], most)
			if n == 0 {
				w.WriteByte('\\') // no digits: bash keeps it as typed
				w.WriteByte(e)
				continue
			}
			v, _ := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
			switch {
			case v == 0:
				return 0, errors.New(`$'…' holds a NUL byte, which no argument can hold`)
			case e == 'x':
				w.WriteByte(byte(v))
			case v > utf8.MaxRune || v >= 0xd800 && v < 0xe000:
				return 0, fmt.Errorf(`$'…' holds \%c%s, which is no character`, e, s[i+1:i+1+n])
			default:
				w.WriteRune(rune(v))
			}
			i += n
		case '0', '1', '2', '3', '4', '5', '6', '7':
			n := 1
			for n < 3 && i+n < len(s) && s[i+n] >= '0' && s[i+n] <= '7' {
				n++
			}
			v, _ := strconv.ParseUint(s[i:i+n], 8, 16)
			if byte(v) == 0 {
				return 0, errors.New(`$'…' holds a NUL byte, which no argument can hold`)
			}
			w.WriteByte(byte(v))
			i += n - 1
		case 'c':
			return 0, errors.New(`$'…' holds \c, a control character hop does not read: write it another way`)
		default:
			w.WriteByte('\\') // an unknown escape stays as typed
			w.WriteByte(e)
		}
	}
	return 0, errors.New("a $' quote is not closed")
}

// assignment reports whether word, the word read so far (typed as the end of line), is NAME= unquoted: bash
// expands a ~ after it, as in a variable assignment, even in a command's arguments.
func assignment(word, line string) bool {
	name, ok := strings.CutSuffix(word, "=")
	if !ok || name == "" || !strings.HasSuffix(line, word) || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c != '_' && !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// braceExpansion reports whether s, beginning with an unquoted {, may be one the shell expands: an unquoted
// comma or .. after it, then an unquoted }, in the same word ({} and {x} stay as typed). Bash's own rule
// (which } closes which {) is finer; a line it would leave as typed may be refused here, never the reverse.
func braceExpansion(s string) bool {
	sep := false
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
		case c == '\'' || c == '"':
			end := strings.IndexByte(s[i+1:], c)
			if end < 0 {
				return false
			}
			i += end + 1
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return false
		case c == ',' || c == '.' && strings.HasPrefix(s[i:], ".."):
			sep = true
		case c == '}' && sep:
			return true
		}
	}
	return false
}

// hexRun is how many hexadecimal digits begin s, at most most.
func hexRun(s string, most int) int {
	n := 0
	for n < most && n < len(s) && strings.IndexByte("0123456789abcdefABCDEF", s[n]) >= 0 {
		n++
	}
	return n
}

// expands reports whether s, beginning with a $, is one the shell expands: $NAME, $1, $?, ${…}, $(…), and
// outside double quotes (quoted false) $"…" too.
func expands(s string, quoted bool) bool {
	if len(s) < 2 {
		return false
	}
	c := s[1]
	return c == '(' || c == '{' || isNameByte(c) || c == '"' && !quoted
}

// expandError refuses the expansion s begins with.
func expandError(s string) error {
	return fmt.Errorf("%q asks the shell to expand it, which hop does not do: run the command in the shell", shellToken(s))
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("?!#@*-$", c) >= 0
}

// shellToken is the start of s up to a blank or quote, at most 20 bytes, for an error.
func shellToken(s string) string {
	end := strings.IndexAny(s, " \t\n'\"")
	if end < 0 {
		end = len(s)
	}
	if end > 20 {
		end = 20
	}
	return s[:end]
}
