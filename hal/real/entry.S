/* Entering a guest and coming back: hal_vcpu_enter runs the guest until it traps, and the lower-EL
 * vectors return from it. While a guest runs, SP_EL2 points at its ctx, so they need no scratch
 * register to find where its registers go, and ctx->hal_priv holds the host's SP. This is the
 * hypercall round trip: keep it short. */
#include "arch.h"
#include "macros.inc"

/* hal_vcpu_enter's frame on the host stack: x29/x30, x19-x28, the exit record's address. */
#define HOST_FRAME 112
#define HOST_EXIT  96

	.text
	.globl	hal_vcpu_enter
	.type	hal_vcpu_enter, %function
/* x0 = ctx, x1 = exit. */
hal_vcpu_enter:
	stp	x29, x30, [sp, #-HOST_FRAME]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	str	x1, [sp, #HOST_EXIT]
	mov	x2, sp
	str	x2, [x0, #CTX_HAL_PRIV]
	/* The mark says the ctx's EL1 and FP/SIMD state is still in this CPU (vcpu.c); else load it. */
	mrs	x2, tpidr_el2
	ldr	x3, [x0, #CTX_FPSR]
	cmp	x2, x3
	b.eq	1f
	bl	vcpu_load
	/* What the core may have changed since the exit: an injected exception, HCR, stage 2. */
1:	ldp	x2, x3, [x0, #CTX_EL1_ESR]
	msr	esr_el1, x2
	msr	far_el1, x3
	ldp	x2, x3, [x0, #CTX_EL1_ELR]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	ldp	x2, x3, [x0, #CTX_HCR]
	msr	hcr_el2, x2
	msr	vttbr_el2, x3
	ldp	x2, x3, [x0, #CTX_PC]
	msr	elr_el2, x2
	msr	spsr_el2, x3
	mov	sp, x0
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #CTX_X30]
	ldp	x0, x1, [sp, #CTX_X0]
	eret
	/* Never reached: stops straight-line speculation past the ERET. */
	dsb	nsh
	isb
	.size	hal_vcpu_enter, . - hal_vcpu_enter

	.globl	entry_exit
	.type	entry_exit, %function
/* From a lower-EL vector: sp = the ctx, x0 = the exit reason, the guest's x0/x1 already saved.
 * The EL1 registers saved here are the ones the core reads or rewrites to inject an exception;
 * vcpu.c saves the rest only when another ctx needs this CPU. */
entry_exit:
	save_x2_x29
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x30, x2, [sp, #CTX_X30]		/* x30, pc */
	str	x3, [sp, #CTX_PSTATE]
	mrs	x2, esr_el1
	mrs	x3, far_el1
	stp	x2, x3, [sp, #CTX_EL1_ESR]
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x2, x3, [sp, #CTX_EL1_ELR]
	mrs	x2, vbar_el1
	str	x2, [sp, #CTX_EL1_VBAR]
	ldr	x1, [sp, #CTX_HAL_PRIV]
	mov	sp, x1
	ldr	x1, [sp, #HOST_EXIT]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	mrs	x4, hpfar_el2
	str	w0, [x1, #EXIT_REASON]
	stp	x2, x3, [x1, #EXIT_ESR]
	str	x4, [x1, #EXIT_HPFAR]
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #HOST_FRAME
	ret
	.size	entry_exit, . - entry_exit
