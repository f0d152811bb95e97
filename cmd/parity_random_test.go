package cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
)

// TestRandomHopCurlSendsWhatCurlSends: curl command lines built at random from the options that shape a
// request (method, data of every kind, -F parts, -T, -G, --url-query, headers added, emptied and removed,
// credentials from -u, the URL and a netrc file, cookies, -r, --path-as-is, -K files, standard input) go
// to the recording endpoint twice, once through curl and once through hop curl, and the server must
// receive the same request from both (hop's own User-Agent and Accept-Encoding aside), or both must
// refuse the line. Each case is seeded and named by its seed, and its failure prints the command line;
// HOP_PARITY_SEEDS=2000 searches longer, HOP_PARITY_FIRST moves on to seeds not run before.
//
// Left out of the pool, as known differences the README names ("curl both ways"): -G with --url-query
// (curl drops --url-query's), -G with an empty -d or with bytes a request line cannot carry, -G or
// --url-query with --path-as-is (curl resolves the dot segments as it adds the query), -H
// 'Content-Type:' with -F; -I too (no body to record). Set aside below: the case of a percent-escape's
// hex digits, Content-Length: 0 or none on an empty body, how two -b strings are joined, and -T - sent
// with its length where curl sends it chunked.
func TestRandomHopCurlSendsWhatCurlSends(t *testing.T) {
	curl := lookCurl(t)
	dir := fixtures(t)
	srv := recordingServer(t) + "/record"
	// UREC is the endpoint with credentials in the URL; netrc.txt has others for its host.
	withUser := strings.Replace(srv, "://", "://url%20user:p%40ss@", 1)
	if err := os.WriteFile(filepath.Join(dir, "netrc.txt"), []byte("machine 127.0.0.1 login net password rc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	first, n := envSeed("HOP_PARITY_FIRST", 1), envSeed("HOP_PARITY_SEEDS", 60)
	for seed := first; seed < first+n; seed++ {
		cl := randomCurlLine(rand.New(rand.NewPCG(seed, 1)))
		args := cl.args
		line := strings.Join(args, " ")
		if cl.config != "" {
			// The options go in a -K file, written as curl's config syntax.
			name := "cfg-" + strconv.FormatUint(seed, 10) + ".txt"
			if err := os.WriteFile(filepath.Join(dir, name), []byte(strings.ReplaceAll(strings.ReplaceAll(cl.config, "UREC", withUser), "REC", srv)), 0o600); err != nil {
				t.Fatal(err)
			}
			line += " with -K holding:\n" + cl.config
		}
		if cl.stdin != "" {
			line += fmt.Sprintf(" with %q piped in", cl.stdin)
		}
		for i, a := range args {
			a = strings.ReplaceAll(strings.ReplaceAll(a, "UREC", withUser), "REC", srv)
			args[i] = strings.ReplaceAll(a, "CFG", "cfg-"+strconv.FormatUint(seed, 10)+".txt")
		}
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		defer cancel()
		c := exec.CommandContext(ctx, curl, append([]string{"-s"}, args...)...)
		c.Dir = dir
		c.Stdin = strings.NewReader(cl.stdin)
		out, err := c.Output()
		curlCode := c.ProcessState.ExitCode()
		if ctx.Err() != nil {
			t.Fatalf("seed %d: curl %s: curl did not end", seed, line)
		}
		var want testserver.Recorded
		if curlCode == 0 && (err != nil || json.Unmarshal(out, &want) != nil) {
			t.Fatalf("seed %d: curl %s: %v %s", seed, line, err, out)
		}
		h := exec.CommandContext(ctx, hopBinary(t), append([]string{"curl"}, args...)...)
		h.Dir = dir
		h.Stdin = strings.NewReader(cl.stdin)
		var stderr bytes.Buffer
		h.Stderr = &stderr
		out, _ = h.Output()
		hopCode := h.ProcessState.ExitCode()
		if ctx.Err() != nil {
			t.Fatalf("seed %d: curl %s: hop curl did not end", seed, line)
		}
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
			// --data-urlencode's, and sometimes a path's, in lower case; equivalent by RFC 3986, 2.1), and
			// those below.
			got.URI, want.URI = upperEscapes(got.URI), upperEscapes(want.URI)
			// Two -b strings: curl 7.88 joins them with ";", later curls (and hop) with "; ".
			for i, c := range want.Header["Cookie"] {
				want.Header["Cookie"][i] = cookieJoin.ReplaceAllString(c, "; ")
			}
			if cl.stdin != "" && strings.HasSuffix(strings.Join(want.Header["Content-Range"], ""), "/-1") {
				// -r with -T -: curl gives the length as -1, hop (which holds it) the length.
				delete(got.Header, "Content-Range")
				delete(want.Header, "Content-Range")
			}
			if cl.stdin != "" && slices.Equal(want.TransferEncoding, []string{"chunked"}) && got.TransferEncoding == nil &&
				slices.Equal(got.Header["Content-Length"], []string{strconv.Itoa(len(got.Body))}) {
				// -T -: curl sends standard input chunked, hop (which reads a short one whole) with its length.
				delete(got.Header, "Content-Length")
				got.TransferEncoding = want.TransferEncoding
			}
			want = emptyBodyLength(&got, want)
			sameRequest(t, "seed "+strconv.FormatUint(seed, 10)+": curl "+line, got, want, "User-Agent", "Accept-Encoding")
		}
	}
}

// emptyBodyLength sets aside, on an empty body, a Content-Length: 0 one request has and the other has
// not: Go's client sends it by method (for POST, PUT and PATCH; never for GET, DELETE or OPTIONS), curl
// by whether there was a body to send (-d ” yes, -G's moved data no). It returns want, changed so.
func emptyBodyLength(got *testserver.Recorded, want testserver.Recorded) testserver.Recorded {
	if len(got.Body) == 0 && len(want.Body) == 0 && (got.Header["Content-Length"] == nil) != (want.Header["Content-Length"] == nil) {
		got.Header = maps.Clone(got.Header)
		want.Header = maps.Clone(want.Header)
		delete(got.Header, "Content-Length")
		delete(want.Header, "Content-Length")
	}
	return want
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

// curlLineCase is a random curl command line: its arguments (without curl itself; REC is the recording
// endpoint, CFG the -K file), what -K's file holds when there is one, and what is piped in.
type curlLineCase struct {
	args          []string
	config, stdin string
}

// randomCurlLine builds a curl command line for the recording endpoint, in the directory fixtures writes.
func randomCurlLine(r *rand.Rand) curlLineCase {
	pick := func(options ...[]string) []string { return options[r.IntN(len(options))] }
	var parts [][]string // options that go together, shuffled below
	chance := func(p float64) bool { return r.Float64() < p }
	// -G first: its data goes in the query, where hop refuses bytes a request line cannot carry (a NUL,
	// a space) that curl sends as they are.
	query, get := true, false
	var queryPart []string
	switch {
	case chance(0.25):
		queryPart, get = []string{"-G"}, true
	case chance(0.2):
		queryPart = pick([]string{"--url-query", "u=1 2"}, []string{"--url-query", "+raw=a b"}, []string{"--url-query", "v@notes.txt"})
	default:
		query = false
	}
	if queryPart != nil {
		parts = append(parts, queryPart)
	}
	var stdin string
	piped := func(option []string) []string { // one option reads stdin: the rest read files
		if stdin == "" {
			stdin = pick([]string{"piped\nx=1\r\n"}, []string{"a=b&c"}, []string{"\x00bin\xff"})[0]
			if get {
				stdin = "a=b&c" // for the query: bytes a request line can carry
			}
			return option
		}
		return nil
	}

	if chance(0.4) {
		parts = append(parts, pick(
			[]string{"-X", "POST"}, []string{"-X", "PUT"}, []string{"-X", "PATCH"},
			[]string{"-X", "DELETE"}, []string{"-X", "get"}, []string{"--request", "OPTIONS"}))
	}
	dataPiece := func() []string {
		if chance(0.1) {
			if p := piped(pick([]string{"-d", "@-"}, []string{"--data-binary", "@-"}, []string{"--data-urlencode", "s@-"}, []string{"--json", "@-"})); p != nil {
				return p
			}
		}
		return pick(
			[]string{"-d", "a=1"}, []string{"--data-raw", "@not-a-file"},
			[]string{"--data-binary", "@data.json"}, []string{"-d", "@lines.txt"}, []string{"--data-ascii", "k=v"},
			[]string{"--data-urlencode", "q=a b&c/d"}, []string{"--data-urlencode", "=é x"},
			[]string{"--data-urlencode", "n@notes.txt"}, []string{"--data-urlencode", "@lines.txt"},
			[]string{"--json", `{"a":1}`}, []string{"--json", "@data.json"},
			[]string{"--data-urlencode", "plain text"})
	}
	if !get {
		dataPiece = func(piece func() []string) func() []string {
			return func() []string {
				if chance(0.1) {
					return pick([]string{"-d", "@blob.bin"}, []string{"--data-binary", "@blob.bin"}, []string{"-d", "b=x y&c"})
				}
				return piece()
			}
		}(dataPiece)
	}
	formPiece := func() []string {
		if chance(0.1) {
			if p := piped(pick([]string{"-F", "f=@-"}, []string{"-F", "t=<-"}, []string{"-F", "f=@-;filename=in.svg"})); p != nil {
				return p
			}
		}
		return pick(
			[]string{"-F", "a=b"}, []string{"-F", "up=@data.json"}, []string{"-F", "t=<notes.txt"},
			[]string{"-F", "f=@pic.png;type=image/x-test"}, []string{"-F", "g=@blob.bin;filename=x.bin"},
			[]string{"--form-string", "s=@literal;type=x"}, []string{"-F", `q="a;b"`},
			[]string{"-F", "h=@notes.txt;headers=X-P: 1"}, []string{"-F", "e="}, []string{"-F", "u=@upload.txt;type=text/plain;charset=utf-8"},
			[]string{"-F", "n=text;filename=x.png"}, []string{"-F", "p=<pic.png"}, []string{"-F", "j=@data.json;filename=y.txt"})
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
		if p := piped([]string{"-T", "-"}); p != nil && chance(0.3) {
			parts = append(parts, p)
		} else {
			parts = append(parts, []string{"-T", "upload.txt"})
		}
	case body < 8: // lines curl refuses: hop curl must refuse them too
		parts = append(parts, dataPiece(), pick(formPiece(), []string{"-T", "upload.txt"}))
	}
	if get {
		body = 10 // no -d body is left
	}
	for range r.IntN(4) {
		h := pick(
			[]string{"-H", "X-A: 1"}, []string{"-H", "X-Empty;"}, []string{"-H", "Accept:"},
			[]string{"-H", "Accept: text/x"}, []string{"-H", "X-Two:  spaced  words "}, []string{"-H", "Host: other.example"},
			[]string{"-H", "Content-Type: text/x"}, []string{"-H", "@heads.txt"}, []string{"-H", "x-a: lower"},
			[]string{"-H", "X-Colon: a:b"}, []string{"-H", "User-Agent:"}, []string{"-H", "Referer: http://typed.example/"},
			[]string{"-H", "Content-Type: application/json"},
			[]string{"-H", "Expect:"}, []string{"-H", "Authorization: Bearer typed"})
		parts = append(parts, h)
	}
	if body < 4 && chance(0.1) {
		// Only with a body: on a request without one, curl announces chunks it never sends and waits.
		parts = append(parts, []string{"-H", "Transfer-Encoding: chunked"})
	}
	if chance(0.3) {
		parts = append(parts, pick(
			[]string{"-u", "ann:pw"}, []string{"-u", ":key"}, []string{"--oauth2-bearer", "tok"},
			[]string{"-u", "ann:pw", "--oauth2-bearer", "tok"}, []string{"--user", "név:pä ss"}))
	}
	for _, opt := range [][]string{
		{"-A", "agent/1"}, {"-e", "http://ref.example/"}, {"-b", "c=1; d=2"}, {"-r", "0-5"},
		{"-H", "Cookie: e=5"}, {"-b", "z=9"}, {"--compressed"}, {"-e", "http://ref.example/;auto"},
		{"-A", ""}, {"--request-target", "/record/target?t=1"}, {"--netrc-file", "netrc.txt"},
		{"--netrc-optional", "--netrc-file", "netrc.txt"},
	} {
		if chance(0.08) {
			parts = append(parts, opt)
		}
	}
	if !query && chance(0.12) {
		parts = append(parts, []string{"--path-as-is"})
	}
	r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	url := pick([]string{"REC/p"}, []string{"REC/p?x=1"}, []string{"REC/a/../b/./c"}, []string{"REC/p?q=a+b&r"},
		[]string{"REC/%C3%A9/"}, []string{"REC/"}, []string{"REC/p?"}, []string{"--url", "REC/u"}, []string{"UREC/p"})
	if url[0] == "UREC/p" {
		// A user in the URL that the netrc file has no entry for: curl 7.88 took the file's password for
		// it, later curls (and hop) keep the URL's.
		parts = slices.DeleteFunc(parts, func(p []string) bool { return slices.Contains(p, "--netrc-file") })
	}
	if chance(0.2) {
		// The options in a -K file, in curl's config syntax: a long name without its dashes and "=", ":"
		// or a blank before its value, quoted with \" and \\ escaped.
		var cfg strings.Builder
		quote := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace
		for _, p := range parts {
			for i := 0; i < len(p); i++ {
				name := p[i]
				if long := map[string]string{"-X": "--request", "-d": "--data", "-F": "--form", "-T": "--upload-file", "-G": "--get",
					"-H": "--header", "-u": "--user", "-A": "--user-agent", "-e": "--referer", "-b": "--cookie", "-r": "--range"}[name]; long != "" && chance(0.5) {
					name = long
				}
				if strings.HasPrefix(name, "--") && chance(0.7) {
					name = name[2:] // a long name may go without its dashes
				}
				if i+1 == len(p) || strings.HasPrefix(p[i+1], "-") && len(p[i+1]) > 1 && p[i+1] != "-" {
					cfg.WriteString(name + "\n") // a switch
					continue
				}
				sep := " "
				if !strings.HasPrefix(name, "-") { // "=" and ":" separate a name without its dashes only
					sep = pick([]string{" "}, []string{" = "}, []string{":"}, []string{"="})[0]
				}
				i++
				cfg.WriteString(name + sep + `"` + quote(p[i]) + "\"\n")
			}
		}
		return curlLineCase{args: append([]string{"-K", "CFG"}, url...), config: cfg.String(), stdin: stdin}
	}
	line := slices.Concat(parts...)
	if chance(0.5) {
		return curlLineCase{args: append(line, url...), stdin: stdin}
	}
	return curlLineCase{args: append(url, line...), stdin: stdin}
}
