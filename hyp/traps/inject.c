#include "traps/inject.h"

#include "core/console.h"

#include "dom/vcpu.h"
#include "traps/esr.h"

#define PSTATE_M_MASK 0xfull
#define PSTATE_M_EL0T 0x0ull
#define PSTATE_M_EL1T 0x4ull
#define PSTATE_NRW    (1ull << 4) /* AArch32 */

#define VEC_CUR_SP0 0x000
#define VEC_CUR_SPX 0x200
#define VEC_LOW_A64 0x400
#define VEC_LOW_A32 0x600

/* EL0 in either execution state: an AArch32 PSTATE is always EL0, since HCR_EL2.RW keeps EL1 64-bit. */
static bool from_el0(const struct hal_vcpu_ctx *c)
{
	return (c->pstate & PSTATE_NRW) || (c->pstate & PSTATE_M_MASK) == PSTATE_M_EL0T;
}

/* Synchronous exceptions only: the vector's sync slot is at offset 0 of each group. */
static void deliver(struct vcpu *v, uint64_t esr, const uint64_t *far)
{
	struct hal_vcpu_ctx *c = &v->ctx;
	unsigned mode = (unsigned)(c->pstate & PSTATE_M_MASK);
	uint64_t offset = (c->pstate & PSTATE_NRW) ? VEC_LOW_A32
			  : mode == PSTATE_M_EL0T  ? VEC_LOW_A64
			  : mode == PSTATE_M_EL1T  ? VEC_CUR_SP0
						   : VEC_CUR_SPX;
	uint64_t target = c->el1.vbar + offset;

	/* Faulting on the very vector it would be sent to, the guest can only fault again, forever,
	 * holding its pCPU: a real CPU would spin the same way, but here it is a dead domain. */
	if (c->pc == target) {
		con_printf("d%u: vCPU %u faults at its own exception vector %#llx (VBAR_EL1 %#llx): crashing it\n",
			   v->dom->id, v->id, (unsigned long long)target, (unsigned long long)c->el1.vbar);
		domain_shutdown(v->dom, SHUTDOWN_crash);
		return;
	}
	c->el1.esr = esr;
	if (far)
		c->el1.far = *far;
	c->el1.elr = c->pc;
	c->el1.spsr = c->pstate;
	c->pc = target;
	c->pstate = PSTATE_EL1H_MASKED;
}

void inject_dabt(struct vcpu *v, uint64_t far, bool il)
{
	unsigned ec = from_el0(&v->ctx) ? ESR_EC_DABT_LOW : ESR_EC_DABT_CUR;
	deliver(v, (uint64_t)ec << ESR_EC_SHIFT | (il ? ESR_IL : 0), &far);
}

void inject_iabt(struct vcpu *v, uint64_t far)
{
	unsigned ec = from_el0(&v->ctx) ? ESR_EC_IABT_LOW : ESR_EC_IABT_CUR;
	deliver(v, (uint64_t)ec << ESR_EC_SHIFT | ESR_IL, &far);
}

void inject_undef(struct vcpu *v) { deliver(v, (uint64_t)ESR_EC_UNKNOWN << ESR_EC_SHIFT | ESR_IL, NULL); }
