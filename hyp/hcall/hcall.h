/* Hypercall dispatch with Xen's arm64 convention: op in x16, arguments in x0-x4, result in x0.
 * Unknown ops get -ENOSYS; each op validates its own arguments. */
#pragma once

#include "dom/domain.h"

/* Handles the hypercall @v trapped with; returns false if @v should give up its pCPU. */
bool hcall_dispatch(struct vcpu *v);

/* The hypervisor's command line, for XENVER_commandline (set once at boot). */
void hcall_set_commandline(const char *line);
const char *hcall_commandline(void);

/* The ops, each with the raw argument registers. They set *yield when the vCPU should stop. */
long hcall_console_io(struct vcpu *v, const uint64_t *a, bool *yield);
long hcall_xen_version(struct vcpu *v, const uint64_t *a, bool *yield);
long hcall_hvm_op(struct vcpu *v, const uint64_t *a, bool *yield);
long hcall_memory_op(struct vcpu *v, const uint64_t *a, bool *yield); /* :memory */
long hcall_sysctl(struct vcpu *v, const uint64_t *a, bool *yield);    /* :memory */
long hcall_vcpu_op(struct vcpu *v, const uint64_t *a, bool *yield);
long hcall_domctl(struct vcpu *v, const uint64_t *a, bool *yield);
long hcall_sched_op(struct vcpu *v, const uint64_t *a, bool *yield);
long hcall_grant_table_op(struct vcpu *v, const uint64_t *a, bool *yield);   /* hyp/gnttab */
long hcall_event_channel_op(struct vcpu *v, const uint64_t *a, bool *yield); /* hyp/evtchn */
