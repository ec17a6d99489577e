/* sched_op: yield, shutdown and remote_shutdown (with Xen's reasons). Block and poll need event
 * channels, the watchdog a timer. */
#include "hcall/hcall.h"
#include "mm/guest_copy.h"
#include "public/errno.h"

long hcall_sched_op(struct vcpu *v, const uint64_t *a, bool *yield)
{
	switch (a[0]) {
	case SCHEDOP_yield: *yield = true; return 0;
	case SCHEDOP_shutdown: {
		uint32_t reason;
		if (copy_from_guest(&v->ctx, &v->dom->p2m, &reason, a[1], sizeof(reason)))
			return -XEN_EFAULT;
		if (reason > SHUTDOWN_soft_reset)
			return -XEN_EINVAL;
		domain_shutdown(v->dom, reason);
		*yield = true;
		return 0;
	}
	case SCHEDOP_remote_shutdown: {
		/* struct sched_remote_shutdown { domid_t domain_id; unsigned int reason; } */
		struct {
			domid_t domain_id;
			uint16_t pad;
			uint32_t reason;
		} r;
		if (copy_from_guest(&v->ctx, &v->dom->p2m, &r, a[1], sizeof(r)))
			return -XEN_EFAULT;
		/* Referenced: another pCPU may be tearing the target down meanwhile. */
		struct domain *d = domain_get(r.domain_id);
		if (!d)
			return -XEN_ESRCH;
		long rc = !v->dom->privileged ? -XEN_EPERM : r.reason > SHUTDOWN_soft_reset ? -XEN_EINVAL : 0;
		if (!rc) {
			domain_shutdown(d, r.reason);
			*yield = d == v->dom;
		}
		domain_put(d);
		return rc;
	}
	default: return -XEN_ENOSYS;
	}
}
