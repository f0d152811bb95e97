package cmd

import (
	"bytes"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/format"
)

// hop curl -Z sends several URLs at once. A URL whose body goes to a file runs beside the others, what it
// writes (its note, heads, -w's line, its error) held until it ends and then written whole; the URLs whose
// bodies go to stdout have stdout to themselves, one at a time in the command's order, and write as they
// go, so bodies never mix (curl -Z interleaves them as they arrive). On a terminal, one line under the
// rest says how many URLs are done and how many bytes were saved, as curl -Z's meter does.

// parallel sends the plan's URLs, at most plan.Parallel of them under way at once.
func (c *curlRun) parallel(s *Streams, parts []*RequestOptions) {
	con := &console{s: s}
	if out := parts[0].Output; s.ErrTTY && !out.hushed() {
		stop, stopped := make(chan struct{}), make(chan struct{})
		go con.meter(c, stop, stopped)
		defer func() { close(stop); <-stopped }()
	}
	slots := make(chan struct{}, c.plan.Parallel)
	onStdout := make(chan *curlJob, c.plan.Parallel) // never full: each URL in it holds a slot
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := range onStdout {
			con.foreground(func() { c.send(s, j) })
			con.queued.Add(-1)
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
		if !j.o.Output.downloading() || argfile.Descriptor(j.o.Output.File) { // -o /dev/stdout is stdout too
			con.queued.Add(1)
			onStdout <- j
			continue
		}
		j.o.Output.received = &con.received // one line for them all: bars would overwrite each other
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
	s        *Streams
	mu       sync.Mutex
	busy     bool         // a URL on stdout is writing
	pending  []*recorder  // URLs that ended while it was
	received atomic.Int64 // bytes the URLs saved to files
	queued   atomic.Int64 // URLs on stdout waiting or writing: the meter waits for them
	drawn    bool         // the meter's line is on the terminal
}

// meter draws, until stop is closed, a line saying how far the run has come, whenever no URL writes to the
// terminal as it goes; the line is cleared before anything else is written, and at the end.
func (c *console) meter(run *curlRun, stop <-chan struct{}, stopped chan<- struct{}) {
	defer close(stopped)
	t0 := time.Now()
	tick := time.NewTicker(150 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			c.mu.Lock()
			c.clear()
			c.mu.Unlock()
			return
		case <-tick.C:
			run.mu.Lock()
			label := fmt.Sprintf("%d of %d URLs done, %d under way", run.finished, run.total, run.sent-run.finished)
			run.mu.Unlock()
			c.mu.Lock()
			if !c.busy && c.queued.Load() == 0 {
				format.ProgressLine(c.s.Err, c.s.ErrStyle(), format.Progress{Bytes: c.received.Load(), Total: -1, Elapsed: time.Since(t0), Label: label})
				c.drawn = true
			}
			c.mu.Unlock()
		}
	}
}

// clear takes the meter's line off the terminal; c.mu is held.
func (c *console) clear() {
	if c.drawn {
		format.ProgressDone(c.s.Err)
		c.drawn = false
	}
}

// foreground runs f, which writes to the console's streams as it goes.
func (c *console) foreground(f func()) {
	c.mu.Lock()
	c.busy = true
	c.clear()
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
	c.clear()
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
