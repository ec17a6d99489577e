#include "dom/vcpu.h"

#include "hal/cpu.h"
#include "sched/sched.h"
#include "vgic/vgic.h"
#include "vtimer/vtimer.h"

void vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t x0)
{
	struct hal_vcpu_ctx *c = &v->ctx;
	void *priv = c->hal_priv;

	__builtin_memset(c, 0, sizeof(*c));
	c->hal_priv = priv;
	c->x[0] = x0;
	c->pc = entry;
	c->pstate = PSTATE_EL1H_MASKED;
	c->el1.sctlr = SCTLR_EL1_RESET;
	c->hcr = HCR_GUEST;
	c->vttbr = p2m_vttbr(&v->dom->p2m);
	c->vtcr = v->dom->p2m.geo.vtcr;
	/* MPIDR as the guest reads it: bit 31 RES1, affinity level 0 = vCPU id (up to 8 vCPUs). */
	c->vmpidr = (1ull << 31) | v->id;
	/* Its interrupt interface and timers too, where the domain has them. */
	if (v->vgic)
		vgic_vcpu_reset(v);
	if (v->vtimer)
		vtimer_vcpu_reset(v);
}

int vcpu_start(struct vcpu *v, unsigned pcpu) { return sched_add(v, pcpu); }

void vcpu_kick(struct vcpu *v)
{
	int woken = sched_sleeping(v) ? sched_wake(v) : -1;
	/* Asleep: queued, its pCPU may be idle. Otherwise it runs or waits somewhere: one that runs
	 * elsewhere must exit to take the interrupt; on this pCPU the run loop is already outside it. */
	unsigned cpu = woken >= 0 ? (unsigned)woken : __atomic_load_n(&v->pcpu, __ATOMIC_ACQUIRE);
	if (cpu != hal_cpu_id())
		hal_cpu_kick(cpu);
}
