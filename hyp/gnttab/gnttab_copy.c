/* GNTTABOP_copy: bytes between two frames, each named by a grant reference (pinned for the copy,
 * GTF_reading/GTF_writing set meanwhile) or, for the caller's own memory, by a GFN. */
#include "gnttab/gnttab_int.h"

#include "hal/mmu.h"
#include "mm/frame.h"

/* One end of a copy, claimed. */
struct end {
	bool gref;
	domid_t granter;
	uint64_t gen;
	grant_ref_t ref;
	paddr_t pa;
};

/* Xen's gnttab_copy_lock_domain: a GFN only of the caller's own (named DOMID_SELF), a reference
 * of any live domain's. */
static int16_t check_domain(struct domain *cd, const struct gnttab_copy_ptr *p, bool gref, domid_t *id)
{
	if (p->domid != DOMID_SELF && !gref)
		return GNTST_permission_denied;
	*id = p->domid == DOMID_SELF ? cd->id : p->domid;
	struct gnttab *gt = gnttab_lock_live(*id, 0);
	if (!gt)
		return GNTST_bad_domain;
	gnttab_unlock(gt);
	return GNTST_okay;
}

static int16_t claim(struct domain *cd, const struct gnttab_copy_ptr *p, domid_t id, bool gref, bool ro, struct end *e)
{
	e->gref = gref;
	if (!gref)
		return (int16_t)gnttab_own_frame(cd, p->u.gmfn, ro, &e->pa);
	struct gnttab *gt = gnttab_lock_live(id, 0);
	if (!gt)
		return GNTST_bad_domain;
	e->granter = id;
	e->gen = gt->gen;
	e->ref = p->u.ref;
	int16_t rc = (int16_t)gnttab_pin(gt, e->ref, cd->id, ro, false, &e->pa);
	gnttab_unlock(gt);
	return rc;
}

static void unclaim(const struct end *e, bool ro)
{
	if (e->gref) {
		struct gnttab *gt = gnttab_lock_live(e->granter, e->gen);
		if (gt) {
			gnttab_unpin(gt, e->ref, ro);
			gnttab_unlock(gt);
		}
	}
	frame_put(e->pa);
}

int16_t gnttab_copy_one(struct domain *cd, const struct gnttab_copy *op)
{
	bool src_gref = op->flags & GNTCOPY_source_gref, dst_gref = op->flags & GNTCOPY_dest_gref;
	domid_t src_id, dst_id;
	struct end src, dst;

	int16_t rc = check_domain(cd, &op->source, src_gref, &src_id);
	if (rc == GNTST_okay)
		rc = check_domain(cd, &op->dest, dst_gref, &dst_id);
	if (rc)
		return rc;
	rc = claim(cd, &op->source, src_id, src_gref, true, &src);
	if (rc)
		return rc;
	rc = claim(cd, &op->dest, dst_id, dst_gref, false, &dst);
	if (rc) {
		unclaim(&src, true);
		return rc;
	}
	/* Within each page (v1 grants are whole pages). Both frames are referenced: they stay. */
	if ((uint32_t)op->source.offset + op->len > PAGE_SIZE || (uint32_t)op->dest.offset + op->len > PAGE_SIZE) {
		rc = GNTST_bad_copy_arg;
	} else {
		uint8_t *to = hal_pa_to_va(dst.pa), *from = hal_pa_to_va(src.pa);
		__builtin_memmove(to + op->dest.offset, from + op->source.offset, op->len);
	}
	unclaim(&dst, false);
	unclaim(&src, true);
	return rc;
}
