/* domctl's domain life cycle for the toolstack: createdomain, destroydomain, getdomaininfo,
 * max_mem, setvcpucontext, and the host device ranges a domain is given, with Xen 4.17's semantics
 * and errnos. */
#include "dom/dom_create.h"
#include "hcall/domctl.h"
#include "mm/guest_copy.h"
#include "public/errno.h"

static long getdomaininfo(struct domain *d, struct xen_domctl *op)
{
	struct domain *found = d;

	/* An id that is not live names the next live one above it, so a walk from 0 lists them all. */
	if (!found) {
		if (op->domain >= DOMID_FIRST_RESERVED)
			return -XEN_EINVAL;
		found = domain_get_next(op->domain);
		if (!found)
			return -XEN_ESRCH;
	}
	dom_info(found, &op->u.getdomaininfo);
	op->domain = found->id;
	if (found != d)
		domain_put(found);
	return 0;
}

long domctl_lifecycle(struct vcpu *v, struct domain *d, struct xen_domctl *op, bool *copyback)
{
	struct domain *created;
	long rc;

	switch (op->cmd) {
	case XEN_DOMCTL_createdomain:
		rc = dom_create(op->domain, &op->u.createdomain, &created);
		if (rc)
			return rc;
		op->domain = created->id;
		*copyback = true;
		return 0;
	case XEN_DOMCTL_destroydomain:
		if (d == v->dom)
			return -XEN_EINVAL;
		return domain_kill(d) ? 0 : DOMCTL_AGAIN;
	case XEN_DOMCTL_getdomaininfo: *copyback = true; return getdomaininfo(d, op);
	case XEN_DOMCTL_max_mem:
		/* Lowering it below what the domain holds only stops it growing, as in Xen. */
		d->max_pages = op->u.max_mem.max_memkb >> (PAGE_SHIFT - 10);
		return 0;
	default: return -XEN_ENOSYS;
	}
}

long domctl_iomem(struct vcpu *v, struct domain *d, const struct xen_domctl *op)
{
	const struct xen_domctl_iomem_permission *p = &op->u.iomem_permission;
	const struct xen_domctl_memory_mapping *m = &op->u.memory_mapping;

	if (op->cmd == XEN_DOMCTL_memory_mapping)
		return dom_iomem_map(v->dom, d, m->first_gfn, m->first_mfn, m->nr_mfns, m->add_mapping);
	uint64_t last = p->first_mfn + p->nr_mfns - 1;
	if (p->nr_mfns == 0 || last < p->first_mfn)
		return -XEN_EINVAL;
	return dom_iomem_permit(v->dom, d, p->first_mfn, last, p->allow_access);
}

long domctl_vcpucontext(struct vcpu *v, struct domain *d, const struct xen_domctl_vcpucontext *c)
{
	struct vcpu_guest_context ctx;

	/* Its own vCPUs run while it asks: their context is not the toolstack's to set. */
	if (d == v->dom || c->vcpu >= d->nr_vcpus)
		return -XEN_EINVAL;
	if (!c->ctxt)
		return dom_set_vcpu_context(d, c->vcpu, NULL);
	if (copy_from_guest(&v->ctx, &v->dom->p2m, &ctx, c->ctxt, sizeof(ctx)))
		return -XEN_EFAULT;
	return dom_set_vcpu_context(d, c->vcpu, &ctx);
}
