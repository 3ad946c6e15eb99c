#include "textflag.h"

// func classifyAVX2(b *byte, masks *uint64, n int)
//
// For each of the n blocks of 64 bytes at b, two words at masks: a bit
// per byte for '"', then a bit per byte for '{', '[', '}' and ']'
// (bytes that are '{' or '}' once 0x20 is set).
TEXT ·classifyAVX2(SB), NOSPLIT, $0-24
	MOVQ b+0(FP), SI
	MOVQ masks+8(FP), DI
	MOVQ n+16(FP), CX
	TESTQ CX, CX
	JZ   done
	MOVL $0x22, AX
	MOVQ AX, X10
	VPBROADCASTB X10, Y10
	MOVL $0x20, AX
	MOVQ AX, X11
	VPBROADCASTB X11, Y11
	MOVL $0x7b, AX
	MOVQ AX, X12
	VPBROADCASTB X12, Y12
	MOVL $0x7d, AX
	MOVQ AX, X13
	VPBROADCASTB X13, Y13

loop:
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1
	VPCMPEQB Y10, Y0, Y2
	VPCMPEQB Y10, Y1, Y3
	VPMOVMSKB Y2, AX
	VPMOVMSKB Y3, BX
	SHLQ $32, BX
	ORQ  BX, AX
	MOVQ AX, (DI)
	VPOR Y11, Y0, Y0
	VPOR Y11, Y1, Y1
	VPCMPEQB Y12, Y0, Y2
	VPCMPEQB Y13, Y0, Y4
	VPOR Y4, Y2, Y2
	VPCMPEQB Y12, Y1, Y3
	VPCMPEQB Y13, Y1, Y5
	VPOR Y5, Y3, Y3
	VPMOVMSKB Y2, AX
	VPMOVMSKB Y3, BX
	SHLQ $32, BX
	ORQ  BX, AX
	MOVQ AX, 8(DI)
	ADDQ $64, SI
	ADDQ $16, DI
	DECQ CX
	JNZ  loop
	VZEROUPPER

done:
	RET
