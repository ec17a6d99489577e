/* Running a guest vCPU: the core owns its EL1 context, the HAL loads it, runs the guest until
 * something traps to EL2, saves it back and returns the exit in architectural terms. */
#pragma once

#include "hal/gic.h"
#include "hal/types.h"

/* The guest's EL1 system registers the HAL switches. Values are exactly what the guest (or the
 * core, when injecting an exception) wrote; nothing is abstracted. */
struct hal_el1_sysregs {
	uint64_t sctlr, actlr, cpacr;
	uint64_t ttbr0, ttbr1, tcr, mair, amair;
	uint64_t vbar, contextidr;
	uint64_t tpidr_el0, tpidrro_el0, tpidr_el1;
	uint64_t esr, far, afsr0, afsr1, par;
	uint64_t sp_el0, sp_el1, elr, spsr;
	uint64_t cntkctl, csselr;
};

struct hal_vcpu_ctx {
	uint64_t x[31];
	uint64_t pc;     /* ELR_EL2 */
	uint64_t pstate; /* SPSR_EL2 */
	struct hal_el1_sysregs el1;
	/* EL2 controls for this vCPU, set by the core only when it rewrites the whole ctx (vcpu_reset):
	 * the HAL may load them with the state it switches lazily, not at every entry. */
	uint64_t hcr;   /* HCR_EL2 */
	uint64_t vttbr; /* VMID << 48 | stage-2 root PA */
	uint64_t vtcr;  /* VTCR_EL2: from hal_s2_geometry */
	uint64_t vmpidr;
	/* FP/SIMD: V0-V31 as low/high halves, FPSR, FPCR. The HAL switches them lazily: they are only
	 * written here when another vCPU needs the registers (the core never uses FP/SIMD). */
	uint64_t fp_v[64];
	uint64_t fpsr, fpcr;
	/* The HAL's own per-vCPU state (the sim's guest program); opaque to the core. */
	void *hal_priv;
	/* The virtual CPU interface (hal/gic.h): loaded at every entry, saved at every exit. */
	struct hal_vgic_cpu vgic;
	/* The EL1 virtual timer the guest drives directly: CNTV_CTL_EL0, CNTV_CVAL_EL0 and this vCPU's
	 * CNTVOFF_EL2, loaded at every entry (when the HAL's copy is not current already), and (ctl,
	 * cval) saved at every HAL_EXIT_IRQ exit and by hal_vcpu_put; other exits may leave them stale
	 * (the null hypercall's path does not move them). So the core sees the deadline of a vCPU
	 * that is not running once it put it. A vCPU that is not running has no timer in the
	 * hardware: the core forwards its deadline with the hypervisor timer. */
	struct {
		uint64_t ctl, cval, off;
	} vtimer;
};

enum hal_exit_reason {
	HAL_EXIT_SYNC,   /* a synchronous exception to EL2: esr, far, hpfar are valid */
	HAL_EXIT_IRQ,    /* a physical interrupt arrived while the guest ran */
	HAL_EXIT_SERROR, /* an SError was taken from the guest: esr valid */
};

struct hal_exit {
	enum hal_exit_reason reason;
	uint64_t esr;
	uint64_t far;
	uint64_t hpfar;
};

/* Prepares @ctx for its first entry: guest's HAL state, nothing architectural (the core sets
 * pc, pstate and registers). Returns 0 or a negative errno. */
int hal_vcpu_init(struct hal_vcpu_ctx *ctx);

/* Releases what hal_vcpu_init took; @ctx must not be running. */
void hal_vcpu_destroy(struct hal_vcpu_ctx *ctx);

/* Runs the guest described by @ctx on this pCPU until it traps; fills @exit. */
void hal_vcpu_enter(struct hal_vcpu_ctx *ctx, struct hal_exit *exit);

/* @ctx stops running on this pCPU for now (it blocks, yields, is preempted or paused): brings
 * ctx.vtimer's ctl and cval up to date. The core may rewrite them before the next entry. */
void hal_vcpu_put(struct hal_vcpu_ctx *ctx);

/* Translates @va through the guest's own stage 1 as the vCPU would at EL1 (AT S1E1R/W), its table
 * walks going through stage 2. False when the walk faults (either stage). */
bool hal_vcpu_va_to_ipa(struct hal_vcpu_ctx *ctx, uint64_t va, bool write, ipa_t *ipa);
