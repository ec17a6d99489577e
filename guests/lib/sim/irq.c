/* lib/guest.h's interrupt and timer part on a hal/sim vCPU: the system registers, PSTATE.I and WFI
 * as the instructions the bare-metal library executes; the IRQ vector's handler in guest RAM. */
#include "guests/lib/sim/runtime.h"
#include "sim/insn.h"

#define DAIF_I 2u /* the #imm bit of DAIFSet/DAIFClr for PSTATE.I */

static const enum sim_sysreg regs[] = {
	[GL_ICC_IAR1_EL1] = SIM_ICC_IAR1_EL1,     [GL_ICC_EOIR1_EL1] = SIM_ICC_EOIR1_EL1,
	[GL_ICC_DIR_EL1] = SIM_ICC_DIR_EL1,       [GL_ICC_PMR_EL1] = SIM_ICC_PMR_EL1,
	[GL_ICC_BPR1_EL1] = SIM_ICC_BPR1_EL1,     [GL_ICC_CTLR_EL1] = SIM_ICC_CTLR_EL1,
	[GL_ICC_SRE_EL1] = SIM_ICC_SRE_EL1,       [GL_ICC_IGRPEN1_EL1] = SIM_ICC_IGRPEN1_EL1,
	[GL_ICC_SGI1R_EL1] = SIM_ICC_SGI1R_EL1,   [GL_ICC_RPR_EL1] = SIM_ICC_RPR_EL1,
	[GL_ICC_HPPIR1_EL1] = SIM_ICC_HPPIR1_EL1, [GL_CNTFRQ_EL0] = SIM_CNTFRQ_EL0,
	[GL_CNTVCT_EL0] = SIM_CNTVCT_EL0,         [GL_CNTV_CTL_EL0] = SIM_CNTV_CTL_EL0,
	[GL_CNTV_CVAL_EL0] = SIM_CNTV_CVAL_EL0,   [GL_CNTV_TVAL_EL0] = SIM_CNTV_TVAL_EL0,
	[GL_CNTPCT_EL0] = SIM_CNTPCT_EL0,         [GL_CNTP_CTL_EL0] = SIM_CNTP_CTL_EL0,
	[GL_CNTP_CVAL_EL0] = SIM_CNTP_CVAL_EL0,   [GL_CNTP_TVAL_EL0] = SIM_CNTP_TVAL_EL0,
};

/* A value the enum does not name is the program's bug, not guest behaviour: the sim stops on the
 * register it does not have. */
static enum sim_sysreg reg(enum gl_sysreg r)
{
	return (unsigned)r < sizeof(regs) / sizeof(regs[0]) ? regs[r] : (enum sim_sysreg) ~0u;
}

uint64_t gl_sysreg_read(enum gl_sysreg r) { return sim_insn_mrs(reg(r)); }

void gl_sysreg_write(enum gl_sysreg r, uint64_t val) { sim_insn_msr(reg(r), val); }

void gl_irq_unmask(void) { sim_insn_daifclr(DAIF_I); }

void gl_irq_mask(void) { sim_insn_daifset(DAIF_I); }

void gl_wfi(void) { sim_insn_wfi(); }

void gl_irq_vector(void (*fn)(void)) { gl_write64(gl_sim_cpu()->image + GL_SIM_IRQ_FN, (uintptr_t)fn); }

/* The sim runs a nested exception's handler with a frame of its own and restores ELR/SPSR_EL1 from
 * it at that handler's ERET, so the outer exception's return state survives without help. */
void gl_irq_preemptible(void (*fn)(void *), void *arg)
{
	gl_irq_unmask();
	fn(arg);
	gl_irq_mask();
}
