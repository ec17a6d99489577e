/* A p2m's life: the root from the HAL's geometry, argument checks for every edit (guests name the
 * ranges), lookups, table frames, and teardown. The edits themselves are in p2m_edit.c. */
#include "p2m_desc.h"

#include "core/panic.h"
#include "hal/mmu.h"
#include "mm/frame.h"
#include "public/errno.h"

uint64_t *p2m_table_va(uint64_t pa)
{
	uint64_t *t = hal_pa_to_va(pa_init(pa));
	ASSERT(t);
	return t;
}

int p2m_table_alloc(struct p2m *p2m, paddr_t *pa)
{
	int rc = frame_alloc(DOMID_XEN, 0, pa);
	if (!rc) {
		p2m->table_frames++;
		*frame_owner_word(*pa) = 0; /* frame_alloc zeroed it */
	}
	return rc;
}

void p2m_table_free(struct p2m *p2m, paddr_t pa)
{
	int rc = frame_free(DOMID_XEN, pa, 0);
	ASSERT(rc == 0);
	p2m->table_frames--;
}

/* Frees the table at @table (entries at @level) and every table under it. The caller has already
 * made sure no walk can reach them any more. The search for tables below ends with the table's
 * last entry in use. */
void p2m_free_tree(struct p2m *p2m, paddr_t table, unsigned level)
{
	const uint64_t *t = p2m_table_va(pa_addr(table));
	uint32_t left = level < 3 ? *frame_owner_word(table) : 0;

	for (unsigned i = 0; left && i < P2M_PTES; i++) {
		if (!t[i])
			continue;
		left--;
		if (pte_is_table(t[i], level))
			p2m_free_tree(p2m, pa_init(pte_oa(t[i])), level + 1);
	}
	p2m_table_free(p2m, table);
}

/* The root's tables are concatenated: the index runs past 512 into the following pages. */
unsigned p2m_root_index(const struct p2m *p2m, uint64_t ipa)
{
	return (unsigned)(ipa >> p2m_shift(p2m->geo.start_level));
}

static unsigned log2_pages(unsigned pages)
{
	unsigned order = 0;
	while ((1u << order) < pages)
		order++;
	return order;
}

int p2m_init(struct p2m *p2m, domid_t owner, uint16_t vmid)
{
	struct hal_s2_geometry g;
	paddr_t root;

	hal_s2_geometry(&g);
	/* The HAL's choice must be one a 4 KiB-granule walk can start with. */
	unsigned order = log2_pages(g.root_pages);
	ASSERT(g.start_level <= 2 && g.root_pages >= 1 && g.root_pages <= 16 && (1u << order) == g.root_pages);
	ASSERT(g.ipa_bits <= p2m_shift(g.start_level) + 9 + order && g.pa_bits <= 48);
	int rc = frame_alloc(DOMID_XEN, order, &root);
	if (rc)
		return rc;
	*p2m = (struct p2m){ .lock = SPINLOCK_INIT, .owner = owner, .vmid = vmid, .root = root, .geo = g };
	p2m->table_frames = g.root_pages;
	return 0;
}

static bool pte_is_foreign(uint64_t d) { return pte_type(d) == P2M_FOREIGN_RW || pte_type(d) == P2M_FOREIGN_RO; }

/* Puts the frame reference of every foreign page under the @n entries at @t (at @level), of which
 * @used are in use: the walk ends with the last one, so a mostly empty root costs little. */
static void put_foreign(const uint64_t *t, unsigned n, unsigned level, uint32_t used)
{
	for (unsigned i = 0; used && i < n; i++) {
		if (!t[i])
			continue;
		used--;
		if (pte_is_table(t[i], level)) {
			paddr_t next = pa_init(pte_oa(t[i]));
			put_foreign(p2m_table_va(pa_addr(next)), P2M_PTES, level + 1, *frame_owner_word(next));
		} else if (pte_valid(t[i]) && pte_is_foreign(t[i])) {
			frame_put(pa_init(pte_oa(t[i])));
		}
	}
}

void p2m_destroy(struct p2m *p2m)
{
	if (!pa_addr(p2m->root))
		return;
	spin_lock(&p2m->lock);
	/* Nothing runs on this VMID any more; flushed first, the tables can go. */
	hal_s2_flush_vmid(p2m->vmid);
	unsigned level = p2m->geo.start_level, n = P2M_PTES * p2m->geo.root_pages;
	const uint64_t *root = p2m_table_va(pa_addr(p2m->root));
	put_foreign(root, n, level, p2m->root_used);
	for (unsigned i = 0, left = p2m->root_used; left && i < n; i++) {
		if (!root[i])
			continue;
		left--;
		if (pte_is_table(root[i], level))
			p2m_free_tree(p2m, pa_init(pte_oa(root[i])), level + 1);
	}
	int rc = frame_free(DOMID_XEN, p2m->root, log2_pages(p2m->geo.root_pages));
	ASSERT(rc == 0);
	p2m->table_frames -= p2m->geo.root_pages;
	ASSERT(p2m->table_frames == 0);
	p2m->root = pa_init(0);
	p2m->root_used = 0;
	spin_unlock(&p2m->lock);
}

/* Page-aligned, non-empty, inside the IPA space (and the PA space for a map), without wrapping. */
static bool range_ok(const struct p2m *p2m, ipa_t ipa, uint64_t size)
{
	uint64_t a = ipa_addr(ipa), limit = UINT64_C(1) << p2m->geo.ipa_bits;
	return pa_addr(p2m->root) && page_aligned(a) && page_aligned(size) && size && a < limit && size <= limit - a;
}

static int edit(struct p2m *p2m, struct p2m_edit *ed, ipa_t ipa, uint64_t size)
{
	ed->p2m = p2m;
	ed->ipa0 = ipa_addr(ipa);
	spin_lock(&p2m->lock);
	p2m_edit_range(ed, ipa_addr(ipa), ipa_addr(ipa) + size);
	spin_unlock(&p2m->lock);
	return ed->rc;
}

static bool map_ok(const struct p2m *p2m, ipa_t ipa, paddr_t pa, uint64_t size, enum p2m_type type)
{
	uint64_t a = pa_addr(pa), limit = UINT64_C(1) << p2m->geo.pa_bits;
	return range_ok(p2m, ipa, size) && page_aligned(a) && a < limit && size <= limit - a && type > P2M_INVALID &&
	       type <= P2M_FOREIGN_RO;
}

int p2m_map(struct p2m *p2m, ipa_t ipa, paddr_t pa, uint64_t size, enum p2m_type type)
{
	struct p2m_edit ed = { .kind = P2M_EDIT_MAP, .type = type, .pa0 = pa_addr(pa) };

	if (!map_ok(p2m, ipa, pa, size, type))
		return -XEN_EINVAL;
	return edit(p2m, &ed, ipa, size);
}

int p2m_unmap(struct p2m *p2m, ipa_t ipa, uint64_t size)
{
	struct p2m_edit ed = { .kind = P2M_EDIT_UNMAP };

	if (!range_ok(p2m, ipa, size))
		return -XEN_EINVAL;
	return edit(p2m, &ed, ipa, size);
}

int p2m_protect(struct p2m *p2m, ipa_t ipa, uint64_t size, enum p2m_type type)
{
	struct p2m_edit ed = { .kind = P2M_EDIT_PROTECT, .type = type };

	if (!range_ok(p2m, ipa, size) ||
	    (type != P2M_RAM_RW && type != P2M_RAM_RO && type != P2M_GRANT_RW && type != P2M_GRANT_RO))
		return -XEN_EINVAL;
	return edit(p2m, &ed, ipa, size);
}

/* Under the lock. */
static enum p2m_type lookup(struct p2m *p2m, uint64_t a, paddr_t *pa, uint64_t *span)
{
	enum p2m_type type = P2M_INVALID;
	unsigned level = p2m->geo.start_level;
	uint64_t d = p2m_table_va(pa_addr(p2m->root))[p2m_root_index(p2m, a)];
	while (pte_is_table(d, level)) {
		level++;
		d = p2m_table_va(pte_oa(d))[(a >> p2m_shift(level)) % P2M_PTES];
	}
	if (pte_valid(d)) {
		uint64_t off = a & ((UINT64_C(1) << p2m_shift(level)) - 1);
		type = pte_type(d);
		if (pa)
			*pa = pa_init(pte_oa(d) + off);
		if (span)
			*span = (UINT64_C(1) << p2m_shift(level)) - off;
	}
	return type;
}

enum p2m_type p2m_lookup(struct p2m *p2m, ipa_t ipa, paddr_t *pa, uint64_t *span)
{
	uint64_t a = ipa_addr(ipa);

	if (!pa_addr(p2m->root) || a >> p2m->geo.ipa_bits)
		return P2M_INVALID;
	spin_lock(&p2m->lock);
	enum p2m_type type = lookup(p2m, a, pa, span);
	spin_unlock(&p2m->lock);
	return type;
}

int p2m_map_new(struct p2m *p2m, ipa_t ipa, paddr_t pa, uint64_t size, enum p2m_type type)
{
	struct p2m_edit ed = {
		.p2m = p2m, .kind = P2M_EDIT_MAP, .type = type, .pa0 = pa_addr(pa), .ipa0 = ipa_addr(ipa)
	};
	uint64_t a = ipa_addr(ipa), end = a + size;

	if (!map_ok(p2m, ipa, pa, size, type))
		return -XEN_EINVAL;
	spin_lock(&p2m->lock);
	/* A hole's span is not known: page by page through holes, a mapping ends the search. */
	while (a < end && lookup(p2m, a, NULL, NULL) == P2M_INVALID)
		a += PAGE_SIZE;
	if (a == end)
		p2m_edit_range(&ed, ipa_addr(ipa), end);
	spin_unlock(&p2m->lock);
	return a == end ? ed.rc : -XEN_EBUSY;
}

uint64_t p2m_vttbr(const struct p2m *p2m) { return (uint64_t)p2m->vmid << 48 | pa_addr(p2m->root); }
