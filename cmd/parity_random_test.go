package cmd_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hop-cli/hop/testserver"
)

// TestRandomHopCurlSendsWhatCurlSends: curl command lines built at random from the options that shape a
// request (method, data of every kind, -F parts, -T, -G, --url-query, headers added, emptied and removed,
// credentials, cookies, -r, --path-as-is) go to the recording endpoint twice, once through curl and once
// through hop curl, and the server must receive the same request from both (hop's own User-Agent and
// Accept-Encoding aside), or both must refuse the line. Each case is seeded and named by its seed, and
// its failure prints the command line; HOP_PARITY_SEEDS=2000 searches longer, HOP_PARITY_FIRST moves on
// to seeds not run before.
//
// Left out of the pool, as known differences written down in the README's decisions: curl 7.88's -G with
// --url-query (it drops the -G data), -G with an empty -d, -G or --url-query with --path-as-is (curl
// resolves the dot segments as it adds the query), -H 'Content-Type:' with -F, -I (no recorded body);
// and set aside below, the case of a percent-escape's hex digits, Content-Length: 0 on a body-less POST,
// and how two -b strings are joined.
func TestRandomHopCurlSendsWhatCurlSends(t *testing.T) {
	curl := lookCurl(t)
	dir := fixtures(t)
	srv := recordingServer(t) + "/record"
	first, n := envSeed("HOP_PARITY_FIRST", 1), envSeed("HOP_PARITY_SEEDS", 60)
	for seed := first; seed < first+n; seed++ {
		args := randomCurlLine(rand.New(rand.NewPCG(seed, 1)))
		line := strings.Join(args, " ")
		for i, a := range args {
			args[i] = strings.ReplaceAll(a, "REC", srv)
		}
		c := exec.Command(curl, append([]string{"-s"}, args...)...)
		c.Dir = dir
		out, err := c.Output()
		curlCode := c.ProcessState.ExitCode()
		var want testserver.Recorded
		if curlCode == 0 && (err != nil || json.Unmarshal(out, &want) != nil) {
			t.Fatalf("seed %d: curl %s: %v %s", seed, line, err, out)
		}
		h := exec.Command(hopBinary(t), append([]string{"curl"}, args...)...)
		h.Dir = dir
		var stderr bytes.Buffer
		h.Stderr = &stderr
		out, _ = h.Output()
		hopCode := h.ProcessState.ExitCode()
		switch {
		case curlCode != 0 && hopCode == 0:
			t.Errorf("seed %d: curl %s: curl refused it (exit %d), hop curl sent it", seed, line, curlCode)
		case curlCode == 0 && hopCode != 0:
			t.Errorf("seed %d: curl %s: curl sent it, hop curl refused it (exit %d): %s", seed, line, hopCode, stderr.String())
		case curlCode == 0:
			var got testserver.Recorded
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("seed %d: hop curl %s: %v\n%s", seed, line, err, out)
			}
			// Known differences set aside: the case of a percent-escape's hex digits (curl 7.88 writes
			// --data-urlencode's, and sometimes a path's, in lower case; equivalent by RFC 3986, 2.1), and the
			// Content-Length: 0 Go's client sends on a body-less POST, PUT or PATCH.
			got.URI, want.URI = upperEscapes(got.URI), upperEscapes(want.URI)
			// Two -b strings: curl 7.88 joins them with ";", later curls (and hop) with "; ".
			for i, c := range want.Header["Cookie"] {
				want.Header["Cookie"][i] = cookieJoin.ReplaceAllString(c, "; ")
			}
			if len(got.Body) == 0 && want.Header["Content-Length"] == nil && slices.Equal(got.Header["Content-Length"], []string{"0"}) {
				delete(got.Header, "Content-Length")
			}
			sameRequest(t, "seed "+strconv.FormatUint(seed, 10)+": curl "+line, got, want, "User-Agent", "Accept-Encoding")
		}
	}
}

// upperEscapes writes the hex digits of a URI's percent-escapes in upper case.
func upperEscapes(uri string) string {
	return escapeHex.ReplaceAllStringFunc(uri, strings.ToUpper)
}

var escapeHex, cookieJoin = regexp.MustCompile(`%[0-9a-fA-F]{2}`), regexp.MustCompile(`; ?`)

// envSeed is the number an environment variable gives, or def.
func envSeed(name string, def uint64) uint64 {
	if n, err := strconv.ParseUint(os.Getenv(name), 10, 64); err == nil && n > 0 {
		return n
	}
	return def
}

// randomCurlLine builds a curl command line (without curl itself) for the recording endpoint, REC, in the
// directory fixtures writes.
func randomCurlLine(r *rand.Rand) []string {
	pick := func(options ...[]string) []string { return options[r.IntN(len(options))] }
	var parts [][]string // options that go together, shuffled below
	chance := func(p float64) bool { return r.Float64() < p }

	if chance(0.4) {
		parts = append(parts, pick(
			[]string{"-X", "POST"}, []string{"-X", "PUT"}, []string{"-X", "PATCH"},
			[]string{"-X", "DELETE"}, []string{"-X", "get"}, []string{"--request", "OPTIONS"}))
	}
	dataPiece := func() []string {
		return pick(
			[]string{"-d", "a=1"}, []string{"-d", "b=x y&c"}, []string{"--data-raw", "@not-a-file"},
			[]string{"--data-binary", "@data.json"}, []string{"-d", "@lines.txt"}, []string{"--data-ascii", "k=v"},
			[]string{"--data-urlencode", "q=a b&c/d"}, []string{"--data-urlencode", "=é x"},
			[]string{"--data-urlencode", "n@notes.txt"}, []string{"--data-urlencode", "@lines.txt"},
			[]string{"--json", `{"a":1}`}, []string{"--json", "@data.json"})
	}
	formPiece := func() []string {
		return pick(
			[]string{"-F", "a=b"}, []string{"-F", "up=@data.json"}, []string{"-F", "t=<notes.txt"},
			[]string{"-F", "f=@pic.png;type=image/x-test"}, []string{"-F", "g=@blob.bin;filename=x.bin"},
			[]string{"--form-string", "s=@literal;type=x"}, []string{"-F", `q="a;b"`})
	}
	body := r.IntN(10)
	switch {
	case body < 4:
		for range 1 + r.IntN(3) {
			parts = append(parts, dataPiece())
		}
	case body < 6:
		for range 1 + r.IntN(3) {
			parts = append(parts, formPiece())
		}
	case body < 7:
		parts = append(parts, []string{"-T", "upload.txt"})
	case body < 8: // lines curl refuses: hop curl must refuse them too
		parts = append(parts, dataPiece(), pick(formPiece(), []string{"-T", "upload.txt"}))
	}
	query := true
	switch {
	case chance(0.25):
		parts = append(parts, []string{"-G"})
	case chance(0.2):
		parts = append(parts, pick([]string{"--url-query", "u=1 2"}, []string{"--url-query", "+raw=a b"}, []string{"--url-query", "v@notes.txt"}))
	default:
		query = false
	}
	for range r.IntN(4) {
		h := pick(
			[]string{"-H", "X-A: 1"}, []string{"-H", "X-Empty;"}, []string{"-H", "Accept:"},
			[]string{"-H", "Accept: text/x"}, []string{"-H", "X-Two:  spaced  words "}, []string{"-H", "Host: other.example"},
			[]string{"-H", "Content-Type: text/x"}, []string{"-H", "@heads.txt"}, []string{"-H", "x-a: lower"})
		parts = append(parts, h)
	}
	if chance(0.3) {
		parts = append(parts, pick(
			[]string{"-u", "ann:pw"}, []string{"-u", ":key"}, []string{"--oauth2-bearer", "tok"},
			[]string{"-u", "ann:pw", "--oauth2-bearer", "tok"}, []string{"--user", "név:pä ss"}))
	}
	for _, opt := range [][]string{
		{"-A", "agent/1"}, {"-e", "http://ref.example/"}, {"-b", "c=1; d=2"}, {"-r", "0-5"},
		{"-H", "Cookie: e=5"}, {"-b", "z=9"}, {"--compressed"},
	} {
		if chance(0.12) {
			parts = append(parts, opt)
		}
	}
	if !query && chance(0.12) {
		parts = append(parts, []string{"--path-as-is"})
	}
	r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	line := slices.Concat(parts...)
	url := pick([]string{"REC/p"}, []string{"REC/p?x=1"}, []string{"REC/a/../b/./c"}, []string{"REC/p?q=a+b&r"},
		[]string{"REC/%C3%A9/"}, []string{"REC/"}, []string{"REC/p?"})
	if chance(0.5) {
		return append(line, url...)
	}
	return append(url, line...)
}
