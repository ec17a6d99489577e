#include "traps/trap.h"

#include "core/irq.h"
#include "hcall/hcall.h"
#include "traps/esr.h"
#include "traps/inject.h"
#include "sched/sched.h"
#include "traps/mmio.h"
#include "traps/sysreg.h"
#include "vgic/vgic.h"
#include "vpsci/vpsci.h"

#define WFX_TI_WFE 1u /* ISS.TI[0]: WFE (or WFET), not WFI */

/* WFI sleeps until an interrupt is pending for the vCPU; WFE yields the pCPU (no event sources are
 * emulated, so a spinning guest is let go of at once). Either way the instruction completes. */
static bool wait(struct vcpu *v, uint64_t esr)
{
	v->ctx.pc += 4;
	if (esr_iss(esr) & WFX_TI_WFE)
		return false;
	sched_block(v);
	/* After sched_block: an injection from now on wakes the vCPU even before it is given back. */
	if (!vgic_vcpu_pending(v))
		return false;
	sched_wake(v);
	return true;
}

/* Every synchronous exit but the hypercall, which trap_handle takes first. */
static __attribute__((noinline)) bool guest_sync(struct vcpu *v, const struct hal_exit *e)
{
	switch (esr_ec(e->esr)) {
	case ESR_EC_HVC64:
		/* hvc #0xEA1 is a hypercall, hvc #0 the SMCCC conduit; ELR already points past the HVC. */
		switch (esr_iss(e->esr) & 0xffff) {
		case XEN_HYPERCALL_TAG: return hcall_dispatch(v);
		case 0: return vpsci_call(v);
		default: inject_undef(v); return true;
		}
	case ESR_EC_SMC64:
		/* A trapped SMC's ELR is the SMC itself: the call completes past it. */
		if ((esr_iss(e->esr) & 0xffff) != 0) {
			inject_undef(v);
			return true;
		}
		v->ctx.pc += 4;
		return vpsci_call(v);
	case ESR_EC_DABT_LOW:
		/* An emulated device's registers, else an access to nothing: the guest's bug. */
		if (!mmio_handle(v, esr_fault_ipa(e->hpfar, e->far), e->esr, e->far))
			inject_dabt(v, e->far, e->esr & ESR_IL);
		return true;
	case ESR_EC_IABT_LOW: inject_iabt(v, e->far); return true;
	case ESR_EC_WFX: return wait(v, e->esr);
	case ESR_EC_SYSREG: sysreg_trap(v, e->esr); return true;
	default:
		/* Anything unexpected: the guest's problem, never ours. */
		inject_undef(v);
		return true;
	}
}

static __attribute__((noinline)) bool irq_exit(struct vcpu *v)
{
	/* Every pending interrupt taken; then the vCPU goes on unless its slice is used up and another
	 * waits (v->pcpu is where it runs). */
	irq_handle(v);
	return !sched_should_preempt(v, v->pcpu);
}

static __attribute__((noinline)) bool serror(struct vcpu *v)
{
	domain_shutdown(v->dom, SHUTDOWN_crash);
	return false;
}

bool trap_handle(struct vcpu *v, const struct hal_exit *exit)
{
	/* The hot path first: hvc #0xEA1 (EC 0x16, ISS = the immediate), one compare after the reason.
	 * Everything else is out of line, so this needs no stack frame: a tail call into hcall_dispatch. */
	if (__builtin_expect(exit->reason == HAL_EXIT_SYNC &&
				 ((uint32_t)exit->esr & ((0x3fu << ESR_EC_SHIFT) | 0xffffu)) ==
				     ((uint32_t)ESR_EC_HVC64 << ESR_EC_SHIFT | XEN_HYPERCALL_TAG),
			     1))
		return hcall_dispatch(v);
	switch (exit->reason) {
	case HAL_EXIT_SYNC: return guest_sync(v, exit);
	case HAL_EXIT_IRQ: return irq_exit(v);
	case HAL_EXIT_SERROR:
	default: return serror(v);
	}
}
