package web

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWholeConnHold: while a response is held, writes are gathered until
// the wanted length, then go out together; release writes what is left.
func TestWholeConnHold(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	sc, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	c := &wholeConn{TCPConn: sc.(*net.TCPConn)}
	defer c.Close()

	write := func(s string) {
		t.Helper()
		if n, err := c.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	c.hold(10)
	write("abc")
	write("def")
	if got := string(c.held); got != "abcdef" {
		t.Fatalf("held %q, want abcdef (below the wanted 10 bytes)", got)
	}
	write("ghijk") // 11 bytes: all of it goes
	if len(c.held) != 0 || c.want != 0 {
		t.Fatalf("after reaching the length: held %q, want %d; want nothing held", c.held, c.want)
	}
	c.hold(100)
	write("lmn")
	if err := c.release(); err != nil {
		t.Fatal(err)
	}
	write("op") // not held any more
	if len(c.held) != 0 {
		t.Fatalf("held %q after release", c.held)
	}
	c.hold(2)
	write("qrs") // one write of at least the length goes straight out
	if len(c.held) != 0 || c.want != 0 {
		t.Fatalf("held %q, want %d after a write of the whole length", c.held, c.want)
	}
	const want = "abcdefghijklmnopqrs"
	got := make([]byte, len(want))
	if _, err := io.ReadFull(client, got); err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("client read %q, want %q", got, want)
	}
}

// TestWholeConnServe: answers through Serve (plain HTTP on a wholeConn)
// are the same, headers and body, as the handler's answers without it, for
// bodies written whole of every size around net/http's buffers, bodies
// written in pieces, without Content-Length, and HEAD requests, over one
// kept-alive connection.
func TestWholeConnServe(t *testing.T) {
	sizes := []int{0, 100, 2047, 2048, 3000, 3500, 4000, 4096, 5000, 8192, 13000, 70000, 300000}
	body := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = 'a' + byte(i%26)
		}
		return b
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		b := body(n)
		switch r.URL.Query().Get("how") {
		case "whole":
			w.Header().Set("Content-Length", strconv.Itoa(n))
			w.Write(b)
		case "pieces": // Content-Length set, body in two writes
			w.Header().Set("Content-Length", strconv.Itoa(n))
			w.Write(b[:n/2])
			w.Write(b[n/2:])
		case "chunked":
			w.Write(b)
		}
	})
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	s, err := New(cfg, Deps{Library: library(t), Mount: map[string]http.Handler{"/test-whole": h}})
	if err != nil {
		t.Fatal(err)
	}
	defer serving(t, s)()

	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	for _, how := range []string{"whole", "pieces", "chunked"} {
		for _, n := range sizes {
			for _, method := range []string{"GET", "HEAD"} {
				t.Run(fmt.Sprintf("%s/%d/%s", how, n, method), func(t *testing.T) {
					req, _ := http.NewRequest(method, s.URL()+"test-whole?how="+how+"&n="+strconv.Itoa(n), nil)
					res, err := client.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					got, err := io.ReadAll(res.Body)
					res.Body.Close()
					if err != nil {
						t.Fatal(err)
					}
					want := body(n)
					if method == "HEAD" {
						want = nil
					}
					if res.StatusCode != http.StatusOK || !bytes.Equal(got, want) {
						t.Errorf("status %d, %d bytes, want 200 and %d bytes", res.StatusCode, len(got), len(want))
					}
					if how != "chunked" && method == "GET" && res.ContentLength != int64(n) {
						t.Errorf("Content-Length %d, want %d", res.ContentLength, n)
					}
					if diff := cmp.Diff("nosniff", res.Header.Get("X-Content-Type-Options")); diff != "" {
						t.Errorf("security header (-want +got):\n%s", diff)
					}
				})
			}
		}
	}
}
