package testserver

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// flaky serves /flaky/{key}/{n}: the first n requests for key fail, the ones after succeed. Each key counts
// on its own, so tests running side by side do not share a counter. The query says how a request fails:
//
//	status=503        the failing status (default 503)
//	retry-after=2     a Retry-After header in seconds; retry-after=date:2 is an HTTP date 2 seconds ahead
//	mode=empty        close the connection without answering instead
//
// A success answers {"attempt": k, "method": "GET", "body": "..."}, k counting from 1: the body shows that a
// retried request carried its body again.
type flaky struct {
	mu   sync.Mutex
	seen map[string]int
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		http.Error(w, "n must be a number", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.seen[r.PathValue("key")]++
	attempt := f.seen[r.PathValue("key")]
	f.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	if attempt > n {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"attempt": attempt, "method": r.Method, "body": string(body)})
		return
	}
	q := r.URL.Query()
	if q.Get("mode") == "empty" {
		raw(w, func(*bufio.ReadWriter) {})
		return
	}
	if ra := q.Get("retry-after"); ra != "" {
		if secs, ok := strings.CutPrefix(ra, "date:"); ok {
			s, _ := strconv.Atoi(secs)
			ra = time.Now().Add(time.Duration(s) * time.Second).UTC().Format(http.TimeFormat)
		}
		w.Header().Set("Retry-After", ra)
	}
	status, err := strconv.Atoi(q.Get("status"))
	if err != nil {
		status = http.StatusServiceUnavailable
	}
	http.Error(w, "failing on purpose: attempt "+strconv.Itoa(attempt)+" of "+strconv.Itoa(n)+" that fail", status)
}

// empty closes the connection without answering: curl's "empty reply from server".
func empty(w http.ResponseWriter, _ *http.Request) {
	raw(w, func(*bufio.ReadWriter) {})
}

// SessionCookie is the value /session/login sets: tests look for it in hop's output, where it must not be.
const SessionCookie = "sid-7f3a9c2e51d84b06"

// login sets the session cookie and redirects to ?next= (default /robots.txt, which echoes nothing back), so
// that a test can follow a login the way a browser does.
func login(w http.ResponseWriter, r *http.Request) {
	next := r.URL.Query().Get("next")
	if next == "" {
		next = "/robots.txt"
	}
	http.SetCookie(w, &http.Cookie{Name: "sid", Value: SessionCookie, Path: "/", HttpOnly: true})
	http.Redirect(w, r, next, http.StatusFound)
}
