/* The instructions a sim guest program executes, for the guest library: each runs at the vCPU's
 * pc with the architecture's effect, its memory accesses walked by the pCPU's MMU model. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The registers an exception vector's entry code saves and its ERET restores. */
struct sim_frame {
	uint64_t x[31];
	uint64_t elr, spsr; /* written back to ELR_EL1/SPSR_EL1 before the ERET */
	uint64_t esr, far;  /* ESR_EL1 and FAR_EL1 as the exception left them */
};

/* The handler behind the vector code at @slot (offset from the table: 0x200 is a synchronous
 * exception at the current EL with SP_ELx). Returning performs the ERET. */
typedef void sim_vector_fn(unsigned slot, struct sim_frame *f);

/* LDR/STR of one general register (Wt when !@sf) at @va: an access of @size bytes with a valid
 * instruction syndrome. A load returns Xt, as the instruction or whoever completed it left it. */
uint64_t sim_insn_load(uint64_t va, unsigned size, unsigned rt, bool sf);
void sim_insn_store(uint64_t va, uint64_t val, unsigned size, unsigned rt, bool sf);

/* Registers as the next instruction sees them: set arguments before an HVC, read results after. */
uint64_t sim_insn_reg(unsigned n);
void sim_insn_set_reg(unsigned n, uint64_t val);

/* HVC #@imm: traps to EL2 with the arguments in the registers; returns once past it. */
void sim_insn_hvc(uint16_t imm);

/* WFI: a trap to EL2 (EC 0x01) when HCR_EL2.TWI is set; otherwise the pCPU sleeps until an
 * interrupt is pending for it (virtual or physical, whatever PSTATE.I says), and completes. */
void sim_insn_wfi(void);

/* MSR DAIFSet / DAIFClr, #@imm (D A I F in bits 3..0): PSTATE's mask bits, never trapped. An IRQ
 * pending and now unmasked is taken before the next instruction. */
void sim_insn_daifset(unsigned imm);
void sim_insn_daifclr(unsigned imm);

/* MRS/MSR of the EL1 registers the library uses; writes take effect on the next access. */
enum sim_sysreg {
	SIM_SCTLR_EL1,
	SIM_TCR_EL1,
	SIM_TTBR0_EL1,
	SIM_TTBR1_EL1,
	SIM_MAIR_EL1,
	SIM_VBAR_EL1,
	SIM_ESR_EL1,
	SIM_FAR_EL1,
	SIM_ELR_EL1,
	SIM_SPSR_EL1,
	SIM_TPIDR_EL1,
	SIM_MPIDR_EL1, /* reads VMPIDR_EL2, as a guest does; writes are ignored */
	/* The GIC's CPU interface: with HCR_EL2.IMO set, the virtual one (ICV_*) of the pCPU's GIC
	 * model; ICC_SGI1R_EL1 traps to EL2 (EC 0x18). UNDEFINED at EL1 on a GICv2 machine. */
	SIM_ICC_IAR1_EL1,
	SIM_ICC_EOIR1_EL1,
	SIM_ICC_DIR_EL1,
	SIM_ICC_PMR_EL1,
	SIM_ICC_BPR1_EL1,
	SIM_ICC_CTLR_EL1,
	SIM_ICC_SRE_EL1,
	SIM_ICC_IGRPEN1_EL1,
	SIM_ICC_SGI1R_EL1,
	SIM_ICC_RPR_EL1,
	SIM_ICC_HPPIR1_EL1,
	/* The generic timer, with CNTHCTL_EL2 as Halcyon sets it (EL1PCTEN 1, EL1PCEN 0): CNTFRQ,
	 * the counters and the virtual timer are the guest's own; the CNTP_* registers trap to EL2
	 * (EC 0x18) for the core to emulate. */
	SIM_CNTFRQ_EL0,
	SIM_CNTVCT_EL0,
	SIM_CNTV_CTL_EL0,
	SIM_CNTV_CVAL_EL0,
	SIM_CNTV_TVAL_EL0,
	SIM_CNTPCT_EL0,
	SIM_CNTP_CTL_EL0,
	SIM_CNTP_CVAL_EL0,
	SIM_CNTP_TVAL_EL0,
};
#define SIM_SYSREG_FIRST_IRQ SIM_ICC_IAR1_EL1
/* The interrupt and timer registers move through x0 (MRS x0 / MSR x0): a trap's ISS names Rt 0,
 * and the core completes a trapped MRS by writing x0. An access the architecture makes UNDEFINED
 * (an MSR to a counter, a GICv3 register on a GICv2) takes an undefined-instruction exception. */
uint64_t sim_insn_mrs(enum sim_sysreg r);
void sim_insn_msr(enum sim_sysreg r, uint64_t val);

/* TLBI of the guest's own stage 1 (the VMALLE1/VAE1/ASIDE1 family, by models/mmu's op number),
 * broadcast when HCR_EL2.FB says so. */
void sim_insn_tlbi(unsigned op, uint64_t xt);

/* Places the library's vector code at @va (2 KiB aligned): an exception taken to an address in
 * [@va, @va + 0x800) runs @fn. Where VBAR_EL1 points is the guest's own business (sim_insn_msr). */
void sim_insn_vectors(uint64_t va, sim_vector_fn *fn);

/* Where @len bytes of guest memory at @va live in the host, for a library handing the program a C
 * pointer to guest RAM: translated as the access would be (both stages, AT S12E1R/W), NULL unless
 * all of it is mapped RAM, contiguous in the host. Accesses through the pointer bypass the MMU
 * model: only for the guest's own RAM, mapped for good. */
void *sim_insn_host_ptr(uint64_t va, size_t len, bool write);

/* The guest library's per-vCPU state, as TPIDR_EL1 would point at it: host memory the program
 * owns (usually its runtime's stack), never read by the sim. */
void *sim_insn_runtime(void);
void sim_insn_set_runtime(void *p);
