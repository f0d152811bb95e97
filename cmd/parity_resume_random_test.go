package cmd_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRandomResumesAsCurl: a file already there in part (empty, a start of the resource, all of it, more
// than it, or none) is resumed with -C - (or -C OFFSET: the file's size; 0, a download anew; another,
// which hop refuses before sending) from a server that answers a Range as RFC 9110 says (206, or 416 past
// the end), ignores it (200), answers it from another offset, or always 416; the body whole or cut short. curl and hop curl each resume their own
// copy: both must end alike and leave the same bytes (hop's in f.part where a download anew broke).
// HOP_RESUME_SEEDS searches longer, HOP_RESUME_FIRST moves on.
//
// Where hop does otherwise on purpose (README), the test checks hop's way: a 416 for a file that is not
// the resource whole is exit 4, the file left (curl ends well); a server that ignores the Range gets the
// file anew, replaced only once whole (curl stops, 33, or takes a length the file's size as done); a 206
// from another offset is refused by both, hop's exit 1 for curl's 33.
func TestRandomResumesAsCurl(t *testing.T) {
	lookCurl(t)
	var (
		mu       sync.Mutex
		mode     string
		resource []byte
		cut      bool
		ranges   []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		m, body, short := mode, resource, cut
		ranges = append(ranges, r.Header.Get("Range"))
		mu.Unlock()
		send := func(status int, b []byte, contentRange string) {
			w.Header().Set("Content-Length", strconv.Itoa(len(b)))
			if contentRange != "" {
				w.Header().Set("Content-Range", contentRange)
			}
			w.WriteHeader(status)
			if short && len(b) > 1 {
				w.Write(b[:len(b)/2]) // the connection ends before the length said
				panic(http.ErrAbortHandler)
			}
			w.Write(b)
		}
		from, ok := -1, false
		if v, found := strings.CutPrefix(r.Header.Get("Range"), "bytes="); found && strings.HasSuffix(v, "-") {
			from, _ = strconv.Atoi(strings.TrimSuffix(v, "-"))
			ok = true
		}
		switch {
		case !ok || m == "ignore":
			send(http.StatusOK, body, "")
		case m == "always416" || from >= len(body):
			w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", len(body)))
			w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
		case m == "elsewhere":
			start := max(0, from-3)
			send(http.StatusPartialContent, body[start:], fmt.Sprintf("bytes %d-%d/%d", start, len(body)-1, len(body)))
		default:
			send(http.StatusPartialContent, body[from:], fmt.Sprintf("bytes %d-%d/%d", from, len(body)-1, len(body)))
		}
	}))
	defer srv.Close()

	first, n := envSeed("HOP_RESUME_FIRST", 1), envSeed("HOP_RESUME_SEEDS", 40)
	for seed := first; seed < first+n; seed++ {
		r := rand.New(rand.NewPCG(seed, 128))
		pick := func(s ...string) string { return s[r.IntN(len(s))] }
		body := make([]byte, 1+r.IntN(5000))
		for i := range body {
			body[i] = byte('a' + r.IntN(26))
		}
		var had []byte
		state := pick("none", "empty", "part", "part", "whole", "more")
		switch state {
		case "empty":
			had = []byte{}
		case "part":
			had = bytes.Clone(body[:r.IntN(len(body))])
		case "whole":
			had = bytes.Clone(body)
		case "more":
			had = append(bytes.Clone(body), "extra"...)
		}
		m := pick("honour", "honour", "ignore", "elsewhere", "always416")
		short := r.IntN(5) == 0
		at := "-"
		switch r.IntN(6) {
		case 0:
			at = strconv.Itoa(len(had)) // the offset typed, as the file's size
		case 1:
			at = "0" // no resume: the file anew
		case 2:
			at = strconv.Itoa(len(had) + 7) // not what the file holds: hop refuses it
		}
		args := []string{"-s", "-C", at, "-o", "f", srv.URL + "/file"}
		line := fmt.Sprintf("seed %d: a file of %d bytes of %d (%s), a server that %s the Range (cut: %v): curl %s", seed, len(had), len(body), state, m, short, strings.Join(args, " "))
		mu.Lock()
		mode, resource, cut = m, body, short
		mu.Unlock()
		var files [2][]byte
		var codes [2]int
		var stderr string
		var asked [2][]string
		var dirs [2]string
		for i, tool := range []string{"curl", "hop"} {
			dir := t.TempDir()
			dirs[i] = dir
			if had != nil {
				if err := os.WriteFile(filepath.Join(dir, "f"), had, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			mu.Lock()
			ranges = nil
			mu.Unlock()
			_, codes[i], stderr = runEnv(t, dir, nil, append(curlTool(t, tool), args...)...)
			time.Sleep(10 * time.Millisecond)
			mu.Lock()
			asked[i] = ranges
			mu.Unlock()
			files[i], _ = os.ReadFile(filepath.Join(dir, "f"))
		}
		hopFile := files[1]
		if part, err := os.ReadFile(filepath.Join(dirs[1], "f.part")); err == nil {
			hopFile = part // hop keeps a cut download's bytes in f.part, for -C to resume, where curl leaves them in f
		}
		complete := len(had) == len(body) && bytes.Equal(had, body)
		switch {
		case at != "-" && at != "0" && at != strconv.Itoa(len(had)):
			// An offset that is not what the file holds: hop refuses it before sending (curl would append
			// the rest from there to whatever the file holds).
			if codes[1] != 2 || !bytes.Equal(files[1], had) || len(asked[1]) > 0 {
				t.Errorf("%s: hop curl exit %d, asked %q, left %d bytes of the %d there; want exit 2, nothing sent", line, codes[1], asked[1], len(files[1]), len(had))
			}
			continue
		case at != "0" && codes[1] == 4 && !complete && m != "ignore" && len(had) > 0:
			// A 416 for a file that is not the resource whole (longer than it, or cut short while the server
			// says 416 all the same): hop says so (exit 4) and leaves the file; curl ends well, as if it were
			// complete.
			if codes[0] != 0 || !bytes.Equal(files[1], had) {
				t.Errorf("%s: curl exit %d, hop curl exit 4 and left %d bytes of the %d there", line, codes[0], len(files[1]), len(had))
			}
			continue
		case at != "0" && m == "ignore" && len(had) > 0 && (codes[0] == 33 || complete && codes[0] == 0):
			// A server that ignores the Range: hop starts the file again, replacing it once the body is whole
			// (curl stops, exit 33, or takes a length the file's size as the file complete).
			if short && (codes[1] != 18 || !bytes.Equal(files[1], had)) || !short && (codes[1] != 0 || !bytes.Equal(files[1], body)) {
				t.Errorf("%s: hop curl exit %d and left %d bytes, want the resource whole, or the file as it was with exit 18 when cut", line, codes[1], len(files[1]))
			}
			continue
		case codes[0] == 33 && codes[1] == 1:
			// A 206 from another offset: both refuse it (hop's exit 1, curl's 33), the file as it was.
			codes[1] = 33
		}
		files[1] = hopFile
		if codes[0] != codes[1] {
			t.Errorf("%s: curl exit %d, hop curl exit %d: %s (curl asked %q, hop %q)", line, codes[0], codes[1], lastLine(stderr), asked[0], asked[1])
			continue
		}
		if !bytes.Equal(files[0], files[1]) {
			t.Errorf("%s: hop curl left %d bytes (the resource: %v), curl %d (the resource: %v); curl asked %q, hop %q", line,
				len(files[1]), bytes.Equal(files[1], body), len(files[0]), bytes.Equal(files[0], body), asked[0], asked[1])
		}
	}
}
