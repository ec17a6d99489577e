/* The hypervisor's own (EL2 stage-1) view of physical memory.
 * Real: an identity map with caches on; sim: host memory backing the simulated RAM. */
#pragma once

#include "hal/types.h"

/* Returns NULL if @pa is not RAM the hypervisor maps. */
void *hal_pa_to_va(paddr_t pa);
paddr_t hal_va_to_pa(const void *va);
