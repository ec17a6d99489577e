/* A vCPU's architectural state at power-on, and starting it on a pCPU.
 * Values are the ones Xen gives an arm64 guest: EL1h, interrupts masked, MMU off. */
#pragma once

#include "dom/domain.h"

/* HCR_EL2 for every guest vCPU: stage 2 on, AArch64 EL1, physical IRQ/FIQ/SError routed to EL2,
 * broadcast TLBI/barriers, and the traps Xen sets (WFI/WFE, SMC, impl-defined and set/way ops). */
#define HCR_GUEST                                                                                                      \
	((1ull << 0) | (1ull << 1) | (1ull << 3) | (1ull << 4) | (1ull << 5) | (1ull << 9) | (1ull << 10) |            \
	 (1ull << 13) | (1ull << 14) | (1ull << 19) | (1ull << 20) | (1ull << 21) | (1ull << 22) | (1ull << 31))

#define PSTATE_EL1H_MASKED 0x3c5ull      /* D, A, I, F masked; EL1 with SP_EL1 */
#define SCTLR_EL1_RESET    0x30d00800ull /* RES1 bits; MMU and caches off */

/* Puts @v in its reset state entering at @entry with x0 = @x0. */
void vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t x0);

/* Hands @v, claimed with domain_vcpu_claim and reset, to the scheduler, preferring @pcpu.
 * Returns the pCPU that will run it (to kick), or -1 if it waits for one (null scheduler). */
int vcpu_start(struct vcpu *v, unsigned pcpu);

/* Makes @v look at its interrupts soon: a vCPU blocked in WFI becomes runnable, one running on
 * another pCPU is made to exit there (hal_cpu_kick). Callable from any pCPU. */
void vcpu_kick(struct vcpu *v);
