package curlcmd

import (
	"slices"
	"strings"
	"testing"
)

// FuzzConfig: whatever a -K file holds, reading it never panics, and what it yields is options, each with
// the value it takes: a config line never turns into a URL or a stray word.
func FuzzConfig(f *testing.F) {
	for _, seed := range []string{
		"url = \"https://example.com\"\nheader = \"X: \\\"q\\\"\\t\"\n-s\n",
		"# c\n  user-agent: a/1 # trailing\n--header X:1\n-H \"Y: 2\"\n",
		"header = \"open\n", "-sSL\n", "-sH x\n", "=\n:\n\"\n\\\n", "-K self\n", "--\n-\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		args, err := configArgs("f", text)
		if err != nil {
			return
		}
		for i := 0; i < len(args); i++ {
			opt := args[i]
			o, lerr := lookup(opt)
			if !strings.HasPrefix(opt, "-") || lerr != nil || o == nil {
				t.Fatalf("config %q gave %q, whose %q is not an option: %v", text, args, opt, lerr)
			}
			if o.value {
				if i++; i == len(args) {
					t.Fatalf("config %q gave %q: %s without its value", text, args, opt)
				}
			}
		}
	})
}

// FuzzGlob: whatever a URL holds, globbing it never panics, and a glob of a few URLs yields exactly Len of
// them, each with one value per pattern; a URL without {} or [] patterns yields itself.
func FuzzGlob(f *testing.F) {
	for _, seed := range []string{"h/{a,b}/[1-2]", "h/[001-100:7]", "h/[a-z:5]", `h/\{x\}{a\,b,}`, "http://[::1]/[1-2]",
		"h/[]{}", "h/{a", "h/[1-", "h/]", "h/[9223372036854775806-9223372036854775807]"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, url string) {
		g, err := ParseGlob(url)
		if err != nil {
			return
		}
		if g.Len() == 0 {
			t.Fatalf("%q: no URL", url)
		}
		if g.Len() > 1000 {
			return
		}
		var n uint64
		for u, values := range g.All() {
			n++
			if len(values) != g.Patterns() {
				t.Fatalf("%q gave %q with %d values for %d patterns", url, u, len(values), g.Patterns())
			}
			if g.Patterns() == 0 && !strings.ContainsAny(url, `\[`) && u != url {
				t.Fatalf("%q without patterns gave %q", url, u)
			}
		}
		if n != g.Len() {
			t.Fatalf("%q: %d URLs, Len %d", url, n, g.Len())
		}
	})
}

// FuzzTranslate: whatever curl command line is pasted (arguments split at NUL here), translating it never
// panics; a plan it makes starts with hop's request command, and its transfers stand for at least one URL.
func FuzzTranslate(f *testing.F) {
	for _, seed := range []string{
		"-s\x00https://h/{a,b}/[1-3]\x00-o\x00f_#1_#2\x00--rate\x002/s",
		"-E\x00c.pem:pw\x00--key\x00k\x00--pass\x00@x\x00h",
		"-O\x00--remote-name-all\x00-g\x00h/[x]\x00--url\x00h2\x00--fail-early",
		"-d\x00@-\x00a\x00b", "--cert-type\x00P12\x00-x\x00socks4a://p\x00h", "h/x[y]",
		"--variable\x00a=x{{\x00--expand-url\x00h/{{a:url:b64}}\\{{a}}{{\x00--expand-data\x00{{a:json:trim:64dec}}",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		plan, err := Translate(strings.Split(line, "\x00"), nil)
		if err != nil {
			return
		}
		if len(plan.Args) < 3 || plan.Args[0] != "request" {
			t.Fatalf("%q gave %q", line, plan.Args)
		}
		if plan.Transfers != nil && plan.Len() == 0 {
			t.Fatalf("%q: transfers of no URL", line)
		}
	})
}

// FuzzAsHop: whatever a hop command was given in place of a curl option, reading it never panics, and what
// it proposes is hop's flags only: never the URL it was translated beside, never a second request.
func FuzzAsHop(f *testing.F) {
	for _, seed := range [][2]string{{"-r", "0-9"}, {"--socks5", "h:1"}, {"--no-buffer", ""}, {"-K", "x"},
		{"--url", "http://x/"}, {"--oauth2-bearer", "t"}, {"-", ""}, {"--no-", ""}, {"-J", ""}} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, opt, value string) {
		eq, known, ok := AsHop([]string{opt, value})
		if !known && ok {
			t.Fatalf("%q %q: proposed for an option hop curl does not take", opt, value)
		}
		if !ok {
			return
		}
		for _, f := range eq.Flags {
			if strings.Contains(f, hintURL) || f == "request" || f == "--next" {
				t.Fatalf("%q %q: proposed %q", opt, value, eq.Flags)
			}
		}
	})
}

// FuzzShellWords: whatever is pasted, splitting it never panics, and the words it yields, each put back in
// single quotes, split into the same words again.
func FuzzShellWords(f *testing.F) {
	for _, seed := range []string{
		"curl 'https://x/' \\\n -H $'a\\x41\\u00e9' -d \"q\\\"\" a\\ b # c",
		"curl $'\\777\\1' {a,b} ~ $X \"`x`\" ^\"", "curl '", "curl \\", "curl \"\\\n\"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		words, err := ShellWords(line)
		if err != nil {
			return
		}
		quoted := make([]string, len(words))
		for i, w := range words {
			if strings.ContainsRune(w, 0) {
				t.Fatalf("ShellWords(%q) gave a word with a NUL byte: %q", line, w)
			}
			quoted[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		}
		again, err := ShellWords(strings.Join(quoted, " "))
		if err != nil || !slices.Equal(again, words) {
			t.Fatalf("ShellWords(%q) = %q; quoted again: %q, %v", line, words, again, err)
		}
	})
}
