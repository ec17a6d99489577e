/* evtchnbench's EL1 vector table, installed only while the upcall loop runs: the IRQ slot (current
 * EL, SP_ELx) is the whole upcall handler, as short as an event handler can be: acknowledge (ICC_*
 * system registers, or GICC MMIO when x25 holds its base), clear vcpu_info's upcall flag and
 * selector (x26) and the port's pending word (x27), end the interrupt, set the loop's flag (x23).
 * The loop owns x23-x27, so nothing else needs saving. Every other slot goes to the library's
 * vectors, which report the exception. */

.macro passthrough idx
	.org	evtchnbench_vectors + \idx * 0x80
	b	gl_vectors + \idx * 0x80
.endm

	.section .text.vectors, "ax"
	.balign	2048
	.globl	evtchnbench_vectors
evtchnbench_vectors:
	.irp	idx, 0, 1, 2, 3, 4
	passthrough \idx
	.endr
	.org	evtchnbench_vectors + 5 * 0x80
	cbnz	x25, 1f
	mrs	x24, icc_iar1_el1
	strb	wzr, [x26]			/* evtchn_upcall_pending */
	str	xzr, [x26, #8]			/* evtchn_pending_sel */
	str	xzr, [x27]			/* the port's evtchn_pending word */
	msr	icc_eoir1_el1, x24
	mov	x23, #1
	eret
1:	ldr	w24, [x25, #0xc]		/* GICC_IAR */
	strb	wzr, [x26]
	str	xzr, [x26, #8]
	str	xzr, [x27]
	str	w24, [x25, #0x10]		/* GICC_EOIR */
	mov	x23, #1
	eret
	.irp	idx, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	passthrough \idx
	.endr
	.org	evtchnbench_vectors + 0x800
