/* The SMMU's own TLB of stage-2 translations, tagged by VMID: set-associative, probed once per block
 * size present, round-robin victims; only the TLBI commands remove entries, so stale ones stay stale. */
#include <stddef.h>

#include "models/smmu/smmu_internal.h"

static unsigned set_of(uint64_t ipa, unsigned size) { return (unsigned)(ipa >> size) & (SMMU_TLB_SETS - 1); }

const struct smmu_tlbe *smmu_tlb_lookup(struct smmu *s, uint16_t vmid, uint64_t ipa)
{
	for (uint64_t m = s->tlb_sizes; m; m &= m - 1) {
		unsigned size = (unsigned)__builtin_ctzll(m);
		const struct smmu_tlbe *set = s->tlb[set_of(ipa, size)];
		for (unsigned w = 0; w < SMMU_TLB_WAYS; w++) {
			const struct smmu_tlbe *e = &set[w];
			if (e->valid && e->size == size && e->vmid == vmid && ((ipa ^ e->ipa) >> size) == 0)
				return e;
		}
	}
	return NULL;
}

void smmu_tlb_insert(struct smmu *s, const struct smmu_tlbe *ne)
{
	unsigned set = set_of(ne->ipa, ne->size), w;

	for (w = 0; w < SMMU_TLB_WAYS; w++)
		if (!s->tlb[set][w].valid)
			break;
	if (w == SMMU_TLB_WAYS) {
		w = s->tlb_next[set];
		s->tlb_next[set] = (uint8_t)((w + 1) % SMMU_TLB_WAYS);
	}
	s->tlb[set][w] = *ne;
	s->tlb[set][w].valid = 1;
	s->tlb_sizes |= 1ull << ne->size;
}

void smmu_tlb_inval(struct smmu *s, bool all_vmids, uint16_t vmid, bool by_ipa, uint64_t ipa)
{
	uint64_t sizes = 0;

	for (unsigned i = 0; i < SMMU_TLB_SETS; i++)
		for (unsigned w = 0; w < SMMU_TLB_WAYS; w++) {
			struct smmu_tlbe *e = &s->tlb[i][w];
			if (!e->valid)
				continue;
			bool hit = (all_vmids || e->vmid == vmid) && (!by_ipa || ((ipa ^ e->ipa) >> e->size) == 0);
			if (hit)
				e->valid = 0;
			else
				sizes |= 1ull << e->size;
		}
	s->tlb_sizes = sizes;
}
