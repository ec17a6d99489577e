/* A guest vCPU on the sim: the fiber its program runs on and where that program stands, shared by
 * the HAL's vCPU entry (vcpu.c) and the instructions the program executes (insn.c). */
#pragma once

#include "fiber.h"
#include "hal/vcpu.h"
#include "insn.h"
#include "machine.h"

/* ESR_ELx exception classes the sim raises itself (the MMU model builds the abort syndromes). */
#define SIM_EC_UNKNOWN  0x00u
#define SIM_EC_WFX      0x01u
#define SIM_EC_HVC64    0x16u
#define SIM_EC_SYS64    0x18u /* MSR, MRS or system instruction trapped */
#define SIM_EC_PC_ALIGN 0x22u
#define SIM_EC_DABT_LOW 0x24u
#define SIM_EC_DABT_CUR 0x25u
#define SIM_ESR(ec)     ((uint64_t)(ec) << 26 | 1ull << 25) /* IL = 1: every instruction is 32-bit */

struct sim_vcpu {
	struct sim_fiber fiber;
	bool fiber_live;
	bool restart; /* the program was abandoned: start afresh at ctx->pc */
	bool warned;  /* the operator heard why this vCPU runs nothing */
	/* While entered: */
	struct hal_vcpu_ctx *ctx;
	struct hal_exit *exit;
	struct sim_cpu *cpu;
	/* The program running, if any: */
	uint64_t image;
	uint64_t vectors;
	sim_vector_fn *handler;
	unsigned depth; /* exception handlers in progress */
	void *runtime;
	unsigned budget; /* instructions run since the pCPU last yielded: guest work costs time */
	struct sim_vcpu *next;
};

/* The vCPU executing on this pCPU; stops the machine if guest code runs outside one. */
struct sim_vcpu *sim_vcpu_running(void);

/* A synchronous exception to EL2: fills the exit and leaves the guest; returns once the vCPU is
 * entered again (ctx->pc says where the hypervisor wants it to continue). */
void sim_vcpu_trap(struct sim_vcpu *v, uint64_t esr, uint64_t far, uint64_t hpfar);

/* Every instruction of a program starts here: it counts, and at the end of the program's text
 * window the pc loops back to its start. Returns the running vCPU. */
struct sim_vcpu *sim_vcpu_begin(void);

/* Executes the instruction at the pc until it completes: @exec returns true when it completed by
 * itself (the pc then moves past it), false when it trapped or took an exception, after which the
 * guest runs until it comes back to the instruction (executed again) or past it. Interrupts
 * pending once it completed are taken before it returns. */
void sim_vcpu_run(struct sim_vcpu *v, bool (*exec)(struct sim_vcpu *v, const void *arg), const void *arg);

/* Accounts for @insns instructions' worth of work; each SIM_GUEST_INSNS_PER_STEP of them the pCPU
 * yields to the scheduler (one step of virtual time). */
void sim_vcpu_charge(struct sim_vcpu *v, unsigned insns);

/* The pc left the running program for good (a reset, a jump the sim cannot follow): drop it and
 * execute afresh at ctx->pc. */
__attribute__((noreturn)) void sim_vcpu_abandon(struct sim_vcpu *v);

/* Runs the guest from ctx->pc until it comes back to the instruction at @p: false to execute it
 * again (pc == @p), true when it completed (pc == @p + 4). Exceptions delivered meanwhile run the
 * installed vectors; anything else abandons the program. */
bool sim_vcpu_await(struct sim_vcpu *v, uint64_t p);

/* The exception level the vCPU executes at (PSTATE.EL). */
unsigned sim_vcpu_el(const struct sim_vcpu *v);

/* An exception taken to the guest's EL1 (stage-1 faults, errors on the access itself), as the
 * hardware delivers it: ESR/FAR/ELR/SPSR_EL1 written (FAR only if @far), pc at the vector, EL1h
 * with DAIF masked. */
void sim_vcpu_take_el1(struct sim_vcpu *v, uint64_t esr, const uint64_t *far);

/* An IRQ (FIQ) exception taken at EL1, for a virtual IRQ (FIQ) the GIC signals while PSTATE.I
 * (PSTATE.F) is clear: as sim_vcpu_take_el1 at the IRQ vector (VBAR_EL1 + 0x280 from EL1h; FIQ
 * 0x300), ESR_EL1 untouched. */
void sim_vcpu_take_irq_el1(struct sim_vcpu *v, bool fiq);

/* Takes what the GIC signals at an instruction boundary (before the instruction at the pc, and
 * after each one completes, so the program's C code between two instructions runs after the
 * interrupt, as the code after a WFI or a DAIFClr would): a physical IRQ or FIQ (routed to EL2 by
 * HCR_EL2.IMO/FMO) exits with HAL_EXIT_IRQ; a virtual IRQ with PSTATE.I clear (FIQ, PSTATE.F)
 * runs the guest's IRQ (FIQ) vector. Returns once nothing pending is unmasked. */
void sim_vcpu_interrupts(struct sim_vcpu *v);

/* Delivers a fault the MMU model reported: to EL2 as a vCPU exit, or to the guest's EL1. */
void sim_vcpu_fault(struct sim_vcpu *v, const struct mmu_fault *f);

/* A fetch of the 4 bytes at @va: true with the PA, false once the fault is delivered. */
bool sim_vcpu_fetch(struct sim_vcpu *v, uint64_t va, uint64_t *pa);

/* MRS (@read) or MSR of an interrupt or timer register (insn_irq.c), through x0: returns what
 * the MRS left in x0. */
uint64_t sim_insn_irq_sysreg(enum sim_sysreg r, bool read, uint64_t val);

/* Frees every vCPU's sim state (the machine is going away with the core's domains). */
void sim_vcpu_release_all(void);
