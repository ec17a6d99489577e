/* Mapping by GFN: the control domain maps another domain's pages into a p2m (gmfn_foreign, how a
 * toolstack loads a kernel and seeds grants), each holding a frame reference until
 * remove_from_physmap or the mapper's teardown; add_to_physmap_batch with a result per page. */
#include "mem_int.h"

#include "gnttab/gnttab.h"
#include "mm/frame.h"
#include "mm/guest_copy.h"
#include "public/errno.h"

static bool gfn_ok(const struct domain *d, uint64_t gfn) { return !(gfn >> (d->p2m.geo.ipa_bits - PAGE_SHIFT)); }

/* @od's page at @gfn, referenced: its own RAM, or one of its grant-table frames (shared with it, as
 * Xen shares them). -XEN_EINVAL for anything else, as Xen refuses a page it cannot take. */
static long take_page(struct domain *od, uint64_t gfn, paddr_t *pa, enum p2m_type *type)
{
	if (!gfn_ok(od, gfn))
		return -XEN_EINVAL;
	enum p2m_type t = p2m_lookup(&od->p2m, ipa_init(gfn << PAGE_SHIFT), pa, NULL);
	if ((t != P2M_RAM_RW && t != P2M_RAM_RO) || frame_get(*pa))
		return -XEN_EINVAL;
	/* Referenced first: the owner cannot change under the check. */
	domid_t owner = frame_owner(*pa);
	if (owner != od->id && !(owner == DOMID_XEN && gnttab_is_table_frame(od, *pa))) {
		frame_put(*pa);
		return -XEN_EINVAL;
	}
	*type = t == P2M_RAM_RW ? P2M_FOREIGN_RW : P2M_FOREIGN_RO;
	return 0;
}

/* Into @d's p2m at @gfn, a hole or an earlier foreign page (which goes, with its reference); the
 * caller holds mem_lock. Anything else there (RAM, a grant, MMIO) is not replaced: -XEN_EBUSY, also
 * when a grant took the hole meanwhile (the grant table maps under its own lock). */
static long place(struct domain *d, uint64_t gfn, paddr_t pa, enum p2m_type type)
{
	ipa_t ipa = ipa_init(gfn << PAGE_SHIFT);
	paddr_t old;
	enum p2m_type t = p2m_lookup(&d->p2m, ipa, &old, NULL);

	if (t == P2M_FOREIGN_RW || t == P2M_FOREIGN_RO) {
		long rc = p2m_unmap(&d->p2m, ipa, PAGE_SIZE);
		if (rc)
			return rc;
		frame_put(old);
	}
	return p2m_map_new(&d->p2m, ipa, pa, PAGE_SIZE, type);
}

long mem_map_foreign(struct vcpu *v, struct domain *d, domid_t foreign, uint64_t idx, uint64_t gfn)
{
	bool self = foreign == DOMID_SELF;
	struct domain *od = self ? v->dom : domain_get(foreign);
	paddr_t pa;
	enum p2m_type type;
	long rc;

	if (!od)
		return -XEN_ESRCH;
	if (od == d)
		rc = -XEN_EINVAL;
	else if (!d->privileged) /* Xen's XSM_TARGET for the mapper over the page's owner */
		rc = -XEN_EPERM;
	else if (!gfn_ok(d, gfn))
		rc = -XEN_EINVAL;
	else
		rc = take_page(od, idx, &pa, &type);
	if (!rc) {
		spin_lock(&mem_lock);
		rc = place(d, gfn, pa, type);
		spin_unlock(&mem_lock);
		if (rc)
			frame_put(pa);
	}
	if (!self)
		domain_put(od);
	return rc;
}

/* The pages of a batch from @i on: Xen's order (idx and gpfn read, the page done, its result
 * written), continued every MEM_CHUNK pages. A fault on the arrays fails the call. */
static long batch(struct vcpu *v, struct domain *d, const struct xen_add_to_physmap_batch *b, uint64_t cmd, uint64_t i)
{
	struct p2m *own = &v->dom->p2m;

	for (unsigned n = 0; i < b->size; i++, n++) {
		if (n == MEM_CHUNK)
			return mem_continue(v, cmd, i);
		uint64_t idx, gfn;
		if (copy_from_guest(&v->ctx, own, &idx, b->idxs + 8 * i, 8) ||
		    copy_from_guest(&v->ctx, own, &gfn, b->gpfns + 8 * i, 8))
			return -XEN_EFAULT;
		int32_t err = (int32_t)mem_add_one(v, d, b->space, b->foreign_domid, idx, gfn);
		if (copy_to_guest(&v->ctx, own, b->errs + 4 * i, &err, sizeof(err)))
			return -XEN_EFAULT;
	}
	return 0;
}

long mem_add_batch(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct xen_add_to_physmap_batch b;
	uint64_t start = cmd >> MEMOP_EXTENT_SHIFT;
	long rc = 0;

	if (copy_from_guest(&v->ctx, &v->dom->p2m, &b, arg, sizeof(b)))
		return -XEN_EFAULT;
	if (b.space == XENMAPSPACE_gmfn_range)
		return -XEN_ENOTSUP;
	if (start > b.size || (start == b.size && start))
		return -XEN_EILSEQ; /* a continuation past the batch: not ours */
	struct domain *d = mem_target(v, b.domid, &rc);
	if (!d)
		return rc;
	rc = batch(v, d, &b, cmd, start);
	mem_put(v, d);
	return rc;
}

/* Unmaps @gfn of @d: a foreign page (its reference goes), or a page of its own or of its grant
 * table, which stays its (Xen leaves it allocated). -XEN_ENOENT for a hole, a grant or MMIO. */
static long remove_page(struct domain *d, uint64_t gfn)
{
	ipa_t ipa = ipa_init(gfn << PAGE_SHIFT);
	paddr_t pa;
	enum p2m_type t = gfn_ok(d, gfn) ? p2m_lookup(&d->p2m, ipa, &pa, NULL) : P2M_INVALID;
	bool foreign = t == P2M_FOREIGN_RW || t == P2M_FOREIGN_RO;

	if (t != P2M_RAM_RW && t != P2M_RAM_RO && !foreign)
		return -XEN_ENOENT;
	domid_t owner = foreign ? DOMID_INVALID : frame_owner(pa);
	if (!foreign && owner != d->id && !(owner == DOMID_XEN && gnttab_is_table_frame(d, pa)))
		return -XEN_ENOENT;
	long rc = p2m_unmap(&d->p2m, ipa, PAGE_SIZE);
	if (rc)
		return rc;
	if (foreign)
		frame_put(pa);
	if (pa_addr(pa) == pa_addr(d->shared_info))
		d->shared_gfn = SHARED_UNMAPPED;
	return 0;
}

long mem_remove(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct xen_remove_from_physmap x;
	long rc = 0;

	if (cmd >> MEMOP_EXTENT_SHIFT)
		return -XEN_EINVAL;
	if (copy_from_guest(&v->ctx, &v->dom->p2m, &x, arg, sizeof(x)))
		return -XEN_EFAULT;
	struct domain *d = mem_target(v, x.domid, &rc);
	if (!d)
		return rc;
	spin_lock(&mem_lock);
	rc = remove_page(d, x.gpfn);
	spin_unlock(&mem_lock);
	mem_put(v, d);
	return rc;
}
