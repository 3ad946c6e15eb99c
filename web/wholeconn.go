package web

import (
	"context"
	"net"
	"net/http"
	"strconv"
)

// An answer of more than about 3.5 KB leaves net/http in two write system
// calls: the server puts the status line and headers into the
// connection's 4 KB buffer, fills the buffer with the start of the body,
// writes it, then writes the rest of the body. On loopback and on a busy
// server each write is a trip through the TCP stack (and a wake-up of the
// client); the CDS Hooks answer (about 8 KB) and the self-check page
// (about 13 KB) paid it twice on every call. wholeConn lets a handler that
// writes its whole body in one Write, with Content-Length set, send the
// headers and the body in one system call, without hijacking the
// connection: while a response is held, the connection gathers what
// net/http writes until it has at least the body's length (the headers
// make the response longer than its body), then writes it at once.

// wholeListener hands out connections that can hold a response's writes.
type wholeListener struct{ net.Listener }

func (l wholeListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok && err == nil {
		// Embedding *net.TCPConn keeps its other methods (CloseWrite,
		// which net/http looks for, and ReadFrom for static files, used
		// only while nothing is held).
		return &wholeConn{TCPConn: tc}, nil
	}
	return c, err
}

// wholeConnKey is the context key under which a request finds its
// connection (http.Server.ConnContext puts it there).
type wholeConnKey struct{}

// connContext is http.Server's ConnContext: it files a wholeConn in the
// connection's context.
func connContext(ctx context.Context, c net.Conn) context.Context {
	if wc, ok := c.(*wholeConn); ok {
		return context.WithValue(ctx, wholeConnKey{}, wc)
	}
	return ctx
}

// wholeConn is a TCP connection whose writes can be held until a whole
// response has been written. Only the request's own goroutine writes to an
// HTTP/1 connection (the background reader net/http keeps only reads), so
// the fields need no lock.
type wholeConn struct {
	*net.TCPConn
	want int    // hold writes until this many bytes are gathered; 0: write through
	held []byte // gathered writes
}

// Write writes p, or gathers it while a response is held.
func (c *wholeConn) Write(p []byte) (int, error) {
	if c.want == 0 {
		return c.TCPConn.Write(p)
	}
	if len(c.held) == 0 && len(p) >= c.want {
		c.want = 0
		return c.TCPConn.Write(p)
	}
	c.held = append(c.held, p...)
	if len(c.held) < c.want {
		return len(p), nil
	}
	if err := c.release(); err != nil {
		return 0, err
	}
	return len(p), nil
}

// hold gathers the next writes until n bytes are gathered or release is
// called.
func (c *wholeConn) hold(n int) { c.want = n }

// release stops holding and writes what was gathered.
func (c *wholeConn) release() error {
	c.want = 0
	if len(c.held) == 0 {
		return nil
	}
	_, err := c.TCPConn.Write(c.held)
	c.held = c.held[:0]
	if cap(c.held) > 64<<10 {
		c.held = nil // an unusually large answer: do not keep its buffer
	}
	return err
}

// writeWhole writes p, the whole body of a response whose Content-Length
// header says so, with its headers in one system call when the request
// came on a wholeConn. w is net/http's ResponseWriter (it flushes).
func writeWhole(w http.ResponseWriter, c *wholeConn, p []byte) (int, error) {
	f, ok := w.(http.Flusher)
	if !ok {
		return w.Write(p)
	}
	c.hold(len(p))
	n, err := w.Write(p)
	if err == nil {
		// What net/http still buffers (the body's end) goes out now, into
		// the held bytes, rather than when the handler returns.
		f.Flush()
	}
	if rerr := c.release(); err == nil && rerr != nil {
		return n, rerr
	}
	return n, err
}

// wholeBody reports whether p is the whole body of the response with
// header h: a first write of exactly Content-Length bytes, large enough
// that net/http would write it in two calls.
func wholeBody(h http.Header, p []byte) bool {
	if len(p) < 2048 {
		return false
	}
	cl := h["Content-Length"]
	if len(cl) != 1 {
		return false
	}
	n, err := strconv.Atoi(cl[0])
	return err == nil && n == len(p)
}
