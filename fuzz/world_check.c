/* The invariants every harness on the three-domain machine checks after each step. */
#include "world_check.h"

#include "evtchn/evtchn_int.h"
#include "hcall_world.h"
#include "mm/frame.h"
#include "mm/p2m.h"

#ifdef WORLD_SNAPSHOT
#pragma clang section bss = "" data = "" /* the checker's state is not the machine's */
#endif

#ifndef XEN_EILSEQ
#define XEN_EILSEQ 84 /* Xen's value: include/public/errno.h gains it with the foreign-mapping work */
#endif

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
			enum p2m_type t = p2m_lookup(&world[d].d.p2m, ipa_init((WORLD_RAM_GFN + i) << 12), &pa, NULL);
			if (t != P2M_RAM_RW && t != P2M_RAM_RO)
				continue;
			domid_t owner = frame_owner(pa);
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
WORLD_UNTRACED void world_check_ports(void)
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
