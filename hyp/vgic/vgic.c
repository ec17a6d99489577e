/* The vGIC core: building a domain's distributor and vCPU state, routing, and injection from any
 * pCPU onto the target vCPU's list. */
#include "vgic/vgic_int.h"

#include "dom/vcpu.h"
#include "hal/gic.h"
#include "mm/heap.h"
#include "public/errno.h"

#define MPIDR_AFF_MASK 0xff00ffffffull

struct vgic_irq *vgic_irq(struct domain *d, struct vcpu *v, uint32_t intid)
{
	struct vgic_dist *dist = d->vgic;

	if (!dist)
		return NULL;
	if (intid < VGIC_PRIV_IRQS)
		return v && v->vgic ? &v->vgic->priv[intid] : NULL;
	if (intid - VGIC_PRIV_IRQS < dist->cfg.nr_spis)
		return &dist->spi[intid - VGIC_PRIV_IRQS];
	return NULL;
}

void vgic_unlink(struct vgic_cpu *c, struct vgic_irq *irq)
{
	if (irq->prev)
		irq->prev->next = irq->next;
	else
		c->head = irq->next;
	if (irq->next)
		irq->next->prev = irq->prev;
	irq->next = irq->prev = NULL;
	irq->owner = NULL;
	__atomic_store_n(&c->nr_listed, c->nr_listed - 1, __ATOMIC_RELEASE);
}

/* Whether @irq has business on a list: active ones must stay visible to the guest that took them. */
static bool wants_list(const struct domain *d, const struct vgic_irq *irq)
{
	if (irq->target == VGIC_NO_TARGET)
		return false;
	return irq->active || vgic_deliverable(d, irq);
}

/* On its owner's list but routed elsewhere, and in no LR: the owner can let it go now. */
static bool stray(const struct vgic_irq *irq)
{
	return irq->owner && !irq->active && irq->lr < 0 && irq->target != irq->owner->v->id;
}

void vgic_queue(struct domain *d, struct vgic_irq *irq, struct vcpu *self)
{
	for (;;) {
		if (stray(irq)) {
			struct vgic_cpu *o = irq->owner;
			spin_unlock(&irq->lock);
			spin_lock(&o->lock);
			spin_lock(&irq->lock);
			if (irq->owner == o && stray(irq))
				vgic_unlink(o, irq);
			spin_unlock(&o->lock);
			continue;
		}
		if (irq->owner || !wants_list(d, irq)) {
			struct vgic_cpu *o = irq->owner;
			/* Already listed: its owner looks again, so an active one made pending again
			 * reaches its LR as active+pending. */
			bool look = o && vgic_deliverable(d, irq);
			spin_unlock(&irq->lock);
			if (look && o->v != self)
				vcpu_kick(o->v);
			return;
		}
		struct vgic_cpu *t = d->vcpu[irq->target]->vgic;
		spin_unlock(&irq->lock);
		spin_lock(&t->lock);
		spin_lock(&irq->lock);
		if (!irq->owner && wants_list(d, irq) && d->vcpu[irq->target]->vgic == t) {
			irq->owner = t;
			irq->prev = NULL;
			irq->next = t->head;
			if (t->head)
				t->head->prev = irq;
			t->head = irq;
			__atomic_store_n(&t->nr_listed, t->nr_listed + 1, __ATOMIC_RELEASE);
			spin_unlock(&irq->lock);
			spin_unlock(&t->lock);
			if (t->v != self)
				vcpu_kick(t->v);
			return;
		}
		spin_unlock(&t->lock);
	}
}

struct vcpu *vgic_vcpu_by_aff(struct domain *d, uint64_t aff)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if ((d->vcpu[i]->ctx.vmpidr & MPIDR_AFF_MASK) == (aff & MPIDR_AFF_MASK))
			return d->vcpu[i];
	return NULL;
}

void vgic_route(struct domain *d, struct vgic_irq *irq)
{
	if (irq->intid < VGIC_PRIV_IRQS)
		return;
	irq->target = VGIC_NO_TARGET;
	if (vgic_is_v2(d)) {
		/* A GICv2 SPI aimed at several CPUs is taken by one: the lowest-numbered. */
		if (irq->targets)
			irq->target = (uint8_t)__builtin_ctz(irq->targets);
		return;
	}
	if (irq->irouter & (1ull << 31)) {
		/* 1 of N: any vCPU will do; the first is as good as any and always exists. */
		irq->target = 0;
		return;
	}
	struct vcpu *t = vgic_vcpu_by_aff(d, irq->irouter);
	if (t)
		irq->target = (uint8_t)t->id;
}

struct vcpu *vgic_spi_target(struct domain *d, uint32_t intid)
{
	struct vgic_irq *irq = intid >= VGIC_PRIV_IRQS ? vgic_irq(d, NULL, intid) : NULL;
	uint8_t t = irq ? __atomic_load_n(&irq->target, __ATOMIC_RELAXED) : VGIC_NO_TARGET;
	return t < d->nr_vcpus ? d->vcpu[t] : NULL;
}

static void irq_init(struct vgic_irq *irq, uint32_t intid, uint8_t target)
{
	irq->intid = (uint16_t)intid;
	irq->target = target;
	irq->lr = -1;
	irq->edge = intid < HAL_IRQ_NR_SGI;
	irq->targets = 1;
}

int vgic_domain_init(struct domain *d, const struct vgic_config *cfg)
{
	if (!cfg || (cfg->version != 2 && cfg->version != 3) || cfg->nr_spis % 32 || cfg->nr_spis > VGIC_MAX_SPIS)
		return -XEN_EINVAL;
	if (!d->nr_vcpus || d->nr_vcpus > DOMAIN_MAX_VCPUS || d->vgic)
		return -XEN_EINVAL;
	/* Page alignment only: Xen's guest map puts a GICv3 GICD at 0x03001000. */
	if (ipa_addr(cfg->dist) & 0xfff || (cfg->version == 3 && ipa_addr(cfg->redist) & 0xfff))
		return -XEN_EINVAL;
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if (!d->vcpu[i] || d->vcpu[i]->vgic)
			return -XEN_EINVAL;

	struct vgic_dist *dist = heap_alloc(sizeof(*dist) + cfg->nr_spis * sizeof(struct vgic_irq));
	if (!dist)
		return -XEN_ENOMEM;
	dist->cfg = *cfg;
	unsigned bits = hal_vgic_prio_bits();
	dist->prio_mask = (uint8_t)(0xff00u >> (bits < 8 ? bits : 8));
	dist->nr_lrs = hal_vgic_lrs() < HAL_VGIC_MAX_LRS ? hal_vgic_lrs() : HAL_VGIC_MAX_LRS;
	for (unsigned i = 0; i < cfg->nr_spis; i++) {
		/* IROUTER resets to affinity 0.0.0.0 and ITARGETSR to CPU 0: vCPU 0 either way. */
		irq_init(&dist->spi[i], VGIC_PRIV_IRQS + i, 0);
		dist->spi[i].edge = false;
	}
	d->vgic = dist;
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct vgic_cpu *c = heap_alloc(sizeof(*c));
		if (!c) {
			vgic_domain_destroy(d);
			return -XEN_ENOMEM;
		}
		c->v = d->vcpu[i];
		d->vcpu[i]->vgic = c;
		vgic_vcpu_reset(d->vcpu[i]);
	}
	int rc = cfg->version == 2 ? vgic_v2_init(d) : vgic_v3_init(d);
	if (rc)
		vgic_domain_destroy(d);
	return rc;
}

void vgic_domain_destroy(struct domain *d)
{
	struct vgic_dist *dist = d->vgic;

	if (!dist)
		return;
	/* A forwarded interrupt the guest never deactivated would stay active in the GIC for good. */
	for (unsigned i = 0; i < dist->cfg.nr_spis; i++) {
		struct vgic_irq *irq = &dist->spi[i];
		if (irq->pintid && (irq->active || irq->latch))
			hal_irq_deactivate(irq->pintid);
	}
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		if (d->vcpu[i]) {
			heap_free(d->vcpu[i]->vgic);
			d->vcpu[i]->vgic = NULL;
		}
	}
	heap_free(dist);
	d->vgic = NULL;
}

/* Takes every private interrupt off @c's list: they are about to be reset. c->lock held. */
static void drop_private(struct vgic_cpu *c)
{
	struct vgic_irq *irq = c->head;

	while (irq) {
		struct vgic_irq *next = irq->next;
		if (irq->intid < VGIC_PRIV_IRQS) {
			if (irq->prev)
				irq->prev->next = irq->next;
			else
				c->head = irq->next;
			if (irq->next)
				irq->next->prev = irq->prev;
			irq->owner = NULL;
			__atomic_store_n(&c->nr_listed, c->nr_listed - 1, __ATOMIC_RELEASE);
		}
		irq = next;
	}
}

void vgic_vcpu_reset(struct vcpu *v)
{
	struct vgic_cpu *c = v->vgic;
	struct hal_vgic_cpu *hw = &v->ctx.vgic;

	if (!c)
		return;
	spin_lock(&c->lock);
	/* Normally synced already; if not, what its LRs held goes back to software state intact. */
	vgic_lrs_fold(v);
	drop_private(c);
	for (unsigned i = 0; i < VGIC_PRIV_IRQS; i++) {
		struct vgic_irq *irq = &c->priv[i];
		spin_lock(&irq->lock);
		struct vgic_irq keep = { .lock = irq->lock };
		*irq = keep;
		irq_init(irq, i, (uint8_t)v->id);
		spin_unlock(&irq->lock);
	}
	c->asleep = true;
	spin_unlock(&c->lock);

	/* ICH_VMCR_EL2 resets UNKNOWN; the guest's view is that of a CPU interface after reset:
	 * both groups off, PMR 0, the binary points at their minimum (7 - priority bits, and + 1). */
	unsigned bits = hal_vgic_prio_bits();
	uint32_t bpr0 = bits >= 7 ? 0 : 7 - bits;
	__builtin_memset(hw, 0, sizeof(*hw));
	hw->hcr = HAL_VGIC_HCR_EN;
	hw->vmcr = (bpr0 << 21) | ((bpr0 + 1) << 18);
}

static int check(struct domain *d, struct vcpu **v, uint32_t intid, struct vgic_irq **out)
{
	if (intid < VGIC_PRIV_IRQS && (!*v || (*v)->dom != d))
		return -XEN_EINVAL;
	*out = vgic_irq(d, *v, intid);
	return *out ? 0 : -XEN_EINVAL;
}

int vgic_inject(struct domain *d, struct vcpu *v, uint32_t intid)
{
	struct vgic_irq *irq;
	int rc = check(d, &v, intid, &irq);

	if (rc)
		return rc;
	spin_lock(&irq->lock);
	/* On a level-sensitive input this is ISPENDR's pending state: it lasts until acknowledged. */
	if (vgic_v2_sgi(d, irq))
		irq->sgi_src |= 1u << (v->id & 7);
	else
		irq->latch = true;
	vgic_queue(d, irq, NULL);
	return 0;
}

int vgic_set_level(struct domain *d, struct vcpu *v, uint32_t intid, bool level)
{
	struct vgic_irq *irq;
	int rc = check(d, &v, intid, &irq);

	if (rc)
		return rc;
	spin_lock(&irq->lock);
	bool rising = level && !irq->level;
	irq->level = level;
	/* An edge-configured input latches its rising edges. */
	if (rising && (irq->edge || irq->pintid)) {
		if (vgic_v2_sgi(d, irq))
			irq->sgi_src |= 1u << (v->id & 7);
		else
			irq->latch = true;
	}
	vgic_queue(d, irq, NULL);
	return 0;
}

int vgic_link_hw(struct domain *d, uint32_t vintid, uint32_t pintid)
{
	struct vgic_irq *irq = vgic_irq(d, NULL, vintid);

	if (!irq || vintid < VGIC_PRIV_IRQS || pintid < VGIC_PRIV_IRQS || pintid >= VGIC_MAX_INTID)
		return -XEN_EINVAL;
	spin_lock(&irq->lock);
	irq->pintid = (uint16_t)pintid;
	spin_unlock(&irq->lock);
	return 0;
}

void vgic_send_sgi(struct vcpu *src, struct vcpu *t, unsigned sgi)
{
	struct vgic_irq *irq = &t->vgic->priv[sgi & 15];

	spin_lock(&irq->lock);
	if (vgic_v2_sgi(t->dom, irq))
		irq->sgi_src |= 1u << (src->id & 7);
	else
		irq->latch = true;
	vgic_queue(t->dom, irq, src);
}

void vgic_sgi1r_write(struct vcpu *v, uint64_t val)
{
	struct domain *d = v->dom;
	unsigned sgi = (val >> 24) & 0xf;

	if (!d->vgic || vgic_is_v2(d))
		return;
	if (val & (1ull << 40)) {
		for (unsigned i = 0; i < d->nr_vcpus; i++)
			if (d->vcpu[i] != v)
				vgic_send_sgi(v, d->vcpu[i], sgi);
		return;
	}
	/* Aff3.Aff2.Aff1 name a cluster, RS selects sixteen Aff0 values of it, TargetList which. */
	uint64_t cluster = ((val >> 48) & 0xff) << 32 | ((val >> 32) & 0xff) << 16 | ((val >> 16) & 0xff) << 8;
	unsigned rs = (val >> 44) & 0xf;
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		uint64_t aff = d->vcpu[i]->ctx.vmpidr & MPIDR_AFF_MASK;
		unsigned aff0 = aff & 0xff;
		if ((aff & ~0xffull) == cluster && aff0 / 16 == rs && (val & (1u << (aff0 % 16))))
			vgic_send_sgi(v, d->vcpu[i], sgi);
	}
}
