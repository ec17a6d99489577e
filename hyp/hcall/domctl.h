/* domctl's operations, each on an op already checked (interface version, privilege) with its
 * target domain referenced (NULL for createdomain, and for getdomaininfo of an id not live). */
#pragma once

#include "hcall/hcall.h"
#include "public/domctl.h"

/* Each returns 0 or a negative Xen errno; *copyback when @op goes back to the caller.
 * DOMCTL_AGAIN: not finished (destroydomain waiting for the domain's vCPUs to leave their pCPUs);
 * the caller's vCPU issues the same call again, as after Xen's hypercall continuation. */
#define DOMCTL_AGAIN 1
long domctl_lifecycle(struct vcpu *v, struct domain *d, struct xen_domctl *op, bool *copyback);
long domctl_iomem(struct vcpu *v, struct domain *d, const struct xen_domctl *op);
/* assign_device / deassign_device (@cmd) of the host DT node whose path @a names, read from the
 * caller's memory (@v). */
long domctl_dev(struct vcpu *v, struct domain *d, const struct xen_domctl_assign_device *a, uint32_t cmd);
long domctl_vcpucontext(struct vcpu *v, struct domain *d, const struct xen_domctl_vcpucontext *c);
