/* The GICv3 front end: the distributor (affinity routing only) and one redistributor per vCPU
 * (RD_base and SGI_base frames), decoded onto the shared register logic. */
#include "traps/mmio.h"
#include "vgic/vgic_int.h"

#define GICD_SIZE       0x10000u
#define GICR_STRIDE     0x20000u
#define GICR_SGI        0x10000u
#define GICV3_IIDR      0x4800043bu /* ProductID 'H', implementer Arm's JEP106 code */
#define CTLR_ARE        (1u << 4)
#define CTLR_DS         (1u << 6)
#define TYPER_IDBITS    (9u << 19) /* 10 INTID bits: SPIs up to 1019 */
#define TYPER_A3V       (1u << 24)
#define IROUTER_MASK    0xff80ffffffull /* Aff3, IRM, Aff2..Aff0 */
#define WAKER_PSLEEP    (1u << 1)
#define WAKER_CASLEEP   (1u << 2)
#define GICR_TYPER_LAST (1u << 4)

/* A 64-bit register read or written whole (8) or by 32-bit halves (4 at @off & 4). */
static void reg64(uint64_t *reg, uint64_t off, unsigned size, bool write, uint64_t *val, uint64_t mask)
{
	unsigned shift = size == 4 && (off & 4) ? 32 : 0;
	uint64_t field = size == 8 ? ~0ull : 0xffffffffull << shift;

	if (write)
		*reg = (*reg & ~(field & mask)) | ((*val << shift) & field & mask);
	else
		*val = (*reg & field) >> shift;
}

static int irouter(struct vcpu *v, uint64_t off, unsigned size, bool write, uint64_t *val)
{
	struct domain *d = v->dom;
	uint32_t intid = (uint32_t)(off - 0x6000) / 8;
	struct vgic_irq *irq = intid >= VGIC_PRIV_IRQS ? vgic_irq(d, NULL, intid) : NULL;

	if (!irq) {
		vgic_raz(write, val);
		return 0;
	}
	spin_lock(&d->vgic->lock);
	spin_lock(&irq->lock);
	reg64(&irq->irouter, off, size, write, val, IROUTER_MASK);
	if (write) {
		vgic_route(d, irq);
		vgic_queue(d, irq, v);
	} else {
		spin_unlock(&irq->lock);
	}
	spin_unlock(&d->vgic->lock);
	return 0;
}

static int v3_dist(struct vcpu *v, uint64_t off, unsigned size, bool write, uint64_t *val, void *priv)
{
	struct domain *d = v->dom;
	struct vgic_dist *dist = d->vgic;
	uint32_t hi = VGIC_PRIV_IRQS + dist->cfg.nr_spis;
	(void)priv;

	if (off & (size - 1) || size == 2)
		return -1;
	if (off >= 0x6000 && off < 0x8000) {
		if (size != 8 && size != 4)
			return -1;
		return irouter(v, off, size, write, val);
	}
	/* With affinity routing the distributor's registers for SGIs and PPIs are RAZ/WI. */
	int rc = vgic_common_access(v, v, off, size, write, val, VGIC_PRIV_IRQS, hi);
	if (rc <= 0)
		return rc;
	bool bytes = off >= 0x800 && off < 0xc00;       /* ITARGETSR: RES0 with affinity routing */
	bytes = bytes || (off >= 0xf10 && off < 0xf30); /* [CS]PENDSGIR: likewise */
	if (size != 4 && !(bytes && size == 1))
		return -1;
	if (write) {
		if (off == 0x000)
			vgic_ctlr_write(v, (uint32_t)*val);
		return 0;
	}
	switch (off) {
	case 0x000: *val = dist->ctlr | CTLR_ARE | CTLR_DS; break;
	case 0x004: *val = (hi / 32 - 1) | TYPER_IDBITS | TYPER_A3V; break;
	case 0x008: *val = GICV3_IIDR; break;
	default: *val = off >= 0xffd0 ? vgic_id_reg(3, (uint32_t)off & 0xfff) : 0; break;
	}
	return 0;
}

static uint64_t gicr_typer(struct domain *d, struct vcpu *t)
{
	uint64_t m = t->ctx.vmpidr;
	uint64_t aff = (m & 0xffffff) | ((m >> 32) & 0xff) << 24;
	uint64_t last = t->id == d->nr_vcpus - 1 ? GICR_TYPER_LAST : 0;
	return aff << 32 | (uint64_t)t->id << 8 | last;
}

static int rd_base(struct vcpu *t, uint64_t off, unsigned size, bool write, uint64_t *val)
{
	struct domain *d = t->dom;
	struct vgic_cpu *c = t->vgic;
	/* TYPER, and the LPI registers (RAZ/WI: no LPIs) are 64-bit; the rest 32-bit. */
	bool r64 =
	    off == 0x08 || off == 0x40 || off == 0x48 || off == 0x70 || off == 0x78 || off == 0xa0 || off == 0xb0;

	if (size == 8 ? !r64 : size != 4)
		return -1;
	if (off == 0x08 || off == 0x0c) {
		uint64_t typer = gicr_typer(d, t);
		if (!write)
			reg64(&typer, off, size, false, val, ~0ull);
		return 0;
	}
	if (write) {
		if (off == 0x14) {
			spin_lock(&c->lock);
			c->asleep = *val & WAKER_PSLEEP;
			spin_unlock(&c->lock);
		}
		return 0;
	}
	switch (off) {
	case 0x04: *val = GICV3_IIDR; break;
	case 0x14: *val = __atomic_load_n(&c->asleep, __ATOMIC_RELAXED) ? WAKER_PSLEEP | WAKER_CASLEEP : 0; break;
	default: *val = off >= 0xffd0 ? vgic_id_reg(3, (uint32_t)off & 0xfff) : 0; break;
	}
	return 0;
}

static int v3_redist(struct vcpu *v, uint64_t off, unsigned size, bool write, uint64_t *val, void *priv)
{
	struct domain *d = v->dom;
	uint64_t n = off / GICR_STRIDE, frame = off % GICR_STRIDE;
	(void)priv;

	if (off & (size - 1) || size == 2 || n >= d->nr_vcpus)
		return -1;
	struct vcpu *t = d->vcpu[n];
	if (frame < GICR_SGI)
		return rd_base(t, frame, size, write, val);
	frame -= GICR_SGI;
	int rc = vgic_common_access(v, t, frame, size, write, val, 0, VGIC_PRIV_IRQS);
	if (rc <= 0)
		return rc;
	if (size != 4)
		return -1;
	/* IGRPMODR0, NSACR and the rest: RAZ/WI for a single security state. */
	vgic_raz(write, val);
	return 0;
}

int vgic_v3_init(struct domain *d)
{
	struct vgic_config *cfg = &d->vgic->cfg;
	int rc = mmio_register(d, cfg->dist, GICD_SIZE, v3_dist, NULL);

	if (rc)
		return rc;
	return mmio_register(d, cfg->redist, (uint64_t)d->nr_vcpus * GICR_STRIDE, v3_redist, NULL);
}
