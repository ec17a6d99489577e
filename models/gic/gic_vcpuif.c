/* The virtual CPU interface, one behaviour behind GICv2's GICH/GICV frames and GICv3's ICH_*_EL2 and
 * ICV_* registers: list registers, virtual priority mask, binary points and active priorities,
 * acknowledge, EOI and DIR with HW deactivation, and the maintenance conditions. */
#include "gic_internal.h"

#define ICV_CTLR_CBPR    (1u << 0)
#define ICV_CTLR_EOIMODE (1u << 1)
#define HCR_TRAPS        (0x1fu << 10) /* TC, TALL0, TALL1, TSEI, TDIR: kept, the embedder traps */

#define VTR_NV4 (1u << 20)
#define VTR_A3V (1u << 21)

static unsigned vpre(const struct gic *g) { return g->vpri_bits > 7 ? 7 : g->vpri_bits; }

static uint8_t vprio_mask(const struct gic *g) { return (uint8_t)(0xffu << (8 - g->vpri_bits)); }

/* Implemented ICH_AP0R<n>/AP1R<n>: one per 32 preemption levels. */
static unsigned naprs(const struct gic *g) { return 1u << (vpre(g) - 5); }

static unsigned lr_state(uint64_t lr) { return (unsigned)(lr >> LR_STATE_SHIFT); }

static uint8_t lr_prio(const struct gic *g, uint64_t lr) { return (uint8_t)(lr >> LR_PRIO_SHIFT) & vprio_mask(g); }

static unsigned vbpr(uint32_t vmcr, int group) { return (vmcr >> (group ? VMCR_VBPR1_SHIFT : VMCR_VBPR0_SHIFT)) & 7; }

static uint8_t vgprio(const struct gic *g, unsigned cpu, uint8_t prio, bool group1)
{
	uint32_t vmcr = g->cpu[cpu].v.vmcr;
	unsigned bpr = group1 && !(vmcr & VMCR_VCBPR) ? vbpr(vmcr, 1) - 1 : vbpr(vmcr, 0);

	return (uint8_t)(prio & (0xffu << (bpr + 1)));
}

/* v2 has one GICH_APR for both groups, kept as ICH_AP1R0's slot. */
static unsigned vapr_slot(const struct gic *g, bool group1) { return g->version == GIC_V2 || group1; }

/* The lowest set active-priority bit over both groups: its (group, index), or false when idle. */
static bool highest_active(const struct gic *g, unsigned cpu, unsigned *grp, unsigned *bit)
{
	const struct gic_vcpuif *v = &g->cpu[cpu].v;

	for (unsigned n = 0; n < naprs(g); n++) {
		for (unsigned gr = 0; gr < 2; gr++) {
			if (!v->ap[gr][n])
				continue;
			*grp = gr;
			*bit = n * 32 + (unsigned)__builtin_ctz(v->ap[gr][n]);
			return true;
		}
	}
	return false;
}

uint8_t gic_v_rpr(const struct gic *g, unsigned cpu)
{
	unsigned grp, bit;

	if (!highest_active(g, cpu, &grp, &bit))
		return GIC_IDLE_PRIO;
	return (uint8_t)(bit << (8 - vpre(g)));
}

/* The pending LR of highest priority in an enabled group (lowest index on a tie), or -1. */
static int hppvi(const struct gic *g, unsigned cpu)
{
	const struct gic_vcpuif *v = &g->cpu[cpu].v;
	int best = -1;
	unsigned best_prio = 0x100;

	for (unsigned n = 0; n < g->nr_lrs; n++) {
		uint64_t lr = v->lr[n];
		bool g1 = lr & LR_GROUP1;

		if (lr_state(lr) != 1 || !(v->vmcr & (g1 ? VMCR_VENG1 : VMCR_VENG0)) || lr_prio(g, lr) >= best_prio)
			continue;
		best = (int)n;
		best_prio = lr_prio(g, lr);
	}
	return best;
}

static bool v_signals(const struct gic *g, unsigned cpu, uint64_t lr)
{
	uint8_t vpmr = (uint8_t)(g->cpu[cpu].v.vmcr >> VMCR_VPMR_SHIFT) & vprio_mask(g);
	uint8_t p = lr_prio(g, lr);

	return p < vpmr && vgprio(g, cpu, p, lr & LR_GROUP1) < gic_v_rpr(g, cpu);
}

bool gic_v_line(const struct gic *g, unsigned cpu, bool irq)
{
	const struct gic_vcpuif *v = &g->cpu[cpu].v;
	int n = hppvi(g, cpu);
	bool fiq;

	if (!(v->hcr & HCR_EN) || n < 0 || !v_signals(g, cpu, v->lr[n]))
		return false;
	/* Virtual Group 0 is vFIQ (on v2 only with VFIQEn, else vIRQ); Group 1 is vIRQ. */
	fiq = !(v->lr[n] & LR_GROUP1) && (g->version == GIC_V3 || (v->vmcr & VMCR_VFIQEN));
	return fiq != irq;
}

uint32_t gic_v_eisr(const struct gic *g, unsigned cpu)
{
	uint32_t r = 0;

	for (unsigned n = 0; n < g->nr_lrs; n++) {
		uint64_t lr = g->cpu[cpu].v.lr[n];

		if (!lr_state(lr) && !(lr & LR_HW) && (lr & LR_EOI))
			r |= 1u << n;
	}
	return r;
}

uint32_t gic_v_elrsr(const struct gic *g, unsigned cpu)
{
	uint32_t r = 0;

	for (unsigned n = 0; n < g->nr_lrs; n++) {
		uint64_t lr = g->cpu[cpu].v.lr[n];

		/* An invalid LR still waiting to raise its EOI maintenance is not free yet. */
		if (!lr_state(lr) && ((lr & LR_HW) || !(lr & LR_EOI)))
			r |= 1u << n;
	}
	return r;
}

uint32_t gic_v_misr(const struct gic *g, unsigned cpu)
{
	const struct gic_vcpuif *v = &g->cpu[cpu].v;
	unsigned valid = 0, pending = 0;
	uint32_t m = 0;

	for (unsigned n = 0; n < g->nr_lrs; n++) {
		valid += lr_state(v->lr[n]) != 0;
		pending += lr_state(v->lr[n]) == 1;
	}
	if (gic_v_eisr(g, cpu))
		m |= MISR_EOI;
	if ((v->hcr & HCR_UIE) && valid <= 1)
		m |= MISR_U;
	if ((v->hcr & HCR_LRENPIE) && (v->hcr >> HCR_EOICOUNT_SHIFT))
		m |= MISR_LRENP;
	if ((v->hcr & HCR_NPIE) && !pending)
		m |= MISR_NP;
	if ((v->hcr & HCR_VGRP0EIE) && (v->vmcr & VMCR_VENG0))
		m |= MISR_VGRP0E;
	if ((v->hcr & HCR_VGRP0DIE) && !(v->vmcr & VMCR_VENG0))
		m |= MISR_VGRP0D;
	if ((v->hcr & HCR_VGRP1EIE) && (v->vmcr & VMCR_VENG1))
		m |= MISR_VGRP1E;
	if ((v->hcr & HCR_VGRP1DIE) && !(v->vmcr & VMCR_VENG1))
		m |= MISR_VGRP1D;
	return m;
}

static unsigned vintid_of(const struct gic *g, uint64_t lr)
{
	return (unsigned)(lr & (g->version == GIC_V2 ? 0x3ff : LR_VINTID_MASK));
}

/* v2 SGIs carry their source CPUID in GICH_LR [12:10], kept at [34:32] like pINTID's low bits. */
static uint32_t v2_cpuid(const struct gic *g, uint64_t lr)
{
	if (g->version != GIC_V2 || (lr & LR_HW) || vintid_of(g, lr) >= GIC_NR_SGI)
		return 0;
	return (uint32_t)((lr >> LR_PINTID_SHIFT) & 7) << 10;
}

static int select_lr(const struct gic *g, unsigned cpu, int group, uint32_t *r)
{
	int n = hppvi(g, cpu);
	uint64_t lr;

	*r = GIC_SPURIOUS;
	if (n < 0)
		return -1;
	lr = g->cpu[cpu].v.lr[n];
	if (group < 0 && (lr & LR_GROUP1) && !(g->cpu[cpu].v.vmcr & VMCR_VACKCTL)) {
		*r = 1022;
		return -1;
	}
	if (group >= 0 && (group == 1) != !!(lr & LR_GROUP1))
		return -1;
	*r = vintid_of(g, lr) | v2_cpuid(g, lr);
	return n;
}

uint32_t gic_v_hppir(const struct gic *g, unsigned cpu, int group)
{
	uint32_t r;

	select_lr(g, cpu, group, &r);
	return r;
}

uint32_t gic_v_ack(struct gic *g, unsigned cpu, int group)
{
	struct gic_vcpuif *v = &g->cpu[cpu].v;
	uint32_t r;
	int n = select_lr(g, cpu, group, &r);
	unsigned bit;

	if (n < 0)
		return r;
	if (!(v->hcr & HCR_EN) || !v_signals(g, cpu, v->lr[n]))
		return GIC_SPURIOUS;
	bit = vgprio(g, cpu, lr_prio(g, v->lr[n]), v->lr[n] & LR_GROUP1) >> (8 - vpre(g));
	v->ap[vapr_slot(g, v->lr[n] & LR_GROUP1)][bit / 32] |= 1u << (bit % 32);
	v->lr[n] = (v->lr[n] & ~LR_STATE_MASK) | LR_ACTIVE;
	return r;
}

static void eoicount_inc(struct gic_vcpuif *v)
{
	uint32_t c = ((v->hcr >> HCR_EOICOUNT_SHIFT) + 1) & 0x1f;

	v->hcr = (v->hcr & ~(0x1fu << HCR_EOICOUNT_SHIFT)) | c << HCR_EOICOUNT_SHIFT;
}

/* Deactivates the LR holding active @intid, or counts the EOI in ICH_HCR.EOIcount when none does. A
 * HW LR deactivates its physical INTID with it. */
static void v_deactivate(struct gic *g, unsigned cpu, unsigned intid)
{
	struct gic_vcpuif *v = &g->cpu[cpu].v;

	for (unsigned n = 0; n < g->nr_lrs; n++) {
		uint64_t lr = v->lr[n];

		if (!(lr_state(lr) & 2) || vintid_of(g, lr) != intid)
			continue;
		v->lr[n] = lr & ~LR_ACTIVE;
		if ((lr & LR_HW) && ((lr & LR_PINTID_MASK) >> LR_PINTID_SHIFT) >= GIC_NR_SGI)
			gic_irq_deactivate(g, cpu, (unsigned)((lr & LR_PINTID_MASK) >> LR_PINTID_SHIFT));
		return;
	}
	eoicount_inc(v);
}

static bool special(unsigned intid) { return intid >= 1020 && intid <= 1023; }

void gic_v_eoi(struct gic *g, unsigned cpu, uint32_t val, int group)
{
	struct gic_vcpuif *v = &g->cpu[cpu].v;
	unsigned intid = g->version == GIC_V2 ? val & 0x3ff : val & 0xffffff;
	unsigned grp, bit;

	(void)group;
	if (special(intid))
		return;
	/* No active priority: the model does not look at the LRs (CONSTRAINED UNPREDICTABLE). */
	if (!highest_active(g, cpu, &grp, &bit))
		return;
	v->ap[grp][bit / 32] &= ~(1u << (bit % 32));
	if (!(v->vmcr & VMCR_VEOIM))
		v_deactivate(g, cpu, intid);
}

void gic_v_dir(struct gic *g, unsigned cpu, uint32_t val)
{
	unsigned intid = g->version == GIC_V2 ? val & 0x3ff : val & 0xffffff;

	if (special(intid) || !(g->cpu[cpu].v.vmcr & VMCR_VEOIM))
		return;
	v_deactivate(g, cpu, intid);
}

void gic_v_write_lr(struct gic *g, unsigned cpu, unsigned n, uint64_t lr)
{
	uint64_t unimpl_prio = (uint64_t)(uint8_t)~vprio_mask(g) << LR_PRIO_SHIFT;

	g->cpu[cpu].v.lr[n] = lr & ~(LR_RES0 | unimpl_prio);
}

static uint32_t clamp_vbpr(const struct gic *g, uint32_t v, int group)
{
	uint32_t min = gic_bpr_min(group, vpre(g));

	v &= 7;
	return v < min ? min : v;
}

void gic_v_write_vmcr(struct gic *g, unsigned cpu, uint32_t vmcr)
{
	uint32_t keep = VMCR_VENG0 | VMCR_VENG1 | VMCR_VACKCTL | VMCR_VFIQEN | VMCR_VCBPR | VMCR_VEOIM;

	/* Without the legacy interface (ICC_SRE_EL1.SRE fixed at 1) VAckCtl is RES0 and VFIQEn RES1. */
	if (g->version == GIC_V3)
		vmcr = (vmcr & ~VMCR_VACKCTL) | VMCR_VFIQEN;

	g->cpu[cpu].v.vmcr = (vmcr & keep) | (uint32_t)((vmcr >> VMCR_VPMR_SHIFT) & vprio_mask(g)) << VMCR_VPMR_SHIFT |
			     clamp_vbpr(g, vmcr >> VMCR_VBPR0_SHIFT, 0) << VMCR_VBPR0_SHIFT |
			     clamp_vbpr(g, vmcr >> VMCR_VBPR1_SHIFT, 1) << VMCR_VBPR1_SHIFT;
}

uint32_t gic_v_vtr(const struct gic *g)
{
	uint32_t vtr = (g->nr_lrs - 1) | (vpre(g) - 1) << 26 | (g->vpri_bits - 1) << 29;

	return g->version == GIC_V3 ? vtr | VTR_NV4 | VTR_A3V : vtr;
}

/* Bits of an APR word that name implemented preemption levels (all of them from 5 bits up). */
uint32_t gic_v_apr_mask(const struct gic *g, unsigned n) { return n < naprs(g) ? 0xffffffffu : 0; }

enum gic_status gic_ich_read(struct gic *g, unsigned cpu, enum gic_sysreg reg, uint64_t *val)
{
	struct gic_vcpuif *v = &g->cpu[cpu].v;

	if (reg >= GIC_ICH_AP0R0_EL2 && reg <= GIC_ICH_AP1R3_EL2) {
		unsigned n = (reg - GIC_ICH_AP0R0_EL2) % 4;

		if (n >= naprs(g))
			return GIC_UNDEFINED;
		*val = v->ap[reg >= GIC_ICH_AP1R0_EL2][n];
		return GIC_OK;
	}
	if (reg >= GIC_ICH_LR0_EL2) {
		*val = v->lr[reg - GIC_ICH_LR0_EL2];
		return GIC_OK;
	}
	switch (reg) {
	case GIC_ICC_SRE_EL2: *val = 0xf; break; /* SRE, DFB, DIB, Enable: RAO/WI */
	case GIC_ICH_HCR_EL2: *val = v->hcr; break;
	case GIC_ICH_VTR_EL2: *val = gic_v_vtr(g); break;
	case GIC_ICH_MISR_EL2: *val = gic_v_misr(g, cpu); break;
	case GIC_ICH_EISR_EL2: *val = gic_v_eisr(g, cpu); break;
	case GIC_ICH_ELRSR_EL2: *val = gic_v_elrsr(g, cpu); break;
	case GIC_ICH_VMCR_EL2: *val = v->vmcr; break;
	default: return GIC_UNDEFINED;
	}
	return GIC_OK;
}

enum gic_status gic_ich_write(struct gic *g, unsigned cpu, enum gic_sysreg reg, uint64_t val)
{
	struct gic_vcpuif *v = &g->cpu[cpu].v;

	if (reg >= GIC_ICH_AP0R0_EL2 && reg <= GIC_ICH_AP1R3_EL2) {
		unsigned n = (reg - GIC_ICH_AP0R0_EL2) % 4;

		if (n >= naprs(g))
			return GIC_UNDEFINED;
		v->ap[reg >= GIC_ICH_AP1R0_EL2][n] = (uint32_t)val;
		return GIC_OK;
	}
	if (reg >= GIC_ICH_LR0_EL2) {
		gic_v_write_lr(g, cpu, reg - GIC_ICH_LR0_EL2, val);
		return GIC_OK;
	}
	switch (reg) {
	case GIC_ICC_SRE_EL2: break;
	case GIC_ICH_HCR_EL2: v->hcr = (uint32_t)val & (HCR_WRITABLE | HCR_TRAPS); break;
	case GIC_ICH_VMCR_EL2: gic_v_write_vmcr(g, cpu, (uint32_t)val); break;
	case GIC_ICH_VTR_EL2:
	case GIC_ICH_MISR_EL2:
	case GIC_ICH_EISR_EL2:
	case GIC_ICH_ELRSR_EL2: return GIC_UNDEFINED; /* read-only: MSR is UNDEFINED */
	default: return GIC_UNDEFINED;
	}
	return GIC_OK;
}
