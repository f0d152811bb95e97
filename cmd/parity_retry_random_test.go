package cmd_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestRandomRetriesAsCurlMakesThem: curl lines with --retry (and -m, --retry-all-errors, --retry-max-time
// at random) for a GET, a POST of -d, a PUT of -T or a DELETE, to an endpoint that answers its requests in
// turn as a script drawn at random says — a 200, a 404, a 408, 429, 500, 502, 503 (with Retry-After or
// not), 504 or 501, an answer
// held back past -m, a body cut short past -m, a connection closed with no answer — are run by curl and by
// hop curl. Both must send
// the same requests (method and body, attempt after attempt), end alike (curl's 0 on a 4xx or 5xx is
// hop's 4 or 5, by hop's rules) and leave the same -o file. Each retry waits a second in curl (its least
// --retry-delay), so the default is a few seeds: HOP_RETRY_SEEDS searches longer, HOP_RETRY_FIRST moves
// on.
//
// Set aside, as the README says: -I with -o (curl writes every attempt's head to the file, hop's heads of
// a failure go to stdout); the body of a failed attempt on stdout (curl writes each, hop the last: the pool
// saves with -o); the -o file when a body was cut short and the attempts after failed (curl writes the last
// error's body over it, hop keeps the bytes saved for -C): not compared.
func TestRandomRetriesAsCurlMakesThem(t *testing.T) {
	lookCurl(t)
	dir := fixtures(t)
	srv, sentTo := scriptedServer(t)
	first, n := envSeed("HOP_RETRY_FIRST", 1), envSeed("HOP_RETRY_SEEDS", 6)
	for seed := first; seed < first+n; seed++ {
		r := rand.New(rand.NewPCG(seed, 17))
		pick := func(s ...string) string { return s[r.IntN(len(s))] }
		var actions []string
		for range 1 + r.IntN(3) {
			actions = append(actions, pick("503", "503", "503ra", "500", "502", "504", "408", "429", "501", "404", "stall", "empty", "cut"))
		}
		actions = append(actions, pick("200", "200", "404", "503"))
		args := []string{"-s", "-o", "out.txt", "--retry", strconv.Itoa(r.IntN(3))}
		if r.IntN(3) > 0 {
			args = append(args, "--retry-delay", "1") // else curl's 1 s doubling
		}
		stalls := slices.Contains(actions, "stall") || slices.Contains(actions, "cut")
		if stalls || r.IntN(3) == 0 {
			args = append(args, "-m", "1") // each attempt's limit, in curl
		}
		if r.IntN(4) == 0 {
			args = append(args, "--retry-all-errors")
		}
		if r.IntN(5) == 0 {
			args = append(args, "--retry-max-time", pick("1", "30"))
		}
		switch r.IntN(4) {
		case 1:
			args = append(args, "-d", "a=1")
		case 2:
			args = append(args, "-T", "upload.txt")
		case 3:
			args = append(args, "-X", "DELETE")
		}
		path := "/retry/"
		if r.IntN(4) == 0 {
			path = "/via/" // a redirect there first: a retry begins again from it
			args = append(args, "-L")
		}
		line := fmt.Sprintf("seed %d: curl %s %s..., answered %s", seed, strings.Join(args, " "), path, strings.Join(actions, ", "))
		var codes [2]int
		var sent [2][]string
		var files [2]string
		for i, tool := range []string{"curl", "hop"} {
			id := tool + strconv.FormatUint(seed, 10)
			os.Remove(filepath.Join(dir, "out.txt"))
			_, codes[i], _ = runEnv(t, dir, nil, append(curlTool(t, tool), append(slices.Clone(args), srv+path+id+"/"+strings.Join(actions, ","))...)...)
			for _, s := range sentTo(id) {
				// hop curl resumes a body cut short with Range, where curl asks for it whole: the server
				// here sends it whole either way.
				s, _, _ = strings.Cut(s, " Range: ")
				sent[i] = append(sent[i], s)
			}
			out, _ := os.ReadFile(filepath.Join(dir, "out.txt"))
			files[i] = string(out)
		}
		want := codes[0]
		last := -1 // the last answer of the script curl met
		for _, s := range sent[0] {
			if !strings.HasSuffix(s, " via") {
				last++
			}
		}
		if want == 0 && last >= 0 {
			if code, err := strconv.Atoi(strings.TrimSuffix(actions[min(last, len(actions)-1)], "ra")); err == nil && code >= 400 {
				want = code / 100 // the 4xx or 5xx curl ended with, an error in hop's rules
			}
		}
		if codes[1] != want {
			t.Errorf("%s: curl exit %d, hop curl exit %d", line, codes[0], codes[1])
		}
		if !slices.Equal(sent[0], sent[1]) {
			t.Errorf("%s: hop curl sent\n\t%q\ncurl\n\t%q", line, sent[1], sent[0])
		}
		cutThenFailed := slices.Contains(actions, "cut") && want >= 4
		if files[0] != files[1] && !cutThenFailed {
			t.Errorf("%s: hop curl's -o file holds %q, curl's %q", line, files[1], files[0])
		}
	}
}
