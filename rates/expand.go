package rates

import (
	"sync"
	"sync/atomic"
)

// The rows of a kept in_network item are made on a goroutine of their
// own: with no provider filter an item of the benchmark file expands to
// some 35,000 rows, which the Parquet writer takes longer to encode than
// the scanner takes to read the item. Made on the scanning goroutine,
// they held it back whenever the writer was behind (a second in all),
// and with it the reader and gunzip. Handed over in their encoded form
// (a few tens of KB), they let the scanner go on skipping the next items
// while the writer catches up.

// expandMax is the largest item (its encoded records) handed to the
// expander: with one queued, one being expanded, one being read and one
// spare, at most four items' records are in memory. Larger items are
// expanded on the scanning goroutine as before. Lowered by tests.
var expandMax = 1 << 20

// expandRowsMax is how many rows a scan makes on the expander; past
// them it makes them on the scanning goroutine again. The Parquet writer
// keeps every row group's metadata until the file is closed, so the heap
// left for the rest grows tighter with the rows written, and two
// goroutines allocating rows at once cost 5-6 MB more at the peak (a
// file of 20.9 million rows went from 119 to 124-125 MiB). The 2.3 GB
// benchmark file has 1.47 million rows.
const expandRowsMax = 4 << 20

// itemJob is a kept item whose entries (s.item's records) wait to become
// rows.
type itemJob struct {
	h itemHeader
	b []byte
}

// expander is the goroutine that turns items into rows. While it has
// work it alone uses what emitEntry uses: the provider store (for
// reading), the duplicate set, the row batch, the remote references and
// Result.Rows. The scanner calls drain before touching any of them.
type expander struct {
	jobs    chan itemJob
	free    chan []byte
	pending sync.WaitGroup
	done    chan struct{}
	mu      sync.Mutex
	err     error        // the first error making rows; later jobs are dropped
	rows    atomic.Int64 // rows made so far, by either goroutine
}

// expand hands the current item (its header and s.item's records) to
// the expander, starting it on first use. It waits while one item is
// already queued.
func (s *scanner) expand(h itemHeader) error {
	x := &s.exp
	if x.jobs == nil {
		x.jobs = make(chan itemJob, 1)
		x.free = make(chan []byte, 1)
		x.done = make(chan struct{})
		go s.expandLoop()
	}
	if err := x.failed(); err != nil {
		return err
	}
	b := s.item.b
	select {
	case s.item.b = <-x.free:
	default:
		s.item.b = nil
	}
	x.pending.Add(1)
	x.jobs <- itemJob{h: h, b: b}
	return nil
}

func (s *scanner) expandLoop() {
	x := &s.exp
	defer close(x.done)
	for j := range x.jobs {
		if x.failed() == nil {
			if err := s.emitItem(&j.h, j.b); err != nil {
				x.mu.Lock()
				x.err = err
				x.mu.Unlock()
			}
		}
		select {
		case x.free <- j.b[:0]:
		default:
		}
		x.pending.Done()
	}
}

func (x *expander) failed() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.err
}

// drain waits until every item handed over has become rows, and returns
// the first error doing so.
func (s *scanner) drain() error {
	if s.exp.jobs == nil {
		return nil
	}
	s.exp.pending.Wait()
	return s.exp.failed()
}

// stopExpander ends the expander's goroutine, if it was started.
func (s *scanner) stopExpander() {
	if s.exp.jobs != nil {
		close(s.exp.jobs)
		<-s.exp.done
		s.exp.jobs = nil
	}
}

// emitItem turns the records of one kept item into rows.
func (s *scanner) emitItem(h *itemHeader, b []byte) error {
	s.seen.reset()
	d := dec{b: b}
	for d.more() {
		if err := s.emitEntry(h, d.bytes()); err != nil {
			return err
		}
	}
	return d.err
}
