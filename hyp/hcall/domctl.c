/* domctl: the control domain's operations on other domains, checked in Xen's order (the struct,
 * the interface version, the target, then privilege). Today: pause and unpause. */
#include "hcall/hcall.h"
#include "mm/guest_copy.h"
#include "public/errno.h"

long hcall_domctl(struct vcpu *v, const uint64_t *a, bool *yield)
{
	struct xen_domctl op;

	(void)yield;
	if (copy_from_guest(&v->ctx, &v->dom->p2m, &op, a[0], sizeof(op)))
		return -XEN_EFAULT;
	if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
		return -XEN_EACCES;
	struct domain *d = domain_by_id(op.domain);
	if (!d)
		return -XEN_ESRCH;
	if (!v->dom->privileged)
		return -XEN_EPERM;
	switch (op.cmd) {
	case XEN_DOMCTL_pausedomain:
		/* Pausing itself would leave no one to unpause it. */
		if (d == v->dom)
			return -XEN_EINVAL;
		domain_pause(d);
		return 0;
	case XEN_DOMCTL_unpausedomain: return d == v->dom ? -XEN_EINVAL : domain_unpause(d);
	default: return -XEN_ENOSYS;
	}
}
