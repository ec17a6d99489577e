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
.macro ventry table, idx, getsp
	.org	\table + \idx * 0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp]
	\getsp
	adrp	x1, vec_name_\idx
	add	x1, x1, :lo12:vec_name_\idx
	b	vec_common
.endm

/* A guest ran: SP_EL2 is its ctx (entry.S), so x0/x1 go straight into ctx.x[0..1]. Exceptions
 * from AArch32 (a guest's 32-bit EL0) exit the same way: their syndrome is the core's to judge. */
.macro vexit table, idx, reason, exit
	.org	\table + \idx * 0x80
	stp	x0, x1, [sp, #CTX_X0]
.if \reason == EXIT_IRQ
	/* The virtual timer, for the core to look at (it may be what fired) and mask in the ctx; the
	 * mark's CTX_FPSR_TIMER has the next entry load it back (vcpu.c). Other exits leave it be. */
	mrs	x0, cntv_ctl_el0
	mrs	x1, cntv_cval_el0
	str	x0, [sp, #CTX_VTIMER]
	str	x1, [sp, #(CTX_VTIMER + 8)]
	ldr	x0, [sp, #CTX_FPSR]
	orr	x0, x0, #CTX_FPSR_TIMER
	str	x0, [sp, #CTX_FPSR]
.endif
	mov	x0, #\reason
	b	\exit
.endm

/* One table per GIC version, differing only in the guest exit path they take (entry.S). */
.macro vtable table, exit
	.balign	2048
	.globl	\table
\table:
	ventry	\table, 0, sp_el2t
	ventry	\table, 1, sp_el2t
	ventry	\table, 2, sp_el2t
	ventry	\table, 3, sp_el2t
	ventry	\table, 4, sp_el2h
	ventry	\table, 5, sp_el2h
	ventry	\table, 6, sp_el2h
	ventry	\table, 7, sp_el2h
	vexit	\table, 8, EXIT_SYNC, \exit
	vexit	\table, 9, EXIT_IRQ, \exit
	vexit	\table, 10, EXIT_IRQ, \exit		/* FIQ: a physical interrupt all the same */
	vexit	\table, 11, EXIT_SERROR, \exit
	vexit	\table, 12, EXIT_SYNC, \exit
	vexit	\table, 13, EXIT_IRQ, \exit
	vexit	\table, 14, EXIT_IRQ, \exit
	vexit	\table, 15, EXIT_SERROR, \exit
	.org	\table + 0x800
.endm

	.section .rodata.vec_names, "a"
vec_name_0:	.asciz	"EL2t sync"
vec_name_1:	.asciz	"EL2t IRQ"
vec_name_2:	.asciz	"EL2t FIQ"
vec_name_3:	.asciz	"EL2t SError"
vec_name_4:	.asciz	"EL2h sync"
vec_name_5:	.asciz	"EL2h IRQ"
vec_name_6:	.asciz	"EL2h FIQ"
vec_name_7:	.asciz	"EL2h SError"

	.section .text.vectors, "ax"
	vtable	vec_table, entry_exit
	vtable	vec_table_v2, entry_exit_v2

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
