/* The physical CPU interface, one behaviour behind GICv2's GICC and GICv3's ICC_* system registers:
 * priority mask, binary points, running priority, active priorities, acknowledge, EOI and DIR. */
#include "gic_internal.h"

#define V2_CTLR_ACKCTL  (1u << 2)
#define V2_CTLR_CBPR    (1u << 4)
#define V2_CTLR_EOIMODE (1u << 9)
#define V3_CTLR_CBPR    (1u << 0)
#define V3_CTLR_EOIMODE (1u << 1)
#define V3_CTLR_RO      ((GIC_PRI_BITS - 1) << 8 | 1u << 15) /* PRIbits, IDbits 0 (16 bits), A3V */

#define V2_ID_SHIFT 10 /* GICC_IAR / GICC_EOIR CPUID [12:10], the SGI's source */

uint8_t gic_bpr_min(int group, unsigned prebits) { return (uint8_t)(7 - prebits + (group ? 1 : 0)); }

static bool cbpr(const struct gic *g, const struct gic_cpu *c)
{
	return c->ctlr & (g->version == GIC_V3 ? V3_CTLR_CBPR : V2_CTLR_CBPR);
}

bool gic_cpu_eoimode(const struct gic *g, unsigned cpu)
{
	return g->cpu[cpu].ctlr & (g->version == GIC_V3 ? V3_CTLR_EOIMODE : V2_CTLR_EOIMODE);
}

/* The group priority: Group 1's binary point is one less than its BPR's value (or Group 0's when
 * CBPR shares it), so BPR1 = BPR0 + 1 splits a priority the same way. */
uint8_t gic_cpu_gprio(const struct gic *g, unsigned cpu, uint8_t prio, bool group1)
{
	const struct gic_cpu *c = &g->cpu[cpu];
	unsigned bpr = group1 && !cbpr(g, c) ? c->bpr[1] - 1u : c->bpr[0];

	return (uint8_t)(prio & (0xffu << (bpr + 1)));
}

static unsigned apr_slot(const struct gic *g, bool group1) { return g->version == GIC_V3 && group1; }

uint8_t gic_cpu_rpr(const struct gic *g, unsigned cpu)
{
	uint32_t ap = g->cpu[cpu].ap[0] | g->cpu[cpu].ap[1];

	if (!ap)
		return GIC_IDLE_PRIO;
	return (uint8_t)(__builtin_ctz(ap) << (8 - GIC_PRI_BITS));
}

bool gic_cpu_signals(const struct gic *g, unsigned cpu, unsigned intid)
{
	const struct gic_irq *irq = gic_irq_c(g, cpu, intid);

	return irq->prio < g->cpu[cpu].pmr && gic_cpu_gprio(g, cpu, irq->prio, irq->group1) < gic_cpu_rpr(g, cpu);
}

/* What IAR/HPPIR would name: @group 0 or 1 (v3 registers, v2 aliases), -1 for v2's GICC_IAR, which
 * takes either group but answers 1022 for Group 1 unless AckCtl. */
static uint32_t select(const struct gic *g, unsigned cpu, int group, unsigned *intid)
{
	unsigned id = gic_hppi(g, cpu);
	const struct gic_irq *irq;

	*intid = id;
	if (id == GIC_SPURIOUS)
		return GIC_SPURIOUS;
	irq = gic_irq_c(g, cpu, id);
	if (group < 0 && irq->group1 && !(g->cpu[cpu].ctlr & V2_CTLR_ACKCTL))
		return 1022;
	if (group >= 0 && (int)irq->group1 != group)
		return GIC_SPURIOUS;
	return id;
}

uint32_t gic_cpu_hppir(const struct gic *g, unsigned cpu, int group)
{
	unsigned id;
	uint32_t r = select(g, cpu, group, &id);
	const struct gic_irq *irq;

	if (r != id || id == GIC_SPURIOUS)
		return r;
	irq = gic_irq_c(g, cpu, id);
	if (g->version == GIC_V2 && irq->sgi_src)
		r |= (uint32_t)__builtin_ctz(irq->sgi_src) << V2_ID_SHIFT;
	return r;
}

uint32_t gic_cpu_ack(struct gic *g, unsigned cpu, int group)
{
	unsigned id, src;
	uint32_t r = select(g, cpu, group, &id);
	struct gic_irq *irq;
	uint8_t gp;

	if (r != id || id == GIC_SPURIOUS)
		return r;
	if (!gic_cpu_signals(g, cpu, id))
		return GIC_SPURIOUS;
	irq = gic_irq(g, cpu, id);
	src = gic_irq_activate(g, cpu, id);
	gp = gic_cpu_gprio(g, cpu, irq->prio, irq->group1);
	g->cpu[cpu].ap[apr_slot(g, irq->group1)] |= 1u << (gp >> (8 - GIC_PRI_BITS));
	if (g->version == GIC_V2 && id < GIC_NR_SGI)
		r |= src << V2_ID_SHIFT;
	return r;
}

static bool special(unsigned intid) { return intid >= 1020 && intid <= 1023; }

static unsigned intid_of(const struct gic *g, uint32_t val)
{
	return g->version == GIC_V2 ? val & 0x3ff : val & 0xffffff;
}

void gic_cpu_eoi(struct gic *g, unsigned cpu, uint32_t val, int group)
{
	struct gic_cpu *c = &g->cpu[cpu];
	unsigned id = intid_of(g, val);
	uint32_t *ap;

	(void)group;
	if (special(id) || id >= g->nr_irqs)
		return;
	/* Priority drop: the highest active priority, whichever group holds it. */
	ap = c->ap[0] ? &c->ap[0] : &c->ap[1];
	if (!*ap)
		return;
	*ap &= *ap - 1;
	if (!gic_cpu_eoimode(g, cpu))
		gic_irq_deactivate(g, cpu, id);
}

void gic_cpu_dir(struct gic *g, unsigned cpu, uint32_t val)
{
	unsigned id = intid_of(g, val);

	/* DIR with EOImode 0 is UNPREDICTABLE; the model ignores it. */
	if (special(id) || !gic_cpu_eoimode(g, cpu))
		return;
	gic_irq_deactivate(g, cpu, id);
}

/* ICC_SGI0R/SGI1R/ASGI1R_EL1: TargetList [15:0], Aff1 [23:16], INTID [27:24], Aff2 [39:32], IRM [40],
 * RS [47:44], Aff3 [55:48]. */
static void send_sgi1r(struct gic *g, unsigned src, uint64_t v, int group)
{
	unsigned sgi = (v >> 24) & 15;

	if (v & (1ull << 40)) {
		for (unsigned c = 0; c < g->ncpus; c++)
			if (c != src)
				gic_send_sgi(g, src, c, sgi, group);
		return;
	}
	for (unsigned b = 0; b < 16; b++) {
		uint64_t aff = ((v >> 44) & 15) * 16 + b;
		int dst;

		if (!(v & (1u << b)))
			continue;
		aff |= ((v >> 16) & 0xff) << 8 | ((v >> 32) & 0xff) << 16 | ((v >> 48) & 0xff) << 32;
		dst = gic_cpu_by_affinity(g, aff);
		if (dst >= 0)
			gic_send_sgi(g, src, (unsigned)dst, sgi, group);
	}
}

static bool write_only(enum gic_sysreg r)
{
	return r == GIC_ICC_EOIR0_EL1 || r == GIC_ICC_EOIR1_EL1 || r == GIC_ICC_DIR_EL1 || r == GIC_ICC_SGI0R_EL1 ||
	       r == GIC_ICC_SGI1R_EL1 || r == GIC_ICC_ASGI1R_EL1;
}

static bool read_only(enum gic_sysreg r)
{
	return r == GIC_ICC_IAR0_EL1 || r == GIC_ICC_IAR1_EL1 || r == GIC_ICC_HPPIR0_EL1 || r == GIC_ICC_HPPIR1_EL1 ||
	       r == GIC_ICC_RPR_EL1;
}

enum gic_status gic_icc_read(struct gic *g, unsigned cpu, enum gic_sysreg reg, uint64_t *val)
{
	struct gic_cpu *c = &g->cpu[cpu];

	if (write_only(reg))
		return GIC_UNDEFINED;
	switch (reg) {
	case GIC_ICC_PMR_EL1: *val = c->pmr; break;
	case GIC_ICC_IAR0_EL1: *val = gic_cpu_ack(g, cpu, 0); break;
	case GIC_ICC_IAR1_EL1: *val = gic_cpu_ack(g, cpu, 1); break;
	case GIC_ICC_HPPIR0_EL1: *val = gic_cpu_hppir(g, cpu, 0); break;
	case GIC_ICC_HPPIR1_EL1: *val = gic_cpu_hppir(g, cpu, 1); break;
	case GIC_ICC_BPR0_EL1: *val = c->bpr[0]; break;
	case GIC_ICC_BPR1_EL1: *val = cbpr(g, c) ? (c->bpr[0] < 7 ? c->bpr[0] + 1u : 7u) : c->bpr[1]; break;
	case GIC_ICC_AP0R0_EL1: *val = c->ap[0]; break;
	case GIC_ICC_AP1R0_EL1: *val = c->ap[1]; break;
	case GIC_ICC_RPR_EL1: *val = gic_cpu_rpr(g, cpu); break;
	case GIC_ICC_CTLR_EL1: *val = (c->ctlr & (V3_CTLR_CBPR | V3_CTLR_EOIMODE)) | V3_CTLR_RO; break;
	case GIC_ICC_SRE_EL1: *val = 7; break; /* SRE, DFB, DIB: RAO/WI, no memory-mapped CPU interface */
	case GIC_ICC_IGRPEN0_EL1: *val = c->grpen[0]; break;
	case GIC_ICC_IGRPEN1_EL1: *val = c->grpen[1]; break;
	default: return GIC_UNDEFINED; /* AP0R1..3, AP1R1..3: not implemented with 32 preemption levels */
	}
	return GIC_OK;
}

static uint8_t clamp_bpr(uint64_t v, int group)
{
	uint8_t min = gic_bpr_min(group, GIC_PRI_BITS);

	v &= 7;
	return v < min ? min : (uint8_t)v;
}

enum gic_status gic_icc_write(struct gic *g, unsigned cpu, enum gic_sysreg reg, uint64_t val)
{
	struct gic_cpu *c = &g->cpu[cpu];

	if (read_only(reg))
		return GIC_UNDEFINED;
	switch (reg) {
	case GIC_ICC_PMR_EL1: c->pmr = (uint8_t)val & GIC_PRI_MASK; break;
	case GIC_ICC_EOIR0_EL1: gic_cpu_eoi(g, cpu, (uint32_t)val, 0); break;
	case GIC_ICC_EOIR1_EL1: gic_cpu_eoi(g, cpu, (uint32_t)val, 1); break;
	case GIC_ICC_DIR_EL1: gic_cpu_dir(g, cpu, (uint32_t)val); break;
	case GIC_ICC_BPR0_EL1: c->bpr[0] = clamp_bpr(val, 0); break;
	case GIC_ICC_BPR1_EL1:
		if (!cbpr(g, c))
			c->bpr[1] = clamp_bpr(val, 1);
		break;
	case GIC_ICC_AP0R0_EL1: c->ap[0] = (uint32_t)val; break;
	case GIC_ICC_AP1R0_EL1: c->ap[1] = (uint32_t)val; break;
	case GIC_ICC_SGI0R_EL1: send_sgi1r(g, cpu, val, 0); break;
	case GIC_ICC_SGI1R_EL1: send_sgi1r(g, cpu, val, 1); break;
	/* With DS=1 an ASGI1R SGI reaches only targets that configured it in Group 0. */
	case GIC_ICC_ASGI1R_EL1: send_sgi1r(g, cpu, val, 0); break;
	case GIC_ICC_CTLR_EL1: c->ctlr = (uint32_t)val & (V3_CTLR_CBPR | V3_CTLR_EOIMODE); break;
	case GIC_ICC_IGRPEN0_EL1: c->grpen[0] = val & 1; break;
	case GIC_ICC_IGRPEN1_EL1: c->grpen[1] = val & 1; break;
	case GIC_ICC_SRE_EL1: break;
	default: return GIC_UNDEFINED;
	}
	return GIC_OK;
}
