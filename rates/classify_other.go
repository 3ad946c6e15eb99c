//go:build !amd64

package rates

// hasAVX2 is false off amd64: the Go version classifies.
var hasAVX2 = false

// classifyBlocks fills masks with two words for each block of 64 bytes
// at the start of b, len(masks)/2 blocks: the quotes, then the brackets
// (a bit per byte, the lowest bit for the block's first byte).
func classifyBlocks(b []byte, masks []uint64) { classifyGo(b, masks) }
