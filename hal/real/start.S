/* EL2 entry: the arm64 Image header, then the boot CPU's path to hyp_start(fdt) and the path of
 * CPUs started by PSCI CPU_ON to hyp_secondary_start(idx). Everything here runs with the MMU off. */
#include "arch.h"

/* Little-endian, 4 KiB pages, placeable anywhere: the image relocates itself. */
#define IMAGE_FLAGS ((1 << 1) | (1 << 3))

	.section .head.text, "ax"
	.globl	_start
_start:
	b	start_primary			/* code0 */
	.long	0				/* code1 */
	.quad	0				/* text_offset: QEMU then loads us 2 MiB into RAM */
	.quad	_end - _start			/* image_size, .bss included (PC-relative: no dynamic reloc) */
	.quad	IMAGE_FLAGS
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0

	.text
/* x0 = FDT physical address (Linux arm64 boot protocol). */
start_primary:
	mov	x19, x0
	mrs	x1, CurrentEL
	cmp	x1, #CURRENTEL_EL2
	b.ne	start_park
	bl	start_el2_setup

	/* Linked at 0, so _text's address is the load offset. ADRP needs a 4 KiB aligned load. */
	adrp	x20, _text
	add	x20, x20, :lo12:_text
	tst	x20, #0xfff
	b.ne	start_park

	adrp	x1, __rela_start
	add	x1, x1, :lo12:__rela_start
	adrp	x2, __rela_end
	add	x2, x2, :lo12:__rela_end
1:	cmp	x1, x2
	b.hs	2f
	ldp	x3, x4, [x1], #16		/* r_offset, r_info */
	ldr	x5, [x1], #8			/* r_addend */
	cbz	w4, 1b				/* R_AARCH64_NONE */
	cmp	w4, #R_AARCH64_RELATIVE
	b.ne	start_park			/* anything else cannot be applied without a symbol table */
	add	x5, x5, x20
	str	x5, [x3, x20]
	b	1b

	/* stp, not dc zva: with the MMU off memory is Device, where dc zva faults. */
2:	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
3:	cmp	x1, x2
	b.hs	4f
	stp	xzr, xzr, [x1], #16
	b	3b

4:	mov	x0, #0
	bl	start_set_stack
	mov	x0, x19
	bl	mmu_early
	bl	start_inval_image
	bl	start_enable_mmu
	mov	x0, #0
	bl	start_set_cpu
	mov	x0, x19
	bl	hyp_start
	b	start_park

/* PSCI CPU_ON entry; x0 = context_id = logical CPU index. */
	.globl	start_secondary
start_secondary:
	mov	x19, x0
	mrs	x1, CurrentEL
	cmp	x1, #CURRENTEL_EL2
	b.ne	start_park
	cmp	x19, #REAL_MAX_CPUS
	b.hs	start_park
	bl	start_el2_setup
	/* The MMU goes on before any store: the stack must be cacheable and coherent from the start. */
	bl	start_enable_mmu
	/* The vector table for the GIC the boot CPU found (gic.c), readable now that the MMU is on. */
	adrp	x0, gic_vbar
	ldr	x0, [x0, :lo12:gic_vbar]
	cbz	x0, 1f
	msr	vbar_el2, x0
	isb
1:	mov	x0, x19
	bl	start_set_cpu
	mov	x0, x19
	bl	start_set_stack
	mov	x0, x19
	bl	hyp_secondary_start
	b	start_park

start_park:
	msr	daifset, #0xf
1:	wfi
	b	1b

/* Leaves EL2 in a known state whatever the loader left: no interrupts, MMU and caches off, no guest. */
start_el2_setup:
	msr	daifset, #0xf
	ldr	x0, =(SCTLR_EL2_RES1 | SCTLR_SA)
	msr	sctlr_el2, x0
	isb
	mov	x0, #HCR_RW
	msr	hcr_el2, x0
	mov	x0, #CPTR_EL2_RES1
	msr	cptr_el2, x0
	/* Guest-facing EL2 state no vCPU changes: the guest's MIDR is the real one, no CP15 traps,
	 * the virtual counter equal to the physical one. */
	mrs	x0, midr_el1
	msr	vpidr_el2, x0
	msr	hstr_el2, xzr
	mov	x0, #CNTHCTL_EL1PCTEN
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr
	msr	vttbr_el2, xzr
	adrp	x0, vec_table
	add	x0, x0, :lo12:vec_table
	msr	vbar_el2, x0
	isb
	ret

/* TPIDR_EL2 = (x0 + 1) << 32: the logical index, in the form vcpu.c uses as the live mark. */
start_set_cpu:
	add	x1, x0, #1
	lsl	x1, x1, #32
	msr	tpidr_el2, x1
	ret

/* sp = top of start_stacks[x0]; x1 clobbered. */
start_set_stack:
	adrp	x1, start_stacks
	add	x1, x1, :lo12:start_stacks
	add	x1, x1, x0, lsl #STACK_SHIFT
	add	sp, x1, #STACK_SIZE
	ret

/* Drop any stale cache lines over the image: everything we wrote so far (relocations, .bss, page
 * tables, stack) went straight to memory, and must not be shadowed once the caches are on. */
start_inval_image:
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4			/* DminLine: log2 of the line size in words */
	mov	x2, #4
	lsl	x2, x2, x3
	adrp	x0, _text
	add	x0, x0, :lo12:_text
	adrp	x1, _end
	add	x1, x1, :lo12:_end
1:	dc	ivac, x0
	add	x0, x0, x2
	cmp	x0, x1
	b.lo	1b
	dsb	sy
	ret

/* Loads the translation registers mmu.c recorded (cleaned to PoC for secondaries), MMU on. */
start_enable_mmu:
	adrp	x0, mmu_regs
	add	x0, x0, :lo12:mmu_regs
	ldp	x1, x2, [x0]			/* mair, tcr */
	ldp	x3, x4, [x0, #16]		/* ttbr0, sctlr */
	msr	mair_el2, x1
	msr	tcr_el2, x2
	msr	ttbr0_el2, x3
	isb
	tlbi	alle2
	ic	iallu
	dsb	nsh
	isb
	msr	sctlr_el2, x4
	isb
	ret
	.ltorg

	.section .bss.stacks, "aw", %nobits
	.balign	16
start_stacks:
	.space	REAL_MAX_CPUS * STACK_SIZE
