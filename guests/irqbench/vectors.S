/* irqbench's EL1 vector table, installed only while a timed loop runs: the IRQ slot (current EL,
 * SP_ELx) is the whole handler, five instructions that acknowledge and end the interrupt (ICC_*
 * system registers, or GICC MMIO when x25 holds its base), switch the virtual timer off and set the
 * loop's flag (x23). The loop owns x23-x25, so nothing else needs saving. Every other slot goes to
 * the library's vectors, which report the exception. */

.macro passthrough idx
	.org	irqbench_vectors + \idx * 0x80
	b	gl_vectors + \idx * 0x80
.endm

	.section .text.vectors, "ax"
	.balign	2048
	.globl	irqbench_vectors
irqbench_vectors:
	.irp	idx, 0, 1, 2, 3, 4
	passthrough \idx
	.endr
	.org	irqbench_vectors + 5 * 0x80
	cbnz	x25, 1f
	mrs	x24, icc_iar1_el1
	msr	icc_eoir1_el1, x24
	msr	cntv_ctl_el0, xzr
	mov	x23, #1
	eret
1:	ldr	w24, [x25, #0xc]		/* GICC_IAR */
	str	w24, [x25, #0x10]		/* GICC_EOIR */
	msr	cntv_ctl_el0, xzr
	mov	x23, #1
	eret
	.irp	idx, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	passthrough \idx
	.endr
	.org	irqbench_vectors + 0x800
