#include "vtimer/vtimer.h"

#include "hal/timer.h"
#include "mm/heap.h"
#include "public/errno.h"
#include "vgic/vgic.h"

/* The virtual timer's deadline passed while its vCPU was off the pCPUs. As when it fires under the
 * guest: masked in the saved CTL, so the level is low when the vCPU is next entered. */
static void virt_expired(void *data)
{
	struct vcpu *v = data;

	v->ctx.vtimer.ctl |= VTIMER_CTL_IMASK;
	vgic_inject(v->dom, v, VTIMER_VIRT_PPI);
}

static void phys_expired(void *data)
{
	struct vcpu *v = data;

	vgic_set_level(v->dom, v, VTIMER_PHYS_PPI, true);
}

int vtimer_vcpu_init(struct vcpu *v)
{
	struct vtimer *t = heap_alloc(sizeof(*t));

	if (!t)
		return -XEN_ENOMEM;
	t->v = v;
	swtimer_init(&t->virt, virt_expired, v);
	swtimer_init(&t->phys, phys_expired, v);
	v->vtimer = t;
	return 0;
}

void vtimer_vcpu_destroy(struct vcpu *v)
{
	if (!v->vtimer)
		return;
	swtimer_cancel(&v->vtimer->virt);
	swtimer_cancel(&v->vtimer->phys);
	heap_free(v->vtimer);
	v->vtimer = NULL;
}

void vtimer_vcpu_reset(struct vcpu *v)
{
	struct vtimer *t = v->vtimer;

	/* The domain's offset, as Xen's: the guest's virtual count starts near 0 when it is created. */
	v->ctx.vtimer.off = v->dom->cntvoff;
	v->ctx.vtimer.ctl = 0;
	v->ctx.vtimer.cval = 0;
	swtimer_cancel(&t->virt);
	swtimer_cancel(&t->phys);
	t->phys_ctl = 0;
	t->phys_cval = 0;
}

void vtimer_restore(struct vcpu *v) { swtimer_cancel(&v->vtimer->virt); }

void vtimer_save(struct vcpu *v)
{
	uint64_t ctl = v->ctx.vtimer.ctl, cval = v->ctx.vtimer.cval, off = v->ctx.vtimer.off;

	if ((ctl & (VTIMER_CTL_ENABLE | VTIMER_CTL_IMASK)) != VTIMER_CTL_ENABLE)
		return;
	/* CNTVCT = CNTPCT - CNTVOFF: the deadline in physical counts, never before the offset wraps. */
	swtimer_set(&v->vtimer->virt, cval + off < cval ? UINT64_MAX : cval + off);
}

void vtimer_virt_irq(struct vcpu *v)
{
	/* Masked or disabled in the saved CTL: not this guest's timer that raised it. */
	if ((v->ctx.vtimer.ctl & (VTIMER_CTL_ENABLE | VTIMER_CTL_IMASK)) != VTIMER_CTL_ENABLE)
		return;
	v->ctx.vtimer.ctl |= VTIMER_CTL_IMASK;
	vgic_inject(v->dom, v, VTIMER_VIRT_PPI);
}

static bool phys_met(const struct vtimer *t, uint64_t now)
{
	return (t->phys_ctl & VTIMER_CTL_ENABLE) && now >= t->phys_cval;
}

uint64_t vtimer_phys_read(struct vcpu *v, enum vtimer_reg r)
{
	const struct vtimer *t = v->vtimer;
	uint64_t now = hal_counter_now();

	switch (r) {
	case VTIMER_CNTP_CTL: return t->phys_ctl | (phys_met(t, now) ? VTIMER_CTL_ISTATUS : 0);
	case VTIMER_CNTP_CVAL: return t->phys_cval;
	case VTIMER_CNTP_TVAL:
	default: return (uint32_t)(t->phys_cval - now); /* TVAL is CVAL - CNTPCT, 32 bits */
	}
}

void vtimer_phys_write(struct vcpu *v, enum vtimer_reg r, uint64_t val)
{
	struct vtimer *t = v->vtimer;
	uint64_t now = hal_counter_now();

	switch (r) {
	case VTIMER_CNTP_CTL: t->phys_ctl = val & (VTIMER_CTL_ENABLE | VTIMER_CTL_IMASK); break;
	case VTIMER_CNTP_CVAL: t->phys_cval = val; break;
	case VTIMER_CNTP_TVAL: t->phys_cval = now + (uint64_t)(int64_t)(int32_t)val; break;
	}
	/* The output is a level: ISTATUS and not IMASK. Until then a software timer waits for it. */
	bool level = phys_met(t, now) && !(t->phys_ctl & VTIMER_CTL_IMASK);
	if ((t->phys_ctl & (VTIMER_CTL_ENABLE | VTIMER_CTL_IMASK)) == VTIMER_CTL_ENABLE && !level)
		swtimer_set(&t->phys, t->phys_cval);
	else
		swtimer_cancel(&t->phys);
	vgic_set_level(v->dom, v, VTIMER_PHYS_PPI, level);
}
