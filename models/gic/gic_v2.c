/* GICv2's CPU-side frames: GICC (the physical CPU interface), GICH (virtual interface control, with
 * GICH_LR converted to and from the model's ICH_LR_EL2 format) and GICV (the guest's CPU interface). */
#include "gic_internal.h"

#define GICC_CTLR   0x00
#define GICC_PMR    0x04
#define GICC_BPR    0x08
#define GICC_IAR    0x0c
#define GICC_EOIR   0x10
#define GICC_RPR    0x14
#define GICC_HPPIR  0x18
#define GICC_ABPR   0x1c
#define GICC_AIAR   0x20
#define GICC_AEOIR  0x24
#define GICC_AHPPIR 0x28
#define GICC_APR0   0xd0
#define GICC_IIDR   0xfc
#define GICC_DIR    0x1000

#define GICC_CTLR_MASK 0x3ffu /* EnableGrp0/1, AckCtl, FIQEn, CBPR, bypass disables, EOImode */
#define GICC_IIDR_VAL  0x0202143bu

#define GICH_HCR    0x00
#define GICH_VTR    0x04
#define GICH_VMCR   0x08
#define GICH_MISR   0x10
#define GICH_EISR0  0x20
#define GICH_ELRSR0 0x30
#define GICH_APR    0xf0
#define GICH_LR0    0x100

/* GICV_CTLR's bits sit where GICH_VMCR (and ICH_VMCR_EL2) keeps them. */
#define GICV_CTLR_MASK (VMCR_VENG0 | VMCR_VENG1 | VMCR_VACKCTL | VMCR_VFIQEN | VMCR_VCBPR | VMCR_VEOIM)

static uint8_t clamp(uint64_t v, uint8_t min) { return (v & 7) < min ? min : (uint8_t)(v & 7); }

static enum gic_status gicc_access(struct gic *g, unsigned cpu, uint64_t off, uint64_t *rd, uint32_t wr)
{
	struct gic_cpu *c = &g->cpu[cpu];
	uint32_t v = 0;

	switch (off) {
	case GICC_CTLR:
		if (!rd) {
			c->ctlr = wr & GICC_CTLR_MASK;
			c->grpen[0] = wr & 1;
			c->grpen[1] = wr & 2;
		}
		v = c->ctlr;
		break;
	case GICC_PMR:
		if (!rd)
			c->pmr = (uint8_t)wr & GIC_PRI_MASK;
		v = c->pmr;
		break;
	case GICC_BPR:
	case GICC_ABPR:
		if (!rd)
			c->bpr[off == GICC_ABPR] = clamp(wr, gic_bpr_min(off == GICC_ABPR, GIC_PRI_BITS));
		v = c->bpr[off == GICC_ABPR];
		break;
	case GICC_IAR:
	case GICC_AIAR:
		if (rd)
			v = gic_cpu_ack(g, cpu, off == GICC_AIAR ? 1 : -1);
		break;
	case GICC_EOIR:
	case GICC_AEOIR:
		if (!rd)
			gic_cpu_eoi(g, cpu, wr, off == GICC_AEOIR);
		break;
	case GICC_RPR: v = gic_cpu_rpr(g, cpu); break;
	case GICC_HPPIR:
	case GICC_AHPPIR: v = gic_cpu_hppir(g, cpu, off == GICC_AHPPIR ? 1 : -1); break;
	case GICC_APR0:
		if (!rd)
			c->ap[0] = wr;
		v = c->ap[0];
		break;
	case GICC_IIDR: v = GICC_IIDR_VAL; break;
	case GICC_DIR:
		if (!rd)
			gic_cpu_dir(g, cpu, wr);
		break;
	default: break; /* reserved, APR1..3 and NSAPRn: RAZ/WI */
	}
	if (rd)
		*rd = v;
	return GIC_OK;
}

enum gic_status gic_gicc_read(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t *val)
{
	return size == 4 ? gicc_access(g, cpu, off, val, 0) : GIC_BAD_SIZE;
}

enum gic_status gic_gicc_write(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t val)
{
	return size == 4 ? gicc_access(g, cpu, off, NULL, (uint32_t)val) : GIC_BAD_SIZE;
}

/* GICH_LR: vINTID [9:0], pINTID [19:10] (bit 19 EOI, [12:10] an SGI's CPUID, when HW is 0), priority
 * [27:23], state [29:28], Grp1 [30], HW [31]. pINTID lands on ICH_LR_EL2 [41:32], so EOI on bit 41. */
static uint64_t lr_from_v2(uint32_t v)
{
	return (uint64_t)(v & 0x3ff) | (uint64_t)((v >> 10) & 0x3ff) << LR_PINTID_SHIFT |
	       (uint64_t)((v >> 23) & 0x1f) << (LR_PRIO_SHIFT + 3) | (uint64_t)((v >> 28) & 3) << LR_STATE_SHIFT |
	       ((v & (1u << 30)) ? LR_GROUP1 : 0) | ((v & (1u << 31)) ? LR_HW : 0);
}

static uint32_t lr_to_v2(uint64_t lr)
{
	return (uint32_t)(lr & 0x3ff) | (uint32_t)((lr >> LR_PINTID_SHIFT) & 0x3ff) << 10 |
	       (uint32_t)((lr >> (LR_PRIO_SHIFT + 3)) & 0x1f) << 23 | (uint32_t)(lr >> LR_STATE_SHIFT) << 28 |
	       ((lr & LR_GROUP1) ? 1u << 30 : 0) | ((lr & LR_HW) ? 1u << 31 : 0);
}

static enum gic_status gich_access(struct gic *g, unsigned cpu, uint64_t off, uint64_t *rd, uint32_t wr)
{
	struct gic_vcpuif *v = &g->cpu[cpu].v;
	uint32_t val = 0;

	if (off >= GICH_LR0 && off < GICH_LR0 + 4 * g->nr_lrs) {
		unsigned n = (unsigned)(off - GICH_LR0) / 4;

		if (!rd)
			gic_v_write_lr(g, cpu, n, lr_from_v2(wr));
		val = lr_to_v2(v->lr[n]);
	} else {
		switch (off) {
		case GICH_HCR:
			if (!rd)
				v->hcr = wr & HCR_WRITABLE;
			val = v->hcr;
			break;
		case GICH_VTR: val = gic_v_vtr(g); break;
		case GICH_VMCR:
			if (!rd)
				gic_v_write_vmcr(g, cpu, wr);
			val = v->vmcr;
			break;
		case GICH_MISR: val = gic_v_misr(g, cpu); break;
		case GICH_EISR0: val = gic_v_eisr(g, cpu); break;
		case GICH_ELRSR0: val = gic_v_elrsr(g, cpu); break;
		case GICH_APR:
			if (!rd)
				v->ap[1][0] = wr;
			val = v->ap[1][0];
			break;
		default: break; /* EISR1, ELRSR1 (no LRs past 31), reserved, absent LRs: RAZ/WI */
		}
	}
	if (rd)
		*rd = val;
	return GIC_OK;
}

enum gic_status gic_gich_read(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t *val)
{
	return size == 4 ? gich_access(g, cpu, off, val, 0) : GIC_BAD_SIZE;
}

enum gic_status gic_gich_write(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t val)
{
	return size == 4 ? gich_access(g, cpu, off, NULL, (uint32_t)val) : GIC_BAD_SIZE;
}

static void vmcr_field(struct gic *g, unsigned cpu, unsigned shift, uint32_t mask, uint32_t val)
{
	uint32_t vmcr = g->cpu[cpu].v.vmcr;

	gic_v_write_vmcr(g, cpu, (vmcr & ~(mask << shift)) | (val & mask) << shift);
}

static enum gic_status gicv_access(struct gic *g, unsigned cpu, uint64_t off, uint64_t *rd, uint32_t wr)
{
	struct gic_vcpuif *v = &g->cpu[cpu].v;
	uint32_t val = 0;

	switch (off) {
	case GICC_CTLR:
		if (!rd)
			vmcr_field(g, cpu, 0, GICV_CTLR_MASK, wr);
		val = v->vmcr & GICV_CTLR_MASK;
		break;
	case GICC_PMR:
		if (!rd)
			vmcr_field(g, cpu, VMCR_VPMR_SHIFT, 0xff, wr);
		val = v->vmcr >> VMCR_VPMR_SHIFT;
		break;
	case GICC_BPR:
	case GICC_ABPR: {
		unsigned shift = off == GICC_ABPR ? VMCR_VBPR1_SHIFT : VMCR_VBPR0_SHIFT;

		if (!rd)
			vmcr_field(g, cpu, shift, 7, wr);
		val = (v->vmcr >> shift) & 7;
		break;
	}
	case GICC_IAR:
	case GICC_AIAR:
		if (rd)
			val = gic_v_ack(g, cpu, off == GICC_AIAR ? 1 : -1);
		break;
	case GICC_EOIR:
	case GICC_AEOIR:
		if (!rd)
			gic_v_eoi(g, cpu, wr, off == GICC_AEOIR);
		break;
	case GICC_RPR: val = gic_v_rpr(g, cpu); break;
	case GICC_HPPIR:
	case GICC_AHPPIR: val = gic_v_hppir(g, cpu, off == GICC_AHPPIR ? 1 : -1); break;
	case GICC_APR0:
		if (!rd)
			v->ap[1][0] = wr;
		val = v->ap[1][0];
		break;
	case GICC_IIDR: val = GICC_IIDR_VAL; break;
	case GICC_DIR:
		if (!rd)
			gic_v_dir(g, cpu, wr);
		break;
	default: break;
	}
	if (rd)
		*rd = val;
	return GIC_OK;
}

enum gic_status gic_gicv_read(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t *val)
{
	return size == 4 ? gicv_access(g, cpu, off, val, 0) : GIC_BAD_SIZE;
}

enum gic_status gic_gicv_write(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t val)
{
	return size == 4 ? gicv_access(g, cpu, off, NULL, (uint32_t)val) : GIC_BAD_SIZE;
}
