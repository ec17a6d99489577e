/* A bare-metal EL1 guest's entry: the arm64 Image header, self-relocation (the image runs as Dom0 at
 * PA == IPA or as a DomU at 0x40000000), .bss, an identity map with caches on, then guest_main(x0). */

#define R_AARCH64_RELATIVE 1027

/* The Image header's flags: little-endian, 4 KiB pages, placeable anywhere. */
#define IMAGE_FLAGS ((1 << 1) | (1 << 3))

#define SHUTDOWN_poweroff 0

/* MAIR_EL1: attribute 0 Device-nGnRE, 1 Normal write-back read/write-allocate. */
#define MAIR_VALUE 0xff04
/* TCR_EL1: 39-bit VA from TTBR0 (a level-1 table), 4 KiB granule, cacheable inner-shareable walks,
 * no TTBR1 walks, 40-bit IPA. */
#define TCR_VALUE ((64 - 39) | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23) | (2 << 32))
/* Level-1 block descriptors: AF, then attribute index; devices execute-never, RAM inner-shareable. */
#define BLOCK_DEVICE ((1 << 0) | (1 << 10) | (0 << 2) | (3 << 53))
#define BLOCK_NORMAL ((1 << 0) | (1 << 10) | (1 << 2) | (3 << 8))
#define SCTLR_MCI    ((1 << 0) | (1 << 2) | (1 << 12))
#define CPACR_FPEN   (3 << 20)
#define STACK_SIZE   (16 << 10)
/* Secondary vCPUs run only what the test hands them: no libfdt, a smaller stack each. */
#define SECONDARY_STACK (8 << 10)
#define MAX_VCPUS       8 /* GL_MAX_VCPUS in lib/guest.h */
#define PSCI_CPU_OFF    0x84000002

	.section .head.text, "ax"
	.globl	_start
_start:
	b	gl_start			/* code0 */
	.long	0				/* code1 */
	.quad	0				/* text_offset */
	.quad	_end - _start			/* image_size, .bss included */
	.quad	IMAGE_FLAGS
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0

	.text
/* x0 = the guest device tree. MMU off: memory is Device, so only aligned accesses until it is on. */
gl_start:
	mov	x19, x0
	/* Linked at 0, so _text's address is the load offset; ADRP needs it 4 KiB aligned. */
	adr	x20, _text
	tst	x20, #0xfff
	b.ne	gl_start_crash

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
	b.ne	gl_start_crash
	add	x5, x5, x20
	str	x5, [x3, x20]
	b	1b

2:	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
3:	cmp	x1, x2
	b.hs	4f
	stp	xzr, xzr, [x1], #16
	b	3b

	/* Identity map, 1 GiB blocks: the first GiB is devices (Xen's guest map puts the GIC there),
	 * the rest Normal memory, RAM wherever the hypervisor placed it. */
4:	adrp	x1, gl_pt
	add	x1, x1, :lo12:gl_pt
	ldr	x3, =BLOCK_DEVICE
	str	x3, [x1]
	ldr	x3, =BLOCK_NORMAL
	mov	x2, #1
5:	orr	x4, x3, x2, lsl #30
	str	x4, [x1, x2, lsl #3]
	add	x2, x2, #1
	cmp	x2, #512
	b.lo	5b
	bl	gl_el1_on
	adrp	x3, gl_stack
	add	x3, x3, :lo12:gl_stack
	add	sp, x3, #STACK_SIZE
	mov	x0, x19
	bl	guest_main
	mov	x0, #SHUTDOWN_poweroff
	bl	gl_shutdown

/* x1 = the level-1 table: the translation regime, caches, FP/SIMD and the vectors, the same for
 * every vCPU. Uses x3 and x4 only: callers have no stack yet. */
gl_el1_on:
	ldr	x3, =MAIR_VALUE
	msr	mair_el1, x3
	ldr	x3, =TCR_VALUE
	msr	tcr_el1, x3
	msr	ttbr0_el1, x1
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	mrs	x3, sctlr_el1
	ldr	x4, =SCTLR_MCI
	orr	x3, x3, x4
	msr	sctlr_el1, x3
	isb

	/* libfdt.a may use FP/SIMD registers: let EL1 have them. */
	mrs	x3, cpacr_el1
	orr	x3, x3, #CPACR_FPEN
	msr	cpacr_el1, x3
	adrp	x3, gl_vectors
	add	x3, x3, :lo12:gl_vectors
	msr	vbar_el1, x3
	isb
	ret

/* PSCI CPU_ON's entry for gl_cpu_on, x0 = the context id (the vCPU id), MMU off as after a reset.
 * The image is relocated and gl_pt built by then, so the primary's map is reused as it stands. An
 * id the library has no stack for is not ours to run: that vCPU turns off again. */
	.globl	gl_secondary_entry
gl_secondary_entry:
	cmp	x0, #MAX_VCPUS
	b.hs	gl_secondary_off
	mov	x19, x0
	adrp	x1, gl_pt
	add	x1, x1, :lo12:gl_pt
	bl	gl_el1_on
	adrp	x3, gl_secondary_stacks
	add	x3, x3, :lo12:gl_secondary_stacks
	add	x3, x3, x19, lsl #13		/* SECONDARY_STACK is 1 << 13 */
	add	sp, x3, #SECONDARY_STACK
	/* Read with the MMU on: the primary stored it through its cacheable map. */
	adrp	x1, gl_secondary_fn
	add	x1, x1, :lo12:gl_secondary_fn
	ldr	x1, [x1, x19, lsl #3]
	cbz	x1, gl_secondary_off
	mov	x0, x19
	blr	x1
gl_secondary_off:
	ldr	w0, =PSCI_CPU_OFF
	hvc	#0
	b	gl_secondary_off

/* Before relocation nothing but PC-relative addressing works: SCHEDOP_shutdown(crash) by hand. */
gl_start_crash:
	adr	x1, gl_crash_reason
	mov	x0, #2				/* SCHEDOP_shutdown */
	mov	x16, #29			/* __HYPERVISOR_sched_op */
	hvc	#0xea1
	b	gl_start_crash
	.ltorg

	.balign	4
gl_crash_reason:
	.long	3				/* SHUTDOWN_crash */

	.section .bss.gl_start, "aw", %nobits
	.balign	4096
gl_pt:
	.space	4096
	.balign	16
gl_stack:
	.space	STACK_SIZE
	.balign	16
gl_secondary_stacks:
	.space	SECONDARY_STACK * MAX_VCPUS
