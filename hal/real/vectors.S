/* EL2 exception vectors: an exception from a guest is a vCPU exit (entry.S); one from EL2 itself
 * is a hypervisor bug, whose full struct hal_frame goes to the core to dump. */
#include "arch.h"
#include "macros.inc"

/* The interrupted context's SP, into x0 (x0/x1 already saved; x1 is free until the name). */
.macro sp_el2t
	mrs	x0, sp_el0
.endm
.macro sp_el2h
	add	x0, sp, #FRAME_SIZE
.endm

/* .org fails assembly ("attempt to move .org backwards") if the previous slot overflowed 0x80 bytes. */
.macro ventry idx, getsp, name
	.org	vec_table + \idx * 0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp]
	\getsp
	adrp	x1, vec_name_\idx
	add	x1, x1, :lo12:vec_name_\idx
	b	vec_common
	.pushsection .rodata.vec_names, "a"
vec_name_\idx:
	.asciz	"\name"
	.popsection
.endm

/* A guest ran: SP_EL2 is its ctx (entry.S), so x0/x1 go straight into ctx.x[0..1]. Exceptions
 * from AArch32 (a guest's 32-bit EL0) exit the same way: their syndrome is the core's to judge. */
.macro vexit idx, reason
	.org	vec_table + \idx * 0x80
	stp	x0, x1, [sp, #CTX_X0]
	mov	x0, #\reason
	b	entry_exit
.endm

	.section .text.vectors, "ax"
	.balign	2048
	.globl	vec_table
vec_table:
	ventry	0, sp_el2t, "EL2t sync"
	ventry	1, sp_el2t, "EL2t IRQ"
	ventry	2, sp_el2t, "EL2t FIQ"
	ventry	3, sp_el2t, "EL2t SError"
	ventry	4, sp_el2h, "EL2h sync"
	ventry	5, sp_el2h, "EL2h IRQ"
	ventry	6, sp_el2h, "EL2h FIQ"
	ventry	7, sp_el2h, "EL2h SError"
	vexit	8, EXIT_SYNC
	vexit	9, EXIT_IRQ
	vexit	10, EXIT_IRQ			/* FIQ: a physical interrupt all the same */
	vexit	11, EXIT_SERROR
	vexit	12, EXIT_SYNC
	vexit	13, EXIT_IRQ
	vexit	14, EXIT_IRQ
	vexit	15, EXIT_SERROR
	.org	vec_table + 0x800

/* x0 = interrupted SP, x1 = vector name; x0/x1 of the interrupted context are at [sp]. */
vec_common:
	save_x2_x29
	mrs	x2, elr_el2
	stp	x30, x0, [sp, #FRAME_X30]	/* x30, then sp */
	mrs	x3, spsr_el2
	stp	x2, x3, [sp, #FRAME_ELR]
	mrs	x4, esr_el2
	mrs	x5, far_el2
	stp	x4, x5, [sp, #FRAME_ESR]
	mrs	x6, hpfar_el2
	str	x6, [sp, #FRAME_HPFAR]
	mov	x0, sp
	bl	hyp_fatal_exception
1:	wfi
	b	1b
