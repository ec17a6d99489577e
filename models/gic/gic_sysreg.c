/* GICv3 system registers: the MRS/MSR encodings, and the ICV_* view of the virtual CPU interface that
 * EL1's ICC_* accesses reach while HCR_EL2.{IMO,FMO} are set. */
#include "gic_internal.h"

#define ICV_CTLR_CBPR    (1u << 0)
#define ICV_CTLR_EOIMODE (1u << 1)

enum gic_sysreg gic_sysreg_decode(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2)
{
	if (op0 != 3 || op2 > 7)
		return GIC_SYSREG_NONE;
	if (op1 == 0 && crn == 4 && crm == 6 && op2 == 0)
		return GIC_ICC_PMR_EL1;
	if (crn != 12)
		return GIC_SYSREG_NONE;
	if (op1 == 0) {
		static const enum gic_sysreg c8[8] = { GIC_ICC_IAR0_EL1,  GIC_ICC_EOIR0_EL1, GIC_ICC_HPPIR0_EL1,
						       GIC_ICC_BPR0_EL1,  GIC_ICC_AP0R0_EL1, GIC_ICC_AP0R1_EL1,
						       GIC_ICC_AP0R2_EL1, GIC_ICC_AP0R3_EL1 };
		static const enum gic_sysreg c11[8] = { GIC_SYSREG_NONE,    GIC_ICC_DIR_EL1,  GIC_SYSREG_NONE,
							GIC_ICC_RPR_EL1,    GIC_SYSREG_NONE,  GIC_ICC_SGI1R_EL1,
							GIC_ICC_ASGI1R_EL1, GIC_ICC_SGI0R_EL1 };
		static const enum gic_sysreg c12[8] = { GIC_ICC_IAR1_EL1,    GIC_ICC_EOIR1_EL1,  GIC_ICC_HPPIR1_EL1,
							GIC_ICC_BPR1_EL1,    GIC_ICC_CTLR_EL1,   GIC_ICC_SRE_EL1,
							GIC_ICC_IGRPEN0_EL1, GIC_ICC_IGRPEN1_EL1 };
		switch (crm) {
		case 8: return c8[op2];
		case 9: return op2 < 4 ? (enum gic_sysreg)(GIC_ICC_AP1R0_EL1 + op2) : GIC_SYSREG_NONE;
		case 11: return c11[op2];
		case 12: return c12[op2];
		}
		return GIC_SYSREG_NONE;
	}
	if (op1 != 4)
		return GIC_SYSREG_NONE;
	switch (crm) {
	case 8: return op2 < 4 ? (enum gic_sysreg)(GIC_ICH_AP0R0_EL2 + op2) : GIC_SYSREG_NONE;
	case 9:
		if (op2 == 5)
			return GIC_ICC_SRE_EL2;
		return op2 < 4 ? (enum gic_sysreg)(GIC_ICH_AP1R0_EL2 + op2) : GIC_SYSREG_NONE;
	case 11: {
		static const enum gic_sysreg c11[8] = { GIC_ICH_HCR_EL2,  GIC_ICH_VTR_EL2, GIC_ICH_MISR_EL2,
							GIC_ICH_EISR_EL2, GIC_SYSREG_NONE, GIC_ICH_ELRSR_EL2,
							GIC_SYSREG_NONE,  GIC_ICH_VMCR_EL2 };
		return c11[op2];
	}
	case 12:
	case 13: return GIC_ICH_LR_EL2((crm - 12) * 8 + op2);
	}
	return GIC_SYSREG_NONE;
}

static unsigned vbpr(uint32_t vmcr, int group) { return (vmcr >> (group ? VMCR_VBPR1_SHIFT : VMCR_VBPR0_SHIFT)) & 7; }

static void set_vmcr_field(struct gic *g, unsigned cpu, unsigned shift, uint32_t width_mask, uint32_t v)
{
	uint32_t vmcr = g->cpu[cpu].v.vmcr;

	vmcr = (vmcr & ~(width_mask << shift)) | (v & width_mask) << shift;
	gic_v_write_vmcr(g, cpu, vmcr);
}

static bool icv_apr(struct gic *g, unsigned cpu, enum gic_sysreg reg, uint32_t **ap)
{
	unsigned grp = reg >= GIC_ICC_AP1R0_EL1 && reg <= GIC_ICC_AP1R3_EL1;
	unsigned n = reg - (grp ? GIC_ICC_AP1R0_EL1 : GIC_ICC_AP0R0_EL1);

	if (!gic_v_apr_mask(g, n))
		return false;
	*ap = &g->cpu[cpu].v.ap[grp][n];
	return true;
}

static bool is_apr(enum gic_sysreg r) { return (r >= GIC_ICC_AP0R0_EL1 && r <= GIC_ICC_AP1R3_EL1); }

enum gic_status gic_icv_read(struct gic *g, unsigned cpu, enum gic_sysreg reg, uint64_t *val)
{
	uint32_t vmcr = g->cpu[cpu].v.vmcr;
	uint32_t *ap;

	if (is_apr(reg)) {
		if (!icv_apr(g, cpu, reg, &ap))
			return GIC_UNDEFINED;
		*val = *ap;
		return GIC_OK;
	}
	switch (reg) {
	case GIC_ICC_PMR_EL1: *val = vmcr >> VMCR_VPMR_SHIFT; break;
	case GIC_ICC_IAR0_EL1: *val = gic_v_ack(g, cpu, 0); break;
	case GIC_ICC_IAR1_EL1: *val = gic_v_ack(g, cpu, 1); break;
	case GIC_ICC_HPPIR0_EL1: *val = gic_v_hppir(g, cpu, 0); break;
	case GIC_ICC_HPPIR1_EL1: *val = gic_v_hppir(g, cpu, 1); break;
	case GIC_ICC_BPR0_EL1: *val = vbpr(vmcr, 0); break;
	case GIC_ICC_BPR1_EL1:
		*val = (vmcr & VMCR_VCBPR) ? (vbpr(vmcr, 0) < 7 ? vbpr(vmcr, 0) + 1 : 7) : vbpr(vmcr, 1);
		break;
	case GIC_ICC_RPR_EL1: *val = gic_v_rpr(g, cpu); break;
	case GIC_ICC_CTLR_EL1:
		*val = ((vmcr & VMCR_VCBPR) ? ICV_CTLR_CBPR : 0) | ((vmcr & VMCR_VEOIM) ? ICV_CTLR_EOIMODE : 0) |
		       (g->vpri_bits - 1) << 8 | 1u << 15;
		break;
	case GIC_ICC_IGRPEN0_EL1: *val = !!(vmcr & VMCR_VENG0); break;
	case GIC_ICC_IGRPEN1_EL1: *val = !!(vmcr & VMCR_VENG1); break;
	default: return GIC_UNDEFINED; /* write-only */
	}
	return GIC_OK;
}

enum gic_status gic_icv_write(struct gic *g, unsigned cpu, enum gic_sysreg reg, uint64_t val)
{
	uint32_t vmcr = g->cpu[cpu].v.vmcr;
	uint32_t *ap;

	if (is_apr(reg)) {
		if (!icv_apr(g, cpu, reg, &ap))
			return GIC_UNDEFINED;
		*ap = (uint32_t)val;
		return GIC_OK;
	}
	switch (reg) {
	case GIC_ICC_PMR_EL1: set_vmcr_field(g, cpu, VMCR_VPMR_SHIFT, 0xff, (uint32_t)val); break;
	case GIC_ICC_EOIR0_EL1: gic_v_eoi(g, cpu, (uint32_t)val, 0); break;
	case GIC_ICC_EOIR1_EL1: gic_v_eoi(g, cpu, (uint32_t)val, 1); break;
	case GIC_ICC_DIR_EL1: gic_v_dir(g, cpu, (uint32_t)val); break;
	case GIC_ICC_BPR0_EL1: set_vmcr_field(g, cpu, VMCR_VBPR0_SHIFT, 7, (uint32_t)val); break;
	case GIC_ICC_BPR1_EL1:
		if (!(vmcr & VMCR_VCBPR))
			set_vmcr_field(g, cpu, VMCR_VBPR1_SHIFT, 7, (uint32_t)val);
		break;
	case GIC_ICC_CTLR_EL1:
		vmcr &= ~(VMCR_VCBPR | VMCR_VEOIM);
		vmcr |= ((val & ICV_CTLR_CBPR) ? VMCR_VCBPR : 0) | ((val & ICV_CTLR_EOIMODE) ? VMCR_VEOIM : 0);
		gic_v_write_vmcr(g, cpu, vmcr);
		break;
	case GIC_ICC_IGRPEN0_EL1: set_vmcr_field(g, cpu, 0, 1, (uint32_t)val); break;
	case GIC_ICC_IGRPEN1_EL1: set_vmcr_field(g, cpu, 1, 1, (uint32_t)val); break;
	default: return GIC_UNDEFINED; /* read-only */
	}
	return GIC_OK;
}
