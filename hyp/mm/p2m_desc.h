/* VMSAv8-64 stage-2 descriptors (4 KiB granule) as p2m.c and p2m_edit.c build and read them, and
 * the state of one edit (flushes and table frees it still owes). Not for other modules. */
#pragma once

#include "mm/frame.h"
#include "mm/p2m.h"

#define PTE_VALID       UINT64_C(1)
#define PTE_TABLE       UINT64_C(2) /* with VALID: a table below level 3, a page at level 3 */
#define PTE_MEMATTR(m)  ((uint64_t)(m) << 2)
#define PTE_S2AP_R      (UINT64_C(1) << 6)
#define PTE_S2AP_W      (UINT64_C(1) << 7)
#define PTE_SH_INNER    (UINT64_C(3) << 8)
#define PTE_AF          (UINT64_C(1) << 10)
#define PTE_XN          (UINT64_C(1) << 54)
#define PTE_TYPE_SHIFT  55 /* software bits [58:55]: enum p2m_type */
#define PTE_OA          (((UINT64_C(1) << 48) - 1) & ~PAGE_MASK)
#define MEMATTR_NORMAL  0xfu /* Normal, Outer and Inner Write-Back */
#define MEMATTR_DEVICE  0x1u /* Device-nGnRE */
#define P2M_PTES        512u
#define P2M_FLUSH_BATCH 16u /* by-IPA invalidations an edit collects before flushing the VMID */
#define P2M_FREE_BATCH  16u

/* Bits of the region one entry at @level maps: 30 (1 GiB), 21 (2 MiB), 12 (4 KiB). */
static inline unsigned p2m_shift(unsigned level) { return PAGE_SHIFT + 9 * (3 - level); }

static inline bool pte_valid(uint64_t d) { return d & PTE_VALID; }
static inline bool pte_is_table(uint64_t d, unsigned level) { return level < 3 && (d & 3) == 3; }
static inline bool pte_is_leaf(uint64_t d, unsigned level) { return pte_valid(d) && !pte_is_table(d, level); }
static inline uint64_t pte_oa(uint64_t d) { return d & PTE_OA; }
static inline enum p2m_type pte_type(uint64_t d) { return (enum p2m_type)((d >> PTE_TYPE_SHIFT) & 0xf); }

/* A page (level 3) or block mapping @pa as @type. */
static inline uint64_t pte_leaf(unsigned level, uint64_t pa, enum p2m_type type)
{
	static const uint64_t bits[] = {
		[P2M_RAM_RW] = PTE_MEMATTR(MEMATTR_NORMAL) | PTE_SH_INNER | PTE_S2AP_R | PTE_S2AP_W,
		[P2M_RAM_RO] = PTE_MEMATTR(MEMATTR_NORMAL) | PTE_SH_INNER | PTE_S2AP_R,
		/* Never executable: instruction fetches from device memory are not side-effect free. */
		[P2M_MMIO] = PTE_MEMATTR(MEMATTR_DEVICE) | PTE_S2AP_R | PTE_S2AP_W | PTE_XN,
		/* Another domain's data, never its code. */
		[P2M_GRANT_RW] = PTE_MEMATTR(MEMATTR_NORMAL) | PTE_SH_INNER | PTE_S2AP_R | PTE_S2AP_W | PTE_XN,
		[P2M_GRANT_RO] = PTE_MEMATTR(MEMATTR_NORMAL) | PTE_SH_INNER | PTE_S2AP_R | PTE_XN,
		[P2M_FOREIGN_RW] = PTE_MEMATTR(MEMATTR_NORMAL) | PTE_SH_INNER | PTE_S2AP_R | PTE_S2AP_W | PTE_XN,
		[P2M_FOREIGN_RO] = PTE_MEMATTR(MEMATTR_NORMAL) | PTE_SH_INNER | PTE_S2AP_R | PTE_XN,
	};
	return pa | bits[type] | (uint64_t)type << PTE_TYPE_SHIFT | PTE_AF | PTE_VALID | (level == 3 ? PTE_TABLE : 0);
}

/* How many entries of the (non-root) table at @table, holding level-@level entries, are non-zero, kept by every edit so
 * that telling an emptied table from a used one, or a foldable one from a partial one, takes no scan. Kept in the frame
 * table's record of the table frame, the hypervisor's own bookkeeping: the descriptor's software bits [58:55] are too
 * few for 0..512, and its other ignored bits are being claimed by the architecture (FEAT_HAFT's table AF at bit 10,
 * LPA2's address bits [9:8]). */
static inline uint32_t *p2m_table_count(struct p2m *p2m, uint64_t table, unsigned level)
{
	if (p2m->hot[level].count && p2m->hot[level].table == table)
		return p2m->hot[level].count;
	p2m->hot[level].table = table;
	return p2m->hot[level].count = frame_owner_word(pa_init(table));
}

/* Single-copy atomic: a concurrent table walk sees the old descriptor or the new one. */
static inline void pte_write(uint64_t *e, uint64_t d) { __atomic_store_n(e, d, __ATOMIC_RELAXED); }

enum p2m_edit_kind { P2M_EDIT_MAP, P2M_EDIT_UNMAP, P2M_EDIT_PROTECT };

struct p2m_edit {
	struct p2m *p2m;
	enum p2m_edit_kind kind;
	enum p2m_type type;
	uint64_t ipa0, pa0; /* map: IPA ipa0 + x goes to pa0 + x */
	int rc;
	/* Entries invalidated with nothing written in their place yet owe a TLB flush, and tables
	 * unlinked from the tree owe it before their frames may be reused: both wait for one flush. */
	unsigned nflush, nfree;
	unsigned deferred; /* leaves of the table being edited that are broken, waiting to be made */
	uint32_t *count;   /* its entries in use (p2m_table_count; the root's p2m->root_used) */
	bool flush_all;
	uint64_t flush[P2M_FLUSH_BATCH];
	paddr_t free[P2M_FREE_BATCH];
};

/* p2m.c */
uint64_t *p2m_table_va(uint64_t pa);
int p2m_table_alloc(struct p2m *p2m, paddr_t *pa);
void p2m_table_free(struct p2m *p2m, paddr_t pa);
void p2m_free_tree(struct p2m *p2m, paddr_t table, unsigned level);
unsigned p2m_root_index(const struct p2m *p2m, uint64_t ipa);

/* p2m_edit.c: applies @ed to [ipa, end), then settles every flush it owes. */
void p2m_edit_range(struct p2m_edit *ed, uint64_t ipa, uint64_t end);
