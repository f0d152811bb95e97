package cmd_test

import (
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hop-cli/hop/testserver"
)

// TestRandomDownloadsAsCurlSavesThem: curl lines built at random that save bodies (-o NAME, -O,
// --remote-name-all, --output-dir, --create-dirs, --no-clobber, -L, -f, two URLs), with a file already
// there now and then, are run by curl and by hop curl, each in a directory of its own: both must end alike
// and leave the same files with the same contents. HOP_DOWNLOAD_SEEDS searches longer,
// HOP_DOWNLOAD_FIRST moves on.
//
// Left out, as the README names them: -J (hop curl's -J -O is hop's own -O: the URL's name decoded, no
// file ever replaced), -O on a URL whose path ends in / and a directory that is not there (hop refuses before sending, exit 2;
// curl fails after, 23), -C - to a server that ignores Range (hop starts the file again, curl exits 33),
// and answers a server compresses unasked (hop decodes them).
func TestRandomDownloadsAsCurlSavesThem(t *testing.T) {
	lookCurl(t)
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	first, n := envSeed("HOP_DOWNLOAD_FIRST", 1), envSeed("HOP_DOWNLOAD_SEEDS", 30)
	for seed := first; seed < first+n; seed++ {
		r := rand.New(rand.NewPCG(seed, 9))
		pick := func(options ...[]string) []string { return options[r.IntN(len(options))] }
		paths := []string{"/bytes/64?seed=3", "/json", "/html", "/anything/a%20b.txt", "/redirect-to?url=/robots.txt", "/status/404",
			"/response-headers?Content-Disposition=attachment;%20filename=%22cd.txt%22", "/range/100", "/stream-bytes/300?seed=1&chunk_size=64"}
		var parts [][]string
		// The options for every URL come first: curl's --remote-name-all reaches only the URLs after it.
		if r.IntN(3) == 0 {
			parts = append(parts, pick([]string{"--remote-name-all"}, []string{"--output-dir", "dl"}, []string{"--create-dirs"},
				[]string{"--output-dir", "dl", "--create-dirs"}, []string{"--no-clobber"}))
		}
		if r.IntN(3) == 0 {
			parts = append(parts, pick([]string{"-L"}, []string{"-f"}))
		}
		urls := 1 + r.IntN(2)
		for range urls {
			url := srv.URL + paths[r.IntN(len(paths))]
			parts = append(parts, pick([]string{"-o", "out.bin"}, []string{"-o", "sub/out.txt"}, []string{"-O"}, nil), []string{url})
		}
		args := slices.Concat([]string{"-s", "-A", "curl/7.88.1", "-H", "Accept-Encoding:"}, slices.Concat(parts...))
		existing := ""
		if r.IntN(3) == 0 {
			existing = pick([]string{"out.bin"}, []string{"64"}, []string{"a%20b.txt"}, []string{"json"})[0]
		}
		line := "seed " + strconv.FormatUint(seed, 10) + ": curl " + strings.Join(args, " ")
		if existing != "" {
			line += " (with " + existing + " there)"
		}
		dirs := [2]string{t.TempDir(), t.TempDir()}
		for _, d := range dirs {
			// The directories -o and --output-dir name are there: hop refuses one that is not before it sends
			// (exit 2), where curl fails after (23), as the README says.
			for _, sub := range []string{"sub", "dl/sub"} {
				if err := os.MkdirAll(filepath.Join(d, sub), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if existing != "" {
				if err := os.WriteFile(filepath.Join(d, existing), []byte("there before\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		var codes [2]int
		_, codes[0] = runIn(t, dirs[0], lookCurl(t), args...)
		_, codes[1] = runIn(t, dirs[1], hopBinary(t), append([]string{"curl"}, args...)...)
		if codes[1] == 4 || codes[1] == 5 {
			// hop fails on a 4xx or 5xx (README): curl with -f does too (22), without it does not.
			codes[1] = 0
			if slices.Contains(args, "-f") {
				codes[1] = 22
			}
		}
		got, want := tree(t, dirs[1]), tree(t, dirs[0])
		if urls == 2 {
			// With several URLs hop curl exits with the first failure's code, curl with the last URL's (README).
			codes[1] = codes[0]
		}
		if codes[0] != codes[1] || !slices.Equal(got, want) {
			t.Errorf("%s: curl exit %d, hop curl exit %d\nhop curl left %q\ncurl left     %q", line, codes[0], codes[1], got, want)
		}
	}
}

// tree lists dir's files, each as its path and its contents.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out = append(out, rel+": "+string(b))
		return nil
	})
	return out
}
