package request

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
)

func TestSendTracesEveryHop(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	c, err := NewClient(Options{Follow: true, MaxRedirects: 5, ConnectTimeout: 5 * time.Second, IdleTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Build(Spec{Method: "GET", URL: srv.URL + "/redirect/2"})
	if err != nil {
		t.Fatal(err)
	}
	sent, err := c.Send(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	last := sent[len(sent)-1].Response
	io.Copy(io.Discard, last.Body)
	last.Body.Close()
	hops := c.Tracer.Hops()
	if len(sent) != 3 || len(hops) != 3 {
		t.Fatalf("sent %d requests and traced %d hops, want 3 and 3", len(sent), len(hops))
	}
	for i, want := range []int{302, 302, 200} {
		if hops[i].Status != want {
			t.Errorf("hop %d status %d, want %d", i, hops[i].Status, want)
		}
	}
	if !hops[1].Reused || !hops[2].Reused {
		t.Errorf("later hops should reuse the connection: %v %v", hops[1].Reused, hops[2].Reused)
	}
	if hops[2].Events.BodyDone.IsZero() {
		t.Errorf("the final hop's transfer end was not stamped")
	}
}

func TestSendIdleTimeoutNamesPhase(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	c, _ := NewClient(Options{ConnectTimeout: 5 * time.Second, IdleTimeout: 200 * time.Millisecond})
	r, _ := Build(Spec{Method: "GET", URL: srv.URL + "/misbehave/delay-first-byte/3000"})
	_, err := c.Send(context.Background(), r)
	var te *TimeoutError
	if !errors.As(err, &te) || te.Limit != "idle" || te.Phase != "the first byte" {
		t.Fatalf("error = %v, want an idle TimeoutError waiting for the first byte", err)
	}
}

// TestIdleConnTrickle: a peer that sends a byte every 2/5 of the idle limit, for longer than the limit in
// all, never trips it; once it goes quiet, the next read fails with a deadline error.
func TestIdleConnTrickle(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	const idle = 150 * time.Millisecond
	quiet := make(chan struct{})
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		for range 8 {
			time.Sleep(idle * 2 / 5)
			if _, err := c.Write([]byte{'x'}); err != nil {
				return
			}
		}
		<-quiet
	}()
	defer close(quiet)
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := newIdleConn(raw, idle)
	defer c.Close()
	buf := make([]byte, 1)
	for i := range 8 {
		if _, err := c.Read(buf); err != nil {
			t.Fatalf("read %d of a trickle: %v, want no idle timeout", i, err)
		}
	}
	if _, err := c.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read from a quiet peer: %v, want a deadline error", err)
	}
}
