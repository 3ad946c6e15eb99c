package inflate

import (
	"encoding/binary"
	"hash/crc32"
	"io"

	"github.com/klauspost/compress/gzip"
)

// pieceOut is how much output an in-order decode hands on at a time.
const pieceOut = 1 << 20

// coordinate takes the jobs in order, accepts each worker's output that
// starts where the output before it ended, decodes in order what no worker
// could, and checks the gzip trailer.
func (z *Reader) coordinate() {
	defer z.wg.Done()
	defer close(z.pieces)
	first := true
	for {
		j := z.next()
		if j == nil {
			z.emitErr(io.ErrUnexpectedEOF)
			return
		}
		if !z.wait(j) {
			return
		}
		z.current = j
		if first {
			first = false
			if j.start < 0 || len(j.data) == 0 {
				err := j.readErr
				if err == nil {
					err = io.ErrUnexpectedEOF
				}
				z.drop(j)
				z.emitErr(err)
				return
			}
			z.pos = j.start
		}
		pos0, size0 := z.pos, z.size
		end, err := z.take(j)
		z.noteRatio(z.pos-pos0, z.size-size0)
		if err == nil && !end && z.opt.Workers == 1 {
			// Not a copy: the window changes only when a later job is
			// taken, after the one worker has read it (it reads it before
			// it finishes the next job, which taking that job waits for).
			j.after = lastPiece{seq: j.seq, ok: true, end: z.pos, win: z.window}
		}
		close(j.taken)
		if err == nil && end {
			z.finish()
		}
		z.drop(j)
		if err != nil {
			if j.readErr != nil && err == io.ErrUnexpectedEOF {
				err = j.readErr
			}
			z.emitErr(err)
		}
		if err != nil || end {
			return
		}
	}
}

// noteRatio folds a job's compressed bits and output bytes into the
// recent ratio that sizes the next jobs.
func (z *Reader) noteRatio(bits int64, out uint32) {
	if bits < 8 {
		return
	}
	r := int64(out) * 256 * 8 / bits
	if old := z.ratio.Load(); old != 0 {
		r = (old + r) / 2
	}
	z.ratio.Store(max(r, 1))
}

// take decodes job j's territory: it reports end when the stream's last
// block has been decoded.
func (z *Reader) take(j *job) (end bool, err error) {
	stop := j.stopBit()
	r := &j.res
	defer z.release(r)
	if z.pos >= stop {
		return false, nil // decoded in order already, from the job before
	}
	if r.ok && r.start > z.pos {
		why, err := z.inOrder(r.start)
		if err != nil || why == stopEnd {
			return why == stopEnd, err
		}
	}
	if r.ok && r.start == z.pos && (r.pre == nil || len(z.window) == windowSize) {
		z.accept(r)
		z.pos = r.end
		return r.final, nil
	}
	if z.pos >= stop {
		return false, nil
	}
	why, err := z.inOrder(stop)
	return why == stopEnd, err
}

// accept hands on a worker's output, its markers replaced by the window.
func (z *Reader) accept(r *result) {
	if r.pre != nil && r.preN > windowSize {
		// One table for both: bytes stand for themselves, markers for the
		// window's bytes.
		lut := &z.lut
		for i := range 256 {
			lut[i] = byte(i)
		}
		copy(lut[windowSize:], z.window)
		b := z.outs.get()
		if len(b) < r.preN-windowSize {
			b = make([]byte, r.preN-windowSize)
		}
		b = b[:r.preN-windowSize]
		for i, v := range r.pre[windowSize:r.preN] {
			b[i] = lut[v]
		}
		z.emit(b, b, z.outs.put)
	}
	if r.out != nil {
		z.emit(r.out[r.o0:r.n], r.out, z.outs.put)
		r.out = nil
	}
}

// release gives back the buffers of a result not handed on.
func (z *Reader) release(r *result) {
	if r.pre != nil {
		z.pres.put(r.pre)
		r.pre = nil
	}
	if r.out != nil {
		z.outs.put(r.out)
		r.out = nil
	}
}

// emit hands b on to Read, after the checksum and the window take it in;
// buf, which holds b, goes back to its pool once Read is done with it.
func (z *Reader) emit(b, buf []byte, put func([]byte)) {
	if len(b) == 0 {
		put(buf)
		return
	}
	z.crc = crc32.Update(z.crc, crc32.IEEETable, b)
	z.size += uint32(len(b))
	if len(b) >= windowSize {
		z.window = append(z.window[:0], b[len(b)-windowSize:]...)
	} else {
		if keep := windowSize - len(b); len(z.window) > keep {
			z.window = z.window[:copy(z.window, z.window[len(z.window)-keep:])]
		}
		z.window = append(z.window, b...)
	}
	z.send1(piece{b: b, release: func() { put(buf) }})
}

func (z *Reader) send1(p piece) {
	select {
	case z.pieces <- p:
	case <-z.quit:
	}
}

func (z *Reader) emitErr(err error) {
	select {
	case z.pieces <- piece{err: err}:
	case <-z.quit:
	}
}

// inOrder decodes from z.pos, with the window known, up to the first block
// boundary at or after stop or the stream's end.
func (z *Reader) inOrder(stop int64) (stopReason, error) {
	in, base := z.inputAt(z.pos >> 3)
	d := &z.dec
	d.reset(in, base, z.pos-base*8)
	for {
		out := z.seqs.get()
		w := copy(out, z.window)
		n, why, err := decode(d, out, w, w+pieceOut, stop)
		for err == errNeedInput {
			more, ok := z.extend(d.in, base)
			if !ok {
				err = io.ErrUnexpectedEOF
				break
			}
			d.in = more
			n, why, err = decode(d, out, n, w+pieceOut, stop)
		}
		z.emit(out[w:n], out, z.seqs.put)
		if err != nil {
			return 0, err
		}
		z.pos = d.bitPos()
		if why != stopFull {
			return why, nil
		}
	}
}

// next returns the next job in order, nil after the last.
func (z *Reader) next() *job {
	if len(z.ahead) > 0 {
		j := z.ahead[0]
		z.ahead = z.ahead[1:]
		return j
	}
	select {
	case j, ok := <-z.ordered:
		if ok {
			return j
		}
	case <-z.quit:
	}
	return nil
}

// inputAt returns the compressed bytes from offset off on that the jobs
// at hand hold, and the offset of its first byte.
func (z *Reader) inputAt(off int64) ([]byte, int64) {
	for _, j := range z.jobsAtHand() {
		if off >= j.off && off < j.off+int64(len(j.data)) {
			return j.data[off-j.off:], off
		}
	}
	b, _ := z.extend(nil, off)
	return b, off
}

// jobsAtHand lists the jobs whose data may be read: the one being taken and those
// fetched ahead of it.
func (z *Reader) jobsAtHand() []*job { return append([]*job{z.current}, z.ahead...) }

// extend returns in (compressed bytes from base) with the bytes after it
// appended, fetching the next job when needed; false when there are none.
func (z *Reader) extend(in []byte, base int64) ([]byte, bool) {
	end := base + int64(len(in))
	covers := func(j *job) bool { return j.off <= end && end < j.off+int64(len(j.data)) }
	for _, j := range z.jobsAtHand() {
		if covers(j) {
			return append(append(make([]byte, 0, len(in)+len(j.data)), in...), j.data[end-j.off:]...), true
		}
	}
	for {
		select {
		case j, ok := <-z.ordered:
			if !ok {
				return in, false
			}
			z.ahead = append(z.ahead, j)
			if covers(j) {
				return append(append(make([]byte, 0, len(in)+len(j.data)), in...), j.data[end-j.off:]...), true
			}
		case <-z.quit:
			return in, false
		}
	}
}

// drop waits for a job's worker and gives back its input buffer.
func (z *Reader) drop(j *job) {
	if z.wait(j) {
		z.release(&j.res)
		z.ins.put(j.data)
	}
}

// wait waits for j's worker; false if the reader is closed first.
func (z *Reader) wait(j *job) bool {
	select {
	case <-j.done:
		return true
	case <-z.quit:
		return false
	}
}

// finish checks the trailer after the last block and reads any members
// after it in order.
func (z *Reader) finish() {
	z.seqOnly.Store(true)
	close(z.inOrderOnly)
	tr := (z.pos + 7) >> 3
	in, base := z.inputAt(tr)
	for len(in) < 8 {
		more, ok := z.extend(in, base)
		if !ok {
			z.emitErr(io.ErrUnexpectedEOF)
			return
		}
		in = more
	}
	if binary.LittleEndian.Uint32(in) != z.crc || binary.LittleEndian.Uint32(in[4:]) != z.size {
		z.emitErr(gzip.ErrChecksum)
		return
	}
	rest := &restReader{z: z, in: in[8:], base: base + 8}
	if !rest.more() {
		z.emitErr(io.EOF)
		return
	}
	zr, err := gzip.NewReader(rest)
	if err != nil {
		z.emitErr(err)
		return
	}
	defer func() {
		if rest.j != nil {
			z.drop(rest.j)
		}
	}()
	for {
		b := z.seqs.get()[:pieceOut]
		n := 0
		for n < len(b) && err == nil {
			var k int
			k, err = zr.Read(b[n:])
			n += k
		}
		z.send1(piece{b: b[:n], release: func() { z.seqs.put(b[:cap(b)]) }})
		if err != nil {
			z.emitErr(err)
			return
		}
	}
}

// restReader reads the compressed bytes after the first member.
type restReader struct {
	z    *Reader
	in   []byte
	base int64 // offset of in[0]
	j    *job  // the job in points into, once past the first member's
}

func (r *restReader) Read(p []byte) (int, error) {
	if !r.more() {
		if r.j != nil && r.j.readErr != nil {
			return 0, r.j.readErr
		}
		return 0, io.EOF
	}
	n := copy(p, r.in)
	r.in = r.in[n:]
	r.base += int64(n)
	return n, nil
}

// more makes in non-empty if any bytes are left.
func (r *restReader) more() bool {
	for len(r.in) == 0 {
		if r.j != nil && r.j.last {
			return false
		}
		j := r.z.next()
		if j == nil {
			return false
		}
		if !r.z.wait(j) {
			return false
		}
		if r.j != nil {
			r.z.drop(r.j)
		}
		r.j = j
		if e := j.off + int64(len(j.data)); e > r.base && j.off <= r.base {
			r.in = j.data[r.base-j.off:]
		}
	}
	return true
}
