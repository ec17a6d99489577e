#include "traps/trap.h"

#include "hcall/hcall.h"
#include "traps/esr.h"
#include "traps/inject.h"
#include "traps/mmio.h"
#include "vpsci/vpsci.h"

static bool guest_sync(struct vcpu *v, const struct hal_exit *e)
{
	/* The hot path first: hvc #0xEA1 (EC 0x16, ISS = the immediate), one compare. */
	if (__builtin_expect((e->esr & ((0x3full << ESR_EC_SHIFT) | 0xffff)) ==
				 ((uint64_t)ESR_EC_HVC64 << ESR_EC_SHIFT | XEN_HYPERCALL_TAG),
			     1))
		return hcall_dispatch(v);
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
	case ESR_EC_WFX:
		/* Nothing can wake a blocked vCPU before the vGIC exists: WFI/WFE yield the pCPU. */
		v->ctx.pc += 4;
		return false;
	default:
		/* Trapped system registers and anything unexpected: the guest's problem, never ours. */
		inject_undef(v);
		return true;
	}
}

bool trap_handle(struct vcpu *v, const struct hal_exit *exit)
{
	switch (exit->reason) {
	case HAL_EXIT_SYNC: return guest_sync(v, exit);
	case HAL_EXIT_IRQ: return false;
	case HAL_EXIT_SERROR:
	default: domain_shutdown(v->dom, SHUTDOWN_crash); return false;
	}
}
