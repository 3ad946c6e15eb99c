package rates

import (
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
)

// zstdWindow is the zstd window of the Parquet pages written: four times
// parquet-go's 256 KiB page buffer, so a page compresses the same as
// with the default 8 MiB window, for 2 MiB of history an encoder instead
// of 16 MiB.
const zstdWindow = 1 << 20

// zstdEncoders is how many page encoders a file keeps: parquet-go
// compresses one column's page at a time per writer.
const zstdEncoders = 2

// zstdCodec is parquet-go's Zstd codec with encoders that stay. parquet-go
// keeps its encoders in a sync.Pool, which the garbage collector empties:
// under the scan's memory limit, collections come often, and each one
// cost a new encoder and its 16 MiB of history, which brought the next
// collection sooner (in a 1.47-million-row scan, a third of the CPU
// time). Reading goes through parquet-go's own codec.
type zstdCodec struct {
	compress.Codec // parquet.Zstd: name, format code, Decode
	free           chan *zstd.Encoder
}

var _ compress.Codec = (*zstdCodec)(nil)

func newZstdCodec() *zstdCodec {
	return &zstdCodec{Codec: &parquet.Zstd, free: make(chan *zstd.Encoder, zstdEncoders)}
}

// Encode compresses src as one zstd frame, as parquet-go's codec does
// (same level, no checksum, an empty input still a frame).
func (c *zstdCodec) Encode(dst, src []byte) ([]byte, error) {
	var e *zstd.Encoder
	select {
	case e = <-c.free:
	default:
		var err error
		e, err = zstd.NewWriter(nil,
			zstd.WithEncoderConcurrency(1),
			zstd.WithEncoderLevel(zstd.SpeedDefault),
			zstd.WithWindowSize(zstdWindow),
			zstd.WithZeroFrames(true),
			zstd.WithEncoderCRC(false),
		)
		if err != nil {
			return dst, err
		}
	}
	dst = e.EncodeAll(src, dst[:0])
	select {
	case c.free <- e:
	default: // more encoders than zstdEncoders were busy at once
	}
	return dst, nil
}
