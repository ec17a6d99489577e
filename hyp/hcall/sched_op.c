/* sched_op: yield and shutdown (with Xen's reasons). Block and poll need event channels. */
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
	default: return -XEN_ENOSYS;
	}
}
