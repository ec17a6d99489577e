/* The GIC's life cycle, input lines and outputs, and the MMIO/system-register entry points that route
 * each access to its frame's decoder after the checks every frame shares. */
#include "gic_internal.h"

#include <stdlib.h>
#include <string.h>

struct gic *gic_create(const struct gic_config *cfg, const struct gic_ops *ops)
{
	unsigned lrs = cfg->nr_lrs ? cfg->nr_lrs : 4;
	unsigned vpri = cfg->vprio_bits ? cfg->vprio_bits : 5;
	unsigned maxcpus = cfg->version == GIC_V2 ? 8 : GIC_MAX_CPUS;
	struct gic *g;

	if (cfg->version != GIC_V2 && cfg->version != GIC_V3)
		return NULL;
	if (!cfg->ncpus || cfg->ncpus > maxcpus || cfg->nr_spis % 32 || cfg->nr_spis > GIC_MAX_SPIS)
		return NULL;
	/* GICH_LR has five priority bits and GICH_APR one word: v2 has exactly 5. */
	if (lrs > GIC_MAX_LRS || vpri < 5 || vpri > (cfg->version == GIC_V2 ? 5u : 8u))
		return NULL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->version = cfg->version;
	g->ncpus = cfg->ncpus;
	g->nr_irqs = GIC_NR_PRIV + cfg->nr_spis;
	g->nr_lrs = lrs;
	g->vpri_bits = vpri;
	if (ops)
		g->ops = *ops;
	for (unsigned c = 0; c < g->ncpus; c++) {
		struct gic_cpu *cpu = &g->cpu[c];
		unsigned vpre = vpri > 7 ? 7 : vpri;

		cpu->mpidr = cfg->mpidr[c];
		for (unsigned i = 0; i < GIC_NR_SGI; i++)
			cpu->priv[i].edge = true; /* SGIs are edge-triggered, fixed */
		cpu->bpr[0] = gic_bpr_min(0, GIC_PRI_BITS);
		cpu->bpr[1] = gic_bpr_min(1, GIC_PRI_BITS);
		cpu->waker_sleep = true;
		cpu->v.vmcr = (uint32_t)gic_bpr_min(0, vpre) << VMCR_VBPR0_SHIFT;
		cpu->v.vmcr |= (uint32_t)gic_bpr_min(1, vpre) << VMCR_VBPR1_SHIFT;
		if (g->version == GIC_V3)
			cpu->v.vmcr |= VMCR_VFIQEN;
	}
	return g;
}

void gic_destroy(struct gic *g) { free(g); }

enum gic_version gic_version(const struct gic *g) { return g->version; }

unsigned gic_ncpus(const struct gic *g) { return g->ncpus; }

unsigned gic_nr_irqs(const struct gic *g) { return g->nr_irqs; }

/* The physical IRQ and FIQ lines of @cpu: its highest-priority pending interrupt, if it beats the
 * priority mask and the running priority, on the line of its group (Group 0 is FIQ on v3, and on v2
 * only while GICC_CTLR.FIQEn is set). */
static void phys_lines(const struct gic *g, unsigned cpu, bool *irq, bool *fiq)
{
	unsigned id = gic_hppi(g, cpu);
	bool is_fiq;

	*irq = *fiq = false;
	if (id == GIC_SPURIOUS || !gic_cpu_signals(g, cpu, id))
		return;
	is_fiq = !gic_irq_c(g, cpu, id)->group1 && (g->version == GIC_V3 || (g->cpu[cpu].ctlr & (1u << 3)));
	*(is_fiq ? fiq : irq) = true;
}

void gic_dirty(struct gic *g, unsigned cpu, unsigned intid)
{
	const struct gic_irq *irq;
	unsigned n = intid - GIC_NR_PRIV;

	if (intid < GIC_NR_PRIV) {
		g->phys_dirty |= 1u << cpu;
		return;
	}
	irq = gic_irq_c(g, cpu, intid);
	if (irq->enabled && !irq->active && gic_irq_pending(irq))
		g->spi_live[n / 64] |= 1ull << (n % 64);
	else
		g->spi_live[n / 64] &= ~(1ull << (n % 64));
	/* Its targets as routed now: a change of routing is a distributor write, which marks all. */
	for (unsigned c = 0; c < g->ncpus; c++)
		if (gic_irq_targets(g, c, intid))
			g->phys_dirty |= 1u << c;
}

void gic_dirty_all(struct gic *g) { g->phys_dirty = (uint32_t)((1ull << g->ncpus) - 1); }

/* Every state change ends here: the maintenance PPI follows ICH_MISR, then each CPU's four lines are
 * recomputed (the physical ones only where something they depend on moved: they cost a scan of every
 * INTID) and the embedder told of those that moved. */
void gic_update(struct gic *g)
{
	for (unsigned c = 0; c < g->ncpus; c++) {
		struct gic_cpu *cpu = &g->cpu[c];
		bool m;

		if (!(g->virt_dirty & (1u << c)))
			continue;
		m = (cpu->v.hcr & HCR_EN) && gic_v_misr(g, c);
		if (m != cpu->maint) {
			cpu->maint = m;
			gic_irq_set_line(g, c, GIC_MAINT_INTID, m);
		}
	}
	for (unsigned c = 0; c < g->ncpus; c++) {
		struct gic_cpu *cpu = &g->cpu[c];
		bool now[4];

		memcpy(now, cpu->lines, sizeof(now));
		if (g->phys_dirty & (1u << c))
			phys_lines(g, c, &now[GIC_LINE_IRQ], &now[GIC_LINE_FIQ]);
		if (g->virt_dirty & (1u << c)) {
			now[GIC_LINE_VIRQ] = gic_v_line(g, c, true);
			now[GIC_LINE_VFIQ] = gic_v_line(g, c, false);
		}
		if (!memcmp(now, cpu->lines, sizeof(now)))
			continue;
		memcpy(cpu->lines, now, sizeof(now));
		if (g->ops.lines_changed)
			g->ops.lines_changed(g->ops.opaque, c);
	}
	g->phys_dirty = g->virt_dirty = 0;
}

bool gic_irq_line(const struct gic *g, unsigned cpu) { return cpu < g->ncpus && g->cpu[cpu].lines[GIC_LINE_IRQ]; }

bool gic_fiq_line(const struct gic *g, unsigned cpu) { return cpu < g->ncpus && g->cpu[cpu].lines[GIC_LINE_FIQ]; }

bool gic_virq_line(const struct gic *g, unsigned cpu) { return cpu < g->ncpus && g->cpu[cpu].lines[GIC_LINE_VIRQ]; }

bool gic_vfiq_line(const struct gic *g, unsigned cpu) { return cpu < g->ncpus && g->cpu[cpu].lines[GIC_LINE_VFIQ]; }

static bool input_ok(const struct gic *g, unsigned cpu, unsigned intid)
{
	if (intid < GIC_NR_SGI || intid >= g->nr_irqs)
		return false;
	return intid >= GIC_NR_PRIV || cpu < g->ncpus;
}

void gic_set_line(struct gic *g, unsigned cpu, unsigned intid, bool level)
{
	if (!input_ok(g, cpu, intid))
		return;
	gic_irq_set_line(g, intid < GIC_NR_PRIV ? cpu : 0, intid, level);
	gic_update(g);
}

void gic_pulse(struct gic *g, unsigned cpu, unsigned intid)
{
	if (!input_ok(g, cpu, intid))
		return;
	cpu = intid < GIC_NR_PRIV ? cpu : 0;
	gic_irq_set_line(g, cpu, intid, true);
	gic_irq_set_line(g, cpu, intid, false);
	gic_update(g);
}

bool gic_irq_is_pending(const struct gic *g, unsigned cpu, unsigned intid)
{
	if (cpu >= g->ncpus || intid >= g->nr_irqs)
		return false;
	return gic_irq_pending(gic_irq_c(g, cpu, intid));
}

bool gic_irq_is_active(const struct gic *g, unsigned cpu, unsigned intid)
{
	if (cpu >= g->ncpus || intid >= g->nr_irqs)
		return false;
	return gic_irq_c(g, cpu, intid)->active;
}

void gic_set_virtual(struct gic *g, unsigned cpu, bool on)
{
	if (cpu < g->ncpus)
		g->cpu[cpu].virt = on;
}

bool gic_virtual(const struct gic *g, unsigned cpu) { return cpu < g->ncpus && g->cpu[cpu].virt; }

static uint64_t frame_size(enum gic_version v, enum gic_frame f)
{
	switch (f) {
	case GIC_FRAME_GICD: return v == GIC_V3 ? GIC_V3_GICD_SIZE : GIC_V2_GICD_SIZE;
	case GIC_FRAME_GICR_RD: return v == GIC_V3 ? GIC_V3_RD_SIZE : 0;
	case GIC_FRAME_GICR_SGI: return v == GIC_V3 ? GIC_V3_SGI_SIZE : 0;
	case GIC_FRAME_GICC: return v == GIC_V2 ? GIC_V2_GICC_SIZE : 0;
	case GIC_FRAME_GICH: return v == GIC_V2 ? GIC_V2_GICH_SIZE : 0;
	case GIC_FRAME_GICV: return v == GIC_V2 ? GIC_V2_GICV_SIZE : 0;
	}
	return 0;
}

static enum gic_status mmio_check(const struct gic *g, enum gic_frame frame, unsigned cpu, uint64_t off, unsigned size)
{
	uint64_t fs = frame_size(g->version, frame);

	if (!fs || cpu >= g->ncpus)
		return GIC_BAD_FRAME;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return GIC_BAD_SIZE;
	if (off & (size - 1))
		return GIC_BAD_ALIGN;
	if (off >= fs || fs - off < size)
		return GIC_BAD_OFFSET;
	return GIC_OK;
}

enum gic_status gic_mmio_read(struct gic *g, enum gic_frame frame, unsigned cpu, uint64_t off, unsigned size,
			      uint64_t *val)
{
	enum gic_status st = mmio_check(g, frame, cpu, off, size);

	*val = 0;
	if (st != GIC_OK)
		return st;
	if (frame == GIC_FRAME_GICC)
		g->phys_dirty |= 1u << cpu; /* acknowledge */
	if (frame == GIC_FRAME_GICH || frame == GIC_FRAME_GICV)
		g->virt_dirty |= 1u << cpu;
	switch (frame) {
	case GIC_FRAME_GICD: st = gic_dist_read(g, cpu, off, size, val); break;
	case GIC_FRAME_GICR_RD: st = gic_redist_read(g, cpu, false, off, size, val); break;
	case GIC_FRAME_GICR_SGI: st = gic_redist_read(g, cpu, true, off, size, val); break;
	case GIC_FRAME_GICC: st = gic_gicc_read(g, cpu, off, size, val); break;
	case GIC_FRAME_GICH: st = gic_gich_read(g, cpu, off, size, val); break;
	case GIC_FRAME_GICV: st = gic_gicv_read(g, cpu, off, size, val); break;
	}
	if (st != GIC_OK)
		*val = 0;
	/* Reads have side effects (acknowledge). */
	gic_update(g);
	return st;
}

enum gic_status gic_mmio_write(struct gic *g, enum gic_frame frame, unsigned cpu, uint64_t off, unsigned size,
			       uint64_t val)
{
	enum gic_status st = mmio_check(g, frame, cpu, off, size);

	if (st != GIC_OK)
		return st;
	if (size < 8)
		val &= (1ull << (8 * size)) - 1;
	/* Distributor settings reach every CPU; a redistributor's or CPU interface's, its own. GICH and
	 * GICV touch physical state only through HW deactivation, which marks it itself. */
	if (frame == GIC_FRAME_GICD)
		gic_dirty_all(g);
	else if (frame == GIC_FRAME_GICR_RD || frame == GIC_FRAME_GICR_SGI || frame == GIC_FRAME_GICC)
		g->phys_dirty |= 1u << cpu;
	else
		g->virt_dirty |= 1u << cpu;
	switch (frame) {
	case GIC_FRAME_GICD: st = gic_dist_write(g, cpu, off, size, val); break;
	case GIC_FRAME_GICR_RD: st = gic_redist_write(g, cpu, false, off, size, val); break;
	case GIC_FRAME_GICR_SGI: st = gic_redist_write(g, cpu, true, off, size, val); break;
	case GIC_FRAME_GICC: st = gic_gicc_write(g, cpu, off, size, val); break;
	case GIC_FRAME_GICH: st = gic_gich_write(g, cpu, off, size, val); break;
	case GIC_FRAME_GICV: st = gic_gicv_write(g, cpu, off, size, val); break;
	}
	gic_update(g);
	return st;
}

/* The EL1 ICC_* registers, which HCR_EL2.{IMO,FMO} redirect to ICV_* (ICC_SRE_EL1 and the SGI
 * generation registers are not virtualised). */
static bool is_el1_icc(enum gic_sysreg r) { return r >= GIC_ICC_PMR_EL1 && r <= GIC_ICC_IGRPEN1_EL1; }

static bool is_sgi_reg(enum gic_sysreg r)
{
	return r == GIC_ICC_SGI0R_EL1 || r == GIC_ICC_SGI1R_EL1 || r == GIC_ICC_ASGI1R_EL1;
}

static enum gic_status sysreg_route(const struct gic *g, unsigned cpu, unsigned el, enum gic_sysreg reg, bool *virt)
{
	*virt = false;
	if (g->version != GIC_V3 || cpu >= g->ncpus || (unsigned)reg >= GIC_SYSREG_COUNT || el < 1 || el > 2)
		return GIC_UNDEFINED;
	if (!is_el1_icc(reg)) {
		if (el < 2)
			return GIC_UNDEFINED;
		if (reg >= GIC_ICH_LR0_EL2 && (unsigned)(reg - GIC_ICH_LR0_EL2) >= g->nr_lrs)
			return GIC_UNDEFINED;
		return GIC_OK;
	}
	if (el == 1 && g->cpu[cpu].virt && reg != GIC_ICC_SRE_EL1) {
		if (is_sgi_reg(reg))
			return GIC_TRAP_EL2;
		*virt = true;
	}
	return GIC_OK;
}

enum gic_status gic_sysreg_read(struct gic *g, unsigned cpu, unsigned el, enum gic_sysreg reg, uint64_t *val)
{
	bool virt;
	enum gic_status st = sysreg_route(g, cpu, el, reg, &virt);

	*val = 0;
	if (st != GIC_OK)
		return st;
	if (virt) {
		g->virt_dirty |= 1u << cpu;
		st = gic_icv_read(g, cpu, reg, val);
	} else if (is_el1_icc(reg)) {
		g->phys_dirty |= 1u << cpu;
		st = gic_icc_read(g, cpu, reg, val);
	} else {
		g->virt_dirty |= 1u << cpu;
		st = gic_ich_read(g, cpu, reg, val);
	}
	if (st != GIC_OK)
		*val = 0;
	gic_update(g);
	return st;
}

enum gic_status gic_sysreg_write(struct gic *g, unsigned cpu, unsigned el, enum gic_sysreg reg, uint64_t val)
{
	bool virt;
	enum gic_status st = sysreg_route(g, cpu, el, reg, &virt);

	if (st != GIC_OK)
		return st;
	if (virt) {
		g->virt_dirty |= 1u << cpu;
		st = gic_icv_write(g, cpu, reg, val);
	} else if (is_el1_icc(reg)) {
		g->phys_dirty |= 1u << cpu;
		st = gic_icc_write(g, cpu, reg, val);
	} else {
		g->virt_dirty |= 1u << cpu;
		st = gic_ich_write(g, cpu, reg, val);
	}
	gic_update(g);
	return st;
}
