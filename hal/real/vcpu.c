/* hal_vcpu_*: a vCPU's EL1 system registers and FP/SIMD registers stay in the CPU across its exits
 * and move only when another ctx is entered here, the CPU idles, or the core rewrites the ctx;
 * entry.S moves on every trap just what the core reads or edits (general registers, pc, pstate,
 * ESR/FAR/ELR/SPSR/VBAR_EL1), the virtual timer only around IRQ exits and hal_vcpu_put. */
#include "vcpu.h"

#include <stddef.h>

#include "hal/cpu.h"
#include "fp.h"
#include "gic.h"
#include "pcpu.h"

/*
 * A ctx is live on CPU n (its lazily switched state in n's registers, stale in the ctx) exactly
 * while ctx->fpsr is n's mark, (n + 1) << 32, which n's TPIDR_EL2 holds (pcpu.h); with
 * CTX_FPSR_TIMER set too, the ctx's virtual timer is the newer (an IRQ exit or hal_vcpu_put saved it
 * for the core, which may have masked it): entry.S reloads just the timer then. FPSR's upper half
 * is RES0 and the FP fields are the HAL's alone, so the mark costs the core nothing, and any
 * wholesale rewrite of the ctx by the core (vcpu_reset's memset, a fresh allocation) clears it: the
 * next entry then loads the ctx as the core wrote it. pcpus[n].loaded names that ctx so CPU n can
 * save it back, with BUSY set while it does, so that hal_vcpu_destroy on another CPU can take the
 * ctx away first or wait for the save to end.
 */
#define BUSY ((uintptr_t)1)

#define PAR_F UL(1)

_Static_assert(offsetof(struct hal_vcpu_ctx, x[0]) == CTX_X0, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, x[30]) == CTX_X30, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, pc) == CTX_PC, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, pstate) == CTX_PSTATE, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, el1.vbar) == CTX_EL1_VBAR, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, el1.esr) == CTX_EL1_ESR, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, el1.far) == CTX_EL1_ESR + 8, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, el1.elr) == CTX_EL1_ELR, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, el1.spsr) == CTX_EL1_ELR + 8, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, hcr) == CTX_HCR, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, vttbr) == CTX_HCR + 8, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, fp_v) == CTX_FP_V, "fp.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, fpsr) == CTX_FPSR, "fp.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, fpcr) == CTX_FPCR, "fp.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, hal_priv) == CTX_HAL_PRIV, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, vgic.lr) == CTX_VGIC_LR, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, vgic.hcr) == CTX_VGIC_HCR, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, vgic.vmcr) == CTX_VGIC_HCR + VGIC_VMCR, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, vgic.apr) == CTX_VGIC_HCR + VGIC_APR0, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, vgic.nr_lr) == CTX_VGIC_HCR + VGIC_NR_LR, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, vgic.misr) == CTX_VGIC_HCR + VGIC_MISR, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, vgic.eisr) == CTX_VGIC_HCR + VGIC_EISR, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, vgic.elrsr) == CTX_VGIC_HCR + VGIC_EISR + 4, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, vtimer.ctl) == CTX_VTIMER, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, vtimer.cval) == CTX_VTIMER + 8, "entry.S ctx layout");
_Static_assert(offsetof(struct hal_vcpu_ctx, vtimer.off) == CTX_VTIMER + 16, "entry.S ctx layout");
_Static_assert(HAL_VGIC_MAX_LRS == 16, "entry.S has sixteen list register slots");
_Static_assert(HAL_VGIC_HCR_EN == HAL_VGIC_HCR_EN_ASM, "entry.S HCR.En");
_Static_assert(offsetof(struct hal_exit, reason) == EXIT_REASON && sizeof(enum hal_exit_reason) == 4, "exit layout");
_Static_assert(offsetof(struct hal_exit, esr) == EXIT_ESR && offsetof(struct hal_exit, far) == EXIT_ESR + 8,
	       "entry.S exit layout");
_Static_assert(offsetof(struct hal_exit, hpfar) == EXIT_HPFAR, "entry.S exit layout");
_Static_assert(EXIT_ESR == EXIT_REASON + 8 && EXIT_HPFAR == EXIT_ESR + 16, "entry.S stores the exit record in pairs");
_Static_assert(HAL_EXIT_SYNC == EXIT_SYNC && HAL_EXIT_IRQ == EXIT_IRQ && HAL_EXIT_SERROR == EXIT_SERROR,
	       "vectors.S exit reasons");

static bool live_here(const struct hal_vcpu_ctx *c, uint64_t mark)
{
	return (__atomic_load_n(&c->fpsr, __ATOMIC_RELAXED) & ~CTX_FPSR_TIMER) == mark;
}

/* CVAL before CTL, so that an old deadline never fires under the new control. */
static void timer_load(const struct hal_vcpu_ctx *c)
{
	sysreg_write(cntv_cval_el0, c->vtimer.cval);
	sysreg_write(cntv_ctl_el0, c->vtimer.ctl);
}

/* All but the EL1 five entry.S saved at the exit (the core may have edited them since) and HCR and
 * VTTBR, which only the core sets. */
static void save(struct hal_vcpu_ctx *c)
{
	struct hal_el1_sysregs *r = &c->el1;

	if (!(c->fpsr & CTX_FPSR_TIMER)) {
		c->vtimer.ctl = sysreg_read(cntv_ctl_el0);
		c->vtimer.cval = sysreg_read(cntv_cval_el0);
	}

	r->sctlr = sysreg_read(sctlr_el1);
	r->actlr = sysreg_read(actlr_el1);
	r->cpacr = sysreg_read(cpacr_el1);
	r->ttbr0 = sysreg_read(ttbr0_el1);
	r->ttbr1 = sysreg_read(ttbr1_el1);
	r->tcr = sysreg_read(tcr_el1);
	r->mair = sysreg_read(mair_el1);
	r->amair = sysreg_read(amair_el1);
	r->contextidr = sysreg_read(contextidr_el1);
	r->tpidr_el0 = sysreg_read(tpidr_el0);
	r->tpidrro_el0 = sysreg_read(tpidrro_el0);
	r->tpidr_el1 = sysreg_read(tpidr_el1);
	r->afsr0 = sysreg_read(afsr0_el1);
	r->afsr1 = sysreg_read(afsr1_el1);
	r->par = sysreg_read(par_el1);
	r->sp_el0 = sysreg_read(sp_el0);
	r->sp_el1 = sysreg_read(sp_el1);
	r->cntkctl = sysreg_read(cntkctl_el1);
	r->csselr = sysreg_read(csselr_el1);
	fp_save(c); /* last: it ends the live mark */
}

/* Everything: a ctx is loaded whole or not at all. ERET synchronises. */
static void load(const struct hal_vcpu_ctx *c)
{
	const struct hal_el1_sysregs *r = &c->el1;

	sysreg_write(sctlr_el1, r->sctlr);
	sysreg_write(actlr_el1, r->actlr);
	sysreg_write(cpacr_el1, r->cpacr);
	sysreg_write(ttbr0_el1, r->ttbr0);
	sysreg_write(ttbr1_el1, r->ttbr1);
	sysreg_write(tcr_el1, r->tcr);
	sysreg_write(mair_el1, r->mair);
	sysreg_write(amair_el1, r->amair);
	sysreg_write(vbar_el1, r->vbar);
	sysreg_write(contextidr_el1, r->contextidr);
	sysreg_write(tpidr_el0, r->tpidr_el0);
	sysreg_write(tpidrro_el0, r->tpidrro_el0);
	sysreg_write(tpidr_el1, r->tpidr_el1);
	sysreg_write(esr_el1, r->esr);
	sysreg_write(far_el1, r->far);
	sysreg_write(afsr0_el1, r->afsr0);
	sysreg_write(afsr1_el1, r->afsr1);
	sysreg_write(par_el1, r->par);
	sysreg_write(sp_el0, r->sp_el0);
	sysreg_write(sp_el1, r->sp_el1);
	sysreg_write(elr_el1, r->elr);
	sysreg_write(spsr_el1, r->spsr);
	sysreg_write(cntkctl_el1, r->cntkctl);
	sysreg_write(csselr_el1, r->csselr);
	sysreg_write(hcr_el2, c->hcr);
	sysreg_write(vttbr_el2, c->vttbr);
	sysreg_write(vtcr_el2, c->vtcr);
	sysreg_write(vmpidr_el2, c->vmpidr);
	/* Set only by the core's reset of the ctx (which ends its live mark) and by the guest while it
	 * runs, saved at every exit: loaded with the rest of the lazy state. */
	sysreg_write(cntvoff_el2, c->vtimer.off);
	timer_load(c);
	if (gic_v2) {
		gicv2_vcpu_load_lazy(c);
	} else {
		sysreg_write(ich_vmcr_el2, c->vgic.vmcr);
		sysreg_write(ich_ap1r0_el2, c->vgic.apr[0]);
		if (!c->vgic.nr_lr)
			sysreg_write(ich_hcr_el2, c->vgic.hcr); /* else entry.S writes it after the LRs */
	}
	fp_load(c);
}

/* Saves the ctx live on @p unless the core rewrote it meanwhile, or another CPU detached it. */
static void release(struct pcpu *p, uint64_t mark)
{
	uintptr_t cur = __atomic_load_n(&p->loaded, __ATOMIC_RELAXED);

	if (!cur ||
	    !__atomic_compare_exchange_n(&p->loaded, &cur, cur | BUSY, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	struct hal_vcpu_ctx *c = (struct hal_vcpu_ctx *)cur;
	if (live_here(c, mark))
		save(c);
	__atomic_store_n(&p->loaded, 0, __ATOMIC_RELEASE);
}

struct hal_vcpu_ctx *vcpu_load(struct hal_vcpu_ctx *ctx)
{
	uint64_t mark = pcpu_mark();
	struct pcpu *p = pcpu_this();

	/* entry.S reloads the timer alone of a ctx live here; one live elsewhere comes whole. */
	release(p, mark);
	/* Live on another CPU (the vCPU moved): that CPU saves it at its next switch or idle. */
	while (__atomic_load_n(&ctx->fpsr, __ATOMIC_ACQUIRE) >> 32)
		hal_cpu_relax();
	load(ctx);
	__atomic_store_n(&p->loaded, (uintptr_t)ctx, __ATOMIC_RELAXED);
	__atomic_store_n(&ctx->fpsr, mark, __ATOMIC_RELAXED);
	return ctx;
}

void vcpu_release(void) { release(pcpu_this(), pcpu_mark()); }

void hal_vcpu_put(struct hal_vcpu_ctx *ctx)
{
	if (__atomic_load_n(&ctx->fpsr, __ATOMIC_RELAXED) != pcpu_mark())
		return; /* not live here, or its timer saved already */
	ctx->vtimer.ctl = sysreg_read(cntv_ctl_el0);
	ctx->vtimer.cval = sysreg_read(cntv_cval_el0);
	__atomic_store_n(&ctx->fpsr, pcpu_mark() | CTX_FPSR_TIMER, __ATOMIC_RELAXED);
}

/* Afterwards no CPU holds @c or will write to it; its registers there are nobody's. */
static void detach(struct hal_vcpu_ctx *c)
{
	for (unsigned i = 0; i < REAL_MAX_CPUS; i++) {
		uintptr_t w;
		while (((w = __atomic_load_n(&pcpus[i].loaded, __ATOMIC_ACQUIRE)) & ~BUSY) == (uintptr_t)c) {
			if (!(w & BUSY) && __atomic_compare_exchange_n(&pcpus[i].loaded, &w, 0, false, __ATOMIC_ACQ_REL,
								       __ATOMIC_ACQUIRE))
				break;
			hal_cpu_relax();
		}
	}
	/* No mark left behind: a new ctx here must not look live on the CPU that held the old one. */
	__atomic_store_n(&c->fpsr, 0, __ATOMIC_RELEASE);
}

/* A ctx may reuse the memory of a destroyed one, which a CPU may still name. */
int hal_vcpu_init(struct hal_vcpu_ctx *ctx)
{
	detach(ctx);
	return 0;
}

void hal_vcpu_destroy(struct hal_vcpu_ctx *ctx) { detach(ctx); }

/* What AT S1E1R/W reads: the guest's stage 1, with stage 2 (HCR.VM, VTTBR, VTCR) under its walks. */
struct walk_regs {
	uint64_t sctlr, tcr, ttbr0, ttbr1, hcr, vttbr, vtcr;
};

static void walk_regs_swap(const struct walk_regs *in, struct walk_regs *out)
{
	*out = (struct walk_regs){ sysreg_read(sctlr_el1), sysreg_read(tcr_el1), sysreg_read(ttbr0_el1),
				   sysreg_read(ttbr1_el1), sysreg_read(hcr_el2), sysreg_read(vttbr_el2),
				   sysreg_read(vtcr_el2) };
	sysreg_write(sctlr_el1, in->sctlr);
	sysreg_write(tcr_el1, in->tcr);
	sysreg_write(ttbr0_el1, in->ttbr0);
	sysreg_write(ttbr1_el1, in->ttbr1);
	sysreg_write(hcr_el2, in->hcr);
	sysreg_write(vttbr_el2, in->vttbr);
	sysreg_write(vtcr_el2, in->vtcr);
	__asm__ volatile("isb" ::: "memory");
}

bool hal_vcpu_va_to_ipa(struct hal_vcpu_ctx *ctx, uint64_t va, bool write, ipa_t *ipa)
{
	/* Live here: the registers are the ctx's. Otherwise borrow them from its saved values. */
	bool live = live_here(ctx, pcpu_mark());
	struct walk_regs theirs = { ctx->el1.sctlr, ctx->el1.tcr, ctx->el1.ttbr0, ctx->el1.ttbr1,
				    ctx->hcr,       ctx->vttbr,   ctx->vtcr },
			 mine;
	uint64_t guest_par = sysreg_read(par_el1), par;

	if (!live)
		walk_regs_swap(&theirs, &mine);
	if (write)
		__asm__ volatile("at s1e1w, %0\n\tisb" ::"r"(va) : "memory");
	else
		__asm__ volatile("at s1e1r, %0\n\tisb" ::"r"(va) : "memory");
	par = sysreg_read(par_el1);
	sysreg_write(par_el1, guest_par);
	if (!live)
		walk_regs_swap(&mine, &theirs);
	if (par & PAR_F)
		return false;
	*ipa = ipa_init((par & PTE_ADDR_MASK) | (va & 0xfff));
	return true;
}
