#include "hcall/hcall.h"

#include "public/errno.h"

typedef long (*hcall_fn)(struct vcpu *v, const uint64_t *a, bool *yield);

/* One op per line, by Xen's number. */
/* clang-format off */
static const hcall_fn table[] = {
	[__HYPERVISOR_memory_op] = hcall_memory_op,
	[__HYPERVISOR_xen_version] = hcall_xen_version,
	[__HYPERVISOR_console_io] = hcall_console_io,
	[__HYPERVISOR_grant_table_op] = hcall_grant_table_op,
	[__HYPERVISOR_vcpu_op] = hcall_vcpu_op,
	[__HYPERVISOR_sched_op] = hcall_sched_op,
	[__HYPERVISOR_event_channel_op] = hcall_event_channel_op,
	[__HYPERVISOR_hvm_op] = hcall_hvm_op,
	[__HYPERVISOR_sysctl] = hcall_sysctl,
	[__HYPERVISOR_domctl] = hcall_domctl,
};
/* clang-format on */

static const char *commandline = "";

void hcall_set_commandline(const char *line) { commandline = line ? line : ""; }

const char *hcall_commandline(void) { return commandline; }

bool hcall_dispatch(struct vcpu *v)
{
	uint64_t op = v->ctx.x[16];
	bool yield = false;
	long rc = -XEN_ENOSYS;

	if (op < sizeof(table) / sizeof(table[0]) && table[op])
		rc = table[op](v, v->ctx.x, &yield);
	v->ctx.x[0] = (uint64_t)rc;
	return !yield;
}
