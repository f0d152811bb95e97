package curlcmd

import (
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
