/* List registers: vgic_flush puts a vCPU's best interrupts into ctx.vgic.lr[] before it enters,
 * vgic_sync folds what the guest did with them back into the interrupts' state after it exits. */
#include "vgic/vgic_int.h"

#include "dom/vcpu.h"
#include "hal/gic.h"

#define MIGRATE_MAX 16u /* SPIs moved to their new target per flush or sync; the rest wait a turn */

/* LR @lr as the guest left it, back into @irq (its lock held). The LR is the truth for what the
 * guest did; the software state holds what arrived since the flush. */
static void fold(struct domain *d, struct vgic_irq *irq, uint64_t lr)
{
	bool was_pending = lr & HAL_LR_PENDING;
	bool p = was_pending && !(irq->intent & VGIC_INTENT_CLR_PEND);
	bool a = lr & HAL_LR_ACTIVE;

	if (irq->intent & VGIC_INTENT_CLR_ACT) {
		/* The guest cleared it through ICACTIVER: the physical one must not stay active. */
		if (a && irq->pintid && (lr & HAL_LR_HW))
			hal_irq_deactivate(irq->pintid);
		a = false;
	}
	/* A forwarded interrupt withdrawn by ICPENDR before the guest took it: nobody else will
	 * deactivate the physical one. */
	if (was_pending && !p && !a && irq->pintid && (lr & HAL_LR_HW))
		hal_irq_deactivate(irq->pintid);
	if (irq->intent & VGIC_INTENT_SET_ACT)
		a = true;
	irq->intent = 0;
	irq->lr = -1;
	if (vgic_v2_sgi(d, irq)) {
		unsigned src = (lr >> 10) & 7;
		if (p)
			irq->sgi_src |= (uint8_t)(1u << src);
		if (a)
			irq->act_src = (uint8_t)src;
	} else if (irq->edge || irq->pintid) {
		if (p)
			irq->latch = true;
	} else if (p && irq->lr_latch) {
		/* Not taken: the latch flush moved into the LR is still owed. Taken, it is used up (the
		 * line may still be high); one set since the flush stands either way. */
		irq->latch = true;
	}
	irq->lr_latch = false;
	irq->active = a;
}

static void fold_all(struct domain *d, struct vgic_cpu *c, struct hal_vgic_cpu *hw)
{
	for (unsigned i = 0; i < hw->nr_lr; i++) {
		struct vgic_irq *irq = c->lr_irq[i];
		spin_lock(&irq->lock);
		fold(d, irq, hw->lr[i]);
		spin_unlock(&irq->lock);
		c->lr_irq[i] = NULL;
	}
	hw->nr_lr = 0;
	hw->hcr &= ~(HAL_VGIC_HCR_UIE | HAL_VGIC_HCR_NPIE);
}

void vgic_lrs_fold(struct vcpu *v)
{
	struct vgic_cpu *c = v->vgic;

	fold_all(v->dom, c, &v->ctx.vgic);
	for (unsigned i = 0; i < HAL_VGIC_MAX_LRS; i++) {
		struct vgic_irq *irq = c->lr_irq[i];
		if (!irq)
			continue;
		spin_lock(&irq->lock);
		fold(v->dom, irq, c->lr_sent[i]);
		spin_unlock(&irq->lock);
		c->lr_irq[i] = NULL;
	}
}

/* Takes @irq off @c's list if it has nothing left to show, or if it now belongs to another vCPU
 * (into @mig, for vgic_queue once c->lock is dropped); true if it stays. c->lock and irq->lock
 * held, no LR loaded. */
static bool prune_one(struct domain *d, struct vgic_cpu *c, struct vgic_irq *irq, struct vgic_irq **mig, unsigned *n)
{
	bool want = irq->active || vgic_deliverable(d, irq);

	if (irq->target == VGIC_NO_TARGET && !irq->active)
		want = false;
	if (!want) {
		vgic_unlink(c, irq);
		return false;
	}
	if (!irq->active && irq->target != c->v->id && *n < MIGRATE_MAX) {
		vgic_unlink(c, irq);
		mig[(*n)++] = irq;
		return false;
	}
	return true;
}

static unsigned prune(struct domain *d, struct vgic_cpu *c, struct vgic_irq **mig)
{
	unsigned n = 0;

	for (struct vgic_irq *irq = c->head, *next; irq; irq = next) {
		next = irq->next;
		spin_lock(&irq->lock);
		prune_one(d, c, irq, mig, &n);
		spin_unlock(&irq->lock);
	}
	return n;
}

static void migrate(struct domain *d, struct vgic_irq **mig, unsigned n, struct vcpu *self)
{
	for (unsigned i = 0; i < n; i++) {
		spin_lock(&mig[i]->lock);
		vgic_queue(d, mig[i], self);
	}
}

static __attribute__((noinline)) void sync_slow(struct vcpu *v)
{
	struct domain *d = v->dom;
	struct vgic_cpu *c = v->vgic;
	struct vgic_irq *mig[MIGRATE_MAX];

	spin_lock(&c->lock);
	/* EOI maintenance (eisr) needs no case of its own: an LR the guest finished is invalid, and
	 * a level line still high makes its interrupt pending again below. */
	fold_all(d, c, &v->ctx.vgic);
	unsigned n = prune(d, c, mig);
	spin_unlock(&c->lock);
	migrate(d, mig, n, v);
}

/* The one LR flush_one loaded, holding the only interrupt listed: folded and pruned without the
 * walks. False, having changed nothing, for anything else. */
static __attribute__((noinline)) bool sync_one(struct vcpu *v)
{
	struct domain *d = v->dom;
	struct vgic_cpu *c = v->vgic;
	struct hal_vgic_cpu *hw = &v->ctx.vgic;
	struct vgic_irq *mig[1];
	unsigned n = 0;

	spin_lock(&c->lock);
	struct vgic_irq *irq = c->lr_irq[0];
	if (hw->nr_lr != 1 || !irq || c->head != irq || irq->next) {
		spin_unlock(&c->lock);
		return false;
	}
	spin_lock(&irq->lock);
	fold(d, irq, hw->lr[0]);
	c->lr_irq[0] = NULL;
	hw->nr_lr = 0;
	hw->hcr &= ~(HAL_VGIC_HCR_UIE | HAL_VGIC_HCR_NPIE);
	prune_one(d, c, irq, mig, &n);
	spin_unlock(&irq->lock);
	spin_unlock(&c->lock);
	migrate(d, mig, n, v);
	return true;
}

void vgic_sync(struct vcpu *v)
{
	/* Kept apart from sync_slow so the common exit with no LR loaded costs a load and a branch. */
	if (__builtin_expect(!v->ctx.vgic.nr_lr, 1))
		return;
	if (!sync_one(v))
		sync_slow(v);
}

/* Active ones first (the guest must be able to deactivate them), then by priority, then INTID. */
static uint32_t lr_key(const struct vgic_irq *irq)
{
	return (uint32_t)!irq->active << 20 | (uint32_t)irq->prio << 10 | irq->intid;
}

static uint64_t lr_encode(struct domain *d, struct vgic_irq *irq)
{
	uint64_t lr = irq->intid | (uint64_t)(irq->prio & d->vgic->prio_mask) << HAL_LR_PRIO_SHIFT;
	bool pend = vgic_deliverable(d, irq);

	if (irq->group1)
		lr |= HAL_LR_GROUP1;
	if (vgic_v2_sgi(d, irq)) {
		/* One source at a time (vINTID [12:10] is GICH_LR.CPUID); with more waiting, the EOI of
		 * this one brings a maintenance exit to load the next. */
		unsigned src = irq->active ? irq->act_src : (unsigned)__builtin_ctz(irq->sgi_src | 0x100);
		lr |= (uint64_t)(src & 7) << 10;
		if (irq->active)
			lr |= HAL_LR_ACTIVE;
		if (pend && (irq->sgi_src & (1u << src))) {
			lr |= HAL_LR_PENDING;
			irq->sgi_src &= (uint8_t) ~(1u << src);
		}
		if (irq->sgi_src)
			lr |= HAL_LR_EOI;
	} else if (irq->pintid) {
		/* The physical interrupt holds the state that matters: never pending and active. */
		lr |= HAL_LR_HW | (uint64_t)irq->pintid << HAL_LR_PINTID_SHIFT;
		if (irq->active) {
			lr |= HAL_LR_ACTIVE;
		} else if (pend) {
			lr |= HAL_LR_PENDING;
			irq->latch = false;
		}
	} else {
		if (irq->active)
			lr |= HAL_LR_ACTIVE;
		if (pend) {
			/* The LR holds the pending state now; an injection while it is there latches anew. */
			lr |= HAL_LR_PENDING;
			irq->lr_latch = !irq->edge && irq->latch;
			irq->latch = false;
		}
		/* A level still high is pending again once the guest is done: the EOI brings it back.
		 * A latched one whose line is low (the virtual timer, masked as it fired) ends there,
		 * with no exit; a later rise finds it listed and kicks, or is seen at the next flush. */
		if (!irq->edge && irq->level)
			lr |= HAL_LR_EOI;
	}
	return lr;
}

static __attribute__((noinline)) void flush_slow(struct vcpu *v)
{
	struct domain *d = v->dom;
	struct vgic_cpu *c = v->vgic;
	struct hal_vgic_cpu *hw = &v->ctx.vgic;
	struct vgic_irq *best[HAL_VGIC_MAX_LRS], *mig[MIGRATE_MAX];
	uint32_t keys[HAL_VGIC_MAX_LRS];
	unsigned nr = 0, total = 0, max = d->vgic->nr_lrs;

	spin_lock(&c->lock);
	if (hw->nr_lr)
		fold_all(d, c, hw); /* flushed twice without running: start again from the state */
	unsigned n = 0;
	/* Pruned and ranked in one walk: each interrupt locked once. */
	for (struct vgic_irq *irq = c->head, *next; irq; irq = next) {
		next = irq->next;
		spin_lock(&irq->lock);
		bool cand = prune_one(d, c, irq, mig, &n) &&
			    (irq->active || (vgic_deliverable(d, irq) && irq->target == v->id));
		uint32_t key = lr_key(irq);
		spin_unlock(&irq->lock);
		if (!cand)
			continue;
		total++;
		if (nr == max && (!max || key >= keys[max - 1]))
			continue;
		unsigned i = nr < max ? nr++ : max - 1;
		for (; i > 0 && keys[i - 1] > key; i--) {
			keys[i] = keys[i - 1];
			best[i] = best[i - 1];
		}
		keys[i] = key;
		best[i] = irq;
	}
	bool any_pending = false;
	for (unsigned i = 0; i < nr; i++) {
		struct vgic_irq *irq = best[i];
		spin_lock(&irq->lock);
		hw->lr[i] = c->lr_sent[i] = lr_encode(d, irq);
		irq->lr = (int8_t)i;
		spin_unlock(&irq->lock);
		c->lr_irq[i] = irq;
		any_pending = any_pending || (hw->lr[i] & HAL_LR_PENDING);
	}
	hw->nr_lr = nr;
	hw->hcr &= ~(HAL_VGIC_HCR_UIE | HAL_VGIC_HCR_NPIE);
	if (total > nr) {
		/* More wait than fit: come back when the LRs run low, or when none is left pending
		 * (active ones the guest keeps would otherwise hold the underflow off). Never arm a
		 * cause that already holds: the guest would not run at all. */
		if (nr >= 2)
			hw->hcr |= HAL_VGIC_HCR_UIE;
		else
			for (unsigned i = 0; i < nr; i++)
				if (!(hw->lr[i] & HAL_LR_HW))
					hw->lr[i] |= HAL_LR_EOI;
		if (any_pending)
			hw->hcr |= HAL_VGIC_HCR_NPIE;
	}
	spin_unlock(&c->lock);
	migrate(d, mig, n, v);
}

/* What a timer tick or an SGI to itself leaves: one interrupt listed, for this vCPU, no LR loaded.
 * It goes into LR 0 as flush_slow would put it (it stays listed, nothing waits behind it, nothing
 * to arm); false, having changed nothing, for anything else. */
static __attribute__((noinline)) bool flush_one(struct vcpu *v)
{
	struct domain *d = v->dom;
	struct vgic_cpu *c = v->vgic;
	struct hal_vgic_cpu *hw = &v->ctx.vgic;
	bool done = false;

	spin_lock(&c->lock);
	struct vgic_irq *irq = c->head;
	if (irq && !irq->next && !hw->nr_lr && d->vgic->nr_lrs) {
		spin_lock(&irq->lock);
		if (irq->target == v->id && (irq->active || vgic_deliverable(d, irq))) {
			hw->lr[0] = c->lr_sent[0] = lr_encode(d, irq);
			irq->lr = 0;
			c->lr_irq[0] = irq;
			hw->nr_lr = 1;
			hw->hcr &= ~(HAL_VGIC_HCR_UIE | HAL_VGIC_HCR_NPIE);
			done = true;
		}
		spin_unlock(&irq->lock);
	}
	spin_unlock(&c->lock);
	return done;
}

void vgic_flush(struct vcpu *v)
{
	struct vgic_cpu *c = v->vgic;

	/* The null-hypercall path: nothing listed means no LR to load and nothing to arm (and a
	 * domain built without a vGIC has nothing either). */
	if (__builtin_expect(!c || !__atomic_load_n(&c->nr_listed, __ATOMIC_RELAXED), 1))
		return;
	/* Their locks order what the injector wrote before the count. */
	if (!flush_one(v))
		flush_slow(v);
}

/* The running priority the active priorities registers imply: the lowest group with a bit set. */
static unsigned running_prio(const struct hal_vgic_cpu *hw, unsigned bits)
{
	for (unsigned i = 0; i < 4; i++)
		if (hw->apr[i])
			return (32 * i + (unsigned)__builtin_ctz(hw->apr[i])) << (8 - bits);
	return 0x100;
}

bool vgic_vcpu_pending(struct vcpu *v)
{
	struct vgic_cpu *c = v->vgic;
	struct hal_vgic_cpu *hw = &v->ctx.vgic;

	if (!c || !__atomic_load_n(&c->nr_listed, __ATOMIC_ACQUIRE))
		return false;
	struct domain *d = v->dom;
	unsigned bits = (unsigned)__builtin_popcount(d->vgic->prio_mask);
	unsigned pmr = (hw->vmcr >> 24) & d->vgic->prio_mask, rpr = running_prio(hw, bits);
	bool found = false;

	spin_lock(&c->lock);
	for (unsigned i = 0; i < hw->nr_lr && !found; i++) {
		uint64_t lr = hw->lr[i];
		unsigned prio = (lr & HAL_LR_PRIO_MASK) >> HAL_LR_PRIO_SHIFT;
		bool grp_on = hw->vmcr & (lr & HAL_LR_GROUP1 ? 2u : 1u);
		found = (lr & HAL_LR_PENDING) && grp_on && prio < pmr && prio < rpr;
	}
	for (struct vgic_irq *irq = c->head; irq && !found; irq = irq->next) {
		spin_lock(&irq->lock);
		bool grp_on = hw->vmcr & (irq->group1 ? 2u : 1u);
		found =
		    vgic_deliverable(d, irq) && irq->target == v->id && grp_on && irq->prio < pmr && irq->prio < rpr;
		spin_unlock(&irq->lock);
	}
	spin_unlock(&c->lock);
	return found;
}
