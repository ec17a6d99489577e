/* Which vCPU a pCPU runs next: per-pCPU round-robin run queues of pinned vCPUs.
 * A placeholder policy for the memory issue; the domains issue brings fair-share and null. */
#pragma once

#include "dom/domain.h"

void sched_add(struct vcpu *v, unsigned pcpu);

/* The next runnable vCPU of this pCPU, taken off its queue; NULL if there is none. vCPUs that
 * were asked to stop, or whose domain is shutting down, are retired here instead of returned. */
struct vcpu *sched_pick(unsigned pcpu);

/* Gives @v (just run) back to its queue, or retires it as sched_pick would. */
void sched_put(struct vcpu *v);
