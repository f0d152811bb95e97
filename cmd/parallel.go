package cmd

import (
	"bytes"
	"sync"
	"time"
)

// hop curl -Z sends several URLs at once. A URL whose body goes to a file runs beside the others, what it
// writes (its note, heads, -w's line, its error) held until it ends and then written whole; the URLs whose
// bodies go to stdout have stdout to themselves, one at a time in the command's order, and write as they
// go, so bodies never mix (curl -Z interleaves them as they arrive).

// parallel sends the plan's URLs, at most plan.Parallel of them under way at once.
func (c *curlRun) parallel(s *Streams, parts []*RequestOptions) {
	con := &console{s: s}
	slots := make(chan struct{}, c.plan.Parallel)
	onStdout := make(chan *curlJob, c.plan.Parallel) // never full: each URL in it holds a slot
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := range onStdout {
			con.foreground(func() { c.send(s, j) })
			<-slots
		}
	}()
	var started time.Time // the last URL's start, for --rate
	for j := range curlJobs(parts, c.plan) {
		select {
		case slots <- struct{}{}:
		case <-c.ctx.Done():
		}
		if !c.pace(&started) {
			break // the slot, if one was taken, is never needed again
		}
		if !j.o.Output.downloading() {
			onStdout <- j
			continue
		}
		j.o.Output.noProgress = true // bars for several files would overwrite each other
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := con.recorder()
			c.send(rec.streams, j)
			con.done(rec)
			<-slots
		}()
	}
	close(onStdout)
	wg.Wait()
}

// console keeps the output of URLs sent at once from mixing: the URL on stdout writes as it goes; another
// URL's output is recorded and written whole when it ends, or once the URL on stdout has ended.
type console struct {
	s       *Streams
	mu      sync.Mutex
	busy    bool        // a URL on stdout is writing
	pending []*recorder // URLs that ended while it was
}

// foreground runs f, which writes to the console's streams as it goes.
func (c *console) foreground(f func()) {
	c.mu.Lock()
	c.busy = true
	c.mu.Unlock()
	f()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.busy = false
	for _, r := range c.pending {
		r.replay(c.s)
	}
	c.pending = nil
}

// recorder returns streams, the console's but for where they write, that record what is written to them.
func (c *console) recorder() *recorder {
	r := &recorder{}
	st := *c.s
	st.Out, st.Err = recorded{r, false}, recorded{r, true}
	r.streams = &st
	return r
}

// done writes what r recorded, now or once the URL on stdout has ended.
func (c *console) done(r *recorder) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.busy {
		c.pending = append(c.pending, r)
		return
	}
	r.replay(c.s)
}

// recorder holds what a URL wrote to stdout and stderr, in the order it wrote it.
type recorder struct {
	streams *Streams
	mu      sync.Mutex
	chunks  []chunk
}

type chunk struct {
	stderr bool
	b      []byte
}

// recorded is one of a recorder's streams.
type recorded struct {
	r      *recorder
	stderr bool
}

func (w recorded) Write(p []byte) (int, error) {
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	if n := len(w.r.chunks); n > 0 && w.r.chunks[n-1].stderr == w.stderr {
		w.r.chunks[n-1].b = append(w.r.chunks[n-1].b, p...)
	} else {
		w.r.chunks = append(w.r.chunks, chunk{w.stderr, bytes.Clone(p)})
	}
	return len(p), nil
}

// replay writes what r recorded to s.
func (r *recorder) replay(s *Streams) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.chunks {
		if c.stderr {
			s.Err.Write(c.b)
		} else {
			s.Out.Write(c.b)
		}
	}
}
