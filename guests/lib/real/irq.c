/* The world-specific part of the guest library's interrupt interface on a real EL1: system
 * registers by name, PSTATE.I, WFI and the IRQ vector's handler (exception.c calls it). */
#include "lib/guest.h"

#define SR_READ(name)                                                                                                  \
	({                                                                                                             \
		uint64_t v_;                                                                                           \
		__asm__ volatile("mrs %0, " #name : "=r"(v_));                                                         \
		v_;                                                                                                    \
	})
/* Barrier before (SGIs must see earlier stores), synchronisation after: each write takes effect
 * before the next instruction, as a test expects when it looks right after. */
#define SR_WRITE(name, v) __asm__ volatile("dsb sy\n\tmsr " #name ", %0\n\tisb" ::"r"(v) : "memory")

void (*gl_irq_handler)(void);

uint64_t gl_sysreg_read(enum gl_sysreg r)
{
	switch (r) {
	case GL_ICC_IAR1_EL1: return SR_READ(icc_iar1_el1);
	case GL_ICC_PMR_EL1: return SR_READ(icc_pmr_el1);
	case GL_ICC_BPR1_EL1: return SR_READ(icc_bpr1_el1);
	case GL_ICC_CTLR_EL1: return SR_READ(icc_ctlr_el1);
	case GL_ICC_SRE_EL1: return SR_READ(icc_sre_el1);
	case GL_ICC_IGRPEN1_EL1: return SR_READ(icc_igrpen1_el1);
	case GL_ICC_RPR_EL1: return SR_READ(icc_rpr_el1);
	case GL_ICC_HPPIR1_EL1: return SR_READ(icc_hppir1_el1);
	case GL_CNTFRQ_EL0: return SR_READ(cntfrq_el0);
	case GL_CNTVCT_EL0: __asm__ volatile("isb" ::: "memory"); return SR_READ(cntvct_el0);
	case GL_CNTV_CTL_EL0: return SR_READ(cntv_ctl_el0);
	case GL_CNTV_CVAL_EL0: return SR_READ(cntv_cval_el0);
	case GL_CNTV_TVAL_EL0: return SR_READ(cntv_tval_el0);
	case GL_CNTPCT_EL0: __asm__ volatile("isb" ::: "memory"); return SR_READ(cntpct_el0);
	case GL_CNTP_CTL_EL0: return SR_READ(cntp_ctl_el0);
	case GL_CNTP_CVAL_EL0: return SR_READ(cntp_cval_el0);
	case GL_CNTP_TVAL_EL0: return SR_READ(cntp_tval_el0);
	/* Write-only registers read as nothing; the library never asks. */
	case GL_ICC_EOIR1_EL1:
	case GL_ICC_DIR_EL1:
	case GL_ICC_SGI1R_EL1: break;
	}
	return 0;
}

void gl_sysreg_write(enum gl_sysreg r, uint64_t v)
{
	switch (r) {
	case GL_ICC_EOIR1_EL1: SR_WRITE(icc_eoir1_el1, v); break;
	case GL_ICC_DIR_EL1: SR_WRITE(icc_dir_el1, v); break;
	case GL_ICC_PMR_EL1: SR_WRITE(icc_pmr_el1, v); break;
	case GL_ICC_BPR1_EL1: SR_WRITE(icc_bpr1_el1, v); break;
	case GL_ICC_CTLR_EL1: SR_WRITE(icc_ctlr_el1, v); break;
	case GL_ICC_SRE_EL1: SR_WRITE(icc_sre_el1, v); break;
	case GL_ICC_IGRPEN1_EL1: SR_WRITE(icc_igrpen1_el1, v); break;
	case GL_ICC_SGI1R_EL1: SR_WRITE(icc_sgi1r_el1, v); break;
	case GL_CNTV_CTL_EL0: SR_WRITE(cntv_ctl_el0, v); break;
	case GL_CNTV_CVAL_EL0: SR_WRITE(cntv_cval_el0, v); break;
	case GL_CNTV_TVAL_EL0: SR_WRITE(cntv_tval_el0, v); break;
	case GL_CNTP_CTL_EL0: SR_WRITE(cntp_ctl_el0, v); break;
	case GL_CNTP_CVAL_EL0: SR_WRITE(cntp_cval_el0, v); break;
	case GL_CNTP_TVAL_EL0: SR_WRITE(cntp_tval_el0, v); break;
	/* Read-only registers: a write would be UNDEFINED, so it is not made. */
	case GL_ICC_IAR1_EL1:
	case GL_ICC_RPR_EL1:
	case GL_ICC_HPPIR1_EL1:
	case GL_CNTFRQ_EL0:
	case GL_CNTVCT_EL0:
	case GL_CNTPCT_EL0: break;
	}
}

void gl_irq_unmask(void) { __asm__ volatile("msr daifclr, #2" ::: "memory"); }

void gl_irq_mask(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }

void gl_wfi(void) { __asm__ volatile("dsb sy\n\twfi" ::: "memory"); }

void gl_irq_vector(void (*fn)(void)) { __atomic_store_n(&gl_irq_handler, fn, __ATOMIC_RELEASE); }

void gl_irq_preemptible(void (*fn)(void *), void *arg)
{
	/* A nested IRQ overwrites ELR_EL1/SPSR_EL1: the outer handler's ERET needs them back. */
	uint64_t elr = SR_READ(elr_el1), spsr = SR_READ(spsr_el1);

	gl_irq_unmask();
	fn(arg);
	gl_irq_mask();
	__asm__ volatile("msr elr_el1, %0\n\tmsr spsr_el1, %1" ::"r"(elr), "r"(spsr) : "memory");
}
