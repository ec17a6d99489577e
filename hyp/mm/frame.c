/* The buddy allocator over the frame table, ownership and references. One lock covers the table:
 * ownership, references and the free lists change together or not at all. */
#include "frame_table.h"

#include "core/panic.h"
#include "hal/mmu.h"
#include "public/errno.h"

#define ST frame_st

static uint64_t bit(unsigned order) { return UINT64_C(1) << order; }

/* Slot in held[] for @owner, or -1 for an owner frames cannot have. */
static int slot(domid_t owner)
{
	if (owner < FRAME_MAX_DOMAINS)
		return owner;
	return owner == DOMID_XEN ? FRAME_MAX_DOMAINS : -1;
}

static const struct frame_bank *bank_of(uint64_t pfn)
{
	for (unsigned i = 0; i < ST.banks; i++)
		if (pfn - ST.bank[i].pfn < ST.bank[i].count)
			return &ST.bank[i];
	return NULL;
}

static struct frame *at(const struct frame_bank *b, uint64_t pfn) { return &ST.table[b->first + (pfn - b->pfn)]; }

static struct frame *frame_of(paddr_t pa)
{
	const struct frame_bank *b = bank_of(pa_pfn(pa));
	return b ? at(b, pa_pfn(pa)) : NULL;
}

static void list_push(uint32_t idx, unsigned order, bool fresh)
{
	struct frame *f = &ST.table[idx];

	f->flags = FRAME_F_FREE | (fresh ? FRAME_F_FRESH : 0);
	f->order = (uint8_t)order;
	f->prev = FRAME_NIL;
	f->next = ST.free_head[order];
	if (f->next != FRAME_NIL)
		ST.table[f->next].prev = idx;
	ST.free_head[order] = idx;
}

static void list_unlink(uint32_t idx)
{
	struct frame *f = &ST.table[idx];

	if (f->prev != FRAME_NIL)
		ST.table[f->prev].next = f->next;
	else
		ST.free_head[f->order] = f->next;
	if (f->next != FRAME_NIL)
		ST.table[f->next].prev = f->prev;
	f->flags = 0;
	f->next = f->prev = FRAME_NIL;
}

void frame_release_block(const struct frame_bank *b, uint64_t pfn, unsigned order, bool fresh)
{
	for (uint64_t i = 0; i < bit(order); i++) {
		struct frame *f = at(b, pfn + i);
		f->owner = FRAME_OWNER_NONE;
		f->flags = 0;
	}
	ST.free_frames += bit(order);
	/* Buddies are found by PA, so every block stays aligned to its size; a buddy outside the bank
	 * (or reserved, or in use) ends the merge. */
	while (order < FRAME_MAX_ORDER) {
		uint64_t buddy = pfn ^ bit(order);
		if (buddy - b->pfn >= b->count)
			break;
		struct frame *f = at(b, buddy);
		if (!(f->flags & FRAME_F_FREE) || f->order != order)
			break;
		fresh = fresh && (f->flags & FRAME_F_FRESH);
		list_unlink(b->first + (uint32_t)(buddy - b->pfn));
		pfn &= ~bit(order);
		order++;
	}
	list_push(b->first + (uint32_t)(pfn - b->pfn), order, fresh);
}

static uint64_t pfn_of(uint32_t idx)
{
	for (unsigned i = 0; i < ST.banks; i++)
		if (idx - ST.bank[i].first < ST.bank[i].count)
			return ST.bank[i].pfn + (idx - ST.bank[i].first);
	panic("frame index %u outside every bank", idx);
}

/* Takes 2^@order frames for @owner; *@fresh if nobody has had them since boot. Contents untouched. */
static int take(domid_t owner, unsigned order, paddr_t *pa, bool *fresh)
{
	int s = slot(owner);
	unsigned k = order;

	if (order > FRAME_MAX_ORDER || s < 0)
		return -XEN_EINVAL;
	spin_lock(&ST.lock);
	while (k <= FRAME_MAX_ORDER && ST.free_head[k] == FRAME_NIL)
		k++;
	if (k > FRAME_MAX_ORDER) {
		spin_unlock(&ST.lock);
		return -XEN_ENOMEM;
	}
	uint32_t idx = ST.free_head[k];
	*fresh = ST.table[idx].flags & FRAME_F_FRESH;
	list_unlink(idx);
	/* A block never spans banks, so its upper halves are at consecutive table indices. */
	while (k > order) {
		k--;
		list_push(idx + (uint32_t)bit(k), k, *fresh);
	}
	for (uint64_t i = 0; i < bit(order); i++) {
		struct frame *f = &ST.table[idx + i];
		ASSERT(f->refs == 0 && !(f->flags & FRAME_F_RESERVED));
		f->owner = owner;
		f->flags = 0;
	}
	ST.free_frames -= bit(order);
	ST.held[s] += bit(order);
	*pa = pa_init(pfn_of(idx) << PAGE_SHIFT);
	spin_unlock(&ST.lock);
	return 0;
}

/* Outside the lock: the frames are ours alone now, and 1 GiB takes a while to clear. */
static void clear(domid_t owner, paddr_t pa, unsigned order)
{
	void *va = hal_pa_to_va(pa);
	ASSERT(va);
	__builtin_memset(va, 0, PAGE_SIZE << order);
	/* A guest starts with its MMU off, reading memory uncached: without this it would see the
	 * previous owner's data behind our zeroes. The hypervisor's own frames are only ever read
	 * through cacheable mappings (table walks included). */
	if (owner != DOMID_XEN)
		hal_dcache_clean(va, PAGE_SIZE << order);
}

int frame_alloc(domid_t owner, unsigned order, paddr_t *pa)
{
	bool fresh;
	int rc = take(owner, order, pa, &fresh);

	if (!rc)
		clear(owner, *pa, order);
	return rc;
}

int frame_alloc_ram(domid_t owner, unsigned order, paddr_t *pa)
{
	bool fresh;
	int rc = take(owner, order, pa, &fresh);

	/* Fresh frames hold what the firmware and the loader left (zeroes on a fresh QEMU, but for
	 * the loader's few words): nothing of anybody's, and the domain does not expect zeroes. */
	if (!rc && !fresh)
		clear(owner, *pa, order);
	return rc;
}

int frame_free(domid_t owner, paddr_t pa, unsigned order)
{
	int s = slot(owner);
	uint64_t pfn = pa_pfn(pa);

	if (order > FRAME_MAX_ORDER || s < 0 || !page_aligned(pa_addr(pa)) || (pfn & (bit(order) - 1)))
		return -XEN_EINVAL;
	spin_lock(&ST.lock);
	const struct frame_bank *b = bank_of(pfn);
	int rc = b && pfn - b->pfn + bit(order) <= b->count ? 0 : -XEN_EINVAL;
	for (uint64_t i = 0; !rc && i < bit(order); i++) {
		const struct frame *f = at(b, pfn + i);
		if (f->owner != owner || f->refs || (f->flags & (FRAME_F_RESERVED | FRAME_F_ORPHAN)))
			rc = -XEN_EINVAL;
	}
	if (!rc) {
		ST.held[s] -= bit(order);
		frame_release_block(b, pfn, order, false);
	}
	spin_unlock(&ST.lock);
	return rc;
}

uint64_t frame_release_all(domid_t owner)
{
	int s = slot(owner);
	uint64_t n = 0;

	if (s < 0)
		return 0;
	spin_lock(&ST.lock);
	for (unsigned i = 0; i < ST.banks; i++) {
		const struct frame_bank *b = &ST.bank[i];
		for (uint64_t p = b->pfn; p < b->pfn + b->count; p++) {
			struct frame *f = at(b, p);
			if (f->owner != owner || (f->flags & (FRAME_F_RESERVED | FRAME_F_ORPHAN)))
				continue;
			ST.held[s]--;
			if (f->refs) {
				/* Someone else still maps it: the hypervisor holds it until they let go. */
				f->owner = DOMID_XEN;
				f->flags |= FRAME_F_ORPHAN;
				ST.held[FRAME_MAX_DOMAINS]++;
				continue;
			}
			frame_release_block(b, p, 0, false);
			n++;
		}
	}
	spin_unlock(&ST.lock);
	return n;
}

domid_t frame_owner(paddr_t pa)
{
	spin_lock(&ST.lock);
	const struct frame *f = frame_of(pa);
	domid_t o = f && !(f->flags & FRAME_F_RESERVED) ? f->owner : DOMID_INVALID;
	spin_unlock(&ST.lock);
	return o;
}

/* Banks never change after frame_init: no lock. */
bool frame_is_ram(paddr_t pa) { return bank_of(pa_pfn(pa)) != NULL; }

int frame_get(paddr_t pa)
{
	int rc = 0;

	spin_lock(&ST.lock);
	struct frame *f = frame_of(pa);
	if (!f || f->owner == FRAME_OWNER_NONE || (f->flags & (FRAME_F_RESERVED | FRAME_F_ORPHAN)))
		rc = -XEN_EINVAL;
	else if (f->refs == UINT32_MAX)
		rc = -XEN_EBUSY;
	else
		f->refs++;
	spin_unlock(&ST.lock);
	return rc;
}

void frame_put(paddr_t pa)
{
	spin_lock(&ST.lock);
	const struct frame_bank *b = bank_of(pa_pfn(pa));
	struct frame *f = b ? at(b, pa_pfn(pa)) : NULL;
	ASSERT(f && f->refs && !(f->flags & FRAME_F_RESERVED));
	if (--f->refs == 0 && (f->flags & FRAME_F_ORPHAN)) {
		ST.held[FRAME_MAX_DOMAINS]--;
		frame_release_block(b, pa_pfn(pa), 0, false);
	}
	spin_unlock(&ST.lock);
}

unsigned frame_refs(paddr_t pa)
{
	spin_lock(&ST.lock);
	const struct frame *f = frame_of(pa);
	unsigned r = f ? f->refs : 0;
	spin_unlock(&ST.lock);
	return r;
}

uint64_t frame_count(domid_t owner)
{
	int s = slot(owner);

	spin_lock(&ST.lock);
	uint64_t n = s < 0 ? 0 : ST.held[s];
	spin_unlock(&ST.lock);
	return n;
}

uint64_t frame_free_count(void)
{
	spin_lock(&ST.lock);
	uint64_t n = ST.free_frames;
	spin_unlock(&ST.lock);
	return n;
}

int frame_release(domid_t owner, paddr_t pa)
{
	int s = slot(owner);

	/* Unreferenced, it is freed; referenced, orphaned under the lock. A reference dropped between
	 * the two looks (the frame_put finding no orphan) sends us round again to free it. */
	for (;;) {
		if (!frame_free(owner, pa, 0))
			return 0;
		spin_lock(&ST.lock);
		struct frame *f = frame_of(pa);
		bool mine = s >= 0 && f && f->owner == owner && !(f->flags & (FRAME_F_RESERVED | FRAME_F_ORPHAN));
		bool orphan = mine && f->refs;
		if (orphan) {
			ST.held[s]--;
			f->owner = DOMID_XEN;
			f->flags |= FRAME_F_ORPHAN;
			ST.held[FRAME_MAX_DOMAINS]++;
		}
		spin_unlock(&ST.lock);
		if (orphan || !mine)
			return orphan ? 0 : -XEN_EINVAL;
	}
}

/* The free-list back link: only free blocks' heads use it, and list_push sets it anew. */
uint32_t *frame_owner_word(paddr_t pa)
{
	struct frame *f = frame_of(pa);
	return f ? &f->prev : NULL;
}
