/* vCPU runstate accounting (Xen's vcpu_runstate_info): time in running, runnable, blocked and
 * offline, mirrored into the guest's registered area with Xen's XEN_RUNSTATE_UPDATE protocol. */
#pragma once

#include "dom/domain.h"

/* Records that @v enters @state now (RUNSTATE_*), publishing to the guest's area if it has one. */
void runstate_set(struct vcpu *v, int state);

/* vcpu_op register_runstate_memory_area by @caller for @v: the area at guest VA @gva (0
 * unregisters). Writes the current state there at once and, as Xen, does not fail on an area it
 * cannot write. */
long runstate_register(struct vcpu *caller, struct vcpu *v, uint64_t gva);
