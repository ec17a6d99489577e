/* The hypervisor's own (EL2 stage-1) view of physical memory.
 * Real: an identity map with caches on; sim: host memory backing the simulated RAM. */
#pragma once

#include "hal/platform.h"

/* Returns NULL if @pa is not RAM the hypervisor maps. */
void *hal_pa_to_va(paddr_t pa);
paddr_t hal_va_to_pa(const void *va);

/* RAM the HAL itself occupies (its image, stacks, tables, the host tree): the core's frame
 * allocator must never hand these out. Fills up to @max regions, returns how many there are. */
unsigned hal_mem_reserved(struct plat_region *out, unsigned max);

/* Cleans [@va, @va + @len) from the data caches to the point of coherency, so an observer that
 * does not look in the caches (a guest with its MMU off, a non-coherent DMA master) sees what the
 * hypervisor wrote. No-op where there is nothing to clean (the sim). */
void hal_dcache_clean(const void *va, size_t len);
