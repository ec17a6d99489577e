/* sysctl: the control domain's questions about the machine, checked in Xen's order (the struct,
 * the interface version, privilege). XEN_SYSCTL_physinfo: CPUs, the counter's rate and the frames,
 * free and in all (what a toolstack's leak check reads). */
#include "hcall/hcall.h"

#include "hal/timer.h"
#include "mm/frame.h"
#include "mm/guest_copy.h"
#include "public/errno.h"
#include "public/sysctl.h"
#include "sched/sched.h"

/* Every frame the allocator manages: free, or held by a domain or the hypervisor. */
static uint64_t total_frames(void)
{
	uint64_t n = frame_free_count() + frame_count(DOMID_XEN);

	for (domid_t id = 0; id < FRAME_MAX_DOMAINS; id++)
		n += frame_count(id);
	return n;
}

static void physinfo(struct xen_sysctl_physinfo *p)
{
	unsigned cpus = sched_pcpus();

	*p = (struct xen_sysctl_physinfo){
		.threads_per_core = 1,
		.cores_per_socket = cpus,
		.nr_cpus = cpus,
		.max_cpu_id = cpus - 1,
		.nr_nodes = 1,
		.cpu_khz = (uint32_t)(hal_counter_freq() / 1000),
		.capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap | XEN_SYSCTL_PHYSCAP_gnttab_v1,
		.total_pages = total_frames(),
		.free_pages = frame_free_count(),
	};
}

long hcall_sysctl(struct vcpu *v, const uint64_t *a, bool *yield)
{
	struct xen_sysctl op;

	(void)yield;
	if (copy_from_guest(&v->ctx, &v->dom->p2m, &op, a[0], sizeof(op)))
		return -XEN_EFAULT;
	if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
		return -XEN_EACCES;
	if (!v->dom->privileged)
		return -XEN_EPERM;
	switch (op.cmd) {
	case XEN_SYSCTL_physinfo: physinfo(&op.u.physinfo); break;
	default: return -XEN_ENOSYS;
	}
	return copy_to_guest(&v->ctx, &v->dom->p2m, a[0], &op, sizeof(op)) ? -XEN_EFAULT : 0;
}
