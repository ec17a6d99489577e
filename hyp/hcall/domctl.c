/* domctl: the control domain's operations on domains, checked in Xen's order (the struct, the
 * interface version, the target, then privilege) and run one at a time, as Xen's domctl lock does. */
#include "hcall/domctl.h"

#include "mm/guest_copy.h"
#include "public/errno.h"

static spinlock_t domctl_lock = SPINLOCK_INIT;

/* Ops that name no live domain: createdomain makes one, getdomaininfo looks for the next. */
static bool needs_target(uint32_t cmd) { return cmd != XEN_DOMCTL_createdomain && cmd != XEN_DOMCTL_getdomaininfo; }

static long run(struct vcpu *v, struct domain *d, struct xen_domctl *op, bool *copyback)
{
	switch (op->cmd) {
	case XEN_DOMCTL_pausedomain:
		/* Pausing itself would leave no one to unpause it. */
		if (d == v->dom)
			return -XEN_EINVAL;
		domain_pause(d);
		return 0;
	case XEN_DOMCTL_unpausedomain: return d == v->dom ? -XEN_EINVAL : domain_unpause(d);
	case XEN_DOMCTL_setvcpucontext: return domctl_vcpucontext(v, d, &op->u.vcpucontext);
	case XEN_DOMCTL_iomem_permission:
	case XEN_DOMCTL_memory_mapping: return domctl_iomem(v, d, op);
	case XEN_DOMCTL_assign_device:
	case XEN_DOMCTL_deassign_device: return domctl_dev(v, d, &op->u.assign_device, op->cmd);
	case XEN_DOMCTL_createdomain:
	case XEN_DOMCTL_destroydomain:
	case XEN_DOMCTL_getdomaininfo:
	case XEN_DOMCTL_max_mem: return domctl_lifecycle(v, d, op, copyback);
	default: return -XEN_ENOSYS;
	}
}

long hcall_domctl(struct vcpu *v, const uint64_t *a, bool *yield)
{
	struct xen_domctl op;
	struct domain *d = NULL;
	bool copyback = false;

	if (copy_from_guest(&v->ctx, &v->dom->p2m, &op, a[0], sizeof(op)))
		return -XEN_EFAULT;
	if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
		return -XEN_EACCES;
	if (op.cmd != XEN_DOMCTL_createdomain)
		d = domain_get(op.domain);
	if (!d && needs_target(op.cmd))
		return -XEN_ESRCH;
	long rc = -XEN_EPERM;
	if (v->dom->privileged) {
		spin_lock(&domctl_lock);
		rc = run(v, d, &op, &copyback);
		spin_unlock(&domctl_lock);
	}
	/* After the lock: a destroyed domain's teardown may be this last reference's. */
	if (d)
		domain_put(d);
	if (rc == DOMCTL_AGAIN) {
		/* The HVC again, with x0 (the struct's address) as it was; other vCPUs run meanwhile. */
		v->ctx.pc -= 4;
		*yield = true;
		return (long)a[0];
	}
	if (!rc && copyback && copy_to_guest(&v->ctx, &v->dom->p2m, a[0], &op, sizeof(op)))
		rc = -XEN_EFAULT;
	return rc;
}
