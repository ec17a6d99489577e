/* The one interrupt state machine of both GIC versions: inactive, pending, active, active and pending,
 * with level inputs, edge latches, v2 per-source SGI pending bits, routing and priority selection. */
#include "gic_internal.h"

struct gic_irq *gic_irq(struct gic *g, unsigned cpu, unsigned intid)
{
	if (intid < GIC_NR_PRIV)
		return &g->cpu[cpu].priv[intid];
	return &g->spi[intid - GIC_NR_PRIV];
}

const struct gic_irq *gic_irq_c(const struct gic *g, unsigned cpu, unsigned intid)
{
	return gic_irq((struct gic *)g, cpu, intid);
}

/* Level-sensitive interrupts are pending while their line is high, whatever was acknowledged: that is
 * how one re-pends on deactivation if the device still asserts it. */
bool gic_irq_pending(const struct gic_irq *irq) { return irq->latch || irq->sgi_src || (!irq->edge && irq->line); }

void gic_irq_set_pending(struct gic *g, unsigned cpu, unsigned intid, bool on)
{
	struct gic_irq *irq = gic_irq(g, cpu, intid);

	/* v2 SGIs are made pending per source only, through GICD_SGIR and GICD_SPENDSGIR. */
	if (g->version == GIC_V2 && intid < GIC_NR_SGI)
		return;
	irq->latch = on;
	gic_dirty(g, cpu, intid);
}

void gic_irq_set_line(struct gic *g, unsigned cpu, unsigned intid, bool level)
{
	struct gic_irq *irq = gic_irq(g, cpu, intid);

	if (irq->edge && level && !irq->line)
		irq->latch = true;
	irq->line = level;
	gic_dirty(g, cpu, intid);
}

uint64_t gic_mpidr_aff(uint64_t mpidr) { return mpidr & 0xff00ffffffull; }

int gic_cpu_by_affinity(const struct gic *g, uint64_t aff)
{
	for (unsigned c = 0; c < g->ncpus; c++)
		if (gic_mpidr_aff(g->cpu[c].mpidr) == (aff & 0xff00ffffffull))
			return (int)c;
	return -1;
}

#define IROUTER_IRM (1ull << 31)

bool gic_irq_targets(const struct gic *g, unsigned cpu, unsigned intid)
{
	const struct gic_irq *irq;

	if (intid < GIC_NR_PRIV)
		return true;
	irq = gic_irq_c(g, cpu, intid);
	if (g->version == GIC_V2)
		return irq->targets & (1u << cpu);
	/* 1 of N: offered to every CPU; the first to acknowledge takes it, the others then see it active. */
	if (irq->route & IROUTER_IRM)
		return true;
	return gic_mpidr_aff(g->cpu[cpu].mpidr) == (irq->route & 0xff00ffffffull);
}

/* Whether @intid, known enabled, pending and inactive, is a candidate for @cpu that beats @best_prio. */
static bool candidate(const struct gic *g, unsigned cpu, unsigned id, unsigned best_prio)
{
	const struct gic_irq *irq = gic_irq_c(g, cpu, id);
	unsigned grp = irq->group1;

	if (irq->prio >= best_prio || !(g->dctlr & (1u << grp)) || !g->cpu[cpu].grpen[grp])
		return false;
	return gic_irq_targets(g, cpu, id);
}

unsigned gic_hppi(const struct gic *g, unsigned cpu)
{
	unsigned best = GIC_SPURIOUS;
	unsigned best_prio = 0x100;

	if (g->version == GIC_V3 && g->cpu[cpu].waker_sleep)
		return GIC_SPURIOUS;
	for (unsigned id = 0; id < GIC_NR_PRIV; id++) {
		const struct gic_irq *irq = &g->cpu[cpu].priv[id];

		if (irq->enabled && !irq->active && gic_irq_pending(irq) && candidate(g, cpu, id, best_prio)) {
			best = id;
			best_prio = irq->prio;
		}
	}
	/* SPIs in INTID order, so the lowest INTID keeps a tie. */
	for (unsigned w = 0; w < (g->nr_irqs - GIC_NR_PRIV + 63) / 64; w++) {
		for (uint64_t live = g->spi_live[w]; live; live &= live - 1) {
			unsigned id = GIC_NR_PRIV + w * 64 + (unsigned)__builtin_ctzll(live);

			if (candidate(g, cpu, id, best_prio)) {
				best = id;
				best_prio = g->spi[id - GIC_NR_PRIV].prio;
			}
		}
	}
	return best;
}

unsigned gic_irq_activate(struct gic *g, unsigned cpu, unsigned intid)
{
	struct gic_irq *irq = gic_irq(g, cpu, intid);
	unsigned src = 0;

	if (irq->sgi_src) {
		src = (unsigned)__builtin_ctz(irq->sgi_src);
		irq->sgi_src &= (uint16_t) ~(1u << src);
		irq->active_src = (uint8_t)src;
	} else {
		irq->latch = false;
	}
	irq->active = true;
	gic_dirty(g, cpu, intid);
	return src;
}

void gic_irq_deactivate(struct gic *g, unsigned cpu, unsigned intid)
{
	if (intid >= g->nr_irqs)
		return;
	gic_irq(g, cpu, intid)->active = false;
	gic_dirty(g, cpu, intid);
}

/* @group: 0 or 1, the SGI is forwarded only if the target configured it in that group; -1 for v2's
 * GICD_SGIR, which has no group filter without the Security Extensions. */
void gic_send_sgi(struct gic *g, unsigned src, unsigned dst, unsigned sgi, int group)
{
	struct gic_irq *irq = &g->cpu[dst].priv[sgi & 15];

	if (group >= 0 && (int)irq->group1 != group)
		return;
	if (g->version == GIC_V2)
		irq->sgi_src |= (uint16_t)(1u << src);
	else
		irq->latch = true;
	gic_dirty(g, dst, sgi);
}
