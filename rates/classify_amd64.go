package rates

import "golang.org/x/sys/cpu"

// classifyAVX2 is classifyBlocks with AVX2 instructions (classify_amd64.s).
//
//go:noescape
func classifyAVX2(b *byte, masks *uint64, n int)

// hasAVX2 chooses classifyAVX2; tests turn it off to compare with the Go
// version.
var hasAVX2 = cpu.X86.HasAVX2

// classifyBlocks fills masks with two words for each block of 64 bytes
// at the start of b, len(masks)/2 blocks: the quotes, then the brackets
// (a bit per byte, the lowest bit for the block's first byte).
func classifyBlocks(b []byte, masks []uint64) {
	n := len(masks) / 2
	if n == 0 {
		return
	}
	_ = b[64*n-1]
	if hasAVX2 {
		classifyAVX2(&b[0], &masks[0], n)
		return
	}
	classifyGo(b, masks)
}
