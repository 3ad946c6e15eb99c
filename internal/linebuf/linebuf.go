// Package linebuf batches a log's lines: a busy server writes one log line
// per request, and one write system call per line was a sixth of the
// self-check's CPU at 200 connections (docs/benchmarks/web.md). Lines are
// kept whole and in order, and reach the underlying writer within the
// flush interval, when the buffer fills, or on Flush and Close.
package linebuf

import (
	"io"
	"sync"
	"time"
)

// Writer buffers whole writes (a log handler writes one record per call)
// and writes them out in batches. It is safe for concurrent use.
type Writer struct {
	mu   sync.Mutex
	w    io.Writer
	buf  []byte
	size int
	err  error // the first write error, returned by later calls

	stop chan struct{}
	done chan struct{}
}

// New returns a Writer that holds up to size bytes and writes them to w at
// least every interval.
func New(w io.Writer, size int, interval time.Duration) *Writer {
	b := &Writer{w: w, buf: make([]byte, 0, size), size: size, stop: make(chan struct{}), done: make(chan struct{})}
	go b.run(interval)
	return b
}

func (b *Writer) run(interval time.Duration) {
	defer close(b.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			b.Flush()
		case <-b.stop:
			return
		}
	}
}

// Write keeps p to be written with the next batch. A write larger than
// the buffer goes straight through, after what was kept before it.
func (b *Writer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return 0, b.err
	}
	if len(b.buf)+len(p) > b.size {
		if err := b.flushLocked(); err != nil {
			return 0, err
		}
	}
	if len(p) > b.size {
		if _, err := b.w.Write(p); err != nil {
			b.err = err
			return 0, err
		}
		return len(p), nil
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

// Flush writes out what is kept.
func (b *Writer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flushLocked()
}

func (b *Writer) flushLocked() error {
	if b.err != nil || len(b.buf) == 0 {
		return b.err
	}
	_, err := b.w.Write(b.buf)
	b.buf = b.buf[:0]
	if err != nil {
		b.err = err
	}
	return err
}

// Close stops the timer and writes out what is kept. Writes after Close
// go straight through.
func (b *Writer) Close() error {
	select {
	case <-b.stop:
	default:
		close(b.stop)
	}
	<-b.done
	b.mu.Lock()
	defer b.mu.Unlock()
	err := b.flushLocked()
	b.size = 0
	return err
}
