/* The distributor's registers, v3 (affinity routing, GICD_CTLR.DS=1) and v2 (banked private
 * interrupts, ITARGETSR, GICD_SGIR), over the shared interrupt state machine. */
#include "gic_internal.h"

#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_IIDR       0x008
#define GICD_IGROUPR    0x080
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ISPENDR    0x200
#define GICD_ICPENDR    0x280
#define GICD_ISACTIVER  0x300
#define GICD_ICACTIVER  0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR  0x800
#define GICD_ICFGR      0xc00
#define GICD_BANK_END   0xd00
#define GICD_SGIR       0xf00
#define GICD_CPENDSGIR  0xf10
#define GICD_SPENDSGIR  0xf20
#define GICD_IROUTER    0x6000

#define CTLR_ARE (1u << 4)
#define CTLR_DS  (1u << 6)

/* GICD_IIDR: implementer Arm (0x43b); product 0x02 revision 1 on v2 (GIC-400's value). */
#define GICD_IIDR_V3 0x0000043bu
#define GICD_IIDR_V2 0x0200143bu

uint32_t gic_id_reg(const struct gic *g, uint64_t off, uint64_t top)
{
	/* PIDR4..7, PIDR0..3, CIDR0..3 from top - 0x30; PIDR2's ArchRev [7:4] is the version. */
	static const uint8_t v3[12] = { 0x44, 0, 0, 0, 0x92, 0xb4, 0x3b, 0, 0x0d, 0xf0, 0x05, 0xb1 };
	static const uint8_t v2[12] = { 0x04, 0, 0, 0, 0x90, 0xb4, 0x2b, 0, 0x0d, 0xf0, 0x05, 0xb1 };
	uint64_t i = (off - (top - 0x30)) / 4;

	if (off < top - 0x30 || off >= top)
		return 0;
	return (g->version == GIC_V3 ? v3 : v2)[i];
}

static bool bank_valid(const struct gic *g, bool redist, unsigned intid)
{
	if (redist)
		return intid < GIC_NR_PRIV;
	if (intid >= g->nr_irqs)
		return false;
	/* With affinity routing the private interrupts live in the redistributors. */
	return g->version == GIC_V2 || intid >= GIC_NR_PRIV;
}

static unsigned bank_bits(uint64_t off)
{
	if (off >= GICD_ICFGR)
		return 2;
	if (off >= GICD_IPRIORITYR)
		return 8;
	return 1;
}

static uint64_t field_read(const struct gic *g, unsigned cpu, uint64_t base, unsigned intid)
{
	const struct gic_irq *irq = gic_irq_c(g, cpu, intid);

	switch (base) {
	case GICD_IGROUPR: return irq->group1;
	case GICD_ISENABLER:
	case GICD_ICENABLER: return irq->enabled;
	case GICD_ISPENDR:
	case GICD_ICPENDR: return gic_irq_pending(irq);
	case GICD_ISACTIVER:
	case GICD_ICACTIVER: return irq->active;
	case GICD_IPRIORITYR: return irq->prio;
	case GICD_ITARGETSR:
		if (g->version != GIC_V2)
			return 0;
		/* A private interrupt's byte reads as the accessing CPU's own bit. */
		return intid < GIC_NR_PRIV ? 1u << cpu : irq->targets;
	case GICD_ICFGR: return irq->edge ? 2 : 0;
	}
	return 0;
}

static void field_write(struct gic *g, unsigned cpu, uint64_t base, unsigned intid, uint64_t v)
{
	struct gic_irq *irq = gic_irq(g, cpu, intid);

	switch (base) {
	case GICD_IGROUPR: irq->group1 = v & 1; break;
	case GICD_ISENABLER:
		if (v & 1)
			irq->enabled = true;
		break;
	case GICD_ICENABLER:
		if (v & 1)
			irq->enabled = false;
		break;
	case GICD_ISPENDR:
	case GICD_ICPENDR:
		if (v & 1)
			gic_irq_set_pending(g, cpu, intid, base == GICD_ISPENDR);
		break;
	case GICD_ISACTIVER:
	case GICD_ICACTIVER:
		if (v & 1)
			irq->active = base == GICD_ISACTIVER;
		break;
	case GICD_IPRIORITYR: irq->prio = (uint8_t)v & GIC_PRI_MASK; break;
	case GICD_ITARGETSR:
		if (g->version == GIC_V2 && intid >= GIC_NR_PRIV)
			irq->targets = (uint8_t)(v & ((1u << g->ncpus) - 1));
		break;
	case GICD_ICFGR:
		/* SGIs are edge-triggered, fixed; bit [2n] is reserved. */
		if (intid >= GIC_NR_SGI)
			irq->edge = v & 2;
		break;
	}
	gic_dirty(g, cpu, intid);
}

/* The register's base offset and first INTID for an access at @off of @size bytes, or GIC_BAD_SIZE. */
static enum gic_status bank_decode(uint64_t off, unsigned size, uint64_t *base, unsigned *first)
{
	unsigned bits = bank_bits(off);
	uint64_t start = bits == 2   ? GICD_ICFGR
			 : bits == 8 ? (off >= GICD_ITARGETSR ? GICD_ITARGETSR : GICD_IPRIORITYR)
				     : off & ~0x7full;

	/* Byte access is for the byte-per-interrupt registers only; halfwords and doublewords never. */
	if (size != 4 && !(size == 1 && bits == 8))
		return GIC_BAD_SIZE;
	*base = start;
	*first = (unsigned)((off - start) * 8 / bits);
	return GIC_OK;
}

enum gic_status gic_bank_read(struct gic *g, unsigned cpu, bool redist, uint64_t off, unsigned size, uint64_t *val)
{
	uint64_t base;
	unsigned first, bits = bank_bits(off);
	enum gic_status st = bank_decode(off, size, &base, &first);

	if (st != GIC_OK)
		return st;
	*val = 0;
	for (unsigned i = 0; i < size * 8 / bits; i++)
		if (bank_valid(g, redist, first + i))
			*val |= field_read(g, cpu, base, first + i) << (i * bits);
	return GIC_OK;
}

enum gic_status gic_bank_write(struct gic *g, unsigned cpu, bool redist, uint64_t off, unsigned size, uint64_t val)
{
	uint64_t base;
	unsigned first, bits = bank_bits(off);
	enum gic_status st = bank_decode(off, size, &base, &first);

	if (st != GIC_OK)
		return st;
	for (unsigned i = 0; i < size * 8 / bits; i++)
		if (bank_valid(g, redist, first + i))
			field_write(g, cpu, base, first + i, (val >> (i * bits)) & ((1u << bits) - 1));
	return GIC_OK;
}

static uint32_t typer(const struct gic *g)
{
	uint32_t it_lines = g->nr_irqs / 32 - 1;
	uint32_t cpus = (g->ncpus > 8 ? 8 : g->ncpus) - 1;

	if (g->version == GIC_V2)
		return it_lines | cpus << 5;
	/* IDbits [23:19] = 15 (16-bit INTIDs), A3V [24]; no LPIs, no MBIs, no Security Extensions (DS=1). */
	return it_lines | cpus << 5 | 15u << 19 | 1u << 24;
}

/* GICD_SGIR (v2): TargetListFilter [25:24], CPUTargetList [23:16], SGIINTID [3:0]. */
static void v2_sgir(struct gic *g, unsigned src, uint32_t v)
{
	unsigned filter = (v >> 24) & 3;
	unsigned list = (v >> 16) & 0xff;

	if (filter == 1)
		list = ((1u << g->ncpus) - 1) & ~(1u << src);
	else if (filter == 2)
		list = 1u << src;
	else if (filter == 3)
		return; /* reserved */
	for (unsigned c = 0; c < g->ncpus; c++)
		if (list & (1u << c))
			gic_send_sgi(g, src, c, v & 15, -1);
}

/* GICD_[SC]PENDSGIR (v2): a byte per SGI of the accessing CPU, a bit per source CPU. */
static enum gic_status v2_pendsgir(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t *rd, uint64_t wr)
{
	unsigned first = (unsigned)(off & 0xf);
	bool set = off >= GICD_SPENDSGIR;

	if (size != 1 && size != 4)
		return GIC_BAD_SIZE;
	if (rd)
		*rd = 0;
	for (unsigned i = 0; i < size; i++) {
		struct gic_irq *irq = &g->cpu[cpu].priv[first + i];
		uint8_t bits = (uint8_t)(wr >> (8 * i)) & (uint8_t)((1u << g->ncpus) - 1);

		if (rd)
			*rd |= (uint64_t)(irq->sgi_src & 0xff) << (8 * i);
		else if (set)
			irq->sgi_src |= bits;
		else
			irq->sgi_src &= (uint16_t)~bits;
	}
	return GIC_OK;
}

static enum gic_status irouter(struct gic *g, uint64_t off, unsigned size, uint64_t *rd, uint64_t wr)
{
	unsigned intid = (unsigned)((off - GICD_IROUTER) / 8);
	unsigned shift = (off & 4) ? 32 : 0;
	uint64_t mask = size == 8 ? ~0ull : 0xffffffffull << shift;
	struct gic_irq *irq;

	if (size != 4 && size != 8)
		return GIC_BAD_SIZE;
	if (intid < GIC_NR_PRIV || intid >= g->nr_irqs)
		return GIC_OK; /* reserved: RAZ/WI */
	irq = gic_irq(g, 0, intid);
	if (rd)
		*rd = (irq->route & mask) >> shift;
	else
		irq->route = (irq->route & ~mask) | ((wr << shift) & mask & 0xff80ffffffull);
	return GIC_OK;
}

static enum gic_status dist_access(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t *rd, uint64_t wr)
{
	bool v3 = g->version == GIC_V3;
	uint64_t top = v3 ? GIC_V3_GICD_SIZE : GIC_V2_GICD_SIZE;
	uint32_t v = 0;

	if (off >= GICD_IGROUPR && off < GICD_BANK_END)
		return rd ? gic_bank_read(g, cpu, false, off, size, rd) : gic_bank_write(g, cpu, false, off, size, wr);
	if (v3 && off >= GICD_IROUTER && off < GICD_IROUTER + 8 * 1024)
		return irouter(g, off, size, rd, wr);
	if (!v3 && off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 16)
		return v2_pendsgir(g, cpu, off, size, rd, wr);
	if (size != 4)
		return GIC_BAD_SIZE;
	switch (off) {
	case GICD_CTLR:
		if (!rd)
			g->dctlr = (uint32_t)wr & 3;
		v = g->dctlr | (v3 ? CTLR_ARE | CTLR_DS : 0);
		break;
	case GICD_TYPER: v = typer(g); break;
	case GICD_IIDR: v = v3 ? GICD_IIDR_V3 : GICD_IIDR_V2; break;
	case GICD_SGIR:
		if (!v3 && !rd)
			v2_sgir(g, cpu, (uint32_t)wr);
		break;
	default: v = gic_id_reg(g, off, top); break;
	}
	if (rd)
		*rd = v;
	return GIC_OK;
}

enum gic_status gic_dist_read(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t *val)
{
	return dist_access(g, cpu, off, size, val, 0);
}

enum gic_status gic_dist_write(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t val)
{
	return dist_access(g, cpu, off, size, NULL, val);
}
