/* domctl's device assignment: the toolstack gives a host device tree node (by path) to a domain it
 * built, or takes it back, as Xen 4.17's iommu_do_dt_domctl on arm (no PCI). */
#include "hcall/domctl.h"
#include "iommu/iommu.h"
#include "mm/guest_copy.h"
#include "public/errno.h"

#define PATH_MAX_BYTES PAGE_SIZE /* Xen's bound on a guest-supplied path */

/* Only under domctl_lock, as every domctl runs: too big for the hypervisor's stack. */
static char path[PATH_MAX_BYTES + 1];

long domctl_dev(struct vcpu *v, struct domain *d, const struct xen_domctl_assign_device *a, uint32_t cmd)
{
	if (a->dev != XEN_DOMCTL_DEV_DT)
		return -XEN_ENODEV;
	/* A dying domain's devices are on their way back: none is given to it. */
	if (a->flags || (cmd == XEN_DOMCTL_assign_device && d->dying))
		return -XEN_EINVAL;
	if (a->u.dt.size > PATH_MAX_BYTES)
		return -XEN_ENOBUFS;
	if (copy_from_guest(&v->ctx, &v->dom->p2m, path, a->u.dt.path, a->u.dt.size))
		return -XEN_EFAULT;
	path[a->u.dt.size] = '\0';
	return cmd == XEN_DOMCTL_assign_device ? iommu_dt_assign(d, path) : iommu_dt_deassign(d, path);
}
