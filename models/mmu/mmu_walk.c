/* Walks one stage's translation tables for one input address, and translates IPAs through stage 2
 * (TLB first), which is also how a stage-1 walk under stage 2 reaches its own tables (S1PTW). */
#include "models/mmu/mmu_internal.h"

/* A stage-1 table access under stage 2 is a read of an IPA: its stage-2 faults are S1PTW faults. */
static bool table_pa(struct mmu_cpu *cpu, uint64_t ipa, uint64_t *pa, struct mmu_fault *f)
{
	struct mmu_s2info s2;

	if (!mmu_s2(cpu, ipa, &s2, f)) {
		f->s1ptw = true;
		return false;
	}
	if (!mmu_s2_allows(cpu, &s2, true, MMU_LOAD)) {
		mmu_fault_set(f, MMU_FAULT_PERMISSION, s2.level, 2);
		f->ipa = ipa;
		f->s1ptw = true;
		return false;
	}
	*pa = s2.pa;
	return true;
}

/* The check order per level follows the ARM ARM walk: descriptor fetch (external abort), validity
 * (translation), next-table address size, then at the leaf: block level, output size, access flag. */
bool mmu_walk(struct mmu_cpu *cpu, const struct mmu_walkparams *wp, uint64_t ia, struct mmu_leaf *leaf,
	      struct mmu_fault *f)
{
	unsigned level = wp->start, stride = wp->gran - 3;
	uint64_t base = wp->base;
	uint8_t ap = 0, xn = 0, pxn = 0;

	cpu->stats.walks++;
	if (wp->base_oor) {
		mmu_fault_set(f, MMU_FAULT_ADDR_SIZE, 0, wp->stage);
		return false;
	}
	for (;;) {
		unsigned shift = wp->gran + stride * (3 - level);
		unsigned bits = level == wp->start ? wp->inbits - shift : stride;
		uint64_t daddr = base + (((ia >> shift) & ((1ull << bits) - 1)) << 3);
		uint64_t d, pa = daddr;

		if (wp->via_s2 && !table_pa(cpu, daddr, &pa, f))
			return false;
		cpu->stats.desc_reads++;
		if (!cpu->bus.read64(cpu->bus.ctx, pa, &d)) {
			mmu_fault_set(f, MMU_FAULT_EXT_ABORT_WALK, level, wp->stage);
			return false;
		}
		/* Invalid, reserved (0b10 is invalid too) and a "block" at level 3 all fault. */
		if (!(d & MMU_D_VALID) || (!(d & MMU_D_TABLE) && level == 3)) {
			mmu_fault_set(f, MMU_FAULT_TRANSLATION, level, wp->stage);
			return false;
		}
		if ((d & MMU_D_TABLE) && level < 3) {
			uint64_t next = d & MMU_MASK(47, wp->gran);
			if (next & MMU_MASK(47, wp->oabits)) {
				mmu_fault_set(f, MMU_FAULT_ADDR_SIZE, level, wp->stage);
				return false;
			}
			if (!wp->hpd) {
				ap |= (uint8_t)MMU_FIELD(d, 62, 61);
				xn |= (uint8_t)MMU_FIELD(d, 60, 60);
				pxn |= (uint8_t)MMU_FIELD(d, 59, 59);
			}
			base = next;
			level++;
			continue;
		}
		/* A block shallower than the granule allows (4 KiB: level 0; 16/64 KiB: level 1) is
		 * reserved without FEAT_LPA/LPA2. */
		if (level < wp->firstblock) {
			mmu_fault_set(f, MMU_FAULT_TRANSLATION, level, wp->stage);
			return false;
		}
		if (d & MMU_MASK(47, shift) & MMU_MASK(47, wp->oabits)) {
			mmu_fault_set(f, MMU_FAULT_ADDR_SIZE, level, wp->stage);
			return false;
		}
		/* No hardware AF update (FEAT_HAFDBS not modelled): software must set AF. */
		if (!(d & MMU_D_AF)) {
			mmu_fault_set(f, MMU_FAULT_ACCESS_FLAG, level, wp->stage);
			return false;
		}
		leaf->oa = (d & MMU_MASK(47, shift)) | (ia & ((1ull << shift) - 1));
		leaf->desc = d;
		leaf->level = (uint8_t)level;
		leaf->size = (uint8_t)shift;
		leaf->aptable = ap;
		leaf->xntable = xn;
		leaf->pxntable = pxn;
		return true;
	}
}

bool mmu_s2(struct mmu_cpu *cpu, uint64_t ipa, struct mmu_s2info *out, struct mmu_fault *f)
{
	uint16_t vmid = mmu_vmid(&cpu->regs);
	const struct mmu_tlb_entry *e = mmu_tlb_lookup(cpu, MMU_TLB_S2, vmid, 0, ipa);
	struct mmu_walkparams wp;
	struct mmu_leaf leaf;

	if (e) {
		out->pa = e->pa | (ipa & ((1ull << e->size) - 1));
		out->level = e->s2_level;
		out->size = e->size;
		out->perm = e->s2_perm;
		out->attr = e->s2_attr;
		out->sh = e->s2_sh;
		return true;
	}
	if (!mmu_s2_params(cpu, &wp) || (ipa >> wp.inbits)) {
		mmu_fault_set(f, MMU_FAULT_TRANSLATION, 0, 2);
		f->ipa = ipa;
		return false;
	}
	if (!mmu_walk(cpu, &wp, ipa, &leaf, f)) {
		f->ipa = ipa;
		return false;
	}
	out->pa = leaf.oa;
	out->level = leaf.level;
	out->size = leaf.size;
	out->perm = mmu_s2_perm(leaf.desc);
	out->attr = mmu_s2_memattr((unsigned)MMU_FIELD(leaf.desc, 5, 2));
	out->sh = (uint8_t)MMU_FIELD(leaf.desc, 9, 8);

	struct mmu_tlb_entry ne = {
		.va = ipa & ~((1ull << leaf.size) - 1),
		.pa = leaf.oa & ~((1ull << leaf.size) - 1),
		.vmid = vmid,
		.kind = MMU_TLB_S2,
		.size = leaf.size,
		.global = 1,
		.s2_level = leaf.level,
		.s2_perm = out->perm,
		.s2_attr = out->attr,
		.s2_sh = out->sh,
	};
	ne.ipa = ne.va;
	mmu_tlb_insert(cpu, &ne);
	return true;
}

bool mmu_s2_allows(const struct mmu_cpu *cpu, const struct mmu_s2info *s2, bool ttw, unsigned type)
{
	/* A stage-1 walk is checked as a read whatever the access; HCR_EL2.PTW also forbids walking
	 * tables that stage 2 makes Device memory. */
	if (ttw)
		return (s2->perm & MMU_PERM_R) && !((cpu->regs.hcr_el2 & MMU_HCR_PTW) && mmu_attr_is_device(s2->attr));
	unsigned need = type == MMU_LOAD ? MMU_PERM_R : type == MMU_STORE ? MMU_PERM_W : MMU_PERM_X;
	return (s2->perm & need) != 0;
}
