package cmd_test

import (
	"math/rand/v2"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestRandomCurlCommandSendsTheSameRequest: hop command lines built at random (every command, HTTPie's
// request items, curl's body flags, -f and --multipart, credentials, cookies, --chunked, --compress,
// --path-as-is, and flags that shape the exchange: redirects, retries, limits, routes) are sent by hop,
// then written as a curl command with --curl (or --curl-long) that the real curl runs, and that hop curl
// runs: the server must receive from both what it received from hop. Each case is seeded;
// HOP_EXPORT_SEEDS searches longer, HOP_EXPORT_FIRST moves on. A line hop refuses is skipped (its refusal
// has tests of its own), and so is --curl's one refusal, a body deflated as it is read (curl compresses
// no request body).
func TestRandomCurlCommandSendsTheSameRequest(t *testing.T) {
	lookCurl(t)
	dir := fixtures(t)
	first, n := envSeed("HOP_EXPORT_FIRST", 1), envSeed("HOP_EXPORT_SEEDS", 30)
	for seed := first; seed < first+n; seed++ {
		args := randomHopLine(rand.New(rand.NewPCG(seed, 2)))
		what := "seed " + strconv.FormatUint(seed, 10) + ": hop " + strings.Join(args, " ")
		want, code := sent(t, dir, nil, slices.Clone(args)...)
		if code != 0 {
			continue
		}
		flag := []string{"--curl", "--curl-long"}[seed%2]
		c := exec.Command(hopBinary(t), append(slices.Clone(args), flag)...)
		c.Dir = dir
		for i, a := range c.Args {
			c.Args[i] = strings.ReplaceAll(a, "REC", recordingServer(t)+"/record")
		}
		var stderr strings.Builder
		c.Stderr = &stderr
		out, err := c.Output()
		if err != nil {
			if !strings.Contains(stderr.String(), "curl compresses no request body") {
				t.Errorf("%s %s: hop sent it, and %s refused it: %v\n%s", what, flag, flag, err, stderr.String())
			}
			continue
		}
		line := strings.TrimSuffix(string(out), "\n")
		got := runCurl(t, dir, line, nil)
		sameRequest(t, what+"\n"+line, got, emptyBodyLength(&got, want))
		back := strings.Replace(line, "curl ", shellQuote(hopBinary(t))+" curl ", 1)
		got = runCurl(t, dir, back, nil)
		sameRequest(t, what+"\nhop curl of "+line, got, emptyBodyLength(&got, want))
	}
}

// randomHopLine builds a hop command line for the recording endpoint (REC), in the directory fixtures
// writes.
func randomHopLine(r *rand.Rand) []string {
	pick := func(options ...[]string) []string { return options[r.IntN(len(options))] }
	args := pick([]string{"get"}, []string{"post"}, []string{"put"}, []string{"patch"}, []string{"delete"},
		[]string{"request", "PURGE"}, []string{"post"})
	args = append(args, pick([]string{"REC/p"}, []string{"REC/p?x=1"}, []string{"REC/a%20b/"}, []string{"REC/q?f[a]=1&s={x}"},
		[]string{"REC/%C3%A9"}, []string{"REC/o/../p"})...)
	items := [][]string{
		{"X-A:1"}, {"X-B:two words"}, {"Accept:"}, {"X-E;"}, {"User-Agent:"}, {"q==1"}, {"q==a b&c"}, {"é==ü"},
		{"name=hop"}, {"n:=3"}, {"ok:=true"}, {`tags:=["a","b"]`}, {"o[k]=v"}, {"arr[]=x"}, {"f=@notes.txt"},
		{"j:=@data.json"}, {"up@notes.txt"}, {"pic@pic.png;type=image/x-test"}, {"e="}, {`a\=b=c`}, {"Host:h.example"},
		{"X-Quote:it's \"q\""}, {"up@notes.txt", "Content-Type:multipart/related"}, {"Cookie:a=1"}, {"@data.json"},
	}
	for range r.IntN(4) {
		args = append(args, pick(items...)...)
	}
	flags := [][]string{
		{"-f"}, {"--multipart"}, {"-d", "a=1"}, {"-d", "b=x y"}, {"--data-binary", "@blob.bin"}, {"--data-urlencode", "u=a b"},
		{"--json", `{"j":1}`}, {"-F", "p=v"}, {"-F", "up=@data.json;type=application/json"}, {"-F", `q="a;b"`},
		{"-F", "t=text;filename=x.png"}, {"-F", `up=@"semi;colon,\"q\".txt";filename="a;b"`}, {"-G"}, {"--url-query", "k=a b"},
		{"-A", "agent/1"}, {"-e", "http://ref.example/"}, {"-a", "ann:p'w"}, {"--bearer", "tok"}, {"-b", "c=1; d=2"},
		{"--chunked"}, {"--compress"}, {"--compress", "--compress"}, {"--boundary", "hopb"}, {"--path-as-is"},
		{"--raw", `{"r":1}`}, {"-T", "upload.txt"}, {"--form-escape"}, {"-H", "X-H: 1"}, {"-H", "Accept: text/x"},
		{"-H", "Accept:"}, {"--data-raw", "@x"}, {"-X", "PATCH"}, {"-F", "r=s", "-H", "Content-Type: multipart/mixed"},
		// Flags that shape the exchange, not the request: curl and hop curl must take what --curl writes.
		{"-L"}, {"-L", "--max-redirects", "3"}, {"--retry", "2"}, {"-m", "20s"}, {"--connect-timeout", "5s"},
		{"--timeout", "0"}, {"--resolve", "example.com:80:127.0.0.1"}, {"--http1.1"}, {"-4"}, {"--limit-rate", "10M"},
		{"--proto", "=http,https"}, {"-L", "--proto-redir", "-https"}, {"--location-trusted", "-L"}, {"--noproxy", "*"},
		{"--max-filesize", "1M"}, {"--retry", "1", "--retry-all-errors"}, {"--expect100-timeout", "2"},
	}
	for range r.IntN(4) {
		args = append(args, pick(flags...)...)
	}
	if slices.Contains(args, "--compress") && !slices.Contains(args, "--boundary") {
		// A deflated multipart body is piped to curl as hop's bytes: the --curl run's boundary must be
		// the sending run's.
		args = append(args, "--boundary", "hopb")
	}
	return append(args, "--show-secrets") // else credentials are written as a placeholder

}
