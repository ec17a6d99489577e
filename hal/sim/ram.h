/* The machine's RAM: each bank the tree names is backed by a lazily committed host mapping, so a
 * gigabyte of simulated RAM costs only the pages the run touches. */
#pragma once

#include "hal/platform.h"

/* Returns 0, or -1 if the bank overlaps another, is too many, or cannot be mapped. */
int sim_ram_add(paddr_t base, uint64_t size);

/* Marks @r (rounded out to pages) as the HAL's own, for hal_mem_reserved: what the sim itself
 * puts in RAM, as the boot loader's tree. Boot modules are the core's to reserve, as on hardware. */
void sim_ram_reserve(struct plat_region r);

/* Unmaps every bank and forgets the reservations. */
void sim_ram_reset(void);
