/* The invariants every harness on the three-domain machine checks after each step. */
#include "world_check.h"

#include "evtchn/evtchn_int.h"
#include "gnttab/gnttab_int.h"
#include "hal/mmu.h"
#include "hcall_world.h"
#include "mm/frame.h"
#include "mm/frame_table.h"
#include "mm/p2m.h"
#include "mm/p2m_desc.h"

/* Everything here runs after every step: kept out of the engines' tracing, and reading the
 * tables itself rather than through the core's traced, locked lookups. */
WORLD_UNTRACED_BEGIN

#ifdef WORLD_SNAPSHOT
#pragma clang section bss = "" data = "" /* the checker's state is not the machine's */
#endif

#ifndef XEN_EILSEQ
#define XEN_EILSEQ 84 /* Xen's value: include/public/errno.h gains it with the foreign-mapping work */
#endif

bool world_grant_pinned_rw(domid_t granter, domid_t who, paddr_t pa)
{
	struct gnttab *gt = gnttab_lock_live(granter, 0);
	bool found = false;

	if (!gt)
		return false;
	for (unsigned f = 0; f < gt->nr_frames && !found; f++)
		for (unsigned i = 0; gt->active[f] && i < GNTTAB_PER_FRAME && !found; i++) {
			const struct gnttab_active *a = &gt->active[f][i];
			found = a->wr && a->domid == who && pa_addr(a->pa) == pa_addr(pa);
		}
	gnttab_unlock(gt);
	return found;
}

enum p2m_type world_p2m_lookup(const struct p2m *p2m, uint64_t ipa, paddr_t *pa)
{
	if (!pa_addr(p2m->root) || ipa >> p2m->geo.ipa_bits)
		return P2M_INVALID;
	unsigned level = p2m->geo.start_level;
	/* The root's pages are concatenated: its index runs past 512. */
	uint64_t d = ((const uint64_t *)hal_pa_to_va(p2m->root))[ipa >> p2m_shift(level)];
	while (pte_is_table(d, level)) {
		level++;
		d = ((const uint64_t *)hal_pa_to_va(pa_init(pte_oa(d))))[(ipa >> p2m_shift(level)) % P2M_PTES];
	}
	if (!pte_valid(d))
		return P2M_INVALID;
	*pa = pa_init(pte_oa(d) + (ipa & ((UINT64_C(1) << p2m_shift(level)) - 1)));
	return pte_type(d);
}

domid_t world_frame_owner(paddr_t pa)
{
	uint64_t pfn = pa_pfn(pa);
	for (unsigned i = 0; i < frame_st.banks; i++) {
		const struct frame_bank *b = &frame_st.bank[i];
		if (pfn - b->pfn < b->count) {
			const struct frame *f = &frame_st.table[b->first + (pfn - b->pfn)];
			return f->flags & FRAME_F_RESERVED ? DOMID_INVALID : f->owner;
		}
	}
	return DOMID_INVALID;
}

bool world_xen_errno(long rc)
{
	static const long known[] = { XEN_EPERM,  XEN_ENOENT,  XEN_ESRCH,  XEN_EINTR,   XEN_EIO,      XEN_ENXIO,
				      XEN_E2BIG,  XEN_EBADF,   XEN_EAGAIN, XEN_ENOMEM,  XEN_EACCES,   XEN_EFAULT,
				      XEN_EBUSY,  XEN_EEXIST,  XEN_ENODEV, XEN_EINVAL,  XEN_ENOSPC,   XEN_ERANGE,
				      XEN_ENOSYS, XEN_ENOTSUP, XEN_EILSEQ, XEN_ENODATA, XEN_ETIMEDOUT };
	if (rc >= 0)
		return true;
	for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (rc == -known[i])
			return true;
	return false;
}

void world_check_ownership(void)
{
	uint64_t xen[WORLD_DOMS][WORLD_PAGES];
	unsigned nxen[WORLD_DOMS] = { 0 };

	for (unsigned d = 0; d < WORLD_DOMS; d++)
		for (unsigned i = 0; i < WORLD_PAGES; i++) {
			paddr_t pa;
			enum p2m_type t = world_p2m_lookup(&world[d].d.p2m, (WORLD_RAM_GFN + i) << 12, &pa);
			if (t != P2M_RAM_RW && t != P2M_RAM_RO)
				continue;
			domid_t owner = world_frame_owner(pa);
			CHECK(owner == world[d].d.id || owner == DOMID_XEN);
			if (owner == DOMID_XEN)
				xen[d][nxen[d]++] = pa_addr(pa);
		}
	for (unsigned d = 0; d < WORLD_DOMS; d++)
		for (unsigned e = d + 1; e < WORLD_DOMS; e++)
			for (unsigned i = 0; i < nxen[d]; i++)
				for (unsigned j = 0; j < nxen[e]; j++)
					CHECK(xen[d][i] != xen[e][j]);
}

/* Read straight from the port tables, not through evtchn_status: this runs after every step, and
 * the core's own code would be traced by the engines (and take its locks) a hundred times a call. */
void world_check_ports(void)
{
	for (unsigned d = 0; d < WORLD_DOMS; d++) {
		const struct evtchn_dom *e = world[d].d.evtchn;
		for (evtchn_port_t p = 1; e && p < e->nr_valid; p++) {
			const struct evtchn_port *pt = &e->bucket[p / EVTCHN_BUCKET_PORTS][p % EVTCHN_BUCKET_PORTS];
			if (pt->state != ECS_INTERDOMAIN)
				continue;
			const struct domain *peer = domain_by_id(pt->rdom);
			CHECK(peer && peer->evtchn && pt->rport < peer->evtchn->nr_valid);
			const struct evtchn_port *back =
			    &peer->evtchn->bucket[pt->rport / EVTCHN_BUCKET_PORTS][pt->rport % EVTCHN_BUCKET_PORTS];
			CHECK(back->state == ECS_INTERDOMAIN && back->rdom == world[d].d.id && back->rport == p);
		}
	}
}

WORLD_UNTRACED_END
