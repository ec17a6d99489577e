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
	/* The mark says the ctx's EL1 and FP/SIMD state is still in this CPU (vcpu.c); else load it.
	 * CNTVOFF, ICH_VMCR and ICH_AP1R0 go with it: only the guest changes them while it runs. So does
	 * the virtual timer, which an IRQ exit or hal_vcpu_put saved with CTX_FPSR_TIMER set beside the
	 * mark: then only the timer is loaded (CVAL before CTL: an old deadline never fires under
	 * the new control). */
	mrs	x2, tpidr_el2
	ldr	x3, [x0, #CTX_FPSR]
	cmp	x2, x3
	b.eq	1f
	orr	x5, x2, #CTX_FPSR_TIMER
	cmp	x3, x5
	b.ne	8f
	add	x5, x0, #CTX_VTIMER
	ldp	x3, x4, [x5]
	msr	cntv_cval_el0, x4
	msr	cntv_ctl_el0, x3
	str	x2, [x0, #CTX_FPSR]
	b	1f
8:	bl	vcpu_load
	/* What the core may have changed since the exit: an injected exception. HCR and VTTBR change
	 * only with a rewrite of the ctx, so they load with the rest (vcpu.c). */
1:	ldp	x2, x3, [x0, #CTX_EL1_ESR]
	msr	esr_el1, x2
	msr	far_el1, x3
	ldp	x2, x3, [x0, #CTX_EL1_ELR]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	ldp	x2, x3, [x0, #CTX_PC]
	msr	elr_el2, x2
	msr	spsr_el2, x3
	/* The virtual CPU interface. The list registers are all empty here (every exit empties those
	 * it saves), so only [0, nr_lr) are written, and most entries have none. Then HCR needs no
	 * write either: with no LR the core arms nothing, so the ctx's is En alone (or 0 without a
	 * vGIC), which an exit that had LRs leaves behind and a switch loads (vcpu.c). */
	ldr	w3, [x0, #(CTX_VGIC_HCR + VGIC_NR_LR)]
	cbnz	w3, 4f
3:	mov	sp, x0
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

	/* GICv2: GICH is MMIO; C converts the list registers from the HAL's layout. */
4:	ldr	w5, gic_v2
	cbnz	w5, 6f
	ldr	w2, [x0, #CTX_VGIC_HCR]
	b	5f
6:	mov	x19, x0
	bl	gicv2_vcpu_load
	mov	x0, x19
	b	3b

	/* w3 = nr_lr, clamped to the LRs there are. ICH_LR<n>_EL2 are separate registers: jump into
	 * an unrolled load (two instructions per LR) that ends with LR 0. */
5:	ldr	w5, gic_nr_lrs
	cmp	w3, w5
	csel	w3, w3, w5, lo
	adr	x5, 7f
	sub	x5, x5, x3, lsl #3
	br	x5
	.irp	n, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0
	ldr	x5, [x0, #(CTX_VGIC_LR + 8 * \n)]
	msr	ich_lr\n\()_el2, x5
	.endr
7:	msr	ich_hcr_el2, x2
	b	3b
	.size	hal_vcpu_enter, . - hal_vcpu_enter

/*
 * From a lower-EL vector: sp = the ctx, x0 = the exit reason, the guest's x0/x1 already saved.
 * The EL1 registers saved here are the ones the core reads or rewrites to inject an exception;
 * vcpu.c saves the rest only when another ctx needs this CPU. The virtual CPU interface comes back
 * too; the virtual timer only on an IRQ exit (vectors.S), the one exit where the core looks at it.
 * One body per GIC version, each with its own vector table (vectors.S), so neither tests which.
 */
.macro exit_body v2
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
	add	x4, sp, #CTX_VGIC_HCR
.if !\v2
	/* GICv3. With no list register in use, only what the guest changes by itself comes back:
	 * VMCR and the active priorities; HCR's EOIcount and the status registers tell nothing the
	 * core asked for. */
	mrs	x2, ich_vmcr_el2
	mrs	x3, ich_ap1r0_el2
	stp	w2, w3, [x4, #VGIC_VMCR]
	ldr	w3, [x4, #VGIC_NR_LR]
	cbnz	w3, exit_save_lrs
exit_lrs_saved:
.endif
.if \v2
	/* GICv2: VMCR and GICH_APR the same way through GICH; the rest in C after the switch to the
	 * host stack, and only with list registers in use (x20 = nr_lr, x19 = the ctx). */
	ldr	x5, gic_gich
	ldr	w2, [x5, #GICH_VMCR]
	ldr	w3, [x5, #GICH_APR]
	stp	w2, w3, [x4, #VGIC_VMCR]
	ldr	w20, [x4, #VGIC_NR_LR]
	mov	x19, sp
.endif
	ldr	x1, [sp, #CTX_HAL_PRIV]
	mov	sp, x1
	ldr	x1, [sp, #HOST_EXIT]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	mrs	x4, hpfar_el2
	/* x0 is the reason zero-extended: its upper half lands in the padding before esr. */
	stp	x0, x2, [x1, #EXIT_REASON]
	stp	x3, x4, [x1, #(EXIT_ESR + 8)]
.if \v2
	cbz	w20, 1f
	mov	x0, x19
	bl	gicv2_vcpu_save
1:
.endif
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #HOST_FRAME
	ret
.endm

	.globl	entry_exit
	.type	entry_exit, %function
entry_exit:
	exit_body 0
	/* w3 = nr_lr, x4 = &ctx.vgic.hcr: HCR and the status registers, then LRs nr_lr - 1 .. 0 read
	 * and emptied (three instructions per LR), so the next entry, this vCPU's or another's,
	 * finds them all empty; HCR is left En, nothing armed, as an entry without LRs expects. */
exit_save_lrs:
	mrs	x2, ich_hcr_el2
	mrs	x5, ich_misr_el2
	str	w2, [x4]
	str	w5, [x4, #VGIC_MISR]
	mrs	x2, ich_eisr_el2
	mrs	x5, ich_elrsr_el2
	stp	w2, w5, [x4, #VGIC_EISR]
	mov	x2, #HAL_VGIC_HCR_EN_ASM
	msr	ich_hcr_el2, x2
	ldr	w5, gic_nr_lrs
	cmp	w3, w5
	csel	w3, w3, w5, lo
	add	x3, x3, x3, lsl #1
	adr	x5, 7f
	sub	x5, x5, x3, lsl #2
	br	x5
	.irp	n, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0
	mrs	x2, ich_lr\n\()_el2
	str	x2, [sp, #(CTX_VGIC_LR + 8 * \n)]
	msr	ich_lr\n\()_el2, xzr
	.endr
7:	b	exit_lrs_saved
	.size	entry_exit, . - entry_exit

	.globl	entry_exit_v2
	.type	entry_exit_v2, %function
entry_exit_v2:
	exit_body 1
	.size	entry_exit_v2, . - entry_exit_v2
