/* The hypercalls the toolstack makes, each with its arguments in the state's argument area (guest
 * memory, read by the hypervisor at the address the call passes). */
#include "guests/lib/tools/int.h"

#include "lib/guest.h"
#include "public/errno.h"

static void zero(void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((volatile uint8_t *)p)[i] = 0;
}

struct xen_domctl *tools_domctl_init(struct tools_state *s, uint32_t cmd, domid_t dom)
{
	struct xen_domctl *d = &s->a.op.domctl;

	zero(d, sizeof(*d));
	d->cmd = cmd;
	d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	d->domain = dom;
	return d;
}

long tools_domctl(struct tools_state *s)
{
	return gl_hypercall(__HYPERVISOR_domctl, tools_gva(s, &s->a.op.domctl), 0, 0, 0, 0);
}

long tools_reservation(struct tools_state *s, unsigned cmd, domid_t dom, const uint64_t *gfns, unsigned n,
		       unsigned order)
{
	struct xen_memory_reservation *r = &s->a.op.res;

	if (n > TOOLS_BATCH)
		return -XEN_EINVAL;
	for (unsigned i = 0; i < n; i++)
		s->a.gfn[i] = gfns[i];
	zero(r, sizeof(*r));
	r->extent_start = tools_gva(s, s->a.gfn);
	r->nr_extents = n;
	r->extent_order = order;
	r->domid = dom;
	return gl_hypercall(__HYPERVISOR_memory_op, cmd, tools_gva(s, r), 0, 0, 0);
}

int tools_add_to_physmap(struct tools_state *s, domid_t dom, unsigned space, uint64_t idx, uint64_t gfn)
{
	struct xen_add_to_physmap *a = &s->a.op.atp;

	zero(a, sizeof(*a));
	a->domid = dom;
	a->size = 1;
	a->space = space;
	a->idx = idx;
	a->gpfn = gfn;
	return (int)gl_hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, tools_gva(s, a), 0, 0, 0);
}

int tools_remove_from_physmap(struct tools_state *s, domid_t dom, uint64_t gfn)
{
	struct xen_remove_from_physmap *r = &s->a.op.rm;

	zero(r, sizeof(*r));
	r->domid = dom;
	r->gpfn = gfn;
	return (int)gl_hypercall(__HYPERVISOR_memory_op, XENMEM_remove_from_physmap, tools_gva(s, r), 0, 0, 0);
}

int tools_hvm_param(struct tools_state *s, bool set, domid_t dom, uint32_t index, uint64_t *value)
{
	struct xen_hvm_param *p = &s->a.op.hvm;

	zero(p, sizeof(*p));
	p->domid = dom;
	p->index = index;
	p->value = set ? *value : 0;
	long rc = gl_hypercall(__HYPERVISOR_hvm_op, set ? HVMOP_set_param : HVMOP_get_param, tools_gva(s, p), 0, 0, 0);
	if (!rc && !set)
		*value = p->value;
	return (int)rc;
}

int tools_alloc_unbound(struct tools_state *s, domid_t dom, domid_t remote, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound *u = &s->a.op.unbound;

	zero(u, sizeof(*u));
	u->dom = dom;
	u->remote_dom = remote;
	long rc = gl_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, tools_gva(s, u), 0, 0, 0);
	if (!rc)
		*port = u->port;
	return (int)rc;
}
