/* The guest's EL1 exception vectors: every entry saves the registers C may clobber and asks
 * gl_exception (exception.c) what to do; it returns only for an exception the guest handles. */

/* x0-x18, x29, x30: what a C call may clobber, plus the frame pair, 16-byte aligned. */
#define FRAME_SIZE 176

/* .org fails assembly ("attempt to move .org backwards") if the previous slot overflowed 0x80 bytes. */
.macro gentry idx
	.org	gl_vectors + \idx * 0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp]
	mov	x0, #\idx
	b	gl_vec_common
.endm

	.section .text.vectors, "ax"
	.balign	2048
	.globl	gl_vectors
gl_vectors:
	.irp	idx, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	gentry	\idx
	.endr
	.org	gl_vectors + 0x800

/* x0 = the slot (group * 4 + kind, as gl_exception takes it); x0/x1 saved at [sp]. */
gl_vec_common:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x29, [sp, #144]
	str	x30, [sp, #160]
	bl	gl_exception
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x29, [sp, #144]
	ldr	x30, [sp, #160]
	ldp	x0, x1, [sp]
	add	sp, sp, #FRAME_SIZE
	eret
