package testserver

import (
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// together serves /together/{key}/{n}: each request for key waits until n of them are under way at once,
// then all n are answered 200 "together"; one that waits alone too long (wait=DURATION in the query, 10s by
// default) is answered 504 "alone". A client that sends the n requests one after another never gets a
// 200: it shows requests were in flight at the same time without timing anything. Each key has groups of
// its own, so tests running side by side do not meet.
type together struct {
	mu     sync.Mutex
	groups map[string]*rendezvous
}

// rendezvous is a group of requests waiting for one another.
type rendezvous struct {
	waiting int
	met     chan struct{} // closed once n are waiting
}

func (t *together) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		http.Error(w, "n must be a number", http.StatusBadRequest)
		return
	}
	wait := 10 * time.Second
	if v := r.URL.Query().Get("wait"); v != "" {
		if wait, err = time.ParseDuration(v); err != nil {
			http.Error(w, "wait must be a duration", http.StatusBadRequest)
			return
		}
	}
	key := r.PathValue("key")
	t.mu.Lock()
	g := t.groups[key]
	if g == nil {
		g = &rendezvous{met: make(chan struct{})}
		t.groups[key] = g
	}
	if g.waiting++; g.waiting == n {
		close(g.met)
		delete(t.groups, key) // the next request for key starts a new group
	}
	t.mu.Unlock()
	select {
	case <-g.met:
		io.WriteString(w, "together\n")
		return
	case <-time.After(wait):
	case <-r.Context().Done():
	}
	t.mu.Lock()
	select {
	case <-g.met: // met as the wait ended
		t.mu.Unlock()
		io.WriteString(w, "together\n")
		return
	default:
		g.waiting--
	}
	t.mu.Unlock()
	w.WriteHeader(http.StatusGatewayTimeout)
	io.WriteString(w, "alone\n")
}
