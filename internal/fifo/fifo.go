// Package fifo provides a gate that admits CPU-bound work a few at a time,
// in the order it arrives.
//
// A server answering 200 connections at once on a few cores has 200
// runnable handlers; the Go scheduler runs them in whatever order it
// picks, and under load some wait several times longer than the rest.
// Passing the CPU-bound part of each request (judging a case, rendering
// its answer) through a gate as wide as the CPUs keeps every core busy and
// serves requests in turn: the same throughput with a much shorter tail.
// Reading the request and writing the answer stay outside the gate, so a
// slow client never holds a place.
package fifo

import (
	"context"
	"runtime"
)

// Gate is a counting semaphore whose waiters enter in FIFO order (the
// order in which a channel wakes blocked senders). The zero value is not
// usable; make one with New.
type Gate struct {
	places chan struct{}
}

// New returns a gate admitting n at a time; n < 1 means one per CPU
// (runtime.GOMAXPROCS).
func New(n int) *Gate {
	if n < 1 {
		n = runtime.GOMAXPROCS(0)
	}
	return &Gate{places: make(chan struct{}, n)}
}

// Width is how many the gate admits at once.
func (g *Gate) Width() int { return cap(g.places) }

// Enter waits for a place, or until ctx is done (the client went away).
func (g *Gate) Enter(ctx context.Context) error {
	select {
	case g.places <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Leave gives the place back.
func (g *Gate) Leave() { <-g.places }
