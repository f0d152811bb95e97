package cmd

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/curlcmd"
)

func requestFlags() *pflag.FlagSet {
	fs := pflag.NewFlagSet("get", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addRequestFlagGroups(fs, &RequestOptions{}, &Streams{})
	return fs
}

// Every curl option a request command lacks that the hint turns into hop's flags is turned into flags that
// command takes, values and all: the hint never proposes what hop would refuse.
func TestCurlFlagHintProposesFlagsHopTakes(t *testing.T) {
	proposed := 0
	for _, name := range curlcmd.LongOptions() {
		if requestFlags().Lookup(name[2:]) != nil {
			continue
		}
		for _, value := range []string{"1", "0-99", "127.0.0.1:1080", "sha256//AAAA"} {
			args := []string{name, value, "http://example.com/"}
			fs := requestFlags()
			err := fs.Parse(args)
			var unknown *pflag.NotExistError
			if !errors.As(err, &unknown) {
				t.Fatalf("%s: %v, want an unknown flag", name, err)
			}
			eq, known, ok := curlEquivalent(err, fs, args)
			if !known {
				t.Fatalf("%s: hop curl takes it, the hint does not know it", name)
			}
			if !ok {
				continue
			}
			if len(eq.Typed) > 1 && eq.Typed[1] != value {
				t.Errorf("%s %s: read as %q", name, value, eq.Typed)
			}
			proposed++
			if err := requestFlags().Parse(eq.Flags); err != nil {
				t.Errorf("curl's %q is %q, which hop refuses: %v", eq.Typed, eq.Flags, err)
			}
		}
	}
	if proposed < 20 {
		t.Fatalf("only %d options turned into hop's flags", proposed)
	}
}

func TestCurlFlagHint(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-r", "0-99", "http://x/"}, `curl's -r 0-99 is --header 'Range: bytes=0-99' here; `},
		{[]string{"-sr0-99", "http://x/"}, `curl's -r 0-99 is --header 'Range: bytes=0-99' here; `},
		{[]string{"--socks5", "127.0.0.1:1080", "http://x/"}, `curl's --socks5 127.0.0.1:1080 is --proxy socks5://127.0.0.1:1080 here; `},
		{[]string{"http://x/", "--tlsv1.3"}, `curl's --tlsv1.3 is --tls-min 1.3 here; `},
		{[]string{"-sN", "http://x/"}, `curl's -N changes nothing here: hop behaves so without it; `},
		{[]string{"-n", "http://x/"}, `curl's -n changes nothing here: hop behaves so without it; `}, // it reads .netrc
		{[]string{"--no-buffer", "http://x/"}, `curl's --no-buffer changes nothing here: hop behaves so without it; `},
		{[]string{"--oauth2-bearer=s3cr3t", "http://x/"}, `curl's --oauth2-bearer '<SECRET>' is --bearer '<SECRET>' here; `},
		{[]string{"--rate", "2/s", "http://x/"}, `hop curl takes curl's --rate; `},
		{[]string{"-OJ", "http://x/"}, `curl's -J changes nothing here: hop behaves so without it; `}, // hop's -O is curl's -OJ
		{[]string{"--http1.0", "http://x/"}, ``},                                                      // hop curl does not take it either
		{[]string{"--nonsense", "http://x/"}, ``},
	} {
		fs := requestFlags()
		err := fs.Parse(tc.args)
		if got := curlFlagHint(err, fs, tc.args); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.args, got, tc.want)
		}
		if strings.Contains(curlFlagHint(err, fs, tc.args), "s3cr3t") {
			t.Errorf("%q: the hint shows the token", tc.args)
		}
	}
}

// A long flag a request command lacks is said with the flags it may be a typo of, nearest first, or the
// start of; nothing for a short flag, a name too short or far from every flag, or a hidden flag.
func TestSimilarFlagHint(t *testing.T) {
	for _, tc := range []struct {
		arg, want string
	}{
		{"--verbos", "did you mean --verbose? "},
		{"--Verbose", "did you mean --verbose? "},
		{"--heder", "did you mean --header? "},
		{"--http1.0", "did you mean --http1.1? "},
		{"--htpp2", "did you mean --http2 or --http3? "},
		{"--http", "did you mean --http2, --http3, --http1.1 or --http3-try? "},
		{"--foll", "did you mean --follow? "},
		{"--no-such-flag", ""},
		{"--insecure-skip-verify", ""},
		{"--ab", ""},
		{"-Z", ""},
	} {
		fs := requestFlags()
		err := fs.Parse([]string{tc.arg, "http://x/"})
		if err == nil {
			t.Fatalf("%s: parsed", tc.arg)
		}
		if got := similarFlagHint(err, fs); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.arg, got, tc.want)
		}
	}
	// A hidden flag is never proposed.
	fs := requestFlags()
	fs.Bool("secretive", false, "")
	fs.MarkHidden("secretive")
	if got := similarFlagHint(fs.Parse([]string{"--secretiv"}), fs); got != "" {
		t.Errorf("a hidden flag proposed: %q", got)
	}
}
