/* memory_op: the commands, the target domain each names, continuations, and add_to_physmap of
 * shared_info and grant-table frames. Reservations are in mem_populate.c, GFN mappings in
 * mem_foreign.c. */
#include "mem_int.h"

#include "gnttab/gnttab.h"
#include "mm/frame.h"
#include "mm/guest_copy.h"
#include "public/errno.h"

spinlock_t mem_lock = SPINLOCK_INIT;

struct domain *mem_target(struct vcpu *v, domid_t domid, long *rc)
{
	if (domid == DOMID_SELF || domid == v->dom->id)
		return v->dom;
	struct domain *d = domain_get(domid);
	if (!d) {
		*rc = -XEN_ESRCH;
		return NULL;
	}
	if (!v->dom->privileged) {
		domain_put(d);
		*rc = -XEN_EPERM;
		return NULL;
	}
	return d;
}

void mem_put(struct vcpu *v, struct domain *d)
{
	if (d != v->dom)
		domain_put(d);
}

long mem_continue(struct vcpu *v, uint64_t cmd, uint64_t next)
{
	v->ctx.pc -= 4;
	return (long)((cmd & MEMOP_CMD_MASK) | next << MEMOP_EXTENT_SHIFT);
}

/* Puts @d's shared_info at @gfn: any earlier mapping of it goes (a page is shared in one place),
 * and a RAM page of the domain's that was at @gfn is handed back to the allocator, as Xen does. */
static long map_shared_info(struct domain *d, uint64_t gfn)
{
	ipa_t ipa = ipa_init(gfn << PAGE_SHIFT);
	paddr_t old;

	if (gfn >> (d->p2m.geo.ipa_bits - PAGE_SHIFT))
		return -XEN_EINVAL;
	enum p2m_type t = p2m_lookup(&d->p2m, ipa, &old, NULL);
	if (t != P2M_INVALID && t != P2M_RAM_RW && t != P2M_RAM_RO)
		return -XEN_EBUSY; /* MMIO, a grant or a foreign page: not to be overwritten this way */
	if (d->shared_gfn != SHARED_UNMAPPED && d->shared_gfn != gfn) {
		int rc = p2m_unmap(&d->p2m, ipa_init(d->shared_gfn << PAGE_SHIFT), PAGE_SIZE);
		if (rc)
			return rc;
	}
	int rc = p2m_map(&d->p2m, ipa, d->shared_info, PAGE_SIZE, P2M_RAM_RW);
	if (rc)
		return rc;
	if (t != P2M_INVALID && pa_addr(old) != pa_addr(d->shared_info) && frame_owner(old) == d->id)
		frame_release(d->id, old);
	d->shared_gfn = gfn;
	return 0;
}

long mem_add_one(struct vcpu *v, struct domain *d, unsigned space, domid_t foreign, uint64_t idx, uint64_t gfn)
{
	long rc;

	switch (space) {
	case XENMAPSPACE_shared_info:
		if (idx)
			return -XEN_EINVAL;
		spin_lock(&mem_lock);
		rc = map_shared_info(d, gfn);
		spin_unlock(&mem_lock);
		return rc;
	case XENMAPSPACE_grant_table: return gnttab_map_frame(d, idx, gfn);
	case XENMAPSPACE_gmfn_foreign: return mem_map_foreign(v, d, foreign, idx, gfn);
	default: return -XEN_ENOSYS; /* moving own pages (gmfn) and device MMIO: not served */
	}
}

static long add_to_physmap(struct vcpu *v, uint64_t cmd, uint64_t gva)
{
	struct xen_add_to_physmap x;
	long rc = 0;

	(void)cmd;
	if (copy_from_guest(&v->ctx, &v->dom->p2m, &x, gva, sizeof(x)))
		return -XEN_EFAULT;
	/* A foreign page needs its domain, which only the batch carries: Xen's answer. */
	if (x.space == XENMAPSPACE_gmfn_foreign)
		return -XEN_ENOSYS;
	struct domain *d = mem_target(v, x.domid, &rc);
	if (!d)
		return rc;
	rc = mem_add_one(v, d, x.space, DOMID_INVALID, x.idx, x.gpfn);
	mem_put(v, d);
	return rc;
}

long hcall_memory_op(struct vcpu *v, const uint64_t *a, bool *yield)
{
	(void)yield;
	switch (a[0] & MEMOP_CMD_MASK) {
	case XENMEM_populate_physmap:
	case XENMEM_decrease_reservation: return mem_reservation(v, a[0], a[1]);
	case XENMEM_add_to_physmap: return add_to_physmap(v, a[0], a[1]);
	case XENMEM_add_to_physmap_batch: return mem_add_batch(v, a[0], a[1]);
	case XENMEM_remove_from_physmap: return mem_remove(v, a[0], a[1]);
	default: return -XEN_ENOSYS;
	}
}
