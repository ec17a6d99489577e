/* memory_op: XENMEM_add_to_physmap for the shared_info page, as Linux uses it at boot. The other
 * spaces (grant table, foreign frames, device MMIO) arrive with the subsystems that own them. */
#include "hcall/hcall.h"
#include "gnttab/gnttab.h"
#include "mm/frame.h"
#include "mm/guest_copy.h"
#include "public/errno.h"

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
		return -XEN_EBUSY; /* MMIO or a grant: not the domain's to overwrite this way */
	if (d->shared_gfn != SHARED_UNMAPPED && d->shared_gfn != gfn) {
		int rc = p2m_unmap(&d->p2m, ipa_init(d->shared_gfn << PAGE_SHIFT), PAGE_SIZE);
		if (rc)
			return rc;
	}
	int rc = p2m_map(&d->p2m, ipa, d->shared_info, PAGE_SIZE, P2M_RAM_RW);
	if (rc)
		return rc;
	if (t != P2M_INVALID && pa_addr(old) != pa_addr(d->shared_info) && frame_owner(old) == d->id)
		frame_free(d->id, old, 0);
	d->shared_gfn = gfn;
	return 0;
}

static long add_to_physmap(struct vcpu *v, uint64_t gva)
{
	struct xen_add_to_physmap x;

	if (copy_from_guest(&v->ctx, &v->dom->p2m, &x, gva, sizeof(x)))
		return -XEN_EFAULT;
	struct domain *d = x.domid == DOMID_SELF ? v->dom : domain_by_id(x.domid);
	if (!d)
		return -XEN_ESRCH;
	if (d != v->dom && !v->dom->privileged)
		return -XEN_EPERM;
	switch (x.space) {
	case XENMAPSPACE_shared_info: return x.idx == 0 ? map_shared_info(d, x.gpfn) : -XEN_EINVAL;
	case XENMAPSPACE_grant_table: return gnttab_map_frame(d, x.idx, x.gpfn);
	default:
		/* Grant tables, foreign frames and device MMIO arrive with their subsystems; unknown
		 * spaces get Xen's answer too. */
		return -XEN_ENOSYS;
	}
}

long hcall_memory_op(struct vcpu *v, const uint64_t *a, bool *yield)
{
	(void)yield;
	switch (a[0] & MEMOP_CMD_MASK) {
	case XENMEM_add_to_physmap: return add_to_physmap(v, a[1]);
	default: return -XEN_ENOSYS;
	}
}
