/* The table itself: per-domain slots, frames grown on demand and mapped where the guest asks,
 * and pinning entries with the compare-and-swap discipline the shared flags need. */
#include "gnttab/gnttab_int.h"

#include "hal/mmu.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "public/errno.h"

static struct gnttab slots[DOMAIN_MAX];
static uint64_t next_gen;

/* A guest that keeps rewriting its entry while we try to pin it gets this many attempts. */
#define CAS_TRIES 5

struct gnttab *gnttab_lock_live(domid_t id, uint64_t gen)
{
	if (id >= DOMAIN_MAX)
		return NULL;
	struct gnttab *gt = &slots[id];
	spin_lock(&gt->lock);
	if (gt->dom && (!gen || gt->gen == gen))
		return gt;
	spin_unlock(&gt->lock);
	return NULL;
}

/* Adds frames until there are @n; false if memory ran out first (the frames made stay). */
static bool grow(struct gnttab *gt, unsigned n)
{
	while (gt->nr_frames < n) {
		unsigned i = gt->nr_frames;
		gt->active[i] = heap_alloc(GNTTAB_PER_FRAME * sizeof(struct gnttab_active));
		if (!gt->active[i])
			return false;
		if (frame_alloc(DOMID_XEN, 0, &gt->frame[i])) {
			heap_free(gt->active[i]);
			gt->active[i] = NULL;
			return false;
		}
		gt->gfn[i] = GNTTAB_GFN_NONE;
		gt->nr_frames++;
	}
	return true;
}

int gnttab_domain_init(struct domain *d)
{
	struct gnttab *gt = &slots[d->id];

	spin_lock(&gt->lock);
	if (gt->dom) {
		/* A live domain has this id: domain_create will refuse the newcomer. */
		spin_unlock(&gt->lock);
		return -XEN_EEXIST;
	}
	gt->gen = ++next_gen;
	gt->mt_free = GNTTAB_MT_NONE;
	bool ok = grow(gt, GNTTAB_INITIAL_FRAMES);
	if (ok)
		gt->dom = d;
	spin_unlock(&gt->lock);
	if (!ok) {
		for (unsigned i = 0; i < gt->nr_frames; i++) {
			frame_free(DOMID_XEN, gt->frame[i], 0);
			heap_free(gt->active[i]);
		}
		gt->nr_frames = 0;
		return -XEN_ENOMEM;
	}
	d->gnttab = gt;
	return 0;
}

void gnttab_domain_destroy(struct domain *d)
{
	struct gnttab *gt = d->gnttab;

	if (!gt)
		return;
	/* As a mapper first: its self-grants still find its table live. */
	gnttab_unmap_all(d);
	spin_lock(&gt->lock);
	gt->dom = NULL;
	spin_unlock(&gt->lock);
	/* Nobody reaches the rest now: pins other domains hold on its entries die with it (their
	 * frame references keep the frames), and their unmaps see a table that is gone. */
	for (unsigned i = 0; i < gt->nr_frames; i++) {
		/* The toolstack may still map a frame (a foreign mapping): it goes with the last put. */
		frame_release(DOMID_XEN, gt->frame[i]);
		heap_free(gt->active[i]);
		gt->active[i] = NULL;
	}
	for (unsigned i = 0; i < gt->mt_chunks; i++) {
		heap_free(gt->mt[i]);
		gt->mt[i] = NULL;
	}
	gt->nr_frames = gt->mt_chunks = gt->maps_live = 0;
	d->gnttab = NULL;
}

unsigned gnttab_maps_held(const struct domain *d)
{
	return d->gnttab ? __atomic_load_n(&d->gnttab->maps_live, __ATOMIC_ACQUIRE) : 0;
}

/* The entry's first word, {flags, domid} in the guest's (little-endian) layout. */
static uint32_t *entry_word(struct gnttab *gt, grant_ref_t ref)
{
	uint8_t *page = hal_pa_to_va(gt->frame[ref / GNTTAB_PER_FRAME]);
	return (uint32_t *)(page + (ref % GNTTAB_PER_FRAME) * sizeof(struct grant_entry_v1));
}

uint16_t gnttab_entry_flags(struct gnttab *gt, grant_ref_t ref)
{
	return (uint16_t)__atomic_load_n(entry_word(gt, ref), __ATOMIC_ACQUIRE);
}

static void clear_flags(struct gnttab *gt, grant_ref_t ref, uint16_t mask)
{
	__atomic_fetch_and((uint16_t *)entry_word(gt, ref), (uint16_t)~mask, __ATOMIC_ACQ_REL);
}

/* Sets GTF_reading (and GTF_writing) while the granter may be changing the entry under us: the
 * checks and the update are one compare-and-swap, retried a bounded number of times. @check: the
 * entry is not pinned yet, so its type and domid must be verified. */
static int set_status(uint32_t *w, domid_t who, bool ro, bool check, uint16_t type_mask)
{
	uint32_t old = __atomic_load_n(w, __ATOMIC_ACQUIRE);

	for (unsigned tries = 1;; tries++) {
		uint16_t flags = (uint16_t)old;
		if (check && ((flags & type_mask) != GTF_permit_access || (domid_t)(old >> 16) != who))
			return GNTST_general_error;
		if (!ro && (flags & GTF_readonly))
			return GNTST_general_error;
		uint32_t new = old | GTF_reading | (ro ? 0 : GTF_writing);
		if (__atomic_compare_exchange_n(w, &old, new, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return GNTST_okay;
		if (tries == CAS_TRIES)
			return GNTST_general_error; /* the entry is unstable */
	}
}

/* Clears what a pin attempt or a pin set, once nothing else holds it. */
static void release_bits(struct gnttab *gt, grant_ref_t ref, const struct gnttab_active *a, bool ro)
{
	if (!ro && !a->wr)
		clear_flags(gt, ref, GTF_writing);
	if (!a->rd && !a->wr)
		clear_flags(gt, ref, GTF_reading);
}

int gnttab_own_frame(struct domain *d, uint64_t gfn, bool ro, paddr_t *pa)
{
	if (gfn >> (d->p2m.geo.ipa_bits - PAGE_SHIFT))
		return GNTST_bad_page;
	enum p2m_type t = p2m_lookup(&d->p2m, ipa_init(gfn << PAGE_SHIFT), pa, NULL);
	if (t != P2M_RAM_RW && !(ro && t == P2M_RAM_RO))
		return GNTST_bad_page;
	/* Only what the domain owns: not its table frames (DOMID_XEN's), nor another domain's frame
	 * it maps; the reference first, so the owner cannot change under the check. */
	if (frame_get(*pa))
		return GNTST_bad_page;
	if (frame_owner(*pa) != d->id) {
		frame_put(*pa);
		return GNTST_bad_page;
	}
	return GNTST_okay;
}

int gnttab_pin(struct gnttab *gt, grant_ref_t ref, domid_t who, bool ro, bool map, paddr_t *pa)
{
	if (ref >= gt->nr_frames * GNTTAB_PER_FRAME)
		return GNTST_bad_gntref;
	struct gnttab_active *a = &gt->active[ref / GNTTAB_PER_FRAME][ref % GNTTAB_PER_FRAME];
	bool pinned = a->rd || a->wr;
	if (pinned && (a->domid != who || a->rd >= GNTTAB_PIN_MAX || a->wr >= GNTTAB_PIN_MAX))
		return GNTST_general_error;
	uint32_t *w = entry_word(gt, ref);
	if (!pinned || (!ro && !a->wr)) {
		int rc = set_status(w, who, ro, !pinned, GTF_type_mask | (map ? GTF_sub_page : 0));
		if (rc)
			return rc;
	}
	if (!pinned) {
		/* The frame is read after the flags are set, as the granter wrote it before them. */
		uint32_t gfn = __atomic_load_n(w + 1, __ATOMIC_ACQUIRE);
		int rc = gnttab_own_frame(gt->dom, gfn, ro, &a->pa);
		if (rc) {
			release_bits(gt, ref, a, ro);
			return rc;
		}
		a->domid = who;
	} else if (frame_get(a->pa)) {
		release_bits(gt, ref, a, ro);
		return GNTST_general_error;
	}
	if (ro)
		a->rd++;
	else
		a->wr++;
	*pa = a->pa;
	return GNTST_okay;
}

void gnttab_unpin(struct gnttab *gt, grant_ref_t ref, bool ro)
{
	struct gnttab_active *a = &gt->active[ref / GNTTAB_PER_FRAME][ref % GNTTAB_PER_FRAME];

	if (ro)
		a->rd--;
	else
		a->wr--;
	release_bits(gt, ref, a, ro);
}

int16_t gnttab_swap(struct gnttab *gt, grant_ref_t a, grant_ref_t b)
{
	if (a >= gt->nr_frames * GNTTAB_PER_FRAME || b >= gt->nr_frames * GNTTAB_PER_FRAME)
		return GNTST_bad_gntref;
	if (a == b)
		return GNTST_okay;
	const struct gnttab_active *x = &gt->active[a / GNTTAB_PER_FRAME][a % GNTTAB_PER_FRAME];
	const struct gnttab_active *y = &gt->active[b / GNTTAB_PER_FRAME][b % GNTTAB_PER_FRAME];
	if (x->rd || x->wr || y->rd || y->wr)
		return GNTST_eagain; /* in use: the granter must wait for the mapper */
	uint64_t *ea = (uint64_t *)entry_word(gt, a), *eb = (uint64_t *)entry_word(gt, b);
	uint64_t t = __atomic_load_n(ea, __ATOMIC_RELAXED);
	__atomic_store_n(ea, __atomic_load_n(eb, __ATOMIC_RELAXED), __ATOMIC_RELAXED);
	__atomic_store_n(eb, t, __ATOMIC_RELAXED);
	return GNTST_okay;
}

/* Moves table frame @idx to @gfn; under the table's lock. */
static long place_frame(struct domain *d, struct gnttab *gt, unsigned idx, uint64_t gfn)
{
	ipa_t ipa = ipa_init(gfn << PAGE_SHIFT);
	paddr_t old;
	enum p2m_type t = p2m_lookup(&d->p2m, ipa, &old, NULL);

	if (t != P2M_INVALID && t != P2M_RAM_RW && t != P2M_RAM_RO)
		return -XEN_EBUSY;
	if (gt->gfn[idx] != GNTTAB_GFN_NONE && gt->gfn[idx] != gfn) {
		/* Only if it is still there: the guest may have put something else at the old place. */
		paddr_t was;
		ipa_t old_ipa = ipa_init(gt->gfn[idx] << PAGE_SHIFT);
		if (p2m_lookup(&d->p2m, old_ipa, &was, NULL) == P2M_RAM_RW && pa_addr(was) == pa_addr(gt->frame[idx])) {
			int rc = p2m_unmap(&d->p2m, old_ipa, PAGE_SIZE);
			if (rc)
				return rc;
		}
		gt->gfn[idx] = GNTTAB_GFN_NONE;
	}
	int rc = p2m_map(&d->p2m, ipa, gt->frame[idx], PAGE_SIZE, P2M_RAM_RW);
	if (rc)
		return rc;
	gt->gfn[idx] = gfn;
	if (t == P2M_INVALID || pa_addr(old) == pa_addr(gt->frame[idx]))
		return 0;
	/* What the frame displaced: another table frame is merely unmapped, shared_info too (as
	 * Xen's p2m would leave it), the domain's own RAM page goes back to the allocator. */
	for (unsigned i = 0; i < gt->nr_frames; i++)
		if (pa_addr(gt->frame[i]) == pa_addr(old))
			gt->gfn[i] = GNTTAB_GFN_NONE;
	if (pa_addr(old) == pa_addr(d->shared_info))
		d->shared_gfn = SHARED_UNMAPPED;
	else if (frame_owner(old) == d->id)
		frame_free(d->id, old, 0);
	return 0;
}

long gnttab_map_frame(struct domain *d, uint64_t idx, uint64_t gfn)
{
	struct gnttab *gt = d->gnttab;

	if (!gt || (idx & XENMAPIDX_grant_table_status) || idx >= GNTTAB_MAX_FRAMES ||
	    gfn >> (d->p2m.geo.ipa_bits - PAGE_SHIFT))
		return -XEN_EINVAL;
	spin_lock(&gt->lock);
	long rc = -XEN_EINVAL;
	if (gt->dom == d && (idx < gt->nr_frames || grow(gt, (unsigned)idx + 1)))
		rc = place_frame(d, gt, (unsigned)idx, gfn);
	spin_unlock(&gt->lock);
	return rc;
}

/* For setup_table: the table grown to @n frames and where each of the first @n is mapped. */
int gnttab_frames(struct gnttab *gt, unsigned n, uint64_t *gfns)
{
	if (n > GNTTAB_MAX_FRAMES || !grow(gt, n))
		return GNTST_general_error;
	for (unsigned i = 0; i < n; i++)
		gfns[i] = gt->gfn[i];
	return GNTST_okay;
}
