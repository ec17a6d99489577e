/* XEN_SYSCTL_physinfo for the control domain: how many pages the machine has and how many are
 * free, what a leak check compares across domain lifetimes. */
#include "guests/lib/tools/int.h"

#include "lib/guest.h"
#include "public/errno.h"
#include "public/sysctl.h"

_Static_assert(sizeof(struct xen_sysctl) <= sizeof(((struct tools_args *)0)->op), "sysctl fits the argument area");

int gl_tools_physinfo(uint64_t *free_pages, uint64_t *total_pages)
{
	struct tools_state *s = tools_get();

	if (!s)
		return -XEN_EINVAL;
	struct xen_sysctl *op = (struct xen_sysctl *)&s->a.op;
	for (size_t i = 0; i < sizeof(*op) / 8; i++)
		((volatile uint64_t *)op)[i] = 0;
	op->cmd = XEN_SYSCTL_physinfo;
	op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	long rc = gl_hypercall(__HYPERVISOR_sysctl, tools_gva(s, op), 0, 0, 0, 0);
	if (rc)
		return (int)rc;
	*free_pages = op->u.physinfo.free_pages;
	*total_pages = op->u.physinfo.total_pages;
	return 0;
}
