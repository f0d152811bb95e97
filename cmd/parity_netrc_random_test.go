package cmd_test

import (
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestRandomNetrcAsCurlReadsIt: .netrc files written at random in the grammar curl reads (machine entries
// for the URL's host in any case, another host's, a default last; login and password in either order,
// alone or together, with account; values plain, quoted with blanks and escapes, holding a #; keywords in
// any case; comments on their own lines and after words; a macdef first; one entry a line or all on one;
// CRLF line ends) are read by curl and hop curl through --netrc-file for a URL of 127.0.0.1 or localhost,
// or for one of the other name that redirects there (-L, --location-trusted or not): both must end alike
// and send the same Authorization. HOP_NETRC_SEEDS searches longer, HOP_NETRC_FIRST
// moves on.
//
// Set aside, as the README says: what hop refuses as a broken file and curl 7.88 reads past (a word that
// is no keyword, a default before a machine entry, which curl 7.88 takes as the first match); a host named
// twice; an entry without a login or a password before another (curl 7.88 sends no password and drops the
// login when another machine follows, and fills both in from a default that does); CRLF line ends but for a macro's
// empty line (curl 7.88 reads an empty word at each CR LF, so a keyword at the end of a line gets "" for
// its value): the pool has none of those.
func TestRandomNetrcAsCurlReadsIt(t *testing.T) {
	lookCurl(t)
	dir := fixtures(t)
	u, _ := url.Parse(recordingServer(t))
	first, n := envSeed("HOP_NETRC_FIRST", 1), envSeed("HOP_NETRC_SEEDS", 100)
	for seed := first; seed < first+n; seed++ {
		r := rand.New(rand.NewPCG(seed, 14))
		pick := func(s ...string) string { return s[r.IntN(len(s))] }
		cased := func(word string) string {
			switch r.IntN(6) {
			case 0:
				return strings.ToUpper(word)
			case 1:
				return strings.ToUpper(word[:1]) + word[1:]
			}
			return word
		}
		value := func() string {
			return pick("ann", "s3cret", "pass#word", `"two words"`, `"q\"uote"`, `"back\\slash"`, `"tab\tx"`, `"nl\nx"`,
				`"hash # in"`, `""`, "ünï", `"x\y"`, "a:b")
		}
		host := pick("127.0.0.1", "localhost")
		sep := pick(" ", "  ", "\t", "\n", "\n  ")
		var text []string
		if r.IntN(6) == 0 {
			text = append(text, "macdef init\ncd /pub\nls\n"+pick("\n", "\r\n")) // its body ends at an empty line
		}
		if r.IntN(4) == 0 {
			text = append(text, "# logins for the test\n")
		}
		names := []string{"other.example", host}
		r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
		complete := true // the host's entry, if any, has a login and a password
		entry := func(head string) string {
			words := []string{head}
			keys := []string{"login", "password"}
			switch r.IntN(5) {
			case 0:
				keys = keys[:1]
			case 1:
				keys = keys[1:]
			case 2:
				keys = []string{"password", "login"}
			}
			if r.IntN(5) == 0 {
				keys = append(keys, "account")
			}
			logins, passwords := 0, 0
			for _, k := range keys {
				v := value()
				words = append(words, cased(k), v)
				if v != `""` && k == "login" {
					logins++
				}
				if v != `""` && k == "password" {
					passwords++
				}
			}
			if strings.EqualFold(strings.TrimPrefix(strings.ToLower(head), "machine "), host) {
				complete = logins > 0 && passwords > 0
			}
			if r.IntN(6) == 0 {
				words = append(words, "# a note")
				return strings.Join(words, " ") + "\n"
			}
			return strings.Join(words, sep)
		}
		var hostEntry string
		for _, name := range names[:1+r.IntN(2)] {
			if name == host && r.IntN(3) == 0 {
				name = strings.ToUpper(name)
			}
			e := entry(cased("machine") + " " + name)
			if strings.EqualFold(name, host) {
				hostEntry = e
				continue
			}
			text = append(text, e)
		}
		if hostEntry != "" {
			// An entry without a login or a password comes last: curl 7.88 loses what it had when another
			// entry follows (see above).
			at := len(text)
			if complete {
				at = r.IntN(len(text) + 1)
			}
			text = slices.Insert(text, at, hostEntry)
		}
		if complete && r.IntN(3) == 0 {
			text = append(text, entry(cased("default")))
		}
		netrc := strings.Join(text, pick("\n", " ")) + "\n"
		if err := os.WriteFile(filepath.Join(dir, "netrc.txt"), []byte(netrc), 0o600); err != nil {
			t.Fatal(err)
		}
		target := "http://" + host + ":" + u.Port() + "/record/n"
		if r.IntN(3) == 0 {
			// Typed for the other name of loopback, which sends to host: its entry goes there.
			other := map[string]string{"127.0.0.1": "localhost", "localhost": "127.0.0.1"}[host]
			target = "http://" + other + ":" + u.Port() + "/redirect-to?url=" + url.QueryEscape(target)
		}
		args := []string{"-s", "-L", "--netrc-file", "netrc.txt", target}
		if strings.Contains(target, "redirect-to") && r.IntN(3) == 0 {
			args = slices.Insert(args, 1, "--location-trusted")
		}
		line := "seed " + strconv.FormatUint(seed, 10) + ": curl " + strings.Join(args, " ") + " with netrc.txt " + strconv.Quote(netrc)
		got, want, ok := runBoth(t, dir, nil, args...).recorded(t, line)
		if !ok {
			continue
		}
		if g, w := got.Header["Authorization"], want.Header["Authorization"]; strings.Join(g, ",") != strings.Join(w, ",") {
			t.Errorf("%s: hop curl sent Authorization %q, curl %q", line, g, w)
		}
	}
}
