#include "traps/sysreg.h"

#include "traps/esr.h"
#include "traps/inject.h"
#include "vgic/vgic.h"
#include "vtimer/vtimer.h"

/* ISS for EC 0x18: Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1],
 * Direction [0] (1: read, MRS). The key below keeps the encoding fields in the ISS's places. */
#define SYSREG_KEY_MASK 0x3ffc1eu
#define SYSREG_DIR_READ 1u
#define SYSREG_RT(iss)  (((iss) >> 5) & 31u)

#define SYSREG(op0, op1, crn, crm, op2)                                                                                \
	((uint32_t)(op0) << 20 | (uint32_t)(op2) << 17 | (uint32_t)(op1) << 14 | (uint32_t)(crn) << 10 |               \
	 (uint32_t)(crm) << 1)

#define ICC_SGI1R_EL1 SYSREG(3, 0, 12, 11, 5)
#define CNTP_TVAL_EL0 SYSREG(3, 3, 14, 2, 0)
#define CNTP_CTL_EL0  SYSREG(3, 3, 14, 2, 1)
#define CNTP_CVAL_EL0 SYSREG(3, 3, 14, 2, 2)

static void timer_access(struct vcpu *v, enum vtimer_reg r, bool read, unsigned rt)
{
	if (!read)
		vtimer_phys_write(v, r, rt == 31 ? 0 : v->ctx.x[rt]);
	else if (rt != 31)
		v->ctx.x[rt] = vtimer_phys_read(v, r);
}

void sysreg_trap(struct vcpu *v, uint64_t esr)
{
	uint32_t iss = esr_iss(esr);
	unsigned rt = SYSREG_RT(iss);
	bool read = iss & SYSREG_DIR_READ;

	switch (iss & SYSREG_KEY_MASK) {
	case ICC_SGI1R_EL1:
		if (read) /* write-only */
			goto undef;
		vgic_sgi1r_write(v, rt == 31 ? 0 : v->ctx.x[rt]); /* register 31 is XZR here */
		break;
	case CNTP_CTL_EL0: timer_access(v, VTIMER_CNTP_CTL, read, rt); break;
	case CNTP_CVAL_EL0: timer_access(v, VTIMER_CNTP_CVAL, read, rt); break;
	case CNTP_TVAL_EL0: timer_access(v, VTIMER_CNTP_TVAL, read, rt); break;
	default: goto undef;
	}
	v->ctx.pc += 4;
	return;
undef:
	inject_undef(v);
}
