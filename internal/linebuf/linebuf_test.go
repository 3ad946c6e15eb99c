package linebuf

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer that records each Write it receives.
type syncBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLinesWholeAndInOrder: lines from many goroutines arrive whole, each
// goroutine's in order, in fewer writes than lines; nothing is lost at
// Close.
func TestLinesWholeAndInOrder(t *testing.T) {
	var out syncBuffer
	w := New(&out, 1024, time.Hour) // only size and Close flush here
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				fmt.Fprintf(w, "g%d line %04d %s\n", g, i, strings.Repeat("x", i%50))
			}
		}()
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 8*500 {
		t.Fatalf("%d lines, want %d", len(lines), 8*500)
	}
	next := map[string]int{}
	for _, l := range lines {
		f := strings.Fields(l) // g, "line", i, and the padding when i%50 > 0
		if len(f) < 3 || f[1] != "line" {
			t.Fatalf("torn line %q", l)
		}
		g := f[0]
		i, err := strconv.Atoi(f[2])
		if err != nil {
			t.Fatalf("torn line %q", l)
		}
		if i != next[g] {
			t.Fatalf("%s: line %d after %d", g, i, next[g]-1)
		}
		if want := strings.Repeat("x", i%50); len(f) == 4 && f[3] != want || len(f) == 3 && want != "" {
			t.Fatalf("torn line %q", l)
		}
		next[g]++
	}
	if out.writes >= len(lines)/10 {
		t.Errorf("%d writes for %d lines: not batched", out.writes, len(lines))
	}
}

// TestFlushedByTimer: a line reaches the writer without Close, within the
// interval.
func TestFlushedByTimer(t *testing.T) {
	var out syncBuffer
	w := New(&out, 1<<16, 10*time.Millisecond)
	defer w.Close()
	fmt.Fprintln(w, "hello")
	deadline := time.Now().Add(10 * time.Second) // generous: only a hang fails
	for out.String() != "hello\n" {
		if time.Now().After(deadline) {
			t.Fatal("the line was never written")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestLargeWriteAndAfterClose: a write larger than the buffer goes after
// what was kept; writes after Close go straight through.
func TestLargeWriteAndAfterClose(t *testing.T) {
	var out syncBuffer
	w := New(&out, 16, time.Hour)
	fmt.Fprint(w, "small\n")
	big := strings.Repeat("b", 40) + "\n"
	fmt.Fprint(w, big)
	if got := out.String(); got != "small\n"+big {
		t.Fatalf("got %q", got)
	}
	w.Close()
	fmt.Fprint(w, "late\n")
	if got := out.String(); !strings.HasSuffix(got, "late\n") {
		t.Fatalf("after Close: %q", got)
	}
}

type failing struct{}

func (failing) Write(p []byte) (int, error) { return 0, errors.New("disk full") }

// TestWriteError: the underlying writer's error is returned, then again.
func TestWriteError(t *testing.T) {
	w := New(failing{}, 8, time.Hour)
	fmt.Fprint(w, "abc")
	if _, err := w.Write([]byte("0123456789")); err == nil {
		t.Fatal("no error from a failing writer")
	}
	if _, err := w.Write([]byte("x")); err == nil || err.Error() != "disk full" {
		t.Fatalf("later write: %v", err)
	}
	if err := w.Close(); err == nil {
		t.Fatal("Close hid the error")
	}
}
