/* The access path: pick the regime, look in the TLB, walk on a miss (stage 1, each of its tables
 * through stage 2, then the output IPA through stage 2), check permissions in stage order; and AT. */
#include <string.h>

#include "models/mmu/mmu_internal.h"

static const uint8_t need_of[] = { [MMU_LOAD] = MMU_PERM_R, [MMU_STORE] = MMU_PERM_W, [MMU_FETCH] = MMU_PERM_X };

static uint64_t low(unsigned size) { return (1ull << size) - 1; }

/* Stage-1 rights at an EL: s1_perm has EL0's RWX in bits 0-2 and EL1's (or EL2's) in bits 3-5. */
static unsigned s1_rights(const struct mmu_tlb_entry *e, unsigned el)
{
	return el == 0 ? (e->s1_perm & 7u) : (unsigned)(e->s1_perm >> 3);
}

static void flat(const struct mmu_access *acc, uint64_t sctlr, struct mmu_result *res)
{
	res->pa = res->ipa = acc->va;
	res->attr = mmu_s1_off_attr(sctlr, acc->type);
	res->sh = MMU_SH_OUTER;
	res->perm = MMU_PERM_R | MMU_PERM_W | MMU_PERM_X;
	res->size_log2 = 12;
}

/* Completes an access from a whole translation (a TLB entry or a fresh fill). Stage 1's permission
 * fault comes before stage 2's, as the stages run in that order. */
static bool finish(struct mmu_cpu *cpu, const struct mmu_access *acc, const struct mmu_tlb_entry *e, bool with_s2,
		   struct mmu_result *res)
{
	unsigned need = need_of[acc->type];
	unsigned r1 = e->kind == MMU_TLB_S2 ? 7u : s1_rights(e, acc->el);
	unsigned r2 = with_s2 ? e->s2_perm : 7u;
	uint64_t off = acc->va & low(e->size);

	res->ipa = e->ipa | off;
	if (!(r1 & need)) {
		mmu_fault_set(&res->fault, MMU_FAULT_PERMISSION, e->s1_level, 1);
		return false;
	}
	if (!(r2 & need)) {
		mmu_fault_set(&res->fault, MMU_FAULT_PERMISSION, e->s2_level, 2);
		res->fault.ipa = res->ipa;
		return false;
	}
	res->pa = with_s2 ? (e->pa | off) : res->ipa;
	res->perm = (uint8_t)(r1 & r2);
	res->size_log2 = e->size;
	mmu_final_attr(cpu, e, acc->type, with_s2, &res->attr, &res->sh);
	return true;
}

static void s1_fill(struct mmu_tlb_entry *ne, unsigned kind, const struct mmu_walkparams *wp,
		    const struct mmu_leaf *leaf, uint64_t cva, uint16_t asid, uint64_t mair, bool wxn)
{
	unsigned idx = (unsigned)MMU_FIELD(leaf->desc, 4, 2);

	memset(ne, 0, sizeof(*ne));
	ne->kind = (uint8_t)kind;
	ne->size = leaf->size;
	ne->va = cva & ~low(leaf->size);
	ne->ipa = ne->pa = leaf->oa & ~low(leaf->size);
	ne->global = kind == MMU_TLB_EL2 || !(leaf->desc & MMU_D_NG);
	ne->asid = ne->global ? 0 : asid;
	ne->s1_level = leaf->level;
	ne->s1_perm = mmu_s1_perm(wp, leaf, wxn);
	ne->s1_attr = mmu_mair_canon((uint8_t)(mair >> (8 * idx)));
	ne->s1_sh = (uint8_t)MMU_FIELD(leaf->desc, 9, 8);
}

/* The EL2 regime: stage 1 only, every entry global. */
static bool xlate_el2(struct mmu_cpu *cpu, const struct mmu_access *acc, struct mmu_result *res)
{
	const struct mmu_regs *r = &cpu->regs;
	struct mmu_walkparams wp;
	struct mmu_tlb_entry ne;
	struct mmu_leaf leaf;
	uint64_t cva;
	uint16_t asid;

	if (!(r->sctlr_el2 & MMU_SCTLR_M)) {
		if (acc->va & MMU_MASK(63, cpu->pa_bits)) {
			mmu_fault_set(&res->fault, MMU_FAULT_ADDR_SIZE, 0, 1);
			return false;
		}
		flat(acc, r->sctlr_el2, res);
		return true;
	}
	if (!mmu_s1_params(cpu, MMU_REGIME_EL2, acc->va, &wp, &asid, &cva)) {
		mmu_fault_set(&res->fault, MMU_FAULT_TRANSLATION, 0, 1);
		return false;
	}
	const struct mmu_tlb_entry *e = mmu_tlb_lookup(cpu, MMU_TLB_EL2, 0, 0, cva);
	if (e) {
		res->tlb_hit = true;
		return finish(cpu, acc, e, false, res);
	}
	if (!mmu_walk(cpu, &wp, cva, &leaf, &res->fault))
		return false;
	s1_fill(&ne, MMU_TLB_EL2, &wp, &leaf, cva, 0, r->mair_el2, r->sctlr_el2 & MMU_SCTLR_WXN);
	mmu_tlb_insert(cpu, &ne);
	return finish(cpu, acc, &ne, false, res);
}

/* One access of the EL1&0 regime (EL2 accesses go to xlate_el2). stage1_only (AT S1E*) stops at
 * the IPA, as AT reports it. */
static bool xlate(struct mmu_cpu *cpu, const struct mmu_access *acc, bool stage1_only, struct mmu_result *res)
{
	const struct mmu_regs *r = &cpu->regs;
	bool vm = r->hcr_el2 & MMU_HCR_VM, s2on = vm && !stage1_only;
	uint16_t vmid = mmu_vmid(r), asid;
	struct mmu_walkparams wp;
	struct mmu_tlb_entry ne;
	struct mmu_leaf leaf;
	struct mmu_s2info s2;
	uint64_t cva;

	if (acc->el == 2)
		return xlate_el2(cpu, acc, res);
	if (!(r->sctlr_el1 & MMU_SCTLR_M)) {
		/* Stage 1 off: the VA is the IPA, provided it fits the implemented PA size. */
		if (acc->va & MMU_MASK(63, cpu->pa_bits)) {
			mmu_fault_set(&res->fault, MMU_FAULT_ADDR_SIZE, 0, 1);
			return false;
		}
		if (!s2on) {
			flat(acc, r->sctlr_el1, res);
			return true;
		}
		uint64_t walks = cpu->stats.walks;
		if (!mmu_s2(cpu, acc->va, &s2, &res->fault))
			return false;
		res->tlb_hit = cpu->stats.walks == walks;
		memset(&ne, 0, sizeof(ne));
		ne.kind = MMU_TLB_S2;
		ne.size = s2.size;
		ne.va = ne.ipa = acc->va & ~low(s2.size);
		ne.pa = s2.pa & ~low(s2.size);
		ne.s2_level = s2.level;
		ne.s2_perm = s2.perm;
		ne.s2_attr = s2.attr;
		ne.s2_sh = s2.sh;
		return finish(cpu, acc, &ne, true, res);
	}
	if (!mmu_s1_params(cpu, MMU_REGIME_EL10, acc->va, &wp, &asid, &cva)) {
		mmu_fault_set(&res->fault, MMU_FAULT_TRANSLATION, 0, 1);
		return false;
	}
	unsigned kind = vm ? MMU_TLB_S12 : MMU_TLB_S1;
	const struct mmu_tlb_entry *e = mmu_tlb_lookup(cpu, kind, vmid, asid, cva);
	if (e) {
		res->tlb_hit = true;
		return finish(cpu, acc, e, s2on, res);
	}
	if (!mmu_walk(cpu, &wp, cva, &leaf, &res->fault))
		return false;
	s1_fill(&ne, kind, &wp, &leaf, cva, asid, r->mair_el1, r->sctlr_el1 & MMU_SCTLR_WXN);
	ne.vmid = vmid;
	if (s2on) {
		struct mmu_fault f2;
		if (!mmu_s2(cpu, leaf.oa, &s2, &f2)) {
			/* Stage 1 finished first: its permission fault outranks stage 2's on the output. */
			if (!(s1_rights(&ne, acc->el) & need_of[acc->type])) {
				mmu_fault_set(&res->fault, MMU_FAULT_PERMISSION, ne.s1_level, 1);
				return false;
			}
			res->fault = f2;
			return false;
		}
		/* A combined entry covers the smaller of the two stages' blocks. */
		unsigned size = s2.size < leaf.size ? s2.size : leaf.size;
		ne.size = (uint8_t)size;
		ne.va = cva & ~low(size);
		ne.ipa = leaf.oa & ~low(size);
		ne.pa = s2.pa & ~low(size);
		ne.s2_level = s2.level;
		ne.s2_perm = s2.perm;
		ne.s2_attr = s2.attr;
		ne.s2_sh = s2.sh;
	}
	if (!stage1_only || !vm)
		mmu_tlb_insert(cpu, &ne);
	return finish(cpu, acc, &ne, s2on, res);
}

static void result_reset(struct mmu_result *res)
{
	res->tlb_hit = false;
	res->fault.kind = MMU_FAULT_NONE;
	res->fault.s1ptw = false;
	res->fault.hpfar_valid = false;
}

bool mmu_translate(struct mmu_cpu *cpu, const struct mmu_access *acc, struct mmu_result *res)
{
	result_reset(res);
	cpu->stats.translations++;
	if (xlate(cpu, acc, false, res))
		return true;
	cpu->stats.faults++;
	mmu_fault_report(cpu, acc, &res->fault);
	return false;
}

bool mmu_at(struct mmu_cpu *cpu, enum mmu_at_op op, uint64_t va, uint64_t *par, struct mmu_fault *exc)
{
	/* el, access type and whether the op stops after stage 1, per operation. */
	static const uint8_t ops[][3] = {
		[MMU_AT_S1E1R] = { 1, MMU_LOAD, 1 },  [MMU_AT_S1E1W] = { 1, MMU_STORE, 1 },
		[MMU_AT_S1E0R] = { 0, MMU_LOAD, 1 },  [MMU_AT_S1E0W] = { 0, MMU_STORE, 1 },
		[MMU_AT_S12E1R] = { 1, MMU_LOAD, 0 }, [MMU_AT_S12E1W] = { 1, MMU_STORE, 0 },
		[MMU_AT_S12E0R] = { 0, MMU_LOAD, 0 }, [MMU_AT_S12E0W] = { 0, MMU_STORE, 0 },
		[MMU_AT_S1E2R] = { 2, MMU_LOAD, 1 },  [MMU_AT_S1E2W] = { 2, MMU_STORE, 1 },
	};
	struct mmu_access acc = { .va = va, .el = ops[op][0], .type = ops[op][1], .size = 8 };
	struct mmu_result res;

	result_reset(&res);
	if (xlate(cpu, &acc, ops[op][2], &res)) {
		*par = mmu_par_ok(res.pa, res.attr, res.sh);
		return true;
	}
	if (res.fault.kind != MMU_FAULT_EXT_ABORT_WALK) {
		*par = mmu_par_fault(&res.fault);
		return true;
	}
	/* PAR cannot hold an external abort: the AT itself takes a Data Abort at EL2, reported as a
	 * write (WnR) by a maintenance instruction (CM). */
	*exc = res.fault;
	exc->target_el = 2;
	exc->esr = (uint64_t)0x25 << 26 | MMU_BIT(25) | MMU_BIT(8) | MMU_BIT(6) | (uint64_t)exc->s1ptw << 7 |
		   mmu_fault_fsc(exc);
	exc->far = va;
	exc->hpfar_valid = false;
	exc->hpfar = 0;
	return false;
}

void mmu_cpu_init(struct mmu_cpu *cpu, struct mmu_bus bus, unsigned pa_bits)
{
	memset(cpu, 0, sizeof(*cpu));
	cpu->bus = bus;
	cpu->pa_bits = (uint8_t)(pa_bits < 32 ? 32 : pa_bits > 48 ? 48 : pa_bits);
}
