/* The GICv2 front end: a 4 KiB distributor whose first registers are banked per accessing vCPU,
 * with CPU-target routing and per-source SGIs, decoded onto the shared register logic. */
#include "public/errno.h"
#include "traps/mmio.h"
#include "vgic/vgic_int.h"

#define GICD_SIZE  0x1000u
#define GICV2_IIDR 0x4800043bu /* ProductID 'H', implementer Arm's JEP106 code */

static uint8_t cpu_mask(const struct domain *d) { return (uint8_t)((1u << d->nr_vcpus) - 1); }

static int itargets(struct vcpu *v, uint32_t first, unsigned size, bool write, uint64_t *val)
{
	struct domain *d = v->dom;
	uint64_t out = 0;

	for (unsigned i = 0; i < size; i++) {
		struct vgic_irq *irq = vgic_irq(d, v, first + i);
		if (!irq)
			continue;
		uint8_t byte = (uint8_t)(*val >> (8 * i));
		if (first + i < VGIC_PRIV_IRQS) {
			/* Read-only: each CPU reads its own interface's bit, how drivers learn it. */
			out |= (uint64_t)(1u << v->id) << (8 * i);
			continue;
		}
		spin_lock(&d->vgic->lock);
		spin_lock(&irq->lock);
		if (write) {
			irq->targets = byte & cpu_mask(d);
			vgic_route(d, irq);
			vgic_queue(d, irq, v);
		} else {
			out |= (uint64_t)irq->targets << (8 * i);
			spin_unlock(&irq->lock);
		}
		spin_unlock(&d->vgic->lock);
	}
	if (!write)
		*val = out;
	return 0;
}

static void sgir(struct vcpu *v, uint32_t val)
{
	struct domain *d = v->dom;
	unsigned sgi = val & 0xf;
	uint32_t targets;

	switch ((val >> 24) & 3) {
	case 0: targets = (val >> 16) & 0xff; break;
	case 1: targets = cpu_mask(d) & ~(1u << v->id); break;
	case 2: targets = 1u << v->id; break;
	default: return; /* reserved filter: no SGI */
	}
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if (targets & (1u << i))
			vgic_send_sgi(v, d->vcpu[i], sgi);
}

/* GICD_CPENDSGIR / GICD_SPENDSGIR: byte n holds SGI n's pending sources on the accessing vCPU. */
static void pendsgi(struct vcpu *v, uint32_t first, unsigned size, bool write, uint64_t *val, bool set)
{
	struct domain *d = v->dom;
	uint64_t out = 0;

	for (unsigned i = 0; i < size; i++) {
		struct vgic_irq *irq = &v->vgic->priv[first + i];
		uint8_t byte = (uint8_t)(*val >> (8 * i));
		spin_lock(&irq->lock);
		if (!write) {
			out |= (uint64_t)irq->sgi_src << (8 * i);
			spin_unlock(&irq->lock);
			continue;
		}
		if (set)
			irq->sgi_src |= byte & cpu_mask(d);
		else
			irq->sgi_src &= (uint8_t)~byte;
		vgic_queue(d, irq, v);
	}
	if (!write)
		*val = out;
}

static int v2_dist(struct vcpu *v, uint64_t off, unsigned size, bool write, uint64_t *val, void *priv)
{
	struct domain *d = v->dom;
	struct vgic_dist *dist = d->vgic;
	uint32_t hi = VGIC_PRIV_IRQS + dist->cfg.nr_spis;
	(void)priv;

	if (off & (size - 1) || size == 2 || size == 8 || off >= GICD_SIZE)
		return -1;
	int rc = vgic_common_access(v, v, off, size, write, val, 0, hi);
	if (rc <= 0)
		return rc;
	if (off >= 0x800 && off < 0xc00)
		return itargets(v, (uint32_t)off - 0x800, size, write, val);
	if (off >= 0xf10 && off < 0xf30) {
		pendsgi(v, (uint32_t)off & 0xf, size, write, val, off >= 0xf20);
		return 0;
	}
	if (size != 4)
		return -1;
	if (write) {
		if (off == 0x000)
			vgic_ctlr_write(v, (uint32_t)*val);
		else if (off == 0xf00)
			sgir(v, (uint32_t)*val);
		return 0;
	}
	switch (off) {
	case 0x000: *val = dist->ctlr; break;
	case 0x004: *val = (hi / 32 - 1) | (d->nr_vcpus - 1) << 5; break;
	case 0x008: *val = GICV2_IIDR; break;
	default: *val = off >= 0xfd0 ? vgic_id_reg(2, (uint32_t)off) : 0; break;
	}
	return 0;
}

int vgic_v2_init(struct domain *d)
{
	if (d->nr_vcpus > 8)
		return -XEN_EINVAL; /* GICD_ITARGETSR has eight CPU bits */
	return mmio_register(d, d->vgic->cfg.dist, GICD_SIZE, v2_dist, NULL);
}
