/* The guest's system instructions: EL1 register moves, its stage-1 TLB maintenance, and where the
 * library's vector code and per-vCPU state live. None of them traps with the core's HCR_EL2. */
#include "hal/mmu.h"
#include "insn.h"
#include "s2.h"
#include "vcpu.h"

#define HCR_FB (1ull << 9) /* TLBI at EL1 broadcast to the inner-shareable domain */

#define VECTOR_ALIGN 0x800ull
#define PAGE         0x1000ull
#define PAR_F        1ull
#define PAR_PA       0xfffffffff000ull /* PAR_EL1.PA[47:12] */

static uint64_t *reg(struct hal_vcpu_ctx *c, enum sim_sysreg r)
{
	switch (r) {
	case SIM_SCTLR_EL1: return &c->el1.sctlr;
	case SIM_TCR_EL1: return &c->el1.tcr;
	case SIM_TTBR0_EL1: return &c->el1.ttbr0;
	case SIM_TTBR1_EL1: return &c->el1.ttbr1;
	case SIM_MAIR_EL1: return &c->el1.mair;
	case SIM_VBAR_EL1: return &c->el1.vbar;
	case SIM_ESR_EL1: return &c->el1.esr;
	case SIM_FAR_EL1: return &c->el1.far;
	case SIM_ELR_EL1: return &c->el1.elr;
	case SIM_SPSR_EL1: return &c->el1.spsr;
	case SIM_TPIDR_EL1: return &c->el1.tpidr_el1;
	case SIM_MPIDR_EL1: return &c->vmpidr;
	default: break;
	}
	sim_stop(SIM_STOP_ERROR, 1, "a guest named system register %d, which the sim does not have", (int)r);
}

uint64_t sim_insn_mrs(enum sim_sysreg r)
{
	if (r >= SIM_SYSREG_FIRST_IRQ)
		return sim_insn_irq_sysreg(r, true, 0);
	struct sim_vcpu *v = sim_vcpu_begin();
	uint64_t val = *reg(v->ctx, r);

	v->ctx->pc += 4;
	sim_vcpu_interrupts(v);
	return val;
}

void sim_insn_msr(enum sim_sysreg r, uint64_t val)
{
	if (r >= SIM_SYSREG_FIRST_IRQ) {
		sim_insn_irq_sysreg(r, false, val);
		return;
	}
	struct sim_vcpu *v = sim_vcpu_begin();

	if (r != SIM_MPIDR_EL1)
		*reg(v->ctx, r) = val;
	/* The walker decodes the registers on every miss; cached entries stay, as on hardware. */
	sim_mmu_load(&v->cpu->mmu, v->ctx);
	v->ctx->pc += 4;
	sim_vcpu_interrupts(v);
}

/* The EL1 forms a guest may issue, with their inner-shareable twins. */
static bool el1_op(unsigned op, enum mmu_tlbi_op *is)
{
	static const enum mmu_tlbi_op pairs[][2] = {
		{ MMU_TLBI_VMALLE1, MMU_TLBI_VMALLE1IS }, { MMU_TLBI_VAE1, MMU_TLBI_VAE1IS },
		{ MMU_TLBI_VALE1, MMU_TLBI_VALE1IS },     { MMU_TLBI_VAAE1, MMU_TLBI_VAAE1IS },
		{ MMU_TLBI_ASIDE1, MMU_TLBI_ASIDE1IS },
	};

	for (unsigned i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		if (op == (unsigned)pairs[i][0] || op == (unsigned)pairs[i][1]) {
			*is = pairs[i][1];
			return true;
		}
	}
	return false;
}

struct tlbi {
	unsigned op;
	uint64_t xt;
};

static bool exec_tlbi(struct sim_vcpu *v, const void *arg)
{
	const struct tlbi *t = arg;
	struct mmu_cpu *mmu = &v->cpu->mmu;
	enum mmu_tlbi_op is;

	if (!el1_op(t->op, &is)) {
		/* Stage-2 and EL2 maintenance do not exist at EL1: an undefined instruction. */
		sim_vcpu_take_el1(v, SIM_ESR(SIM_EC_UNKNOWN), NULL);
		return false;
	}
	if (t->op == (unsigned)is || (v->ctx->hcr & HCR_FB))
		sim_mmu_tlbi_all(is, t->xt, mmu_vmid(&mmu->regs));
	else
		mmu_tlbi(mmu, (enum mmu_tlbi_op)t->op, t->xt, mmu_vmid(&mmu->regs));
	return true;
}

void sim_insn_tlbi(unsigned op, uint64_t xt)
{
	const struct tlbi t = { op, xt };
	sim_vcpu_run(sim_vcpu_begin(), exec_tlbi, &t);
}

void sim_insn_vectors(uint64_t va, sim_vector_fn *fn)
{
	struct sim_vcpu *v = sim_vcpu_running();

	if (va & (VECTOR_ALIGN - 1))
		sim_stop(SIM_STOP_ERROR, 1, "guest vectors at %#llx: VBAR_EL1 needs 2 KiB alignment",
			 (unsigned long long)va);
	v->vectors = va;
	v->handler = fn;
}

void *sim_insn_host_ptr(uint64_t va, size_t len, bool write)
{
	struct sim_vcpu *v = sim_vcpu_running();
	uint8_t *start = NULL;
	struct mmu_fault exc;
	uint64_t par;

	if (!len || va + len - 1 < va)
		return NULL;
	/* Page by page: each must translate, and land right after the previous one in the host. */
	for (uint64_t off = 0, n; off < len; off += n) {
		uint64_t a = va + off;
		n = PAGE - (a & (PAGE - 1));
		n = n < len - off ? n : len - off;
		if (!mmu_at(&v->cpu->mmu, write ? MMU_AT_S12E1W : MMU_AT_S12E1R, a, &par, &exc) || (par & PAR_F))
			return NULL;
		paddr_t pa = pa_init((par & PAR_PA) | (a & (PAGE - 1)));
		uint8_t *host = hal_pa_to_va(pa);
		if (!host || hal_pa_to_va(pa_add(pa, n - 1)) != host + n - 1 || (start && host != start + off))
			return NULL;
		start = start ? start : host;
	}
	return start;
}

void *sim_insn_runtime(void) { return sim_vcpu_running()->runtime; }

void sim_insn_set_runtime(void *p) { sim_vcpu_running()->runtime = p; }
