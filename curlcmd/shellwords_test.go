package curlcmd

import (
	"math/rand/v2"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// bashWords is how bash splits s into words: printf prints each with a NUL after it. ok is false when bash
// refuses the line (an unclosed quote).
func bashWords(t *testing.T, s string) (words []string, ok bool) {
	t.Helper()
	c := exec.Command("bash", "--norc", "--noprofile", "-c", "set -f; printf '%s\\0' "+s)
	c.Env = []string{"LC_ALL=C.UTF-8", "PATH=/usr/bin:/bin"}
	c.Dir = t.TempDir()
	out, err := c.Output()
	if err != nil {
		return nil, false
	}
	if len(out) == 0 {
		return nil, true
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00"), true
}

// ShellWords splits as bash does, for the forms pasted curl commands take (browsers' "Copy as cURL"
// among them): bash itself is asked for each.
func TestShellWordsAsBash(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatal("bash is needed to check the splitting against")
	}
	for _, s := range []string{
		`curl 'https://example.com/x?a=1&b=2' -H 'accept: application/json'`,
		"curl 'https://example.com/' \\\n  -H 'cookie: a=b; c=d' \\\n  --data-raw '{\"k\":\"v\"}' \\\n  --compressed",
		`curl "https://example.com/" -H "X-Q: \"quoted\" \\ \$HOME \` + "`" + `" -d "a b"`,
		`curl https://example.com/ --data-raw $'line1\nline2\ttab \'q\' \\ \x41\x4a\101\u00e9\U0001F600 \e[0m \z'`,
		`curl a\ b c\'d e\"f '' "" x''y "a"'b'$'c'`,
		`curl -d "it's" -H 'say "hi"' -H $'it\'s'`,
		"curl x # a comment\\\\\n",
		`curl x#notacomment -d a=#1`,
		`curl "a \n b" 'c \n d' "\q" $'\x' $'\u' $'\xZ' $'\8'`,
		`curl 'http://x/[1-3]' 'http://x/{a,b}' {} {x} a=$ $ "$" '$x' "\$y"`,
		"  curl\t-s  url  ",
		`curl $'\1\12\123\1234' $'\x4142' $'\u004' $'\uZ'`,
		`curl a\ `, `curl --o=~/x x~ a=b~ 'a'=~ a\=~`,
	} {
		want, ok := bashWords(t, s)
		got, err := ShellWords(s)
		if !ok {
			if err == nil {
				t.Errorf("ShellWords(%q) = %q; bash refuses it", s, got)
			}
			continue
		}
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ShellWords(%q) = %q, %v; bash: %q", s, got, err, want)
		}
	}
}

// What would make a shell do more than split a line is refused, as is an unclosed quote: hop runs no shell.
func TestShellWordsRefuses(t *testing.T) {
	for _, s := range []string{
		`curl $URL`, `curl "$URL"`, `curl ${URL}`, `curl $(cat url)`, "curl `cat url`", `curl "x$(y)"`, "curl \"`y`\"",
		`curl x | jq .`, `curl x; rm -rf /`, `curl x && y`, `curl x > out`, `curl x < in`, `curl (x)`, `curl x &`,
		`curl 'x`, `curl "x`, `curl $'x`, `curl $'\cA'`, `curl $'a\x00b'`, `curl $'\0'`, `curl $'\uD800'`, `curl $'\U00110000'`,
		`curl ^"https://example.com/^" -H ^"a: b^"`, `curl ~/x`, `curl http://x/{a,b}`, `curl {1..3}`, `curl $1`, `curl $?`,
		`curl $"x"`, `curl -d a=~/x`, `curl A_1=~`, `curl last\`, "curl x \\\n", "curl $\\\nHOME",
	} {
		if got, err := ShellWords(s); err == nil {
			t.Errorf("ShellWords(%q) = %q, took it", s, got)
		}
	}
}

// Random lines of quotes, escapes and blanks: whatever ShellWords takes, bash splits the same way, and
// a line bash refuses ShellWords refuses too.
func TestShellWordsRandomAsBash(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatal("bash is needed to check the splitting against")
	}
	pieces := []string{"a", "b", " ", "  ", "\t", "'", `"`, `\`, `$'`, `\n`, `\x41`, `\'`, `\"`, "é", "#", "=", "-H", "\\\n", `\\`, `\u263a`, `\0101`, "$", "{", "}", ",", "~", "=~"}
	r := rand.New(rand.NewPCG(1, 2))
	checked := 0
	for range 400 {
		var b strings.Builder
		b.WriteString("curl ")
		for range 1 + r.IntN(12) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		got, err := ShellWords(s)
		want, ok := bashWords(t, s)
		switch {
		case !ok && err == nil && !strings.Contains(s, "\n"):
			// (A line break a shell ends the command at is a blank for ShellWords: TestShellWordsLineEnds.)
			t.Errorf("ShellWords(%q) = %q; bash refuses it", s, got)
		case ok && err == nil && !slices.Equal(got, want):
			t.Errorf("ShellWords(%q) = %q; bash: %q", s, got, want)
		case ok && err == nil:
			checked++
		}
	}
	if checked < 100 {
		t.Errorf("only %d random lines were taken and compared", checked)
	}
}

// A line break without a \ before it, which a shell would take for the end of the command, is a blank
// here, as is a carriage return (a paste from Windows): what was pasted is one command.
func TestShellWordsLineEnds(t *testing.T) {
	for s, want := range map[string][]string{
		"curl x\n-v":                     {"curl", "x", "-v"},
		"curl x \\\r\n  -v\r\n":          {"curl", "x", "-v"},
		"curl x # a comment\n -v":        {"curl", "x", "-v"},
		"curl 'a\nb' \"c\r\nd\" $'e\nf'": {"curl", "a\nb", "c\r\nd", "e\nf"},
	} {
		if got, err := ShellWords(s); err != nil || !slices.Equal(got, want) {
			t.Errorf("ShellWords(%q) = %q, %v; want %q", s, got, err, want)
		}
	}
}

func TestPastedCommand(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want bool
	}{
		{[]string{"curl https://x -v"}, true},
		{[]string{"  curl\thttps://x"}, true},
		{[]string{"curl"}, false},
		{[]string{"curly https://x"}, false},
		{[]string{"curl", "https://x"}, false},
		{[]string{"https://x/curl y"}, false},
	} {
		if got := PastedCommand(tt.args); got != tt.want {
			t.Errorf("PastedCommand(%q) = %v", tt.args, got)
		}
	}
}
