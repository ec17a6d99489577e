/* map_grant_ref and unmap_grant_ref: another domain's granted frame at an IPA of the mapper's,
 * tracked by a handle that holds everything needed to undo it. Never two tables' locks at once. */
#include "gnttab/gnttab_int.h"

#include "mm/frame.h"
#include "mm/heap.h"

static struct gnttab_map *mt_at(struct gnttab *gt, uint32_t h)
{
	return &gt->mt[h / GNTTAB_MT_CHUNK][h % GNTTAB_MT_CHUNK];
}

/* A free handle, marked busy; GNTTAB_MT_NONE when the domain holds the maximum or memory ran out. */
static uint32_t mt_get(struct gnttab *gt)
{
	uint32_t h = GNTTAB_MT_NONE;

	spin_lock(&gt->lock);
	if (gt->mt_free == GNTTAB_MT_NONE && gt->mt_chunks < GNTTAB_MAX_MAPS / GNTTAB_MT_CHUNK) {
		struct gnttab_map *c = heap_alloc(GNTTAB_MT_CHUNK * sizeof(*c));
		if (c) {
			uint32_t base = gt->mt_chunks * GNTTAB_MT_CHUNK;
			gt->mt[gt->mt_chunks++] = c;
			for (uint32_t i = GNTTAB_MT_CHUNK; i-- > 0;) {
				c[i].next_free = gt->mt_free;
				gt->mt_free = base + i;
			}
		}
	}
	if (gt->mt_free != GNTTAB_MT_NONE) {
		h = gt->mt_free;
		struct gnttab_map *m = mt_at(gt, h);
		gt->mt_free = m->next_free;
		m->state = GNTTAB_MT_BUSY;
	}
	spin_unlock(&gt->lock);
	return h;
}

/* Under the lock. */
static void mt_put(struct gnttab *gt, uint32_t h)
{
	struct gnttab_map *m = mt_at(gt, h);

	m->state = GNTTAB_MT_FREE;
	m->next_free = gt->mt_free;
	gt->mt_free = h;
}

/* Gives back a pin and its frame reference, whether or not the granter is still there. */
static void release(domid_t granter, uint64_t gen, grant_ref_t ref, bool ro, paddr_t pa)
{
	struct gnttab *rgt = gnttab_lock_live(granter, gen);

	if (rgt) {
		gnttab_unpin(rgt, ref, ro);
		gnttab_unlock(rgt);
	}
	frame_put(pa);
}

/* Puts the frame at @gfn of the mapper's p2m, which must be a hole (a ballooned-out page or an
 * unused IPA, as Linux maps grants): under the mapper's lock, so two vCPUs cannot race for it. */
static int16_t host_map(struct domain *ld, uint64_t gfn, paddr_t pa, bool ro)
{
	ipa_t ipa = ipa_init(gfn << PAGE_SHIFT);

	if (gfn >> (ld->p2m.geo.ipa_bits - PAGE_SHIFT))
		return GNTST_general_error;
	/* The check and the map in one step: memory_op maps without this table's lock. */
	return p2m_map_new(&ld->p2m, ipa, pa, PAGE_SIZE, ro ? P2M_GRANT_RO : P2M_GRANT_RW) ? GNTST_general_error
											   : GNTST_okay;
}

int16_t gnttab_map_one(struct domain *ld, struct gnttab_map_grant_ref *op)
{
	struct gnttab *lgt = ld->gnttab;
	bool ro = op->flags & GNTMAP_readonly;
	paddr_t pa;

	/* Xen's order of checks, so each misuse gets Xen's status. */
	if (!(op->flags & (GNTMAP_device_map | GNTMAP_host_map)))
		return GNTST_bad_gntref;
	if (op->flags & (GNTMAP_device_map | GNTMAP_application_map | GNTMAP_contains_pte))
		return GNTST_general_error; /* an arm guest has no device or PTE mappings */
	struct gnttab *rgt = gnttab_lock_live(op->dom, 0);
	if (!rgt)
		return GNTST_bad_domain;
	uint64_t gen = rgt->gen;
	gnttab_unlock(rgt);
	uint32_t h = mt_get(lgt);
	if (h == GNTTAB_MT_NONE)
		return GNTST_no_device_space;

	int16_t rc = GNTST_bad_domain;
	rgt = gnttab_lock_live(op->dom, gen);
	if (rgt) {
		rc = (int16_t)gnttab_pin(rgt, op->ref, ld->id, ro, true, &pa);
		/* Only a plain host mapping, with the cache attributes the granter cannot choose on arm. */
		if (rc == GNTST_okay && ((op->flags & ~GNTMAP_readonly) != GNTMAP_host_map ||
					 (gnttab_entry_flags(rgt, op->ref) & (GTF_PWT | GTF_PCD | GTF_PAT)))) {
			gnttab_unpin(rgt, op->ref, ro);
			frame_put(pa);
			rc = GNTST_general_error;
		}
		gnttab_unlock(rgt);
	}
	if (rc == GNTST_okay) {
		spin_lock(&lgt->lock);
		rc = host_map(ld, op->host_addr >> PAGE_SHIFT, pa, ro);
		if (rc == GNTST_okay) {
			*mt_at(lgt, h) = (struct gnttab_map){ .state = GNTTAB_MT_LIVE,
							      .ro = ro,
							      .granter = op->dom,
							      .ref = op->ref,
							      .next_free = GNTTAB_MT_NONE,
							      .gen = gen,
							      .gfn = op->host_addr >> PAGE_SHIFT,
							      .pa = pa };
			lgt->maps_live++;
		}
		spin_unlock(&lgt->lock);
		if (rc != GNTST_okay)
			release(op->dom, gen, op->ref, ro, pa);
	}
	if (rc != GNTST_okay) {
		spin_lock(&lgt->lock);
		mt_put(lgt, h);
		spin_unlock(&lgt->lock);
		return rc;
	}
	op->handle = h;
	op->dev_bus_addr = pa_addr(pa);
	return GNTST_okay;
}

int16_t gnttab_unmap_one(struct domain *ld, uint64_t host_addr, grant_handle_t h, uint64_t new_addr)
{
	struct gnttab *lgt = ld->gnttab;

	spin_lock(&lgt->lock);
	struct gnttab_map *m = h < lgt->mt_chunks * GNTTAB_MT_CHUNK ? mt_at(lgt, h) : NULL;
	int16_t rc = GNTST_okay;
	/* dev_bus_addr is only checked against device mappings, which arm guests cannot make. */
	if (!m || m->state != GNTTAB_MT_LIVE)
		rc = GNTST_bad_handle;
	if (rc || !host_addr) {
		/* Xen: host_addr 0 asks to undo no host mapping, so nothing is done, successfully. */
		spin_unlock(&lgt->lock);
		return rc;
	}
	if (new_addr) {
		/* Moving a grant mapping elsewhere is for PV page tables, not an arm p2m. */
		spin_unlock(&lgt->lock);
		return GNTST_general_error;
	}
	/* Where it was put, and still this frame as a grant: else the guest has replaced it. */
	ipa_t ipa = ipa_init(m->gfn << PAGE_SHIFT);
	paddr_t now;
	enum p2m_type t = p2m_lookup(&ld->p2m, ipa, &now, NULL);
	if (host_addr >> PAGE_SHIFT != m->gfn || (t != P2M_GRANT_RW && t != P2M_GRANT_RO) ||
	    pa_addr(now) != pa_addr(m->pa) || p2m_unmap(&ld->p2m, ipa, PAGE_SIZE)) {
		spin_unlock(&lgt->lock);
		return GNTST_general_error;
	}
	struct gnttab_map done = *m;
	mt_put(lgt, h);
	lgt->maps_live--;
	spin_unlock(&lgt->lock);
	release(done.granter, done.gen, done.ref, done.ro, done.pa);
	return GNTST_okay;
}

void gnttab_unmap_all(struct domain *d)
{
	struct gnttab *gt = d->gnttab;

	/* No vCPU of @d runs: its maptrack changes no more. Its p2m goes next, mappings and all. */
	for (uint32_t h = 0; h < gt->mt_chunks * GNTTAB_MT_CHUNK; h++) {
		struct gnttab_map *m = mt_at(gt, h);
		if (m->state != GNTTAB_MT_LIVE)
			continue;
		struct gnttab_map done = *m;
		spin_lock(&gt->lock);
		mt_put(gt, h);
		gt->maps_live--;
		spin_unlock(&gt->lock);
		release(done.granter, done.gen, done.ref, done.ro, done.pa);
	}
}
