package rates

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/internal/inflate"
	"github.com/klauspost/compress/gzip"
)

// chunkSize is how much uncompressed JSON one hand-off between the reading
// goroutine and the parser carries. Large enough that the channel costs
// nothing, small enough that four of them are a rounding error in memory.
const chunkSize = 1 << 20

// chunkDepth is how many chunks may wait between reader and parser. The
// reader (and gzip) runs ahead on its own core by at most this much.
const chunkDepth = 4

// isURL reports whether src names an http or https resource.
func isURL(src string) bool {
	return strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "http://")
}

// openRaw opens src (a local path, a file:// URL or an http(s) URL) and
// returns its bytes as stored, before decompression.
func openRaw(ctx context.Context, client *http.Client, src string) (io.ReadCloser, error) {
	if strings.HasPrefix(src, "file://") {
		u, err := url.Parse(src)
		if err != nil {
			return nil, ketacover.Errorf(ketacover.EINVALID, "%s: bad file URL: %v", src, err)
		}
		src = u.Path
	}
	if !isURL(src) {
		f, err := os.Open(src)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, ketacover.Errorf(ketacover.ENOTFOUND, "%s: no such file", src)
			}
			return nil, fmt.Errorf("open %s: %w", src, err)
		}
		return f, nil
	}
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s: bad URL: %v", src, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", src, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		if resp.StatusCode == http.StatusNotFound {
			return nil, ketacover.Errorf(ketacover.ENOTFOUND, "%s: HTTP %s", src, resp.Status)
		}
		return nil, fmt.Errorf("fetch %s: HTTP %s", src, resp.Status)
	}
	return resp.Body, nil
}

// countingReader counts the bytes read through it, for progress.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// chunk is one piece of the uncompressed stream, or the error that ended it.
type chunk struct {
	b   []byte
	err error
}

// pipe is the reading side of the scanner: a goroutine that reads (and
// gunzips) into pooled buffers so that decompression and parsing run on
// separate cores, with at most chunkDepth chunks in flight.
type pipe struct {
	ch     chan chunk
	free   chan []byte
	cancel context.CancelFunc
	done   chan struct{}
}

// startPipe begins reading raw, gunzipping it when it starts with the gzip
// magic bytes. Closing the pipe stops the goroutine and closes raw.
func startPipe(ctx context.Context, raw io.ReadCloser, compressed *atomic.Int64) *pipe {
	ctx, cancel := context.WithCancel(ctx)
	p := &pipe{
		ch:     make(chan chunk, chunkDepth),
		free:   make(chan []byte, chunkDepth+2),
		cancel: cancel,
		done:   make(chan struct{}),
	}
	for range chunkDepth + 2 {
		p.free <- make([]byte, chunkSize)
	}
	go p.run(ctx, raw, compressed)
	return p
}

func (p *pipe) run(ctx context.Context, raw io.ReadCloser, compressed *atomic.Int64) {
	defer close(p.done)
	defer close(p.ch)
	defer raw.Close()
	send := func(c chunk) bool {
		select {
		case p.ch <- c:
			return true
		case <-ctx.Done():
			return false
		}
	}
	br := bufio.NewReaderSize(countingReader{raw, compressed}, 256<<10)
	var r io.Reader = br
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		// Decompression on every core but the one the parser needs; a
		// single-member file (what gzip and pigz write) too.
		zr := inflate.NewReader(br, inflate.Options{Workers: max(1, runtime.GOMAXPROCS(0)-1)})
		defer zr.Close()
		r = zr
	}
	for {
		var buf []byte
		select {
		case buf = <-p.free:
		case <-ctx.Done():
			return
		}
		n, err := io.ReadFull(r, buf)
		if n > 0 && !send(chunk{b: buf[:n]}) {
			return
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			send(chunk{err: io.EOF})
			return
		}
		if err != nil {
			var ce *inflate.CorruptError
			if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.As(err, &ce) {
				err = fmt.Errorf("gzip: %w", err)
			}
			send(chunk{err: err})
			return
		}
	}
}

// next returns the next chunk; recycle gives a finished one back.
func (p *pipe) next() chunk {
	c, ok := <-p.ch
	if !ok {
		return chunk{err: io.EOF}
	}
	return c
}

func (p *pipe) recycle(b []byte) {
	if cap(b) == chunkSize {
		select {
		case p.free <- b[:chunkSize]:
		default:
		}
	}
}

// close stops the reader and waits for it, so that no goroutine outlives
// a scan.
func (p *pipe) close() {
	p.cancel()
	for range p.ch {
	}
	<-p.done
}

// resolve returns the location ref as seen from the file base: absolute
// URLs stay, a relative reference is resolved against base (a URL or a
// local path). A remote file may not point at local files.
func resolve(base, ref string) (string, error) {
	if isURL(ref) {
		return ref, nil
	}
	if isURL(base) {
		b, err := url.Parse(base)
		if err != nil {
			return "", err
		}
		r, err := url.Parse(ref)
		if err != nil {
			return "", err
		}
		u := b.ResolveReference(r)
		if u.Scheme != "http" && u.Scheme != "https" {
			return "", fmt.Errorf("location %q in remote file %s is not an http(s) URL", ref, base)
		}
		return u.String(), nil
	}
	if strings.HasPrefix(ref, "file://") || filepath.IsAbs(ref) {
		return ref, nil
	}
	return filepath.Join(filepath.Dir(base), filepath.FromSlash(ref)), nil
}

// atomicCounter is an atomic.Int64 that can be embedded by value in tests.
type atomicCounter struct{ atomic.Int64 }
