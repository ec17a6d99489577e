/* The control domain's view of domains it built: unpause, destroy, their state and their PV
 * wiring, through domctls and HVM params. */
#include "guests/lib/tools/int.h"

#include "lib/guest.h"
#include "public/errno.h"

static int simple_domctl(struct tools_state *s, uint32_t cmd, domid_t dom)
{
	tools_domctl_init(s, cmd, dom);
	return (int)tools_domctl(s);
}

int gl_tools_unpause(domid_t dom)
{
	struct tools_state *s = tools_get();

	return s ? simple_domctl(s, XEN_DOMCTL_unpausedomain, dom) : -XEN_EINVAL;
}

/* Xen may answer -EAGAIN while it relinquishes a large domain's memory: ask again, as libxc does. */
int gl_tools_destroy(domid_t dom)
{
	struct tools_state *s = tools_get();
	int rc;

	if (!s)
		return -XEN_EINVAL;
	while ((rc = simple_domctl(s, XEN_DOMCTL_destroydomain, dom)) == -XEN_EAGAIN)
		gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
	return rc;
}

int gl_tools_state(domid_t dom, struct gl_dom_state *st)
{
	struct tools_state *s = tools_get();

	if (!s)
		return -XEN_EINVAL;
	int rc = simple_domctl(s, XEN_DOMCTL_getdomaininfo, dom);
	const struct xen_domctl_getdomaininfo *i = &s->a.op.domctl.u.getdomaininfo;
	/* getdomaininfo answers with the first domain at or after @dom. */
	if (rc || i->domain != dom)
		return rc ?: -XEN_ESRCH;
	st->dying = i->flags & XEN_DOMINF_dying;
	st->shutdown = i->flags & XEN_DOMINF_shutdown;
	st->paused = i->flags & XEN_DOMINF_paused;
	st->running = i->flags & XEN_DOMINF_running;
	st->blocked = i->flags & XEN_DOMINF_blocked;
	st->shutdown_reason = (i->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
	st->tot_pages = i->tot_pages;
	return 0;
}

int gl_tools_pv(domid_t dom, struct gl_dom_pv *pv)
{
	struct tools_state *s = tools_get();
	uint64_t v[4];
	static const uint32_t index[4] = { HVM_PARAM_CONSOLE_PFN, HVM_PARAM_CONSOLE_EVTCHN, HVM_PARAM_STORE_PFN,
					   HVM_PARAM_STORE_EVTCHN };
	int rc = s ? 0 : -XEN_EINVAL;

	for (unsigned i = 0; i < 4 && !rc; i++)
		rc = tools_hvm_param(s, false, dom, index[i], &v[i]);
	if (rc)
		return rc;
	*pv = (struct gl_dom_pv){ .console_gfn = v[0],
				  .console_port = (evtchn_port_t)v[1],
				  .store_gfn = v[2],
				  .store_port = (evtchn_port_t)v[3] };
	return 0;
}
