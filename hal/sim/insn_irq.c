/* The guest's interrupt and timer instructions: ICC_* through the GIC model's virtual CPU interface,
 * the generic timer's EL0 registers through the timer model, the traps the core's EL2 controls
 * make of some (EC 0x18 with the ISS of the encoding), DAIFSet/DAIFClr. */
#include "irq.h"
#include "vcpu.h"

#define RT 0u /* the register the library's MRS/MSR use */

#define ISS_SYS_DIR_READ  (1u << 0)
#define PSTATE_DAIF_SHIFT 6

struct enc {
	uint8_t op0, op1, crn, crm, op2;
};

/* Encodings (ARM DDI 0487 D19, IHI 0069 12.2): S<op0>_<op1>_C<n>_C<m>_<op2>. */
static const struct enc encs[] = {
	[SIM_ICC_IAR1_EL1] = { 3, 0, 12, 12, 0 },   [SIM_ICC_EOIR1_EL1] = { 3, 0, 12, 12, 1 },
	[SIM_ICC_DIR_EL1] = { 3, 0, 12, 11, 1 },    [SIM_ICC_PMR_EL1] = { 3, 0, 4, 6, 0 },
	[SIM_ICC_BPR1_EL1] = { 3, 0, 12, 12, 3 },   [SIM_ICC_CTLR_EL1] = { 3, 0, 12, 12, 4 },
	[SIM_ICC_SRE_EL1] = { 3, 0, 12, 12, 5 },    [SIM_ICC_IGRPEN1_EL1] = { 3, 0, 12, 12, 7 },
	[SIM_ICC_SGI1R_EL1] = { 3, 0, 12, 11, 5 },  [SIM_ICC_RPR_EL1] = { 3, 0, 12, 11, 3 },
	[SIM_ICC_HPPIR1_EL1] = { 3, 0, 12, 12, 2 }, [SIM_CNTFRQ_EL0] = { 3, 3, 14, 0, 0 },
	[SIM_CNTVCT_EL0] = { 3, 3, 14, 0, 2 },      [SIM_CNTV_CTL_EL0] = { 3, 3, 14, 3, 1 },
	[SIM_CNTV_CVAL_EL0] = { 3, 3, 14, 3, 2 },   [SIM_CNTV_TVAL_EL0] = { 3, 3, 14, 3, 0 },
	[SIM_CNTPCT_EL0] = { 3, 3, 14, 0, 1 },      [SIM_CNTP_CTL_EL0] = { 3, 3, 14, 2, 1 },
	[SIM_CNTP_CVAL_EL0] = { 3, 3, 14, 2, 2 },   [SIM_CNTP_TVAL_EL0] = { 3, 3, 14, 2, 0 },
};

/* ESR_EL2 for a trapped MSR/MRS (EC 0x18): Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10],
 * Rt [9:5], CRm [4:1], Direction [0] (1: read). */
static uint64_t sys_esr(const struct enc *e, unsigned rt, bool read)
{
	return SIM_ESR(SIM_EC_SYS64) | (uint64_t)e->op0 << 20 | (uint64_t)e->op2 << 17 | (uint64_t)e->op1 << 14 |
	       (uint64_t)e->crn << 10 | (uint64_t)rt << 5 | (uint64_t)e->crm << 1 | (read ? ISS_SYS_DIR_READ : 0);
}

struct sysop {
	enum sim_sysreg r;
	bool read;
};

static bool undefined(struct sim_vcpu *v)
{
	sim_vcpu_take_el1(v, SIM_ESR(SIM_EC_UNKNOWN), NULL);
	return false;
}

static bool trap(struct sim_vcpu *v, const struct enc *e, bool read)
{
	sim_vcpu_trap(v, sys_esr(e, RT, read), 0, 0);
	return false;
}

static bool exec_icc(struct sim_vcpu *v, const struct sysop *op, const struct enc *e)
{
	struct gic *g = sim_gic();
	unsigned cpu = v->cpu->index;
	enum gic_sysreg reg = gic_sysreg_decode(e->op0, e->op1, e->crn, e->crm, e->op2);
	uint64_t *x = &v->ctx->x[RT];

	sim_irq_vgic_touched(cpu); /* the virtual interface's state may move: the HAL's view of it is stale */
	enum gic_status s = op->read ? gic_sysreg_read(g, cpu, 1, reg, x) : gic_sysreg_write(g, cpu, 1, reg, *x);

	if (s == GIC_TRAP_EL2)
		return trap(v, e, op->read);
	if (s != GIC_OK)
		return undefined(v);
	return true;
}

static bool timer_reg(enum sim_sysreg r, enum timer_id *id, enum timer_reg *reg)
{
	switch (r) {
	case SIM_CNTV_CTL_EL0: *id = TIMER_VIRT, *reg = TIMER_REG_CTL; return true;
	case SIM_CNTV_CVAL_EL0: *id = TIMER_VIRT, *reg = TIMER_REG_CVAL; return true;
	case SIM_CNTV_TVAL_EL0: *id = TIMER_VIRT, *reg = TIMER_REG_TVAL; return true;
	default: return false;
	}
}

static bool exec_sys(struct sim_vcpu *v, const void *arg)
{
	const struct sysop *op = arg;
	const struct enc *e = &encs[op->r];
	struct timer *t = sim_timer();
	unsigned cpu = v->cpu->index;
	uint64_t *x = &v->ctx->x[RT];
	enum timer_id id;
	enum timer_reg reg;

	if (op->r <= SIM_ICC_HPPIR1_EL1)
		return exec_icc(v, op, e);
	switch (op->r) {
	case SIM_CNTP_CTL_EL0:
	case SIM_CNTP_CVAL_EL0:
	case SIM_CNTP_TVAL_EL0: return trap(v, e, op->read); /* CNTHCTL_EL2.EL1PCEN == 0 */
	case SIM_CNTFRQ_EL0:
	case SIM_CNTVCT_EL0:
	case SIM_CNTPCT_EL0:
		/* Read-only at EL1 (CNTFRQ is written by the highest EL only). */
		if (!op->read)
			return undefined(v);
		*x = op->r == SIM_CNTFRQ_EL0   ? timer_cntfrq(t)
		     : op->r == SIM_CNTVCT_EL0 ? timer_cntvct(t, cpu)
					       : timer_cntpct(t);
		return true;
	default: break;
	}
	if (!timer_reg(op->r, &id, &reg))
		sim_stop(SIM_STOP_ERROR, 1, "a guest named system register %d, which the sim does not have",
			 (int)op->r);
	if (op->read)
		*x = timer_read(t, cpu, id, reg);
	else
		timer_write(t, cpu, id, reg, *x);
	return true;
}

uint64_t sim_insn_irq_sysreg(enum sim_sysreg r, bool read, uint64_t val)
{
	const struct sysop op = { r, read };

	if ((unsigned)r >= sizeof(encs) / sizeof(encs[0]) || r < SIM_SYSREG_FIRST_IRQ)
		sim_stop(SIM_STOP_ERROR, 1, "a guest named system register %d, which the sim does not have", (int)r);
	struct sim_vcpu *v = sim_vcpu_begin();
	if (!read)
		v->ctx->x[RT] = val;
	sim_vcpu_run(v, exec_sys, &op);
	return v->ctx->x[RT];
}

static bool exec_daif(struct sim_vcpu *v, const void *arg)
{
	const unsigned *op = arg; /* { set, imm } */
	uint64_t bits = (uint64_t)(op[1] & 0xfu) << PSTATE_DAIF_SHIFT;

	v->ctx->pstate = op[0] ? v->ctx->pstate | bits : v->ctx->pstate & ~bits;
	return true;
}

void sim_insn_daifset(unsigned imm)
{
	const unsigned op[] = { 1, imm };
	sim_vcpu_run(sim_vcpu_begin(), exec_daif, op);
}

void sim_insn_daifclr(unsigned imm)
{
	const unsigned op[] = { 0, imm };
	sim_vcpu_run(sim_vcpu_begin(), exec_daif, op);
}
