/* The register-bit logic of a GIC's distributor and redistributor, shared by both front ends:
 * groups, enables, pending and active state, priorities, trigger configuration, CTLR. */
#include "vgic/vgic_int.h"

#include "hal/gic.h"

static struct vgic_irq *lock_irq(struct vcpu *bank, uint32_t intid)
{
	struct vgic_irq *irq = vgic_irq(bank->dom, bank, intid);

	if (irq)
		spin_lock(&irq->lock);
	return irq;
}

uint32_t vgic_bits_read(struct vcpu *bank, enum vgic_bits what, uint32_t first)
{
	struct domain *d = bank->dom;
	uint32_t bits = 0;

	for (unsigned i = 0; i < 32; i++) {
		struct vgic_irq *irq = lock_irq(bank, first + i);
		if (!irq)
			continue;
		bool b = false;
		switch (what) {
		case VGIC_GROUP: b = irq->group1; break;
		case VGIC_ENABLE: b = irq->enabled; break;
		case VGIC_PEND: b = vgic_irq_pending(d, irq); break;
		case VGIC_ACTIVE: b = irq->active; break;
		}
		spin_unlock(&irq->lock);
		bits |= (uint32_t)b << i;
	}
	return bits;
}

static void set_pending(struct domain *d, struct vgic_irq *irq, bool set)
{
	if (vgic_v2_sgi(d, irq))
		return; /* GICv2 SGIs' pending state is per source: GICD_[CS]PENDSGIR */
	if (set) {
		irq->latch = true;
		return;
	}
	/* A forwarded interrupt withdrawn before the guest took it: deactivate the physical one,
	 * which no LR will do now. In an LR, vgic_sync settles it. */
	if (irq->lr >= 0)
		irq->intent |= VGIC_INTENT_CLR_PEND;
	else if (irq->pintid && irq->latch && !irq->active)
		hal_irq_deactivate(irq->pintid);
	irq->latch = false;
}

static void set_active(struct vgic_irq *irq, bool set)
{
	if (irq->lr >= 0) {
		irq->intent &= (uint8_t) ~(VGIC_INTENT_SET_ACT | VGIC_INTENT_CLR_ACT);
		irq->intent |= set ? VGIC_INTENT_SET_ACT : VGIC_INTENT_CLR_ACT;
	} else if (!set && irq->active && irq->pintid) {
		hal_irq_deactivate(irq->pintid);
	}
	irq->active = set;
}

void vgic_bits_write(struct vcpu *self, struct vcpu *bank, enum vgic_bits what, uint32_t first, uint32_t bits, bool set)
{
	struct domain *d = bank->dom;

	for (unsigned i = 0; i < 32; i++) {
		bool bit = bits & (1u << i);
		if (what != VGIC_GROUP && !bit)
			continue;
		struct vgic_irq *irq = lock_irq(bank, first + i);
		if (!irq)
			continue;
		switch (what) {
		case VGIC_GROUP: irq->group1 = bit; break;
		case VGIC_ENABLE: irq->enabled = set; break;
		case VGIC_PEND: set_pending(d, irq, set); break;
		case VGIC_ACTIVE: set_active(irq, set); break;
		}
		vgic_queue(d, irq, self);
	}
}

uint64_t vgic_prio_read(struct vcpu *bank, uint32_t first, unsigned n)
{
	uint64_t val = 0;

	for (unsigned i = 0; i < n; i++) {
		struct vgic_irq *irq = lock_irq(bank, first + i);
		if (!irq)
			continue;
		val |= (uint64_t)irq->prio << (8 * i);
		spin_unlock(&irq->lock);
	}
	return val;
}

void vgic_prio_write(struct vcpu *bank, uint32_t first, unsigned n, uint64_t val)
{
	uint8_t mask = bank->dom->vgic->prio_mask;

	for (unsigned i = 0; i < n; i++) {
		struct vgic_irq *irq = lock_irq(bank, first + i);
		if (!irq)
			continue;
		/* Unimplemented low-order bits read as zero, as on a GIC with fewer priority bits. */
		irq->prio = (uint8_t)(val >> (8 * i)) & mask;
		spin_unlock(&irq->lock);
	}
}

uint32_t vgic_cfg_read(struct vcpu *bank, uint32_t first)
{
	uint32_t val = 0;

	for (unsigned i = 0; i < 16; i++) {
		struct vgic_irq *irq = lock_irq(bank, first + i);
		if (!irq)
			continue;
		val |= (uint32_t)irq->edge << (2 * i + 1);
		spin_unlock(&irq->lock);
	}
	return val;
}

void vgic_cfg_write(struct vcpu *bank, uint32_t first, uint32_t val)
{
	for (unsigned i = 0; i < 16; i++) {
		if (first + i < HAL_IRQ_NR_SGI)
			continue; /* SGIs are edge-triggered, always */
		struct vgic_irq *irq = lock_irq(bank, first + i);
		if (!irq)
			continue;
		irq->edge = val & (1u << (2 * i + 1));
		vgic_queue(bank->dom, irq, NULL);
	}
}

/* Every interrupt of @d gets a look: a group just enabled lets pending ones through. */
static void queue_all(struct domain *d, struct vcpu *self)
{
	for (unsigned n = 0; n < d->nr_vcpus; n++) {
		for (unsigned i = 0; i < VGIC_PRIV_IRQS; i++) {
			struct vgic_irq *irq = &d->vcpu[n]->vgic->priv[i];
			spin_lock(&irq->lock);
			vgic_queue(d, irq, self);
		}
	}
	for (unsigned i = 0; i < d->vgic->cfg.nr_spis; i++) {
		struct vgic_irq *irq = &d->vgic->spi[i];
		spin_lock(&irq->lock);
		vgic_queue(d, irq, self);
	}
}

void vgic_ctlr_write(struct vcpu *self, uint32_t grp)
{
	struct domain *d = self->dom;
	struct vgic_dist *dist = d->vgic;

	spin_lock(&dist->lock);
	uint32_t old = dist->ctlr;
	__atomic_store_n(&dist->ctlr, grp & (VGIC_CTLR_GRP0 | VGIC_CTLR_GRP1), __ATOMIC_RELAXED);
	bool opened = dist->ctlr & ~old;
	spin_unlock(&dist->lock);
	if (opened)
		queue_all(d, self);
}

void vgic_raz(bool write, uint64_t *val)
{
	if (!write)
		*val = 0;
}

/* The INTID range the 1-bit-per-interrupt registers at 0x080..0x3ff cover, and which kind. */
static bool bits_reg(uint64_t off, enum vgic_bits *what, bool *set, uint32_t *first)
{
	static const enum vgic_bits kinds[] = { VGIC_GROUP, VGIC_ENABLE, VGIC_ENABLE, VGIC_PEND,
						VGIC_PEND,  VGIC_ACTIVE, VGIC_ACTIVE };

	if (off < 0x080 || off >= 0x400)
		return false;
	unsigned block = (unsigned)(off >> 7) - 1; /* 0x80-byte blocks from IGROUPR */
	*what = kinds[block];
	*set = block == 0 || block % 2 == 1;
	*first = (uint32_t)(off & 0x7f) * 8;
	return true;
}

int vgic_common_access(struct vcpu *self, struct vcpu *bank, uint64_t off, unsigned size, bool write, uint64_t *val,
		       uint32_t lo, uint32_t hi)
{
	enum vgic_bits what;
	bool set;
	uint32_t first;

	if (bits_reg(off, &what, &set, &first)) {
		if (size != 4)
			return -1;
		if (first < lo || first >= hi)
			vgic_raz(write, val);
		else if (write)
			vgic_bits_write(self, bank, what, first, (uint32_t)*val, set);
		else
			*val = vgic_bits_read(bank, what, first);
		return 0;
	}
	if (off >= 0x400 && off < 0x800) {
		if (size != 1 && size != 4)
			return -1;
		first = (uint32_t)off - 0x400;
		if (first < lo || first >= hi)
			vgic_raz(write, val);
		else if (write)
			vgic_prio_write(bank, first, size, *val);
		else
			*val = vgic_prio_read(bank, first, size);
		return 0;
	}
	if (off >= 0xc00 && off < 0xd00) {
		if (size != 4)
			return -1;
		first = (uint32_t)(off - 0xc00) * 4;
		if (first < lo || first >= hi)
			vgic_raz(write, val);
		else if (write)
			vgic_cfg_write(bank, first, (uint32_t)*val);
		else
			*val = vgic_cfg_read(bank, first);
		return 0;
	}
	return 1;
}

/* CoreSight-style identification at the frame's end: PIDR4-7, PIDR0-3, CIDR0-3. ArchRev in
 * PIDR2 [7:4] is what drivers read to tell a GICv2 from a GICv3. */
uint32_t vgic_id_reg(unsigned version, uint32_t off4k)
{
	switch (off4k) {
	case 0xfd0: return 0x04;                /* PIDR4: JEP106 continuation code of the designer */
	case 0xfe0: return 0x48;                /* PIDR0: part number [7:0] */
	case 0xfe4: return 0xb0;                /* PIDR1: JEP106 identity [3:0] */
	case 0xfe8: return version << 4 | 0x0b; /* PIDR2: ArchRev, JEDEC, JEP106 identity [6:4] */
	case 0xff0: return 0x0d;
	case 0xff4: return 0xf0;
	case 0xff8: return 0x05;
	case 0xffc: return 0xb1;
	default: return 0;
	}
}
