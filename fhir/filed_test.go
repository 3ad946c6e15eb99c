package fhir

import (
	"bytes"
	"testing"
)

// TestFiled: what Record.Add remembers is found only by the exact bytes it
// was read from, even under the same hash; the bytes are the cache's own
// copy; and the cache keeps within its bounds on entries and bytes.
func TestFiled(t *testing.T) {
	ForgetChecked()
	defer ForgetChecked()
	a, b := []byte(`{"resourceType":"Patient","id":"a"}`), []byte(`{"resourceType":"Patient","id":"b"}`)
	ra := &Record{Patient: &Patient{ID: "a"}}
	// The same key for both, as if their hashes collided.
	filedPut(1, a, ra)
	if got := filedGet(1, b); got != nil {
		t.Errorf("filedGet found %v for other bytes under the same hash", got)
	}
	if got := filedGet(1, a); got != ra {
		t.Errorf("filedGet(a) = %v, want the record filed for a", got)
	}
	a[len(a)-3] = 'z' // the caller's buffer is reused
	if got := filedGet(1, []byte(`{"resourceType":"Patient","id":"a"}`)); got != ra {
		t.Error("the entry changed with the caller's buffer")
	}
	rb := &Record{Patient: &Patient{ID: "b"}}
	filedPut(1, b, rb)
	if filedGet(1, b) != rb || filed.bytes != len(b) || len(filed.m) != 1 {
		t.Errorf("after replacing the entry under 1: %d entries, %d bytes", len(filed.m), filed.bytes)
	}

	big := bytes.Repeat([]byte("x"), filedMaxBytes)
	for i := range uint64(filedCacheBytes/filedMaxBytes + 10) {
		filedPut(i+2, big, rb)
		if filed.bytes > filedCacheBytes || len(filed.m) > filedCacheSize {
			t.Fatalf("after %d large entries: %d entries, %d bytes; bounds %d, %d", i+1, len(filed.m), filed.bytes, filedCacheSize, filedCacheBytes)
		}
	}
	n := 0
	for _, e := range filed.m {
		n += len(e.raw)
	}
	if n != filed.bytes {
		t.Errorf("filed.bytes = %d, the entries hold %d", filed.bytes, n)
	}
	small := []byte("{}")
	for i := range uint64(filedCacheSize + 10) {
		filedPut(1<<32+i, small, rb)
		if len(filed.m) > filedCacheSize {
			t.Fatalf("%d entries, bound %d", len(filed.m), filedCacheSize)
		}
	}
}
