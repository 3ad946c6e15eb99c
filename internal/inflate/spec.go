package inflate

// Speculative decoding of one piece of the stream by a worker.

const (
	// maxTries is how many candidate block starts a worker tries in a job.
	maxTries = 16
	// checkEvery is how much output a worker decodes with markers between
	// looks at whether the last window's worth is free of them.
	checkEvery = windowSize
)

// result is what a worker made of its job: the output from the first block
// it found in its segment to the first block boundary past the segment's
// end, in two parts: pre, with markers for the bytes of the unknown window
// (windowSize + i stands for the i-th byte of the 32 KiB before start), and
// out[o0:n], plain bytes.
type result struct {
	ok         bool
	start, end int64    // bit positions in the compressed stream
	final      bool     // the stream's last block ended at end
	pre        []uint16 // pre[windowSize:preN]
	preN       int
	out        []byte
	o0, n      int
}

// lastPiece is where a job's output ended and the window there: what a
// worker knows of the last job it decoded, or what the coordinator
// publishes after taking a job. From it the next job is decoded exactly,
// as a sequential decoder would. With one worker that is every job; with
// several, the jobs a worker takes are not consecutive and it speculates.
type lastPiece struct {
	seq int64
	ok  bool
	end int64
	win []byte
}

// speculate decodes job j from the first candidate block in its segment,
// without the window before it, or exactly when w or j says where to start.
func (z *Reader) speculate(j *job, d *decoder, w *lastPiece) result {
	prev := j.prev // set with one worker only
	j.prev = nil   // so that jobs do not hold a chain of their predecessors
	if prev != nil && j.start < 0 && !(w.ok && w.seq == j.seq-1) {
		// One worker gains nothing by guessing: it waits for the
		// coordinator to finish the job before (decoded in order, or
		// with markers replaced) and goes on from there.
		select {
		case <-prev.taken:
		case <-z.inOrderOnly:
			return result{}
		case <-z.quit:
			return result{}
		}
		w.seq, w.ok = j.seq-1, prev.after.ok
		if w.ok {
			w.end = prev.after.end
			w.win = append(w.win[:0], prev.after.win...)
		}
	}
	var r result
	switch {
	case j.start >= 0:
		// The first piece starts where the stream does: nothing unknown.
		r = z.exact(j, d, j.start, nil)
	case w.ok && w.seq == j.seq-1 && w.end >= (j.off+int64(len(j.data)))*8:
		// The job before ran past all of this one's data, so past its
		// territory too: nothing to do, and w holds for the next job.
		w.seq = j.seq
		return result{}
	case w.ok && w.seq == j.seq-1 && w.end >= j.off*8:
		r = z.exact(j, d, w.end, w.win)
	default:
		r = z.guess(j, d)
	}
	w.ok = r.ok && r.out != nil && !r.final
	if w.ok {
		w.seq, w.end = j.seq, r.end
		w.win = append(w.win[:0], r.out[max(0, r.n-windowSize):r.n]...)
	}
	return r
}

// exact decodes j's territory from bit start, after the output win.
func (z *Reader) exact(j *job, d *decoder, start int64, win []byte) result {
	out := z.outs.get()
	n := copy(out, win)
	d.reset(j.data, j.off, start-j.off*8)
	o0 := n
	out, n, ok := z.decodeBytes(d, out, n, j.stopBit())
	if !ok {
		return result{}
	}
	return result{ok: true, start: start, end: d.bitPos(), final: d.done, out: out, o0: o0, n: n}
}

// decodeBytes decodes into out from n up to stop or the stream's end,
// growing out up to z.outCap; on failure it gives out back to its pool.
func (z *Reader) decodeBytes(d *decoder, out []byte, n int, stop int64) ([]byte, int, bool) {
	for {
		var why stopReason
		var err error
		n, why, err = decode(d, out, n, len(out)-slack, stop)
		if err == nil && why == stopFull {
			var ok bool
			if out, ok = grow(out, n, z.outCap); ok {
				continue
			}
		}
		if err != nil || why == stopFull {
			z.outs.put(out)
			return nil, 0, false
		}
		return out, n, true
	}
}

// guess finds the first block in j's segment that decodes and decodes from
// there with markers for the unknown window.
func (z *Reader) guess(j *job, d *decoder) result {
	stop := j.stopBit()
	segBits := int64(j.segLen) * 8
	// A false start usually fails within a few symbols; a few that do not
	// must not cost more than decoding the job in order would.
	for o, tries := int64(0), 0; o < segBits && tries < maxTries; o, tries = o+1, tries+1 {
		o = nextCandidate(j.data, o, segBits)
		if o < 0 {
			break
		}
		d.reset(j.data, j.off, o)
		r, fatal := z.speculateFrom(d, stop)
		if r.ok {
			r.start = j.off*8 + o
			return r
		}
		if fatal {
			break
		}
	}
	return result{}
}

// speculateFrom decodes from d's position. fatal reports a failure that
// later candidates would meet too (too much output, input ended).
func (z *Reader) speculateFrom(d *decoder, stop int64) (r result, fatal bool) {
	if err := d.header(); err != nil || d.stored {
		return result{}, false
	}
	pre := z.pres.get()
	for i := range windowSize {
		pre[i] = uint16(windowSize + i)
	}
	n := windowSize
	for {
		var why stopReason
		var err error
		n, why, err = decode(d, pre, n, min(n+checkEvery, len(pre)-slack), stop)
		if err != nil {
			z.pres.put(pre)
			// Input ending, or a start that made a window's worth of output
			// before failing, is not worth trying the next start for.
			return result{}, err == errNeedInput || n > 2*windowSize
		}
		if why != stopFull {
			return result{ok: true, end: d.bitPos(), final: d.done, pre: pre, preN: n}, false
		}
		if noMarkers(pre[n-windowSize : n]) {
			break
		}
		if n >= len(pre)-slack {
			var ok bool
			if pre, ok = grow(pre, n, z.outCap); !ok {
				z.pres.put(pre)
				return result{}, true
			}
		}
	}
	// The last window is known relative to start: go on in bytes.
	out := z.outs.get()
	for i, v := range pre[n-windowSize : n] {
		out[i] = byte(v)
	}
	out, m, ok := z.decodeBytes(d, out, windowSize, stop)
	if !ok {
		z.pres.put(pre)
		return result{}, true
	}
	return result{ok: true, end: d.bitPos(), final: d.done, pre: pre, preN: n, out: out, o0: windowSize, n: m}, false
}

// grow returns b with twice the room (at most max+slack), its first n kept;
// false when it is that large already.
func grow[T elem](b []T, n, max int) ([]T, bool) {
	if len(b) >= max+slack {
		return b, false
	}
	nb := make([]T, min(2*len(b), max+slack))
	copy(nb, b[:n])
	return nb, true
}

func noMarkers(p []uint16) bool {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] >= 256 {
			return false
		}
	}
	return true
}
