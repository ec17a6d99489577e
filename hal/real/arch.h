/* Architectural constants for the EL2 implementation: system register fields, descriptor bits,
 * the exception frame layout. Only #defines outside the C block, so start.S and vectors.S share them. */
#pragma once

#ifdef __ASSEMBLER__
#define UL(x) x
#else
#define UL(x) x##UL
#endif

#define CURRENTEL_EL2      UL(0x8)
#define R_AARCH64_RELATIVE 1027

/* Per-CPU stacks live in start.S's .bss; C checks REAL_MAX_CPUS == PLAT_MAX_CPUS. */
#define REAL_MAX_CPUS 16
#define STACK_SHIFT   14
#define STACK_SIZE    (UL(1) << STACK_SHIFT)

/* SCTLR_EL2 with HCR_EL2.E2H == 0: RES1 bits, then the ones we set. */
#define SCTLR_EL2_RES1 UL(0x30c50830)
#define SCTLR_M        (UL(1) << 0)
#define SCTLR_C        (UL(1) << 2)
#define SCTLR_SA       (UL(1) << 3)
#define SCTLR_I        (UL(1) << 12)

#define HCR_RW (UL(1) << 31)

/* CNTHCTL_EL2 (E2H == 0): EL1 may read the physical counter; its physical timer (EL1PCEN == 0)
 * traps, for the core to emulate on the hypervisor timer. */
#define CNTHCTL_EL1PCTEN UL(1)

/* CPTR_EL2 with E2H == 0: RES1 bits only, so TFP == 0 (libfdt.a may use SIMD registers). */
#define CPTR_EL2_RES1 UL(0x33ff)

/* MAIR_EL2: index 0 Device-nGnRE, index 1 Normal write-back read/write-allocate. */
#define MAIR_IDX_DEVICE 0
#define MAIR_IDX_NORMAL 1
#define MAIR_VALUE      UL(0xff04)

/* TCR_EL2 (E2H == 0): 48-bit VA, 4 KiB granule, walks cacheable and inner shareable. */
#define TCR_EL2_RES1   ((UL(1) << 31) | (UL(1) << 23))
#define TCR_T0SZ_48    UL(16)
#define TCR_IRGN0_WBWA (UL(1) << 8)
#define TCR_ORGN0_WBWA (UL(1) << 10)
#define TCR_SH0_INNER  (UL(3) << 12)
#define TCR_PS_SHIFT   16
#define PARANGE_48     UL(5)

/* VMSAv8-64 stage-1 descriptors for the one-privilege-level EL2 regime. */
#define PTE_VALID      UL(1)
#define PTE_TYPE_MASK  UL(3)
#define PTE_BLOCK      UL(1)
#define PTE_TABLE      UL(3)
#define PTE_PAGE       UL(3)
#define PTE_ATTRIDX(i) (UL(i) << 2)
#define PTE_AP_RES1    (UL(1) << 6) /* AP[1] is RES1 with one privilege level */
#define PTE_AP_RO      (UL(1) << 7)
#define PTE_SH_INNER   (UL(3) << 8)
#define PTE_AF         (UL(1) << 10)
#define PTE_XN         (UL(1) << 54)
#define PTE_ADDR_MASK  UL(0x0000fffffffff000)

/* struct hal_frame (include/hal/exception.h); C checks these with offsetof. */
#define FRAME_X30   240
#define FRAME_SP    248
#define FRAME_ELR   256
#define FRAME_SPSR  264
#define FRAME_ESR   272
#define FRAME_FAR   280
#define FRAME_HPFAR 288
#define FRAME_SIZE  304 /* 296 rounded up: SP stays 16-byte aligned */

/* struct hal_vcpu_ctx (include/hal/vcpu.h) for entry.S and fp.S; vcpu.c checks them. */
#define CTX_X0       0
#define CTX_X30      240
#define CTX_PC       248
#define CTX_PSTATE   256
#define CTX_EL1_VBAR 328
#define CTX_EL1_ESR  368 /* then far */
#define CTX_EL1_ELR  424 /* then spsr */
#define CTX_HCR      456 /* then vttbr */
#define CTX_FP_V     488
#define CTX_FPSR     1000
/* In ctx.fpsr next to the live mark (vcpu.c): ctx.vtimer is newer than the live CPU's timer. */
#define CTX_FPSR_TIMER 0x8000000000000000
#define CTX_FPCR       1008
#define CTX_HAL_PRIV   1016 /* the host SP while the guest runs */
#define CTX_VGIC_LR    1024 /* lr[16], then hcr, vmcr, apr[4], nr_lr, misr, eisr, elrsr */
#define CTX_VGIC_HCR   1152
#define VGIC_VMCR      4 /* from CTX_VGIC_HCR */
#define VGIC_APR0      8
#define VGIC_NR_LR     24
#define VGIC_MISR      28
#define VGIC_EISR      32   /* then elrsr */
#define CTX_VTIMER     1192 /* ctl, cval, off */

/* HAL_VGIC_HCR_EN (include/hal/gic.h), for entry.S. */
#define HAL_VGIC_HCR_EN_ASM 1

/* GICv2 GICH registers entry.S touches (gic_v2.c has the rest). */
#define GICH_HCR  0x000
#define GICH_VMCR 0x008
#define GICH_APR  0x0f0

/* struct hal_exit and enum hal_exit_reason */
#define EXIT_SYNC   0
#define EXIT_IRQ    1
#define EXIT_SERROR 2
#define EXIT_REASON 0
#define EXIT_ESR    8 /* then far */
#define EXIT_HPFAR  24

/* struct pcpu (pcpu.h): one cache line per CPU. */
#define PCPU_SHIFT 6

#ifndef __ASSEMBLER__
#define sysreg_read(reg)                                                                                               \
	({                                                                                                             \
		uint64_t v_;                                                                                           \
		__asm__ volatile("mrs %0, " #reg : "=r"(v_));                                                          \
		v_;                                                                                                    \
	})
#define sysreg_write(reg, v) __asm__ volatile("msr " #reg ", %0" ::"r"((uint64_t)(v)) : "memory")
#endif
