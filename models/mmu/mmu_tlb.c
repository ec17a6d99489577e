/* The TLB: a set-associative cache of completed walks, probed once per page size present, and the
 * TLBI operations with the architecture's rules for which entries each must remove (and no others). */
#include <stddef.h>

#include "models/mmu/mmu_internal.h"

static unsigned set_of(uint64_t va, unsigned size) { return (unsigned)(va >> size) & (MMU_TLB_SETS - 1); }

static bool same_space(const struct mmu_tlb_entry *e, unsigned kind, uint16_t vmid)
{
	return e->valid && e->kind == kind && (kind == MMU_TLB_EL2 || e->vmid == vmid);
}

const struct mmu_tlb_entry *mmu_tlb_lookup(struct mmu_cpu *cpu, unsigned kind, uint16_t vmid, uint16_t asid,
					   uint64_t va)
{
	struct mmu_tlb *t = &cpu->tlb;

	if (!t->disabled) {
		for (uint64_t s = t->sizes; s; s &= s - 1) {
			unsigned size = (unsigned)__builtin_ctzll(s);
			struct mmu_tlb_entry *set = t->e[set_of(va, size)];
			for (unsigned w = 0; w < MMU_TLB_WAYS; w++) {
				const struct mmu_tlb_entry *e = &set[w];
				if (e->size == size && ((va ^ e->va) >> size) == 0 && same_space(e, kind, vmid) &&
				    (e->global || e->asid == asid)) {
					cpu->stats.tlb_hits++;
					return e;
				}
			}
		}
	}
	cpu->stats.tlb_misses++;
	return NULL;
}

/* A fill that covers smaller live entries a lookup could also match means software changed a
 * mapping without the TLBI it needed (hardware may then raise a TLB conflict abort): count it. */
static bool overlaps_live(const struct mmu_tlb *t, const struct mmu_tlb_entry *ne)
{
	if (!(t->sizes & ((1ull << ne->size) - 1)))
		return false;
	for (unsigned s = 0; s < MMU_TLB_SETS; s++)
		for (unsigned w = 0; w < MMU_TLB_WAYS; w++) {
			const struct mmu_tlb_entry *e = &t->e[s][w];
			if (e->size < ne->size && same_space(e, ne->kind, ne->vmid) &&
			    (e->global || ne->global || e->asid == ne->asid) && ((e->va ^ ne->va) >> ne->size) == 0)
				return true;
		}
	return false;
}

void mmu_tlb_insert(struct mmu_cpu *cpu, const struct mmu_tlb_entry *ne)
{
	struct mmu_tlb *t = &cpu->tlb;
	unsigned s = set_of(ne->va, ne->size), w;

	if (t->disabled)
		return;
	if (overlaps_live(t, ne))
		cpu->stats.tlb_overlaps++;
	for (w = 0; w < MMU_TLB_WAYS && t->e[s][w].valid; w++)
		;
	if (w == MMU_TLB_WAYS) {
		w = t->next[s];
		t->next[s] = (uint8_t)((w + 1) % MMU_TLB_WAYS);
		cpu->stats.tlb_evictions++;
	}
	t->e[s][w] = *ne;
	t->e[s][w].valid = 1;
	t->sizes |= 1ull << ne->size;
}

bool mmu_tlbi_broadcast(enum mmu_tlbi_op op) { return (op & 1u) != 0; }

/* Entries holding a stage-1 translation of the EL1&0 regime (combined ones included). */
static bool is_s1(const struct mmu_tlb_entry *e) { return e->kind == MMU_TLB_S12 || e->kind == MMU_TLB_S1; }

/* Does @e translate @addr? By-VA operations give VA[55:12]: the top byte plays no part. */
static bool covers(const struct mmu_tlb_entry *e, uint64_t addr, uint64_t care)
{
	return (((e->va ^ addr) & care) >> e->size) == 0;
}

static bool tlbi_hits(unsigned op, const struct mmu_tlb_entry *e, uint64_t xt, uint16_t vmid)
{
	uint64_t va = (xt & MMU_MASK(43, 0)) << 12, ipa = (xt & MMU_MASK(35, 0)) << 12;
	uint16_t asid = (uint16_t)(xt >> 48);
	bool el10 = e->kind != MMU_TLB_EL2, ours = e->vmid == vmid;

	switch (op) {
	case MMU_TLBI_VMALLS12E1: return el10 && ours;
	case MMU_TLBI_VMALLE1: return is_s1(e) && ours;
	case MMU_TLBI_IPAS2E1:
	case MMU_TLBI_IPAS2LE1: return e->kind == MMU_TLB_S2 && ours && covers(e, ipa, ~0ull);
	case MMU_TLBI_VAE1:
	case MMU_TLBI_VALE1:
		return is_s1(e) && ours && covers(e, va, MMU_MASK(55, 0)) && (e->global || e->asid == asid);
	case MMU_TLBI_VAAE1: return is_s1(e) && ours && covers(e, va, MMU_MASK(55, 0));
	case MMU_TLBI_ASIDE1: return is_s1(e) && ours && !e->global && e->asid == asid;
	case MMU_TLBI_ALLE1: return el10;
	case MMU_TLBI_ALLE2: return !el10;
	case MMU_TLBI_VAE2: return !el10 && covers(e, va, MMU_MASK(55, 0));
	default: return false;
	}
}

void mmu_tlbi(struct mmu_cpu *cpu, enum mmu_tlbi_op op, uint64_t xt, uint16_t vmid)
{
	struct mmu_tlb *t = &cpu->tlb;
	unsigned base = (unsigned)op & ~1u; /* the IS form acts like the local one on each TLB */
	uint64_t sizes = 0;

	cpu->stats.tlbi_ops++;
	for (unsigned s = 0; s < MMU_TLB_SETS; s++)
		for (unsigned w = 0; w < MMU_TLB_WAYS; w++) {
			struct mmu_tlb_entry *e = &t->e[s][w];
			if (!e->valid)
				continue;
			if (tlbi_hits(base, e, xt, vmid))
				e->valid = 0;
			else
				sizes |= 1ull << e->size;
		}
	t->sizes = sizes; /* lookups probe only the sizes still cached */
}
