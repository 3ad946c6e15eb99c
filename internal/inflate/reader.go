package inflate

import (
	"encoding/binary"
	"hash/crc32"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"
)

// Options tunes a Reader; the zero value is right outside tests.
type Options struct {
	// Workers is how many goroutines decode pieces (default GOMAXPROCS).
	Workers int
	// SegmentSize is how many compressed bytes each piece starts in
	// (default 64 KiB for one worker, 128 KiB for more). Tests make it small to cross many piece borders.
	SegmentSize int
	// MaxPieceOutput bounds the bytes a worker decodes for one piece
	// (default 32 MiB); a piece that would make more is decoded in order.
	MaxPieceOutput int
}

// Reader decompresses a gzip stream. Its output is exactly what a
// sequential gzip reader gives, including its errors: a corrupt stream,
// a bad checksum or length (gzip.ErrChecksum), a bad header
// (gzip.ErrHeader), or io.ErrUnexpectedEOF for a truncated one. Streams of
// several members are read too; the members after the first are decoded
// in order.
type Reader struct {
	opt    Options
	outCap int // limit for decode into an out buffer

	outs bufPool[byte] // a worker's output
	seqs bufPool[byte] // output decoded in order, and markers replaced
	pres bufPool[uint16]
	ins  bufPool[byte]

	work    workQueue
	ordered chan *job
	pieces  chan piece
	quit    chan struct{}
	seqOnly atomic.Bool
	// inOrderOnly is closed with seqOnly set: no job is taken after that,
	// so a worker waiting for one to be taken stops waiting.
	inOrderOnly chan struct{}
	wg          sync.WaitGroup
	closed      sync.Once

	cur piece
	off int
	err error

	// coordinator state
	pos    int64 // bit position of the next undecoded block
	window []byte
	crc    uint32
	size   uint32
	lut    [2 * windowSize]byte
	// the recent compression ratio, for segmentSize
	ratio   atomic.Int64
	ahead   []*job
	current *job
	dec     decoder
}

// piece is a run of output handed to Read, or the error that ends it.
type piece struct {
	b       []byte
	release func()
	err     error
}

// job is one segment of compressed input, with the next segment after it
// so that its last block can run past the segment's end.
type job struct {
	seq     int64 // 0 for the first job, 1 for the next...
	off     int64 // compressed offset of data[0]
	data    []byte
	segLen  int
	last    bool  // nothing follows data
	readErr error // why nothing follows data, when not the end of input
	start   int64 // for the first job, the bit where deflate data starts
	done    chan struct{}
	res     result

	// With one worker: the job before, and, once the coordinator has
	// taken this job (taken closed), where its output ended and the
	// window there (after).
	prev  *job
	taken chan struct{}
	after lastPiece
}

// stopBit is where the job's territory ends: its last block is the one
// that ends at or after this bit.
func (j *job) stopBit() int64 {
	if j.last {
		return 1<<62 - 1
	}
	return (j.off + int64(j.segLen)) * 8
}

// NewReader starts decompressing r in the background.
func NewReader(r io.Reader, opt Options) *Reader {
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.SegmentSize <= 0 {
		// One worker decodes every job from where the last one ended and
		// needs no search for a block start: small jobs keep its buffers
		// small. Several workers each search their job's start, which
		// larger jobs pay for less often.
		opt.SegmentSize = 64 << 10
		if opt.Workers > 1 {
			opt.SegmentSize = 128 << 10
		}
	}
	if opt.MaxPieceOutput <= 0 {
		opt.MaxPieceOutput = 32 << 20
	}
	// Jobs queued beyond those being decoded, so that a worker seldom
	// waits for the coordinator or the reader of the output.
	depth := opt.Workers + 1
	z := &Reader{
		opt:         opt,
		outCap:      windowSize + opt.MaxPieceOutput,
		work:        workQueue{ready: make(chan struct{}, 1)},
		ordered:     make(chan *job, depth),
		pieces:      make(chan piece, 1),
		quit:        make(chan struct{}),
		inOrderOnly: make(chan struct{}),
		window:      make([]byte, 0, windowSize),
	}
	// Output buffers start at what a piece makes at a compression ratio of
	// 16 and grow when a piece makes more.
	first := windowSize + 16*opt.SegmentSize + slack
	z.outs = newPool[byte](first, depth+opt.Workers+3)
	z.seqs = newPool[byte](windowSize+pieceOut+slack, 3)
	z.pres = newPool[uint16](first, depth+opt.Workers)
	z.ins = newPool[byte](2*opt.SegmentSize+16, 2*depth+2)
	go z.readInput(r)
	z.wg.Add(opt.Workers + 1)
	for range opt.Workers {
		go z.worker()
	}
	go z.coordinate()
	return z
}

// Read reads decompressed bytes.
func (z *Reader) Read(p []byte) (int, error) {
	for z.off == len(z.cur.b) {
		if z.err != nil {
			return 0, z.err
		}
		if z.cur.release != nil {
			z.cur.release()
		}
		pc, ok := <-z.pieces
		if !ok {
			pc = piece{err: io.EOF}
		}
		z.cur, z.off, z.err = pc, 0, pc.err
	}
	n := copy(p, z.cur.b[z.off:])
	z.off += n
	return n, nil
}

// Close stops the goroutines. The underlying reader is not closed; a
// goroutine blocked reading it ends when it returns.
func (z *Reader) Close() error {
	z.closed.Do(func() { close(z.quit) })
	go func() {
		for range z.pieces {
		}
	}()
	z.wg.Wait()
	return nil
}

// segmentSize is how many compressed bytes the next job starts in: the
// configured size, or less where the stream compresses so well that a job
// would make more output than a buffer starts with (16 segments' worth), so
// that memory stays the same whatever the ratio. Until the first jobs are
// done the ratio is unknown, and jobs start small.
func (z *Reader) segmentSize() int {
	s := z.opt.SegmentSize
	r := z.ratio.Load() // output per compressed byte, in 256ths
	if r == 0 {
		return min(s, firstSegment)
	}
	if r > 32*256 {
		s = int(max(minSegment, int64(32*s)*256/r))
	}
	return min(s, z.opt.SegmentSize)
}

// firstSegment is the size of the jobs read before any is decoded.
const firstSegment = 16 << 10

// minSegment bounds how small segmentSize makes a job: a job has a fixed
// cost (a goroutine hand-off, and with several workers a search for its
// first block).
const minSegment = 2 << 10

// readInput reads r into jobs of two segments each and hands them out.
func (z *Reader) readInput(r io.Reader) {
	defer close(z.ordered)
	defer z.work.close()
	cur := &job{data: z.ins.get(), done: make(chan struct{}), taken: make(chan struct{}), start: -1}
	n, err := io.ReadFull(r, cur.data[:z.segmentSize()])
	cur.segLen = n
	first := true
	for {
		var m int
		if err == nil {
			m, err = io.ReadFull(r, cur.data[cur.segLen:cur.segLen+z.segmentSize()])
		}
		cur.data = cur.data[:cur.segLen+m]
		if first {
			first = false
			h, herr := headerLen(cur.data)
			if herr != nil {
				cur.readErr, cur.last = herr, true
				cur.data = cur.data[:0]
				z.send(cur)
				return
			}
			cur.start = int64(h) * 8
		}
		if m == 0 {
			cur.last = true
			if err != io.EOF && err != io.ErrUnexpectedEOF {
				cur.readErr = err
			}
			z.send(cur)
			return
		}
		next := &job{seq: cur.seq + 1, off: cur.off + int64(cur.segLen), data: z.ins.get(), segLen: m, done: make(chan struct{}), taken: make(chan struct{}), start: -1}
		if z.opt.Workers == 1 {
			next.prev = cur
		}
		copy(next.data, cur.data[cur.segLen:])
		if !z.send(cur) {
			return
		}
		cur = next
	}
}

func (z *Reader) send(j *job) bool {
	select {
	case z.ordered <- j:
	case <-z.quit:
		return false
	}
	z.work.push(j)
	return true
}

// workQueue hands jobs to the workers. It never makes the reader wait:
// the reader is held back by the ordered channel alone, so that the
// coordinator can always fetch the input after a job (a block may run on
// for several jobs) even while a worker waits for it to take a job.
type workQueue struct {
	mu     sync.Mutex
	q      []*job
	closed bool
	ready  chan struct{} // a token: there may be jobs, or the queue closed
}

func (w *workQueue) signal() {
	select {
	case w.ready <- struct{}{}:
	default:
	}
}

func (w *workQueue) push(j *job) {
	w.mu.Lock()
	w.q = append(w.q, j)
	w.mu.Unlock()
	w.signal()
}

func (w *workQueue) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	w.signal()
}

// pop returns the next job; false once the queue is closed and empty, or
// quit is closed.
func (w *workQueue) pop(quit <-chan struct{}) (*job, bool) {
	for {
		w.mu.Lock()
		if len(w.q) > 0 {
			j := w.q[0]
			w.q[0] = nil
			w.q = w.q[1:]
			more := len(w.q) > 0
			w.mu.Unlock()
			if more {
				w.signal() // for another worker
			}
			return j, true
		}
		closed := w.closed
		w.mu.Unlock()
		if closed {
			w.signal() // every worker sees it
			return nil, false
		}
		select {
		case <-w.ready:
		case <-quit:
			return nil, false
		}
	}
}

func (z *Reader) worker() {
	defer z.wg.Done()
	var d decoder
	var w lastPiece
	for {
		j, ok := z.work.pop(z.quit)
		if !ok {
			return
		}
		if !z.seqOnly.Load() && len(j.data) > 0 {
			j.res = z.speculate(j, &d, &w)
		}
		close(j.done)
	}
}

// headerLen parses the gzip header (RFC 1952 2.3) at the start of b.
func headerLen(b []byte) (int, error) {
	if len(b) < 10 {
		if len(b) == 0 {
			return 0, io.EOF
		}
		return 0, io.ErrUnexpectedEOF
	}
	if b[0] != 0x1f || b[1] != 0x8b || b[2] != 8 {
		return 0, gzip.ErrHeader
	}
	flg := b[3]
	if flg&0xe0 != 0 {
		return 0, gzip.ErrHeader
	}
	n := 10
	if flg&4 != 0 { // FEXTRA
		if len(b) < n+2 {
			return 0, io.ErrUnexpectedEOF
		}
		n += 2 + int(binary.LittleEndian.Uint16(b[n:]))
	}
	for _, f := range []byte{8, 16} { // FNAME, FCOMMENT
		if flg&f == 0 {
			continue
		}
		for {
			if n >= len(b) {
				return 0, io.ErrUnexpectedEOF
			}
			n++
			if b[n-1] == 0 {
				break
			}
		}
	}
	if flg&2 != 0 { // FHCRC
		if len(b) < n+2 {
			return 0, io.ErrUnexpectedEOF
		}
		if uint16(crc32.ChecksumIEEE(b[:n])) != binary.LittleEndian.Uint16(b[n:]) {
			return 0, gzip.ErrHeader
		}
		n += 2
	}
	if n > len(b) {
		return 0, io.ErrUnexpectedEOF
	}
	return n, nil
}

// bufPool keeps buffers of one size for reuse; it never blocks.
type bufPool[T any] struct {
	ch   chan []T
	size int
}

func newPool[T any](size, keep int) bufPool[T] {
	return bufPool[T]{ch: make(chan []T, keep), size: size}
}

// get returns a buffer of at least the pool's size, all of it.
func (p bufPool[T]) get() []T {
	select {
	case b := <-p.ch:
		return b[:cap(b)]
	default:
		return make([]T, p.size)
	}
}

func (p bufPool[T]) put(b []T) {
	// A buffer grown far past the pool's size (a piece that compressed
	// very well) is left to the collector rather than kept.
	if cap(b) < p.size || cap(b) > 4*p.size {
		return
	}
	select {
	case p.ch <- b:
	default:
	}
}
