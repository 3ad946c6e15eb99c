package fhir

import (
	"bytes"
	"testing"
)

// TestExactCache: a value is found only by the exact bytes it was put
// with, even under the same hash; the bytes are the cache's own copy;
// replacing an entry keeps the byte count; and the cache keeps within its
// bounds on entries and bytes.
func TestExactCache(t *testing.T) {
	const maxN, maxBytes = 64, 4096
	c := newExactCache[string](maxN, maxBytes)
	a, b := []byte(`{"resourceType":"Patient","id":"a"}`), []byte(`{"resourceType":"Patient","id":"b"}`)
	// The same key for both, as if their hashes collided.
	c.put(1, a, "a")
	if v, ok := c.get(1, b); ok {
		t.Errorf("get found %q for other bytes under the same hash", v)
	}
	if v, ok := c.get(1, a); !ok || v != "a" {
		t.Errorf("get(a) = %q, %v; want a", v, ok)
	}
	a[len(a)-3] = 'z' // the caller's buffer is reused
	if v, ok := c.get(1, []byte(`{"resourceType":"Patient","id":"a"}`)); !ok || v != "a" {
		t.Error("the entry changed with the caller's buffer")
	}
	c.put(1, b, "b")
	if v, _ := c.get(1, b); v != "b" || c.bytes != len(b) || c.len() != 1 {
		t.Errorf("after replacing the entry under 1: %q, %d entries, %d bytes", v, c.len(), c.bytes)
	}
	if h := c.hash(b); h == c.hash(append([]byte(nil), b...)) {
		c.put(h, b, "b")
		if v, ok := c.get(c.hash(b), b); !ok || v != "b" {
			t.Error("not found by its own hash")
		}
	} else {
		t.Error("equal bytes hash differently")
	}

	c.put(7, bytes.Repeat([]byte("x"), maxBytes+1), "too big")
	if _, ok := c.get(7, bytes.Repeat([]byte("x"), maxBytes+1)); ok {
		t.Error("kept an entry over the byte bound")
	}
	big := bytes.Repeat([]byte("x"), maxBytes/4)
	for i := range uint64(20) {
		c.put(100+i, big, "big")
		if c.bytes > maxBytes || c.len() > maxN {
			t.Fatalf("after %d large entries: %d entries, %d bytes; bounds %d, %d", i+1, c.len(), c.bytes, maxN, maxBytes)
		}
	}
	for i := range uint64(maxN + 10) {
		c.put(1000+i, []byte("{}"), "small")
		if c.len() > maxN {
			t.Fatalf("%d entries, bound %d", c.len(), maxN)
		}
	}
	n := 0
	for _, e := range c.m {
		n += len(e.raw)
	}
	if n != c.bytes {
		t.Errorf("c.bytes = %d, the entries hold %d", c.bytes, n)
	}
	c.clear()
	if c.len() != 0 || c.bytes != 0 {
		t.Errorf("after clear: %d entries, %d bytes", c.len(), c.bytes)
	}
}
