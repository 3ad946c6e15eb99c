package rates

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// TestZstdCodec checks that pages the codec compresses read back through
// parquet-go's own Zstd codec (which Lookup and other readers use), for
// inputs empty, small, and larger than the window, from several writers
// at once.
func TestZstdCodec(t *testing.T) {
	c := newZstdCodec()
	big := make([]byte, 3*zstdWindow+12345)
	for i := range big {
		big[i] = byte(i*7 + i/1000) // repetitive, but not trivially
	}
	inputs := [][]byte{nil, []byte("96365"), bytes.Repeat([]byte("1093817465,"), 5000), big}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, in := range inputs {
				enc, err := c.Encode(nil, in)
				if err != nil {
					t.Errorf("writer %d, input %d: Encode: %v", w, i, err)
					return
				}
				dec, err := parquet.Zstd.Decode(nil, enc)
				if err != nil {
					t.Errorf("writer %d, input %d: Decode: %v", w, i, err)
					return
				}
				if !bytes.Equal(dec, in) {
					t.Errorf("writer %d, input %d: %d bytes in, %d back, not equal", w, i, len(in), len(dec))
				}
			}
		}()
	}
	wg.Wait()
	if got := fmt.Sprint(c.CompressionCodec()); got != fmt.Sprint(parquet.Zstd.CompressionCodec()) {
		t.Errorf("codec %s, want parquet's Zstd %s", got, parquet.Zstd.CompressionCodec())
	}
	if n := len(c.free); n == 0 || n > zstdEncoders {
		t.Errorf("%d encoders kept, want 1 to %d", n, zstdEncoders)
	}
}
