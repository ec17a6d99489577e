/* hvm_op get/set_param. The control domain may read and write any other domain's parameters; a
 * domain may read a few of its own and set none: on arm Xen keeps them all the toolstack's. */
#include "hcall/hcall.h"
#include "mm/guest_copy.h"
#include "public/errno.h"

/* The event-channel upcall is a fixed PPI on arm, so unlike x86 not even CALLBACK_IRQ is the
 * guest's to set (Xen 4.17 answers Dom0's own attempt with -EPERM). */
static bool self_may_set(uint32_t index)
{
	(void)index;
	return false;
}

static bool self_may_get(uint32_t index)
{
	switch (index) {
	case HVM_PARAM_CALLBACK_IRQ:
	case HVM_PARAM_STORE_PFN:
	case HVM_PARAM_STORE_EVTCHN:
	case HVM_PARAM_CONSOLE_PFN:
	case HVM_PARAM_CONSOLE_EVTCHN: return true;
	default: return false;
	}
}

/* Reads or writes one parameter of @d, which the caller's reference keeps. */
static long param_of(struct vcpu *v, struct domain *d, bool set, struct xen_hvm_param *p, uint64_t gva)
{
	bool self = d == v->dom;
	if (self ? !(set ? self_may_set(p->index) : self_may_get(p->index)) : !v->dom->privileged)
		return -XEN_EPERM;
	if (set) {
		__atomic_store_n(&d->hvm_param[p->index], p->value, __ATOMIC_RELEASE);
		return 0;
	}
	p->value = __atomic_load_n(&d->hvm_param[p->index], __ATOMIC_ACQUIRE);
	return copy_to_guest(&v->ctx, &v->dom->p2m, gva, p, sizeof(*p)) ? -XEN_EFAULT : 0;
}

static long param(struct vcpu *v, bool set, uint64_t gva)
{
	struct xen_hvm_param p;

	if (copy_from_guest(&v->ctx, &v->dom->p2m, &p, gva, sizeof(p)))
		return -XEN_EFAULT;
	if (p.index >= HVM_NR_PARAMS)
		return -XEN_EINVAL;
	if (p.domid == DOMID_SELF || p.domid == v->dom->id)
		return param_of(v, v->dom, set, &p, gva);
	/* Another pCPU may be tearing the target down: the reference keeps its struct until we are
	 * done, and one whose teardown is decided is not found at all. */
	struct domain *d = domain_get(p.domid);
	if (!d)
		return -XEN_ESRCH;
	long rc = param_of(v, d, set, &p, gva);
	domain_put(d);
	return rc;
}

long hcall_hvm_op(struct vcpu *v, const uint64_t *a, bool *yield)
{
	(void)yield;
	switch (a[0]) {
	case HVMOP_set_param: return param(v, true, a[1]);
	case HVMOP_get_param: return param(v, false, a[1]);
	default: return -XEN_ENOSYS;
	}
}
