/* Reservations: XENMEM_populate_physmap gives a domain RAM at the GFNs it names (a DomU new frames
 * within its max_mem; a 1:1 domain its own frames back where they are, its DMA addresses), and
 * XENMEM_decrease_reservation takes pages back. As in Xen the answer is the extents done: a bad
 * argument or extent ends the call early, it never returns an errno. */
#include "mem_int.h"

#include "mm/frame.h"
#include "mm/guest_copy.h"

/* Xen's defaults (CONFIG_DOMU_MAX_ORDER, CONFIG_CTLDOM_MAX_ORDER): the largest extent a caller asks. */
#define DOMU_MAX_ORDER   9
#define CTLDOM_MAX_ORDER 12

static bool range_ok(const struct domain *d, uint64_t gfn, unsigned order)
{
	uint64_t limit = UINT64_C(1) << (d->p2m.geo.ipa_bits - PAGE_SHIFT);
	return gfn < limit && (UINT64_C(1) << order) <= limit - gfn;
}

/* An extent at @gfn, aligned to its size, where there is nothing yet. */
static bool populate_one(struct domain *d, uint64_t gfn, unsigned order)
{
	uint64_t pages = UINT64_C(1) << order;
	paddr_t pa = pa_init(gfn << PAGE_SHIFT);

	if ((gfn & (pages - 1)) || !range_ok(d, gfn, order))
		return false;
	if (domain_direct_mapped(d)) {
		/* 1:1: only frames it still holds (decrease_reservation left them its own). */
		for (uint64_t i = 0; i < pages; i++)
			if (frame_owner(pa_add(pa, i << PAGE_SHIFT)) != d->id)
				return false;
	} else if (!domain_may_grow(d, pages) || frame_alloc(d->id, order, &pa)) {
		return false;
	}
	/* Only into a hole: a grant mapped there meanwhile (the grant table's own lock) is not lost. */
	if (!p2m_map_new(&d->p2m, ipa_init(gfn << PAGE_SHIFT), pa, pages << PAGE_SHIFT, P2M_RAM_RW))
		return true;
	if (!domain_direct_mapped(d))
		frame_free(d->id, pa, order);
	return false;
}

/* Each page of the extent must be the domain's own RAM (not its shared_info, which it keeps). A
 * freed page another domain still maps goes when they let go; a 1:1 domain keeps its frames. */
static bool decrease_one(struct domain *d, uint64_t gfn, unsigned order)
{
	if (!range_ok(d, gfn, order))
		return false;
	for (uint64_t i = 0; i < (UINT64_C(1) << order); i++) {
		ipa_t ipa = ipa_init((gfn + i) << PAGE_SHIFT);
		paddr_t pa;
		enum p2m_type t = p2m_lookup(&d->p2m, ipa, &pa, NULL);
		if ((t != P2M_RAM_RW && t != P2M_RAM_RO) || frame_owner(pa) != d->id ||
		    pa_addr(pa) == pa_addr(d->shared_info) || p2m_unmap(&d->p2m, ipa, PAGE_SIZE))
			return false;
		if (!domain_direct_mapped(d))
			frame_release(d->id, pa);
	}
	return true;
}

long mem_reservation(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct xen_memory_reservation r;
	uint64_t i = cmd >> MEMOP_EXTENT_SHIFT;
	bool populate = (cmd & MEMOP_CMD_MASK) == XENMEM_populate_physmap;
	long rc = 0;

	if (copy_from_guest(&v->ctx, &v->dom->p2m, &r, arg, sizeof(r)) ||
	    r.nr_extents > (UINT32_MAX >> MEMOP_EXTENT_SHIFT) || i >= r.nr_extents ||
	    r.extent_order > (v->dom->privileged ? CTLDOM_MAX_ORDER : DOMU_MAX_ORDER) ||
	    (populate && (r.mem_flags & XENMEMF_populate_on_demand)))
		return (long)i;
	struct domain *d = mem_target(v, r.domid, &rc);
	if (!d)
		return (long)i;
	for (unsigned n = 0; i < r.nr_extents; i++, n++) {
		uint64_t gfn;
		if (n == MEM_CHUNK) {
			rc = mem_continue(v, cmd, i);
			break;
		}
		if (copy_from_guest(&v->ctx, &v->dom->p2m, &gfn, r.extent_start + 8 * i, sizeof(gfn)))
			break;
		spin_lock(&mem_lock);
		bool ok = populate ? populate_one(d, gfn, r.extent_order) : decrease_one(d, gfn, r.extent_order);
		spin_unlock(&mem_lock);
		if (!ok)
			break;
	}
	mem_put(v, d);
	return rc ? rc : (long)i; /* a continuation's command is never 0 */
}
