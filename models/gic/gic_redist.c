/* The v3 redistributors: RD_base (GICR_CTLR, TYPER, WAKER) and SGI_base (the private interrupts'
 * registers of one CPU, laid out as the distributor's first register of each array). No LPIs. */
#include "gic_internal.h"

#define GICR_CTLR    0x0000
#define GICR_IIDR    0x0004
#define GICR_TYPER   0x0008
#define GICR_STATUSR 0x0010
#define GICR_WAKER   0x0014

#define WAKER_PROCESSOR_SLEEP (1u << 1)
#define WAKER_CHILDREN_ASLEEP (1u << 2)

#define TYPER_LAST (1ull << 4)

/* GICR_TYPER: Affinity_Value [63:32] (Aff3.Aff2.Aff1.Aff0), Processor_Number [23:8], Last [4]. */
static uint64_t gicr_typer(const struct gic *g, unsigned cpu)
{
	uint64_t m = g->cpu[cpu].mpidr;
	uint64_t aff = (m & 0xffffff) | ((m >> 32) & 0xff) << 24;

	return aff << 32 | (uint64_t)cpu << 8 | (cpu == g->ncpus - 1 ? TYPER_LAST : 0);
}

static enum gic_status rd_access(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t *rd, uint64_t wr)
{
	struct gic_cpu *c = &g->cpu[cpu];
	uint64_t v = 0;

	if (off == GICR_TYPER || off == GICR_TYPER + 4) {
		if (size != 4 && size != 8)
			return GIC_BAD_SIZE;
		if (rd)
			*rd =
			    (gicr_typer(g, cpu) >> (off == GICR_TYPER ? 0 : 32)) & (size == 8 ? ~0ull : 0xffffffffull);
		return GIC_OK;
	}
	if (size != 4)
		return GIC_BAD_SIZE;
	switch (off) {
	case GICR_CTLR: break; /* EnableLPIs is RES0 without LPIs; RWP and UWP read 0: writes complete at once */
	case GICR_IIDR: v = 0x0000043b; break;
	case GICR_STATUSR: break;
	case GICR_WAKER:
		if (!rd)
			c->waker_sleep = wr & WAKER_PROCESSOR_SLEEP;
		/* ChildrenAsleep follows ProcessorSleep at once: no interface to quiesce. */
		v = c->waker_sleep ? WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP : 0;
		break;
	default: v = gic_id_reg(g, off, GIC_V3_RD_SIZE); break;
	}
	if (rd)
		*rd = v;
	return GIC_OK;
}

static enum gic_status sgi_access(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t *rd, uint64_t wr)
{
	/* IGROUPR0 .. ICFGR1; everything else in the frame (IGRPMODR0 and NSACR with DS=1) is RAZ/WI. */
	if (off >= 0x80 && off < 0xd00)
		return rd ? gic_bank_read(g, cpu, true, off, size, rd) : gic_bank_write(g, cpu, true, off, size, wr);
	if (size != 4)
		return GIC_BAD_SIZE;
	if (rd)
		*rd = 0;
	return GIC_OK;
}

enum gic_status gic_redist_read(struct gic *g, unsigned cpu, bool sgi, uint64_t off, unsigned size, uint64_t *val)
{
	return sgi ? sgi_access(g, cpu, off, size, val, 0) : rd_access(g, cpu, off, size, val, 0);
}

enum gic_status gic_redist_write(struct gic *g, unsigned cpu, bool sgi, uint64_t off, unsigned size, uint64_t val)
{
	return sgi ? sgi_access(g, cpu, off, size, NULL, val) : rd_access(g, cpu, off, size, NULL, val);
}
