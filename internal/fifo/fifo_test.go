package fifo

import (
	"context"
	"runtime"
	"testing"
)

// TestGate: the gate admits as many as it is wide; a waiter whose
// request is given up leaves without a place; a place given back admits
// the next.
func TestGate(t *testing.T) {
	g := New(2)
	ctx := context.Background()
	for range 2 {
		if err := g.Enter(ctx); err != nil {
			t.Fatal(err)
		}
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if err := g.Enter(gone); err == nil {
		t.Fatal("entered a full gate")
	}
	entered := make(chan error)
	go func() { entered <- g.Enter(ctx) }()
	g.Leave()
	if err := <-entered; err != nil {
		t.Fatal(err)
	}
	if n := len(g.places); n != 2 {
		t.Errorf("%d places taken, want 2", n)
	}
}

func TestNewWidth(t *testing.T) {
	for _, tc := range []struct{ n, want int }{
		{3, 3},
		{1, 1},
		{0, runtime.GOMAXPROCS(0)},
		{-1, runtime.GOMAXPROCS(0)},
	} {
		if got := New(tc.n).Width(); got != tc.want {
			t.Errorf("New(%d).Width() = %d, want %d", tc.n, got, tc.want)
		}
	}
}
