#include "dom/dom_pv.h"

#include "evtchn/evtchn.h"
#include "gnttab/gnttab.h"
#include "mm/frame.h"
#include "public/memory.h"

/* One page and its channel: a fresh frame of @d's at @gfn, an unbound port for @backend, the two
 * params the guest finds them by, the grant the backend maps the page with. */
static int channel(struct domain *d, domid_t backend, uint64_t gfn, unsigned pfn_param, unsigned port_param,
		   grant_ref_t ref)
{
	paddr_t pa;
	int rc = frame_alloc(d->id, 0, &pa);

	if (rc)
		return rc;
	rc = p2m_map(&d->p2m, ipa_init(gfn << PAGE_SHIFT), pa, PAGE_SIZE, P2M_RAM_RW);
	if (rc) {
		frame_free(d->id, pa, 0);
		return rc;
	}
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = backend };
	rc = (int)evtchn_alloc_unbound(d, &a);
	rc = rc ?: (int)gnttab_seed(d, ref, backend, gfn);
	if (rc)
		return rc; /* the frame is mapped and owned: domain_destroy returns it */
	d->hvm_param[pfn_param] = gfn;
	d->hvm_param[port_param] = a.port;
	return 0;
}

int dom_pv_setup(struct domain *d, domid_t backend)
{
	int rc = channel(d, backend, DOM_PV_CONSOLE_GFN, HVM_PARAM_CONSOLE_PFN, HVM_PARAM_CONSOLE_EVTCHN,
			 GNTTAB_RESERVED_CONSOLE);
	return rc
		   ?: channel(d, backend, DOM_PV_XENSTORE_GFN, HVM_PARAM_STORE_PFN, HVM_PARAM_STORE_EVTCHN,
			      GNTTAB_RESERVED_XENSTORE);
}
